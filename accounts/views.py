from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.encoding import force_str
from django.utils.http import url_has_allowed_host_and_scheme, urlencode, urlsafe_base64_decode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from core.ratelimit import rate_limited

from . import services
from .forms import (
    LoginForm,
    ProfileForm,
    QueuedPasswordResetForm,
    ResendConfirmationForm,
    SignUpForm,
)
from .tokens import email_confirmation_token

User = get_user_model()


def safe_next(request) -> str:
    """The `next` page asked for (a path on this site), or an empty string."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def set_language_cookie(response, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite="Lax",
    )


# Public forms that send e-mail: limited per client address.
limit_public_form = method_decorator(
    rate_limited("account-email", limit=10, period=600), name="dispatch"
)


@limit_public_form
class SignUpView(FormView):
    template_name = "accounts/signup.html"
    form_class = SignUpForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect(safe_next(request) or settings.LOGIN_REDIRECT_URL)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(next=safe_next(self.request), **kwargs)

    def form_valid(self, form):
        try:
            services.user_sign_up(
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password"],
                language=get_language(),
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        self.request.session["signup_email"] = form.cleaned_data["email"]
        # Where the person was going (an invitation, an application form): after they
        # confirm their address in this browser, signing in takes them back there.
        self.request.session["signup_next"] = safe_next(self.request)
        return redirect("accounts:signup-done")


class SignUpDoneView(TemplateView):
    template_name = "accounts/signup_done.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(email=self.request.session.get("signup_email"), **kwargs)


def _user_from_uid(uidb64: str):
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    return User.objects.filter(pk=pk).first()


class EmailConfirmView(View):
    """GET shows a button; only the POST confirms, so link scanners change nothing."""

    template_name = "accounts/email_confirm.html"

    def _valid_user(self, uidb64, token):
        user = _user_from_uid(uidb64)
        if user is not None and email_confirmation_token.check_token(user, token):
            return user
        return None

    def get(self, request, uidb64, token):
        user = self._valid_user(uidb64, token)
        return render(
            request,
            self.template_name,
            {"valid": user is not None, "form": ResendConfirmationForm()},
            status=200 if user else 400,
        )

    def post(self, request, uidb64, token):
        user = self._valid_user(uidb64, token)
        if user is None:
            return render(
                request,
                self.template_name,
                {"valid": False, "form": ResendConfirmationForm()},
                status=400,
            )
        services.user_confirm_email(user=user)
        messages.success(request, _("Your email address is confirmed. You can now sign in."))
        next_url = request.session.pop("signup_next", "")
        if next_url:
            return redirect(f"{reverse('accounts:login')}?{urlencode({'next': next_url})}")
        return redirect("accounts:login")


@limit_public_form
class EmailConfirmResendView(FormView):
    template_name = "accounts/email_confirm_resend.html"
    form_class = ResendConfirmationForm

    def form_valid(self, form):
        user = User.objects.filter(email=form.cleaned_data["email"], is_active=True).first()
        if user is not None:
            services.user_send_confirmation(user=user)
        # The same answer either way, so the form cannot be used to probe addresses.
        messages.info(
            self.request,
            _("If that address has an unconfirmed account, we have sent it a new link."),
        )
        return redirect("accounts:login")


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        # The person's own language wins over whatever this browser last used.
        set_language_cookie(response, form.get_user().preferred_language)
        return response


class LogoutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("You have signed out."))
        return response


@limit_public_form
class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = QueuedPasswordResetForm
    success_url = reverse_lazy("accounts:password-reset-done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:login")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password has been changed. You can now sign in."))
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password has been changed."))
        return response


class ProfileView(LoginRequiredMixin, FormView):
    template_name = "accounts/profile.html"
    form_class = ProfileForm

    def get_initial(self):
        user = self.request.user
        return {
            "full_name": user.full_name,
            "job_title": user.job_title,
            "organisation": user.organisation,
            "preferred_language": user.preferred_language,
        }

    def form_valid(self, form):
        try:
            services.user_update_profile(user=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Your details have been saved."))
        response = redirect(reverse("accounts:profile"))
        set_language_cookie(response, form.cleaned_data["preferred_language"])
        return response
