from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from cohorts.models import Cohort
from core.errors import ApplicationError

from . import calendars, selectors, services
from .forms import (
    AttendanceRegisterForm,
    ClashConfirmForm,
    SessionCancelForm,
    SessionCreateForm,
    SessionDetailsForm,
    SessionMoveForm,
    SessionTimesForm,
    SessionUpdateForm,
)
from .models import Attendance, CalendarFeed
from .permissions import (
    can_cancel_session,
    can_download_session_calendar,
    can_have_calendar_feed,
    can_move_session,
    can_schedule_session,
    can_take_attendance,
    can_update_session,
    can_view_session,
    can_view_timetable,
)

# My schedule shows this many past sessions; the rest are a page of their own.
PAST_ON_MY_SCHEDULE = 10


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class CohortAccessMixin(LoginRequiredMixin):
    """Loads the cohort in the URL; anyone `permission` refuses gets a 404."""

    permission = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.cohort = get_object_or_404(
            Cohort.objects.select_related("programme"), pk=kwargs["cohort_pk"]
        )
        if not self.permission(request.user, self.cohort):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(cohort=self.cohort, **kwargs)


class SessionAccessMixin(LoginRequiredMixin):
    """Loads the session in the URL; anyone `permission` refuses gets a 404."""

    permission = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.session = selectors.session_get_for_view(kwargs["pk"])
        if self.session is None or not self.permission(request.user, self.session):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(session=self.session, cohort=self.session.cohort, **kwargs)


class ServiceFormMixin:
    """Calls a session service with a valid form's data.

    Refusals go back on the form; a clash warning re-renders the form with the clashes and
    a checkbox that, ticked, calls the service again confirmed.
    """

    confirm_label = gettext_lazy("Schedule anyway")
    clashes = None

    def run_service(self, form, call):
        confirm = ClashConfirmForm(self.request.POST, label=self.confirm_label)
        try:
            return call(confirm_clashes=confirm.confirmed)
        except services.ClashWarning as warning:
            self.clashes = warning.clashes
        except ValidationError as error:
            _add_errors(form, error)
        except ApplicationError as error:
            form.add_error(None, error.message)
        return None

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            clashes=self.clashes,
            confirm_form=ClashConfirmForm(label=self.confirm_label),
            **kwargs,
        )


# --- Timetables and sessions ---------------------------------------------------------


class SessionListView(CohortAccessMixin, ListView):
    """A cohort's timetable."""

    permission = staticmethod(can_view_timetable)
    template_name = "scheduling/session_list.html"
    context_object_name = "sessions"
    paginate_by = 25

    def get_queryset(self):
        return selectors.session_list_for_cohort(self.cohort)

    def get_context_data(self, **kwargs):
        can_schedule = can_schedule_session(self.request.user, self.cohort)
        context = super().get_context_data(can_schedule=can_schedule, **kwargs)
        if can_schedule:
            context["participant_count"] = selectors.cohort_participant_count(self.cohort)
        return context


class SessionCreateView(CohortAccessMixin, ServiceFormMixin, FormView):
    permission = staticmethod(can_schedule_session)
    template_name = "scheduling/session_create.html"
    form_class = SessionCreateForm

    def get_initial(self):
        return {"facilitators": list(self.cohort.facilitators.all())}

    def form_valid(self, form):
        session = self.run_service(
            form,
            lambda **confirm: services.session_schedule(
                cohort=self.cohort,
                actor=self.request.user,
                starts_at=form.cleaned_data["starts"],
                ends_at=form.cleaned_data["ends"],
                **form.details(),
                **confirm,
            ),
        )
        if session is None:
            return self.form_invalid(form)
        messages.success(self.request, _("The session is on the timetable."))
        return redirect(session)


class SessionDetailView(SessionAccessMixin, TemplateView):
    permission = staticmethod(can_view_session)
    template_name = "scheduling/session_detail.html"

    def get_context_data(self, **kwargs):
        user, session = self.request.user, self.session
        context = super().get_context_data(
            can_update=can_update_session(user, session),
            can_move=can_move_session(user, session),
            can_cancel=can_cancel_session(user, session),
            can_take_attendance=can_take_attendance(user, session),
            my_attendance=selectors.attendance_for_person(user, session),
            **kwargs,
        )
        if context["can_update"]:
            context["changes"] = session.changes.select_related("actor")[:10]
        return context


