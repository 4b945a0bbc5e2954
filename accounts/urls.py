from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("sign-up/", views.SignUpView.as_view(), name="signup"),
    path("sign-up/check-your-email/", views.SignUpDoneView.as_view(), name="signup-done"),
    path("confirm/resend/", views.EmailConfirmResendView.as_view(), name="confirm-resend"),
    path("confirm/<uidb64>/<token>/", views.EmailConfirmView.as_view(), name="confirm"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path(
        "password-reset/sent/",
        views.PasswordResetDoneView.as_view(),
        name="password-reset-done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path("password/", views.PasswordChangeView.as_view(), name="password-change"),
    path("invitations/<str:token>/", views.RoleInvitationAcceptView.as_view(), name="invitation"),
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("two-factor/", views.TwoFactorSetupView.as_view(), name="two-factor-setup"),
    path("two-factor/remove/", views.TwoFactorRemoveView.as_view(), name="two-factor-remove"),
    path("two-factor/verify/", views.TwoFactorVerifyView.as_view(), name="two-factor-verify"),
]
