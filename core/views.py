import datetime as dt

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import connection
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import TemplateView
from django_q.conf import Conf
from django_q.status import Stat

from academy.progress import dashboard_entries
from accounts.services import user_set_language
from accounts.views import set_language_cookie
from announcements.selectors import announcement_list_for_dashboard
from certificates.selectors import certificate_list_for_holder
from cohorts.selectors import (
    application_list_needing_attention,
    cohort_list_facilitated,
    enrolment_list_for_organisation,
)
from privacy.selectors import privacy_notice_entries
from scheduling.selectors import session_next_for_person

from .tasks import task_broker


class DashboardView(LoginRequiredMixin, TemplateView):
    """Each person's starting page: their own places, then what their role manages."""

    template_name = "core/dashboard.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        context = super().get_context_data(**kwargs)
        context["progress_entries"] = dashboard_entries(user)
        context["enrolments"] = [entry.enrolment for entry in context["progress_entries"]]
        context["next_session"] = session_next_for_person(user)
        context["holder_certificates"] = certificate_list_for_holder(user)
        context["dashboard_announcements"] = announcement_list_for_dashboard(user)
        context.update(application_list_needing_attention(user))
        if user.is_facilitator or user.is_programme_admin:
            context["facilitated_cohorts"] = cohort_list_facilitated(user)
        if user.is_sponsor:
            context["organisation_enrolments"] = enrolment_list_for_organisation(user.organisation)
        return context


class AccessibilityStatementView(TemplateView):
    """The accessibility statement, in the form of GOV.UK's model statement."""

    template_name = "core/accessibility.html"
    # Change these when the statement is reviewed or the portal is tested again.
    PREPARED_ON = dt.date(2026, 11, 25)
    REVIEWED_ON = dt.date(2026, 11, 25)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            site_url=settings.SITE_URL,
            organisation=settings.CERTIFICATE_ISSUER_NAME,
            contact_email=settings.ACCESSIBILITY_CONTACT_EMAIL,
            idle_minutes=settings.SESSION_COOKIE_AGE // 60,
            prepared_on=self.PREPARED_ON,
            reviewed_on=self.REVIEWED_ON,
            **kwargs,
        )


class PrivacyNoticeView(TemplateView):
    """Rendered from the register of personal data, so the notice cannot drift from it."""

    template_name = "core/privacy.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            entries=privacy_notice_entries(),
            closed_application_months=settings.PRIVACY_CLOSED_APPLICATION_MONTHS,
            export_days=settings.PRIVACY_EXPORT_DAYS,
            sign_in_log_days=settings.PRIVACY_SIGN_IN_LOG_DAYS,
            equality_days=settings.EQUALITY_MONITORING_RETENTION_DAYS,
            contact_email=settings.PRIVACY_CONTACT_EMAIL,
            **kwargs,
        )


class LanguageSetView(View):
    """Switch the interface language; remembered in a cookie and in the profile."""

    def post(self, request):
        language = request.POST.get("language", "")
        if language not in dict(settings.LANGUAGES):
            return HttpResponseBadRequest("Unknown language.")
        next_url = request.POST.get("next", "/")
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = "/"
        if request.user.is_authenticated:
            user_set_language(user=request.user, language=language)
        response = redirect(next_url)
        set_language_cookie(response, language)
        return response


def _database_health() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # noqa: BLE001 - any failure means unhealthy
        return {"ok": False, "error": error.__class__.__name__}
    return {"ok": True, "vendor": connection.vendor}


def _task_queue_health() -> dict:
    try:
        broker = task_broker()
        clusters = [
            stat for stat in Stat.get_all(broker) if stat.status in (Conf.IDLE, Conf.WORKING)
        ]
        queued = broker.queue_size()
    except Exception as error:  # noqa: BLE001 - any failure means unhealthy
        return {"ok": False, "error": error.__class__.__name__}
    return {
        "ok": bool(clusters),
        "workers": sum(len(stat.workers) for stat in clusters),
        "clusters": len(clusters),
        "queued": queued,
    }


def favicon(request):
    """Browsers ask for /favicon.ico on pages that are not HTML (a JSON credential, a PDF)."""
    return redirect(static("favicon.svg"))


def healthz(request):
    """Database and task worker state for load balancers and monitoring."""
    checks = {"database": _database_health(), "tasks": _task_queue_health()}
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks},
        status=200 if healthy else 503,
        headers={"Cache-Control": "no-store"},
    )
