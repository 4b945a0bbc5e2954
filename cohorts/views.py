from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import DetailView

from academy.models import Programme
from accounts.models import Organisation
from core.errors import ApplicationError
from core.ratelimit import rate_limited

from . import permissions, selectors, services, workflow
from .forms import (
    ApplicationForm,
    BulkDecisionForm,
    DecisionForm,
    EndorsementForm,
    EqualityForm,
    NominationForm,
    NominationUploadForm,
    QuestionFormSet,
    QuestionSetForm,
    QueueFilterForm,
    RecommendationForm,
    WithdrawForm,
    decision_choices,
)
from .models import Application, Cohort, EqualityReceipt, Nomination, Question, QuestionSet

State = Application.State
PAGE_SIZE = 25


def _page(request, queryset, size: int = PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def _fragments(request, template: str, names: list[str], context: dict) -> HttpResponse:
    """Several named partials of one page, for an htmx response (later ones out of band)."""
    html = "".join(
        render_to_string(f"{template}#{name}", context, request=request) for name in names
    )
    return HttpResponse(html)


# --- Public cohort page ----------------------------------------------------------------


class CohortDetailView(DetailView):
    template_name = "cohorts/cohort_detail.html"
    context_object_name = "cohort"

    def get_object(self, queryset=None):
        cohort = get_object_or_404(Cohort.objects.select_related("programme"), pk=self.kwargs["pk"])
        if not permissions.can_view_cohort(self.request.user, cohort):
            raise Http404
        return cohort

    def get_context_data(self, **kwargs):
        user = self.request.user
        cohort = self.object
        own = None
        if user.is_authenticated:
            own = Application.objects.filter(cohort=cohort, applicant=user).first()
        return super().get_context_data(
            own_application=own,
            can_apply=cohort.is_accepting_applications and own is None,
            can_recommend=permissions.can_recommend(user, cohort),
            can_nominate=permissions.can_nominate(user, cohort),
            can_manage=permissions.can_manage_cohort(user, cohort),
            **kwargs,
        )


# --- Applying ------------------------------------------------------------------------


class _ApplicationFormView(LoginRequiredMixin, View):
    template_name = "cohorts/application_form.html"

    def _questions(self, cohort):
        return list(
            Question.objects.filter(
                question_set__programme_id=cohort.programme_id, is_active=True
            ).order_by("position", "pk")
        )

    def _form(self, cohort, application, *, data=None, for_submission=True):
        initial = {
            "organisation": self.request.user.organisation,
            "job_title": self.request.user.job_title,
        }
        if application is not None:
            initial = {"organisation": application.organisation, "job_title": application.job_title}
            initial.update(
                {
                    f"question_{answer.question_id}": answer.value
                    for answer in application.answers.all()
                }
            )
        return ApplicationForm(
            data,
            initial=initial,
            questions=self._questions(cohort),
            for_submission=for_submission,
            organisation_fixed=application is not None
            and application.source == Application.Source.NOMINATED,
        )

    def _render(self, cohort, application, form, status=200):
        question_set = getattr(cohort.programme, "question_set", None)
        context = {
            "cohort": cohort,
            "application": application,
            "form": form,
            "question_set": question_set,
        }
        return render(self.request, self.template_name, context, status=status)

    def _save(self, cohort, application):
        submit = self.request.POST.get("action") != "save"
        form = self._form(cohort, application, data=self.request.POST, for_submission=submit)
        if not form.is_valid():
            return self._render(cohort, application, form, status=400)
        try:
            application = services.application_save(
                applicant=self.request.user,
                cohort=cohort,
                application=application,
                organisation=form.cleaned_data["organisation"],
                job_title=form.cleaned_data["job_title"],
                answers=form.answers(),
                submit=submit,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self._render(cohort, application, form, status=400)
        except ApplicationError as error:
            form.add_error(None, error.message)
            return self._render(cohort, application, form, status=400)
        if not submit:
            messages.success(
                self.request,
                _("Your draft is saved. You can finish it later from My applications."),
            )
            return redirect("cohorts:application-edit", pk=application.pk)
        messages.success(self.request, _("Your application has been submitted."))
        if permissions.can_answer_equality_monitoring(self.request.user, application):
            return redirect("cohorts:equality-create", pk=application.pk)
        return redirect(application)


class ApplicationCreateView(_ApplicationFormView):
    """A new application; the first save creates it (as a draft or submitted)."""

    def _cohort(self):
        cohort = get_object_or_404(Cohort.objects.select_related("programme"), pk=self.kwargs["pk"])
        if not permissions.can_view_cohort(self.request.user, cohort):
            raise Http404
        return cohort

    def _existing(self, cohort):
        existing = Application.objects.filter(cohort=cohort, applicant=self.request.user).first()
        if existing is None:
            return None
        if existing.state == State.DRAFT:
            return redirect("cohorts:application-edit", pk=existing.pk)
        messages.info(self.request, _("You have already applied to this cohort."))
        return redirect(existing)

    def _closed(self, cohort):
        messages.error(self.request, _("This cohort is not taking applications at the moment."))
        return redirect(cohort)

    def get(self, request, pk):
        cohort = self._cohort()
        if response := self._existing(cohort):
            return response
        if not permissions.can_apply(request.user, cohort):
            return self._closed(cohort)
        return self._render(cohort, None, self._form(cohort, None))

    def post(self, request, pk):
        cohort = self._cohort()
        if response := self._existing(cohort):
            return response
        if not permissions.can_apply(request.user, cohort):
            return self._closed(cohort)
        return self._save(cohort, None)


class ApplicationEditView(_ApplicationFormView):
    def _application(self):
        application = get_object_or_404(
            Application.objects.select_related("cohort__programme", "organisation"),
            pk=self.kwargs["pk"],
            applicant=self.request.user,
        )
        if not permissions.can_edit_application(self.request.user, application):
            messages.info(self.request, _("This application has been submitted."))
            return None, redirect(application)
        return application, None

    def get(self, request, pk):
        application, response = self._application()
        if response:
            return response
        return self._render(
            application.cohort, application, self._form(application.cohort, application)
        )

    def post(self, request, pk):
        application, response = self._application()
        if response:
            return response
        return self._save(application.cohort, application)


class ApplicationDetailView(LoginRequiredMixin, View):
    """The applicant's own view: status, what happens next, answers and history."""

    def get(self, request, pk):
        application = get_object_or_404(
            selectors.application_list_for_applicant(request.user).prefetch_related(
                "answers__question", "events"
            ),
            pk=pk,
        )
        context = {
            "application": application,
            "cohort": application.cohort,
            "can_withdraw": permissions.can_withdraw_application(request.user, application),
            "can_confirm": permissions.can_confirm_place(request.user, application),
            "can_edit": permissions.can_edit_application(request.user, application),
            "equality_open": permissions.can_answer_equality_monitoring(request.user, application)
            and not EqualityReceipt.objects.filter(
                cohort_id=application.cohort_id, user=request.user
            ).exists(),
        }
        return render(request, "cohorts/application_detail.html", context)


class ApplicationListMineView(LoginRequiredMixin, View):
    def get(self, request):
        page_obj = _page(request, selectors.application_list_for_applicant(request.user))
        return render(request, "cohorts/application_list.html", {"page_obj": page_obj})


class ApplicationWithdrawView(LoginRequiredMixin, View):
    """Withdraw, decline an offer or leave the cohort: a confirmation page, then a POST."""

    template_name = "cohorts/application_withdraw.html"

    def _application(self, request, pk):
        application = get_object_or_404(
            Application.objects.select_related("cohort__programme"), pk=pk, applicant=request.user
        )
        if not permissions.can_withdraw_application(request.user, application):
            raise Http404
        return application

    def get(self, request, pk):
        application = self._application(request, pk)
        return render(
            request, self.template_name, {"application": application, "form": WithdrawForm()}
        )

    def post(self, request, pk):
        application = self._application(request, pk)
        form = WithdrawForm(request.POST)
        if not form.is_valid():
            return render(
                request, self.template_name, {"application": application, "form": form}, status=400
            )
        try:
            services.application_withdraw(
                application=application, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
            return render(
                request, self.template_name, {"application": application, "form": form}, status=400
            )
        messages.success(request, _("Your application has been withdrawn."))
        return redirect("cohorts:application-list-mine")


class ApplicationConfirmView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        application = get_object_or_404(Application, pk=pk, applicant=request.user)
        if not permissions.can_confirm_place(request.user, application):
            raise Http404
        services.application_confirm_place(application=application, actor=request.user)
        messages.success(request, _("Your place is confirmed. Welcome to the cohort!"))
        return redirect(application)


# --- Reviewing -------------------------------------------------------------------------


class _ReviewerMixin(LoginRequiredMixin):
    def _cohort(self, pk):
        return get_object_or_404(
            permissions.cohorts_managed_by(self.request.user).select_related("programme"), pk=pk
        )


def _queue_context(request, cohort: Cohort, query, outcome: str | None = None) -> dict:
    counts = selectors.application_counts_for_cohort(cohort)
    organisations = list(
        Organisation.objects.filter(applications__cohort=cohort).distinct().order_by("name")
    )
    filters = QueueFilterForm(query, organisations=organisations, counts=counts)
    params = filters.cleaned_data if filters.is_valid() else {}
    queryset = selectors.application_queue(
        permissions.applications_reviewable_by(request.user),
        cohort=cohort,
        status=params.get("status") or "",
        organisation_id=params.get("organisation"),
        source=params.get("source") or "",
        search=(params.get("q") or "").strip(),
        sort=params.get("sort") or "oldest",
    )
    return {
        "cohort": cohort,
        "filters": filters,
        "page_obj": Paginator(queryset, PAGE_SIZE).get_page(query.get("page")),
        "counts": counts,
        "reservations": selectors.reservation_list_for_cohort(cohort),
        "bulk_form": BulkDecisionForm(queryset=Application.objects.none()),
        "query": query.urlencode(),
        "outcome": outcome,
        "can_see_equality_report": permissions.can_view_equality_report(request.user, cohort),
    }


class ApplicationQueueView(_ReviewerMixin, View):
    """A cohort's applications for its facilitators: filters, sorting, bulk decisions."""

    template_name = "cohorts/application_queue.html"

    def get(self, request, pk):
        cohort = self._cohort(pk)
        context = _queue_context(request, cohort, request.GET)
        if request.htmx:
            return _fragments(
                request, self.template_name, ["queue-results", "queue-status-oob"], context
            )
        return render(request, self.template_name, context)


class ApplicationBulkDecideView(_ReviewerMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        cohort = self._cohort(pk)
        scoped = permissions.applications_reviewable_by(request.user).filter(cohort=cohort)
        form = BulkDecisionForm(request.POST, queryset=scoped)
        outcome_text = None
        if form.is_valid():
            result = services.application_decide_many(
                applications=list(form.cleaned_data["applications"]),
                decision=form.cleaned_data["decision"],
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
            outcome_text = _bulk_summary(result)
        else:
            outcome_text = " ".join(error for errors in form.errors.values() for error in errors)
        if request.htmx:
            context = _queue_context(request, cohort, request.GET, outcome=outcome_text)
            return _fragments(
                request,
                ApplicationQueueView.template_name,
                ["queue-results", "queue-status-oob"],
                context,
            )
        (messages.success if form.is_valid() else messages.error)(request, outcome_text)
        queue_url = reverse("cohorts:application-queue", kwargs={"pk": cohort.pk})
        return redirect(f"{queue_url}?{request.GET.urlencode()}")


def _bulk_summary(result: services.BulkOutcome) -> str:
    counts = {}
    for application in result.done:
        counts[application.state] = counts.get(application.state, 0) + 1
    parts = [
        ngettext("%(count)s is now “%(state)s”", "%(count)s are now “%(state)s”", count)
        % {"count": count, "state": State(state).label}
        for state, count in counts.items()
    ]
    parts += [
        _("%(name)s was not changed: %(reason)s")
        % {"name": application.applicant, "reason": reason}
        for application, reason in result.refused
    ]
    return "; ".join(parts) + "."


class ApplicationReviewView(_ReviewerMixin, View):
    """One application with its answers and history, and the decision form."""

    template_name = "cohorts/application_review.html"

    def _application(self, request, pk):
        return selectors.application_for_review(
            permissions.applications_reviewable_by(request.user), pk
        )

    def context(self, application, form=None, outcome=None):
        choices = decision_choices(
            workflow.targets(application.state, workflow.Actor.REVIEWER), application.state
        )
        return {
            "application": application,
            "cohort": application.cohort,
            "form": form or DecisionForm(choices=choices),
            "has_decisions": bool(choices),
            "outcome": outcome,
        }

    def get(self, request, pk):
        application = self._application(request, pk)
        return render(request, self.template_name, self.context(application))

    def post(self, request, pk):
        application = self._application(request, pk)
        choices = decision_choices(
            workflow.targets(application.state, workflow.Actor.REVIEWER), application.state
        )
        form = DecisionForm(request.POST, choices=choices)
        outcome = None
        if form.is_valid():
            try:
                decided = services.application_decide(
                    application=application,
                    decision=form.cleaned_data["decision"],
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                )
                outcome = _decision_message(form.cleaned_data["decision"], decided)
            except ValidationError as error:
                form.add_error(None, error)
            except ApplicationError as error:
                form.add_error(None, error.message)
        if outcome:
            application = self._application(request, pk)
            if not request.htmx:
                messages.success(request, outcome)
                return redirect("cohorts:application-review", pk=pk)
            context = self.context(application, outcome=outcome)
        else:
            context = self.context(application, form=form)
        if request.htmx:
            return _fragments(
                request, self.template_name, ["decision", "decision-status-oob"], context
            )
        return render(request, self.template_name, context, status=400)


def _decision_message(decision: str, application: Application) -> str:
    name = application.applicant.full_name
    if decision == "accept" and application.state == State.WAITLISTED:
        return _("No place was free, so %(name)s is on the waitlist.") % {"name": name}
    return _("%(name)s’s application is now “%(state)s”.") % {
        "name": name,
        "state": application.get_state_display(),
    }


# --- Sponsors --------------------------------------------------------------------------


class _SponsorMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not permissions.can_view_organisation_applications(
            request.user
        ):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class ApplicationListOrganisationView(_SponsorMixin, View):
    def get(self, request):
        applications = selectors.application_list_for_sponsor(
            permissions.applications_visible_to_sponsor(request.user)
        )
        awaiting = applications.filter(state=State.AWAITING_SPONSOR)
        context = {"page_obj": _page(request, applications), "awaiting": list(awaiting[:50])}
        return render(request, "cohorts/application_list_organisation.html", context)


class ApplicationEndorseView(_SponsorMixin, View):
    template_name = "cohorts/application_endorse.html"

    def _application(self, request, pk):
        application = get_object_or_404(
            permissions.applications_visible_to_sponsor(request.user).select_related(
                "applicant", "cohort__programme", "organisation"
            ),
            pk=pk,
        )
        return application

    def get(self, request, pk):
        application = self._application(request, pk)
        form = (
            EndorsementForm()
            if permissions.can_endorse_application(request.user, application)
            else None
        )
        return render(request, self.template_name, {"application": application, "form": form})

    def post(self, request, pk):
        application = self._application(request, pk)
        if not permissions.can_endorse_application(request.user, application):
            messages.error(request, _("This application is no longer waiting for your approval."))
            return redirect("cohorts:application-endorse", pk=pk)
        form = EndorsementForm(request.POST)
        if form.is_valid():
            try:
                if form.cleaned_data["decision"] == "endorse":
                    services.application_endorse(
                        application=application,
                        sponsor=request.user,
                        reason=form.cleaned_data["reason"],
                    )
                    messages.success(
                        request,
                        _("You approved %(name)s’s application. It goes to the reviewers.")
                        % {"name": application.applicant.full_name},
                    )
                else:
                    services.application_decline_endorsement(
                        application=application,
                        sponsor=request.user,
                        reason=form.cleaned_data["reason"],
                    )
                    messages.success(
                        request,
                        _("You declined %(name)s’s application.")
                        % {"name": application.applicant.full_name},
                    )
                return redirect("cohorts:application-list-organisation")
            except ValidationError as error:
                form.add_error(None, error)
            except ApplicationError as error:
                form.add_error(None, error.message)
        return render(
            request, self.template_name, {"application": application, "form": form}, status=400
        )


class NominationListView(_SponsorMixin, View):
    def get(self, request):
        nominations = selectors.nomination_list_for_sponsor(
            permissions.nominations_visible_to_sponsor(request.user)
        )
        context = {
            "page_obj": _page(request, nominations),
            "open_cohorts": selectors.cohort_list_open_for_nomination(),
        }
        return render(request, "cohorts/nomination_list.html", context)


class NominationCreateView(_SponsorMixin, View):
    template_name = "cohorts/nomination_form.html"

    def _cohort(self, request, pk):
        cohort = get_object_or_404(Cohort.objects.select_related("programme"), pk=pk)
        if not permissions.can_view_cohort(request.user, cohort):
            raise Http404
        return cohort

    def _render(self, request, cohort, form=None, upload_form=None, status=200):
        context = {
            "cohort": cohort,
            "form": form or NominationForm(),
            "upload_form": upload_form or NominationUploadForm(),
            "can_nominate": permissions.can_nominate(request.user, cohort),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request, pk):
        return self._render(request, self._cohort(request, pk))

    def post(self, request, pk):
        cohort = self._cohort(request, pk)
        form = NominationForm(request.POST)
        if form.is_valid():
            try:
                nomination = services.nomination_create(
                    cohort=cohort,
                    nominated_by=request.user,
                    organisation=request.user.organisation,
                    **form.cleaned_data,
                )
            except ValidationError as error:
                form.add_error(None, error)
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("We have sent %(name)s an invitation to apply.")
                    % {"name": nomination.nominee_name},
                )
                return redirect("cohorts:nomination-list")
        return self._render(request, cohort, form=form, status=400)


class NominationUploadView(NominationCreateView):
    def post(self, request, pk):
        cohort = self._cohort(request, pk)
        upload_form = NominationUploadForm(request.POST, request.FILES)
        if not upload_form.is_valid():
            return self._render(request, cohort, upload_form=upload_form, status=400)
        try:
            result = services.nomination_import_csv(
                cohort=cohort,
                nominated_by=request.user,
                content=upload_form.cleaned_data["file"].read(services.MAX_CSV_BYTES + 1),
            )
        except ApplicationError as error:
            upload_form.add_error("file", error.message)
            return self._render(request, cohort, upload_form=upload_form, status=400)
        return render(
            request, "cohorts/nomination_upload_result.html", {"cohort": cohort, "result": result}
        )


class _NominationActionView(_SponsorMixin, View):
    http_method_names = ["post"]

    def _nomination(self, request, pk):
        nomination = get_object_or_404(
            permissions.nominations_visible_to_sponsor(request.user), pk=pk
        )
        if not permissions.can_manage_nomination(request.user, nomination):
            raise Http404
        return nomination


class NominationResendView(_NominationActionView):
    def post(self, request, pk):
        nomination = services.nomination_resend(nomination=self._nomination(request, pk))
        messages.success(
            request,
            _("We have sent %(name)s a new invitation.") % {"name": nomination.nominee_name},
        )
        return redirect("cohorts:nomination-list")


class NominationCancelView(_NominationActionView):
    def post(self, request, pk):
        nomination = services.nomination_cancel(nomination=self._nomination(request, pk))
        messages.success(
            request,
            _("The invitation to %(name)s is cancelled.") % {"name": nomination.nominee_name},
        )
        return redirect("cohorts:nomination-list")


# --- Invitations and recommendations ---------------------------------------------------


class InvitationView(View):
    """The link in an invitation e-mail: sign in or create an account, then apply."""

    template_name = "cohorts/invitation_detail.html"

    def _nomination(self, token) -> Nomination:
        nomination = services.nomination_for_token(token)
        if nomination is None:
            raise Http404
        return nomination

    def get(self, request, token):
        nomination = self._nomination(token)
        return render(
            request,
            self.template_name,
            {
                "nomination": nomination,
                "cohort": nomination.cohort,
                "usable": nomination.status == Nomination.Status.PENDING
                and not nomination.is_expired,
            },
        )

    def post(self, request, token):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        nomination = self._nomination(token)
        application = services.nomination_accept(nomination=nomination, user=request.user)
        messages.success(
            request, _("Thank you. Your application is started: complete it and submit it.")
        )
        return redirect("cohorts:application-edit", pk=application.pk)


@method_decorator(rate_limited("recommend", limit=5, period=3600), name="dispatch")
class RecommendationCreateView(View):
    template_name = "cohorts/recommendation_form.html"

    def _cohort(self, request, pk):
        cohort = get_object_or_404(Cohort.objects.select_related("programme"), pk=pk)
        if not permissions.can_view_cohort(request.user, cohort):
            raise Http404
        if not permissions.can_recommend(request.user, cohort):
            raise Http404
        return cohort

    def _initial(self, request):
        if request.user.is_authenticated:
            return {
                "recommender_name": request.user.full_name,
                "recommender_email": request.user.email,
            }
        return {}

    def get(self, request, pk):
        cohort = self._cohort(request, pk)
        form = RecommendationForm(initial=self._initial(request))
        return render(request, self.template_name, {"cohort": cohort, "form": form})

    def post(self, request, pk):
        cohort = self._cohort(request, pk)
        form = RecommendationForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.nomination_create(
                    cohort=cohort,
                    nominee_name=data["nominee_name"],
                    nominee_email=data["nominee_email"],
                    reason=data["reason"],
                    organisation=data["organisation"],
                    nominated_by=request.user if request.user.is_authenticated else None,
                    source=Nomination.Source.RECOMMENDATION,
                    recommender_name=data["recommender_name"],
                    recommender_email=data["recommender_email"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("Thank you. We have sent %(name)s an invitation to apply.")
                    % {"name": data["nominee_name"]},
                )
                return redirect(cohort)
        return render(request, self.template_name, {"cohort": cohort, "form": form}, status=400)


# --- Equality monitoring ---------------------------------------------------------------


class EqualityCreateView(LoginRequiredMixin, View):
    template_name = "cohorts/equality_form.html"

    def _application(self, request, pk):
        application = get_object_or_404(
            Application.objects.select_related("cohort__programme__question_set"),
            pk=pk,
            applicant=request.user,
        )
        if not permissions.can_answer_equality_monitoring(request.user, application):
            raise Http404
        if EqualityReceipt.objects.filter(
            cohort_id=application.cohort_id, user=request.user
        ).exists():
            messages.info(
                request, _("You have already answered the equality monitoring questions.")
            )
            return application, redirect(application)
        return application, None

    def get(self, request, pk):
        application, response = self._application(request, pk)
        if response:
            return response
        return self._render(request, application, EqualityForm())

    def post(self, request, pk):
        application, response = self._application(request, pk)
        if response:
            return response
        if "skip" in request.POST:
            return redirect(application)
        form = EqualityForm(request.POST)
        if form.is_valid():
            try:
                services.equality_response_submit(
                    cohort=application.cohort, user=request.user, answers=form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request, _("Thank you. Your answers are kept apart from your application.")
                )
                return redirect(application)
        return self._render(request, application, form, status=400)

    def _render(self, request, application, form, status=200):
        context = {
            "application": application,
            "form": form,
            "retention_days": settings.EQUALITY_MONITORING_RETENTION_DAYS,
        }
        return render(request, self.template_name, context, status=status)


class EqualityReportView(LoginRequiredMixin, View):
    def get(self, request, pk):
        cohort = get_object_or_404(Cohort.objects.select_related("programme"), pk=pk)
        if not permissions.can_view_equality_report(request.user, cohort):
            raise Http404
        context = {"cohort": cohort, "report": selectors.equality_report(cohort)}
        return render(request, "cohorts/equality_report.html", context)


# --- Question sets (programme admins) --------------------------------------------------


class _QuestionSetAdminMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not permissions.can_edit_question_sets(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class QuestionSetListView(_QuestionSetAdminMixin, View):
    def get(self, request):
        programmes = selectors.programme_list_with_question_counts()
        return render(request, "cohorts/question_set_list.html", {"programmes": programmes})


class QuestionSetEditView(_QuestionSetAdminMixin, View):
    template_name = "cohorts/question_set_form.html"

    def _programme(self, slug):
        return get_object_or_404(Programme, slug=slug)

    def _render(self, request, programme, form, formset, status=200):
        context = {"programme": programme, "form": form, "formset": formset}
        return render(request, self.template_name, context, status=status)

    def get(self, request, slug):
        programme = self._programme(slug)
        question_set = QuestionSet.objects.filter(programme=programme).first()
        questions = list(question_set.questions.all()) if question_set else []
        form = QuestionSetForm(
            initial={
                "introduction": question_set.introduction if question_set else "",
                "asks_equality_monitoring": bool(
                    question_set and question_set.asks_equality_monitoring
                ),
            }
        )
        formset = QuestionFormSet(
            initial=[
                {
                    "id": q.pk,
                    "text": q.text,
                    "help_text": q.help_text,
                    "kind": q.kind,
                    "choices": q.choices,
                    "required": q.required,
                    "is_active": q.is_active,
                }
                for q in questions
            ]
        )
        for extra in formset.extra_forms:
            extra.initial = {"required": True, "is_active": True}
        return self._render(request, programme, form, formset)

    def post(self, request, slug):
        programme = self._programme(slug)
        form = QuestionSetForm(request.POST)
        formset = QuestionFormSet(request.POST)
        if form.is_valid() and formset.is_valid():
            try:
                services.question_set_save(
                    programme=programme,
                    introduction=form.cleaned_data["introduction"],
                    asks_equality_monitoring=form.cleaned_data["asks_equality_monitoring"],
                    questions=[f.cleaned_data for f in formset.forms if f.cleaned_data],
                )
            except ValidationError as error:
                form.add_error(None, error)
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("The questions for %(name)s are saved.") % {"name": programme.name},
                )
                return redirect("cohorts:question-set-edit", slug=programme.slug)
        return self._render(request, programme, form, formset, status=400)
