import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.encoding import force_str
from django.utils.http import url_has_allowed_host_and_scheme, urlencode, urlsafe_base64_decode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView
from django_otp import login as otp_login

from core.errors import ApplicationError
from core.ratelimit import rate_limited

from . import services, two_factor
from .forms import (
    InvitationAccountForm,
    LoginForm,
    ProfileForm,
    QueuedPasswordResetForm,
    ResendConfirmationForm,
    SignUpForm,
    TwoFactorCodeForm,
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


PENDING_SECOND_FACTOR = "accounts_pending_second_factor"
SECOND_FACTOR_WINDOW = 300  # seconds between the password and the code


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if two_factor.has_two_factor(user):
            # The password was right; the session is only signed in once the code is too.
            self.request.session[PENDING_SECOND_FACTOR] = {
                "user": user.pk,
                "backend": user.backend,
                "next": self.get_success_url(),
                "at": int(time.time()),
            }
            return redirect("accounts:two-factor-verify")
        response = super().form_valid(form)
        # The person's own language wins over whatever this browser last used.
        set_language_cookie(response, user.preferred_language)
        return response


class TwoFactorVerifyView(FormView):
    """The second step of signing in, for people who set up an authenticator app."""

    template_name = "accounts/two_factor_verify.html"
    form_class = TwoFactorCodeForm

    def dispatch(self, request, *args, **kwargs):
        pending = request.session.get(PENDING_SECOND_FACTOR)
        if not pending or time.time() - pending["at"] > SECOND_FACTOR_WINDOW:
            request.session.pop(PENDING_SECOND_FACTOR, None)
            messages.info(request, _("Sign in again to continue."))
            return redirect("accounts:login")
        self.pending = pending
        self.user = get_object_or_404(User, pk=pending["user"], is_active=True)
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        device = two_factor.verify(self.user, form.cleaned_data["code"])
        if device is None:
            form.add_error("code", _("That code is not right. Try the newest code in your app."))
            return self.form_invalid(form)
        self.request.session.pop(PENDING_SECOND_FACTOR, None)
        auth_login(self.request, self.user, backend=self.pending["backend"])
        otp_login(self.request, device)
        response = redirect(self.pending["next"])
        set_language_cookie(response, self.user.preferred_language)
        return response


class TwoFactorSetupView(LoginRequiredMixin, FormView):
    template_name = "accounts/two_factor_setup.html"
    form_class = TwoFactorCodeForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["enabled"] = two_factor.has_two_factor(self.request.user)
        if not context["enabled"]:
            device = two_factor.two_factor_device_start(user=self.request.user)
            context["qr_svg"] = two_factor.qr_svg(device)
            context["secret"] = two_factor.secret_for_display(device)
        context["removable"] = not (
            settings.TWO_FACTOR_REQUIRED_FOR_ADMINS and self.request.user.is_programme_admin
        )
        return context

    def form_valid(self, form):
        try:
            device = two_factor.two_factor_device_confirm(
                user=self.request.user, token=form.cleaned_data["code"]
            )
        except ApplicationError as error:
            form.add_error("code", error.message)
            return self.form_invalid(form)
        otp_login(self.request, device)
        messages.success(self.request, _("Two-factor sign-in is on."))
        return redirect("accounts:profile")


class TwoFactorRemoveView(LoginRequiredMixin, FormView):
    template_name = "accounts/two_factor_setup.html"
    form_class = TwoFactorCodeForm
    http_method_names = ["post"]

    def form_valid(self, form):
        user = self.request.user
        if settings.TWO_FACTOR_REQUIRED_FOR_ADMINS and user.is_programme_admin:
            raise ApplicationError(_("Programme admins must keep two-factor sign-in on."))
        try:
            two_factor.two_factor_remove(user=user, token=form.cleaned_data["code"])
        except ApplicationError as error:
            messages.error(self.request, error.message)
            return redirect("accounts:two-factor-setup")
        messages.success(self.request, _("Two-factor sign-in is off."))
        return redirect("accounts:profile")

    def form_invalid(self, form):
        messages.error(self.request, _("Enter the 6-digit code from your app."))
        return redirect("accounts:two-factor-setup")


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

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["two_factor_enabled"] = two_factor.has_two_factor(self.request.user)
        return context

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


class RoleInvitationAcceptView(View):
    """Where an invitation link lands: accept signed in, or create the account here."""

    template_name = "accounts/roleinvitation_accept.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.invitation = services.role_invitation_by_token(kwargs["token"])

    def _render(self, request, form=None, status=200):
        invitation = self.invitation
        has_account = User.objects.filter(email=invitation.email).exists()
        if form is None and not request.user.is_authenticated and not has_account:
            form = InvitationAccountForm(
                initial={"full_name": invitation.full_name}, email=invitation.email
            )
        return render(
            request,
            self.template_name,
            {"invitation": invitation, "form": form, "has_account": has_account},
            status=status,
        )

    def get(self, request, token):
        if self.invitation is None or not self.invitation.is_usable:
            return render(request, "accounts/roleinvitation_unusable.html", status=404)
        return self._render(request)

    def post(self, request, token):
        if self.invitation is None or not self.invitation.is_usable:
            return render(request, "accounts/roleinvitation_unusable.html", status=404)
        if request.user.is_authenticated:
            user = services.role_invitation_accept(invitation=self.invitation, user=request.user)
        else:
            form = InvitationAccountForm(request.POST, email=self.invitation.email)
            if not form.is_valid():
                return self._render(request, form=form, status=200)
            user = services.role_invitation_accept_with_new_account(
                invitation=self.invitation, language=get_language(), **form.cleaned_data
            )
            auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request,
            _("Welcome. You are now a %(role)s on the Academy portal.")
            % {"role": user.get_role_display().lower()},
        )
        return redirect(settings.LOGIN_REDIRECT_URL)
