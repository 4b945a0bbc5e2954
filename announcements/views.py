from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from cohorts.permissions import cohorts_managed_by
from core.errors import ApplicationError

from . import permissions, selectors, services
from .forms import AnnouncementForm
from .models import Announcement

PAGE_SIZE = 25


class AnnouncementCreateView(LoginRequiredMixin, View):
    """A facilitator writes to everyone in a cohort, those at risk, or the waitlist."""

    template_name = "announcements/announcement_form.html"

    def _cohort(self, request, cohort_pk):
        cohort = get_object_or_404(
            cohorts_managed_by(request.user).select_related("programme"), pk=cohort_pk
        )
        if not permissions.can_send_announcement(request.user, cohort):
            raise Http404
        return cohort

    def _render(self, request, cohort, form, status=200):
        return render(request, self.template_name, {"cohort": cohort, "form": form}, status=status)

    def _counts(self, cohort) -> dict[str, int]:
        return {
            audience: len(services.audience_user_ids(cohort, audience))
            for audience in Announcement.Audience.values
        }

    def get(self, request, cohort_pk):
        cohort = self._cohort(request, cohort_pk)
        audience = request.GET.get("audience")
        initial = {"audience": audience if audience in Announcement.Audience.values else None}
        return self._render(
            request, cohort, AnnouncementForm(initial=initial, counts=self._counts(cohort))
        )

    def post(self, request, cohort_pk):
        cohort = self._cohort(request, cohort_pk)
        form = AnnouncementForm(request.POST, counts=self._counts(cohort))
        if form.is_valid():
            try:
                announcement = services.announcement_send(
                    cohort=cohort, author=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                count = announcement.recipients.count()
                messages.success(
                    request,
                    ngettext(
                        "Your announcement is sent to %(count)s person. It is on their "
                        "dashboard now, and the e-mail is on its way.",
                        "Your announcement is sent to %(count)s people. It is on their "
                        "dashboards now, and the e-mails are on their way.",
                        count,
                    )
                    % {"count": count},
                )
                return redirect(announcement)
        return self._render(request, cohort, form, status=400)


class AnnouncementListView(LoginRequiredMixin, View):
    """Sent announcements: all of them for programme admins, their cohorts' for facilitators."""

    def get(self, request):
        if not permissions.can_list_announcements(request.user):
            raise PermissionDenied
        announcements = permissions.announcements_visible_to(request.user)
        cohort = None
        if request.GET.get("cohort", "").isdigit():
            cohort = get_object_or_404(
                cohorts_managed_by(request.user).select_related("programme"),
                pk=int(request.GET["cohort"]),
            )
            announcements = announcements.filter(cohort=cohort)
        page_obj = Paginator(selectors.announcement_list(announcements), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        context = {"page_obj": page_obj, "cohort": cohort}
        return render(request, "announcements/announcement_list.html", context)


class AnnouncementDetailView(LoginRequiredMixin, View):
    """What was sent, when and by whom, and to whom, with when each e-mail went."""

    def get(self, request, pk):
        announcement = get_object_or_404(
            selectors.announcement_list(permissions.announcements_visible_to(request.user)), pk=pk
        )
        page_obj = Paginator(selectors.recipient_list(announcement), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        context = {
            "announcement": announcement,
            "cohort": announcement.cohort,
            "page_obj": page_obj,
        }
        return render(request, "announcements/announcement_detail.html", context)


class AnnouncementDismissView(LoginRequiredMixin, View):
    """Put an announcement away; with htmx, the dashboard item goes without a reload."""

    http_method_names = ["post"]

    def post(self, request, pk):
        announcement = get_object_or_404(Announcement, pk=pk)
        if not permissions.can_dismiss_announcement(request.user, announcement):
            raise Http404
        services.announcement_dismiss(announcement=announcement, user=request.user)
        messages.success(
            request, _("“%(subject)s” is off your dashboard.") % {"subject": announcement.subject}
        )
        if request.htmx:
            context = {
                "dashboard_announcements": selectors.announcement_list_for_dashboard(request.user)
            }
            return render(
                request, "announcements/dashboard_announcements.html#announcements", context
            )
        return redirect("core:dashboard")