class SessionUpdateView(SessionAccessMixin, ServiceFormMixin, FormView):
    permission = staticmethod(can_update_session)
    template_name = "scheduling/session_update.html"
    form_class = SessionUpdateForm
    confirm_label = gettext_lazy("Save anyway")

    def get_initial(self):
        return SessionDetailsForm.initial_for(self.session)

    def form_valid(self, form):
        session = self.run_service(
            form,
            lambda **confirm: services.session_update(
                session=self.session,
                actor=self.request.user,
                message=form.cleaned_data["message"],
                **form.details(),
                **confirm,
            ),
        )
        if session is None:
            return self.form_invalid(form)
        messages.success(self.request, _("The session's details are saved."))
        return redirect(session)


class SessionMoveView(SessionAccessMixin, ServiceFormMixin, FormView):
    permission = staticmethod(can_move_session)
    template_name = "scheduling/session_move.html"
    form_class = SessionMoveForm
    confirm_label = gettext_lazy("Move anyway")

    def get_initial(self):
        return SessionTimesForm.initial_for(self.session)

    def form_valid(self, form):
        session = self.run_service(
            form,
            lambda **confirm: services.session_reschedule(
                session=self.session,
                actor=self.request.user,
                starts_at=form.cleaned_data["starts"],
                ends_at=form.cleaned_data["ends"],
                message=form.cleaned_data["message"],
                **confirm,
            ),
        )
        if session is None:
            return self.form_invalid(form)
        messages.success(self.request, _("The session has moved. Everyone has been told."))
        return redirect(session)


class SessionCancelView(SessionAccessMixin, ServiceFormMixin, FormView):
    permission = staticmethod(can_cancel_session)
    template_name = "scheduling/session_cancel.html"
    form_class = SessionCancelForm

    def form_valid(self, form):
        session = self.run_service(
            form,
            lambda **confirm: services.session_cancel(
                session=self.session, actor=self.request.user, reason=form.cleaned_data["reason"]
            ),
        )
        if session is None:
            return self.form_invalid(form)
        messages.success(self.request, _("The session is cancelled. Everyone has been told."))
        return redirect(session)


class SessionCalendarView(SessionAccessMixin, View):
    """The session as an .ics file, to add it to a calendar once."""

    permission = staticmethod(can_download_session_calendar)

    def get(self, request, pk):
        body = calendars.calendar_for_sessions(
            [self.session],
            name=self.session.title,
            uid=calendars.calendar_uid("session", self.session.uid),
        )
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        filename = f"{slugify(self.session.title) or 'session'}.ics"
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


# --- The register --------------------------------------------------------------------


class AttendanceRegisterView(SessionAccessMixin, TemplateView):
    """The register: every row in one form, so it works without JavaScript.

    With htmx each row saves as soon as a choice changes, and "Mark all present"
    refreshes the rows in place; focus stays where it was.
    """

    permission = staticmethod(can_take_attendance)
    template_name = "scheduling/attendance_register.html"

    def get_context_data(self, **kwargs):
        rows = selectors.register_rows(self.session)
        return super().get_context_data(**self.register_context(rows), **kwargs)

    def register_context(self, rows) -> dict:
        before_the_day = self.session.local_date > timezone.localdate()
        return {
            "rows": rows,
            "summary": selectors.register_summary(rows),
            "statuses": Attendance.Status.choices,
            "before_the_day": before_the_day,
            "apologies": Attendance.Status.APOLOGIES,
        }

    def post(self, request, pk):
        rows = selectors.register_rows(self.session)
        form = AttendanceRegisterForm(
            request.POST, participant_ids=[row.participant.pk for row in rows]
        )
        if not form.is_valid():
            return HttpResponseBadRequest(_("Choose present, late, apologies or absent."))
        changed = services.attendance_record(
            session=self.session, actor=request.user, marks=form.marks()
        )
        messages.success(
            request,
            ngettext(
                "Register saved: %(count)d mark changed.",
                "Register saved: %(count)d marks changed.",
                changed,
            )
            % {"count": changed},
        )
        return redirect("scheduling:attendance-register", pk=self.session.pk)


