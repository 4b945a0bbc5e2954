"""Progress and completion pages: the completion rule, final reflections, the cohort
grid, the sponsor's organisation view and each person's learning record."""

import csv

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from cohorts.models import Cohort

from . import progress, services
from .completion import progress_for_enrolments, rule_in_words
from .forms import CompletionRuleForm, ReflectionDecisionForm, ReflectionForm
from .models import CompletionRule, Programme, Reflection
from .permissions import (
    can_decide_reflection,
    can_list_content,
    can_set_completion_rule,
    can_submit_reflection,
    can_view_learning_record,
    can_view_organisation_progress,
    can_view_progress_grid,
)
from .selectors import enrolment_get_for_course

# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_response(filename: str, rows: list[list]) -> HttpResponse:
    """A CSV download (UTF-8 with a byte order mark, so spreadsheets read accents)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    for row in rows:
        writer.writerow(
            [
                f"'{cell}" if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) else cell
                for cell in row
            ]
        )
    return response


# --- Completion rule (programme admins) -------------------------------------------------


class CompletionRuleUpdateView(LoginRequiredMixin, View):
    template_name = "academy/completion_rule_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.programme = get_object_or_404(Programme, slug=kwargs["slug"])
            if not can_set_completion_rule(request.user, self.programme):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def _rule(self) -> CompletionRule:
        return CompletionRule.objects.filter(
            programme=self.programme
        ).first() or CompletionRule.default_for(self.programme)

    def _render(self, form, status=200):
        context = {
            "programme": self.programme,
            "form": form,
            "rule_text": rule_in_words(self._rule()),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, slug):
        rule = self._rule()
        initial = {name: getattr(rule, name) for name in services.COMPLETION_RULE_FIELDS}
        return self._render(CompletionRuleForm(initial=initial))

    def post(self, request, slug):
        form = CompletionRuleForm(request.POST)
        if form.is_valid():
            try:
                services.completion_rule_save(
                    programme=self.programme, actor=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("The completion rule of %(name)s has been saved.") % {"name": self.programme},
                )
                return redirect("academy-manage:programme-list")
        return self._render(form, status=400)


# --- Final reflections ------------------------------------------------------------------


class ReflectionSubmitView(LoginRequiredMixin, View):
    """The participant writes, sends and (when returned) changes their final reflection."""

    template_name = "academy/reflection_form.html"

    def _enrolment(self, pk):
        enrolment = enrolment_get_for_course(self.request.user, pk)
        if enrolment is None:
            raise Http404
        return enrolment

    def _render(self, enrolment, form, status=200):
        found = progress_for_enrolments([enrolment])[0]
        context = {
            "enrolment": enrolment,
            "programme": enrolment.cohort.programme,
            "cohort": enrolment.cohort,
            "rule": found.rule,
            "reflection": found.reflection,
            "can_submit": can_submit_reflection(self.request.user, enrolment)
            and (found.reflection is None or found.reflection.status != Reflection.Status.ACCEPTED),
            "form": form,
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, pk):
        enrolment = self._enrolment(pk)
        reflection = Reflection.objects.filter(enrolment=enrolment).first()
        return self._render(
            enrolment, ReflectionForm(initial={"text": reflection.text} if reflection else None)
        )

    def post(self, request, pk):
        enrolment = self._enrolment(pk)
        if not can_submit_reflection(request.user, enrolment):
            raise Http404
        form = ReflectionForm(request.POST)
        if form.is_valid():
            try:
                services.reflection_submit(enrolment=enrolment, text=form.cleaned_data["text"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Your reflection has been sent to your facilitators."))
                return redirect("core:dashboard")
        return self._render(enrolment, form, status=400)


class ReflectionDetailView(LoginRequiredMixin, View):
    """A facilitator reads a reflection and accepts it or returns it with feedback."""

    template_name = "academy/reflection_detail.html"

    def _reflection(self, pk) -> Reflection:
        if not can_list_content(self.request.user):
            raise PermissionDenied
        reflection = get_object_or_404(
            Reflection.objects.select_related("enrolment__user", "enrolment__cohort__programme"),
            pk=pk,
        )
        if not can_decide_reflection(self.request.user, reflection):
            raise Http404
        return reflection

    def _render(self, reflection, form, status=200):
        context = {"reflection": reflection, "cohort": reflection.enrolment.cohort, "form": form}
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, pk):
        return self._render(self._reflection(pk), ReflectionDecisionForm())

    def post(self, request, pk):
        reflection = self._reflection(pk)
        form = ReflectionDecisionForm(request.POST)
        if not form.is_valid():
            return self._render(reflection, form, status=400)
        feedback = form.cleaned_data["feedback"]
        try:
            if request.POST.get("decision") == "accept":
                services.reflection_accept(
                    reflection=reflection, actor=request.user, feedback=feedback
                )
                messages.success(request, _("The reflection has been accepted."))
            else:
                services.reflection_return(
                    reflection=reflection, actor=request.user, feedback=feedback
                )
                messages.success(request, _("The reflection has been returned with your feedback."))
        except ValidationError as error:
            form.add_error(None, error)
            return self._render(reflection, form, status=400)
        return redirect("academy:progress-grid", pk=reflection.enrolment.cohort_id)


# --- The cohort grid (facilitators) -----------------------------------------------------


class ProgressGridView(LoginRequiredMixin, View):
    """Participants by materials and sessions; `show`, `sort` and `order` in the query."""

    template_name = "academy/progress_grid.html"
    export = False

    def get(self, request, pk):
        if not can_list_content(request.user):
            raise PermissionDenied
        cohort = get_object_or_404(Cohort.objects.select_related("programme"), pk=pk)
        if not can_view_progress_grid(request.user, cohort):
            raise Http404
        show = request.GET.get("show", "all")
        show = show if show in progress.GRID_FILTERS else "all"
        sort = request.GET.get("sort", "name")
        sort = sort if sort in progress.GRID_SORTS else "name"
        descending = request.GET.get("order") == "desc"
        grid = progress.progress_grid_for_cohort(
            cohort, show=show, sort=sort, descending=descending
        )
        if self.export:
            day = timezone.localdate().isoformat()
            return csv_response(
                f"progress-cohort-{cohort.pk}-{day}.csv", progress.progress_grid_csv_rows(grid)
            )
        reflections = dict(
            Reflection.objects.filter(enrolment__cohort=cohort).values_list("enrolment_id", "pk")
        )
        context = {
            "cohort": cohort,
            "grid": grid,
            "rows": [(row, reflections.get(row.enrolment.pk)) for row in grid.rows],
            "show": show,
            "sort": sort,
            "descending": descending,
            "filters": [
                ("all", _("Everyone")),
                ("at-risk", _("At risk")),
                ("completed", _("Completed")),
                ("active", _("Taking part")),
            ],
            "sorts": [
                ("name", _("Name")),
                ("organisation", _("Organisation")),
                ("status", _("Place")),
                ("progress", _("Progress")),
                ("materials", _("Materials done")),
                ("attendance", _("Sessions attended")),
            ],
            "rule_text": rule_in_words(
                CompletionRule.objects.filter(programme=cohort.programme).first()
                or CompletionRule.default_for(cohort.programme)
            ),
        }
        return render(request, self.template_name, context)


class ProgressGridExportView(ProgressGridView):
    export = True


# --- The sponsor's organisation view ----------------------------------------------------


class OrganisationProgressView(LoginRequiredMixin, View):
    template_name = "academy/organisation_progress.html"
    export = False

    def get(self, request):
        if not can_view_organisation_progress(request.user):
            raise PermissionDenied
        view = progress.organisation_progress(request.user)
        if self.export:
            day = timezone.localdate().isoformat()
            return csv_response(
                f"progress-organisation-{day}.csv", progress.organisation_csv_rows(view)
            )
        return render(
            request, self.template_name, {"view": view, "organisation": request.user.organisation}
        )


class OrganisationProgressExportView(OrganisationProgressView):
    export = True


# --- The learning record ----------------------------------------------------------------


class LearningRecordView(LoginRequiredMixin, View):
    template_name = "academy/learning_record.html"
    export = False

    def get(self, request):
        if not can_view_learning_record(request.user):
            raise PermissionDenied
        record = progress.learning_record(request.user)
        if self.export:
            day = timezone.localdate().isoformat()
            return csv_response(
                f"learning-record-{day}.csv", progress.learning_record_csv_rows(record)
            )
        return render(request, self.template_name, {"record": record})


class LearningRecordExportView(LearningRecordView):
    export = True
