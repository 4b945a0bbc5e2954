"""Running cohorts in the portal: the list, creating and editing, the lifecycle, running a
cohort again, the cohort home and its participants.

Programme admins see every cohort; facilitators only theirs (other cohorts are a 404).
The pages themselves are for those two roles only (anyone else gets a 403).
"""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from academy.models import Programme
from core.errors import ApplicationError

from . import home, lifecycle, permissions, selectors, services
from .forms import CohortCopyForm, CohortFilterForm, CohortForm
from .models import Cohort

PAGE_SIZE = 25


class _ManagerMixin(LoginRequiredMixin):
    """Only programme admins and facilitators; cohorts scoped to those they run."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not permissions.can_list_managed_cohorts(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def _cohort(self, pk, permission=None) -> Cohort:
        cohort = permissions.cohort_managed_get(self.request.user, pk)
        if cohort is None:
            raise Http404
        if permission is not None and not permission(self.request.user, cohort):
            raise Http404
        return cohort


def _form_error(form, error: Exception) -> None:
    if isinstance(error, ApplicationError):
        form.add_error(None, error.message)
    else:
        form.add_error(None, error)


class CohortManageListView(_ManagerMixin, View):
    def get(self, request):
        scoped = permissions.cohorts_managed_by(request.user)
        filters = CohortFilterForm(
            request.GET or None,
            programmes=Programme.objects.order_by("name"),
            years=selectors.cohort_years(scoped),
        )
        params = filters.cleaned_data if filters.is_valid() else {}
        cohorts = selectors.cohort_list_for_management(
            scoped,
            programme_id=params["programme"].pk if params.get("programme") else None,
            status=params.get("status") or "",
            year=params.get("year"),
        )
        context = {
            "filters": filters,
            "page_obj": Paginator(cohorts, PAGE_SIZE).get_page(request.GET.get("page")),
            "can_create": permissions.can_create_cohort(request.user),
            "programme": params.get("programme"),
        }
        return render(request, "cohorts/cohort_manage_list.html", context)


class CohortCreateView(_ManagerMixin, View):
    """A new draft cohort (programme admins only)."""

    template_name = "cohorts/cohort_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not permissions.can_create_cohort(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def _form(self, data=None):
        initial = {"intake_year": timezone.localdate().year + 1}
        programme = Programme.objects.filter(slug=self.request.GET.get("programme", "")).first()
        if programme is not None:
            initial.update(
                programme=programme,
                capacity=programme.default_capacity,
                sponsor_approval_required=programme.sponsor_approval_required,
            )
        initial["delivery_mode"] = Cohort.DeliveryMode.BLENDED
        return CohortForm(data, initial=initial, creating=True, may_assign_facilitators=True)

    def _render(self, form, status=200):
        return render(
            self.request, self.template_name, {"form": form, "cohort": None}, status=status
        )

    def get(self, request):
        return self._render(self._form())

    def post(self, request):
        form = self._form(request.POST)
        if form.is_valid():
            try:
                cohort = services.cohort_create(
                    actor=request.user,
                    programme=form.cleaned_data["programme"],
                    facilitators=form.cleaned_data["facilitators"],
                    **form.settings(),
                )
            except (ValidationError, ApplicationError) as error:
                _form_error(form, error)
            else:
                messages.success(
                    request,
                    _("%(title)s is saved as a draft. Nobody else sees it until it opens.")
                    % {"title": cohort.title},
                )
                return redirect("cohorts-manage:cohort-home", pk=cohort.pk)
        return self._render(form, status=400)


class CohortUpdateView(_ManagerMixin, View):
    template_name = "cohorts/cohort_form.html"

    def _form(self, cohort, data=None):
        return CohortForm(
            data,
            initial=CohortForm.initial_for(cohort),
            creating=False,
            may_assign_facilitators=permissions.can_assign_facilitators(self.request.user, cohort),
            status=cohort.status,
        )

    def _render(self, cohort, form, status=200):
        context = {"form": form, "cohort": cohort}
        return render(self.request, self.template_name, context, status=status)

    def _archived(self, cohort):
        messages.info(self.request, _("This cohort is archived: it can no longer change."))
        return redirect("cohorts-manage:cohort-home", pk=cohort.pk)

    def get(self, request, pk):
        cohort = self._cohort(pk, permissions.can_edit_cohort)
        if cohort.status == Cohort.Status.ARCHIVED:
            return self._archived(cohort)
        return self._render(cohort, self._form(cohort))

    def post(self, request, pk):
        cohort = self._cohort(pk, permissions.can_edit_cohort)
        if cohort.status == Cohort.Status.ARCHIVED:
            return self._archived(cohort)
        form = self._form(cohort, request.POST)
        if form.is_valid():
            try:
                services.cohort_update(
                    cohort=cohort,
                    actor=request.user,
                    facilitators=form.cleaned_data.get("facilitators")
                    if "facilitators" in form.fields
                    else None,
                    **form.settings(),
                )
            except (ValidationError, ApplicationError) as error:
                _form_error(form, error)
            else:
                messages.success(request, _("The cohort's settings are saved."))
                return redirect("cohorts-manage:cohort-home", pk=cohort.pk)
        return self._render(cohort, form, status=400)


class CohortHomeView(_ManagerMixin, View):
    """A cohort at a glance for its facilitators and programme admins."""

    def get(self, request, pk):
        cohort = self._cohort(pk, permissions.can_view_cohort_home)
        context = {
            "cohort": cohort,
            "home": home.cohort_home(cohort),
            "can_edit": permissions.can_edit_cohort(request.user, cohort),
            "can_change_status": permissions.can_change_cohort_status(request.user, cohort),
            "can_run_again": permissions.can_run_cohort_again(request.user, cohort),
        }
        return render(request, "cohorts/cohort_home.html", context)


class CohortTransitionView(_ManagerMixin, View):
    """One step along the lifecycle, named by the button pressed."""

    http_method_names = ["post"]

    def post(self, request, pk):
        cohort = self._cohort(pk, permissions.can_change_cohort_status)
        action = request.POST.get("action", "")
        try:
            services.cohort_transition(cohort=cohort, action=action, actor=request.user)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, str(lifecycle.BY_ACTION[action].done))
        return redirect("cohorts-manage:cohort-home", pk=cohort.pk)


def _next_start(source: Cohort) -> dt.date:
    """A year on, by whole weeks (same weekday), and not in the past."""
    start = source.starts_on + dt.timedelta(weeks=52)
    while start <= timezone.localdate():
        start += dt.timedelta(weeks=52)
    return start


class CohortCopyView(_ManagerMixin, View):
    """Run a cohort again: a new draft with its settings, timetable and own content."""

    template_name = "cohorts/cohort_copy.html"

    def _render(self, source, form, status=200):
        context = {
            "cohort": source,
            "form": form,
            "session_count": source.sessions.exclude(status="cancelled").count(),
            "module_count": source.extra_modules.count(),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, pk):
        source = self._cohort(pk, permissions.can_run_cohort_again)
        initial = {"intake_year": source.intake_year + 1}
        initial["title"] = source.title.replace(
            str(source.intake_year), str(source.intake_year + 1)
        )
        if source.starts_on:
            start = _next_start(source)
            initial["intake_year"] = start.year
            initial["title"] = source.title.replace(str(source.intake_year), str(start.year))
            initial["starts_on"] = start
        return self._render(source, CohortCopyForm(initial=initial))

    def post(self, request, pk):
        source = self._cohort(pk, permissions.can_run_cohort_again)
        form = CohortCopyForm(request.POST)
        if form.is_valid():
            try:
                outcome = services.cohort_copy(
                    source=source, actor=request.user, **form.cleaned_data
                )
            except (ValidationError, ApplicationError) as error:
                _form_error(form, error)
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(title)s is ready to edit as a draft, with %(sessions)s session "
                        "moved %(weeks)s weeks on and %(modules)s of its own modules.",
                        "%(title)s is ready to edit as a draft, with %(sessions)s sessions "
                        "moved %(weeks)s weeks on and %(modules)s of its own modules.",
                        outcome.sessions,
                    )
                    % {
                        "title": outcome.cohort.title,
                        "sessions": outcome.sessions,
                        "weeks": outcome.weeks,
                        "modules": outcome.modules,
                    },
                )
                for session, _clashes in outcome.clashes:
                    messages.warning(
                        request,
                        _(
                            "%(title)s on %(date)s clashes with another booking of its "
                            "facilitators or venue: check it on the timetable."
                        )
                        % {
                            "title": session.title,
                            "date": formats.date_format(session.local_date, "j F Y"),
                        },
                    )
                return redirect("cohorts-manage:cohort-update", pk=outcome.cohort.pk)
        return self._render(source, form, status=400)


class CohortParticipantListView(_ManagerMixin, View):
    """The cohort's participants and how each is doing; `?show=at-risk` for those at risk."""

    def get(self, request, pk):
        cohort = self._cohort(pk, permissions.can_view_cohort_participants)
        at_risk_only = request.GET.get("show") == "at-risk"
        rows = home.participant_rows(cohort, at_risk_only=at_risk_only)
        context = {
            "cohort": cohort,
            "at_risk_only": at_risk_only,
            "page_obj": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
        }
        return render(request, "cohorts/cohort_participants.html", context)