class AttendanceMarkView(AttendanceRegisterView):
    """One row of the register, saved on its own (the htmx path)."""

    http_method_names = ["post"]

    def post(self, request, pk, user_pk):
        form = AttendanceRegisterForm(request.POST, participant_ids=[user_pk])
        if not form.is_valid() or not form.marks():
            return HttpResponseBadRequest(_("Choose present, late, apologies or absent."))
        services.attendance_record(session=self.session, actor=request.user, marks=form.marks())
        rows = selectors.register_rows(self.session)
        row = next((row for row in rows if row.participant.pk == user_pk), None)
        if row is None:
            raise Http404
        announcement = _("%(name)s: %(status)s.") % {
            "name": row.participant.full_name,
            "status": row.attendance.get_status_display(),
        }
        if not request.htmx:
            messages.success(request, announcement)
            return redirect("scheduling:attendance-register", pk=self.session.pk)
        context = {
            "session": self.session,
            "row": row,
            "announcement": announcement,
            "oob": True,
            **self.register_context(rows),
        }
        return render(request, "scheduling/attendance_register.html#register-mark-saved", context)


class AttendanceMarkAllPresentView(AttendanceRegisterView):
    http_method_names = ["post"]

    def post(self, request, pk):
        marked = services.attendance_mark_all_present(session=self.session, actor=request.user)
        announcement = ngettext(
            "%(count)d person marked present.", "%(count)d people marked present.", marked
        ) % {"count": marked}
        if not request.htmx:
            messages.success(request, announcement)
            return redirect("scheduling:attendance-register", pk=self.session.pk)
        rows = selectors.register_rows(self.session)
        context = {
            "session": self.session,
            "announcement": announcement,
            "oob": True,
            **self.register_context(rows),
        }
        return render(request, "scheduling/attendance_register.html#register-all-saved", context)


# --- My schedule and calendar feeds --------------------------------------------------


class MyScheduleView(LoginRequiredMixin, ListView):
    """Upcoming sessions first, then the latest past ones with attendance."""

    template_name = "scheduling/schedule_mine.html"
    context_object_name = "upcoming"
    paginate_by = 20

    def get_queryset(self):
        return selectors.session_list_for_person(self.request.user, upcoming=True)

    def get_context_data(self, **kwargs):
        user = self.request.user
        past = list(
            selectors.session_list_for_person(user, upcoming=False)[: PAST_ON_MY_SCHEDULE + 1]
        )
        context = super().get_context_data(
            past=past[:PAST_ON_MY_SCHEDULE],
            more_past=len(past) > PAST_ON_MY_SCHEDULE,
            timetables=selectors.cohort_list_for_timetables(user),
            **kwargs,
        )
        feed = CalendarFeed.objects.filter(user=user).first()
        if feed is not None:
            feed_url = self.request.build_absolute_uri(feed.get_absolute_url())
            context["feed_url"] = feed_url
            context["webcal_url"] = "webcal://" + feed_url.split("://", 1)[1]
        return context


class MyPastSessionsView(LoginRequiredMixin, ListView):
    template_name = "scheduling/schedule_past.html"
    context_object_name = "past"
    paginate_by = 25

    def get_queryset(self):
        return selectors.session_list_for_person(self.request.user, upcoming=False)


class CalendarFeedResetView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        if not can_have_calendar_feed(request.user):
            raise Http404
        had_one = CalendarFeed.objects.filter(user=request.user).exists()
        services.calendar_feed_reset(user=request.user)
        if had_one:
            messages.success(
                request,
                _("You have a new calendar address. The old one has stopped working."),
            )
        else:
            messages.success(request, _("Your calendar address is ready to copy."))
        return redirect(f"{reverse('scheduling:my-schedule')}#calendar")


class CalendarFeedRevokeView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        if services.calendar_feed_revoke(user=request.user):
            messages.success(request, _("Your calendar address has stopped working."))
        return redirect(f"{reverse('scheduling:my-schedule')}#calendar")


def calendar_feed(request, token):
    """A person's sessions for their calendar app; the token in the address is the key."""
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token=token, user__is_active=True)
        .first()
    )
    if feed is None:
        raise Http404
    with translation.override(feed.user.preferred_language):
        body = calendars.calendar_for_sessions(
            selectors.session_list_for_feed(feed.user),
            name=_("Academy portal: %(name)s") % {"name": feed.user.full_name},
            uid=calendars.calendar_uid("person", feed.user.pk),
        )
    return HttpResponse(
        body,
        content_type="text/calendar; charset=utf-8",
        headers={"Cache-Control": "private, no-store", "X-Robots-Tag": "noindex, nofollow"},
    )
