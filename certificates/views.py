from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from cohorts.models import Cohort, Enrolment
from core.errors import ApplicationError
from core.pagecache import cached_page
from core.ratelimit import rate_limited

from . import credentials, permissions, selectors, services
from .codes import code_display, code_normalise
from .forms import DecisionNoteForm, ReissueForm, RevokeForm, VerificationForm
from .models import Certificate

PAGE_SIZE = 25

# Verification is public and answers whether a code exists, so every look-up (GET
# included) counts against the client's limit: guessing codes at scale is refused.
limit_verification = method_decorator(
    rate_limited("certificate-verify", limit=60, period=600, methods=("GET", "POST")),
    name="dispatch",
)


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


# --- Public verification -----------------------------------------------------------


@limit_verification
class CertificateVerifyFormView(FormView):
    """`/verify/`: type a code; a valid-looking one goes to its verification page."""

    template_name = "certificates/certificate_verify_form.html"
    form_class = VerificationForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if "code" in self.request.GET:
            kwargs["data"] = self.request.GET
        return kwargs

    def get(self, request, *args, **kwargs):
        form = self.get_form()
        if form.is_bound and form.is_valid():
            return self.form_valid(form)
        return self.render_to_response(self.get_context_data(form=form))

    def form_valid(self, form):
        return redirect("certificates:verify-detail", code=code_display(form.cleaned_data["code"]))


@limit_verification  # every look-up counts, those served from the page cache too
@method_decorator(cached_page, name="get")
class CertificateVerifyView(View):
    """`/verify/<code>/`: valid or revoked, with what the certificate says. Or JSON."""

    def get(self, request, code, as_json=False):
        as_json = as_json or _wants_json(request)
        certificate = selectors.certificate_get_public(code)
        if certificate is None:
            return self._not_found(request, as_json)
        if code != certificate.display_code:
            name = "certificates:verify-detail-json" if as_json else "certificates:verify-detail"
            return redirect(name, code=certificate.display_code)
        if as_json:
            return JsonResponse(selectors.certificate_verification(certificate))
        return render(
            request,
            "certificates/certificate_verify.html",
            {
                "certificate": certificate,
                "verification": selectors.certificate_verification(certificate),
            },
        )

    def _not_found(self, request, as_json):
        message = _("There is no certificate with this code. Check it against the certificate.")
        if as_json:
            return JsonResponse({"message": message, "status": 404}, status=404)
        return render(
            request,
            "certificates/certificate_verify_not_found.html",
            {"message": message, "form": VerificationForm()},
            status=404,
        )


@limit_verification
class CredentialView(View):
    """The certificate as an Open Badges 3.0 credential (public, like its page)."""

    def get(self, request, code):
        certificate = selectors.certificate_get_public(code)
        if certificate is None or code_normalise(code) != code:
            raise Http404
        return JsonResponse(
            credentials.open_badge_credential(certificate),
            content_type=credentials.MEDIA_TYPE,
            json_dumps_params={"ensure_ascii": False},
        )


class StatusListView(View):
    def get(self, request, number):
        return JsonResponse(
            credentials.status_list_credential(number),
            content_type=credentials.MEDIA_TYPE,
            headers={"Cache-Control": "no-cache"},
        )


class IssuerView(View):
    def get(self, request):
        profile = {"@context": [credentials.VC_CONTEXT, credentials.OB_CONTEXT]}
        profile.update(credentials.issuer_profile())
        return JsonResponse(profile, content_type=credentials.MEDIA_TYPE)


# --- Holders and sponsors ----------------------------------------------------------


class CertificateDownloadView(LoginRequiredMixin, View):
    """The PDF, as an attachment, for those allowed to have it; 404 for anyone else."""

    def get(self, request, pk):
        certificate = get_object_or_404(
            Certificate.objects.select_related("enrolment__user", "enrolment__cohort"),
            pk=pk,
            status=Certificate.Status.ISSUED,
        )
        if not certificate.pdf or not permissions.can_download_certificate(
            request.user, certificate
        ):
            raise Http404
        return FileResponse(
            default_storage.open(certificate.pdf.name, "rb"),
            as_attachment=True,
            filename=f"certificate-{certificate.display_code}.pdf",
            content_type="application/pdf",
        )


class OrganisationCertificateListView(LoginRequiredMixin, TemplateView):
    """A sponsor's view of the certificates held by their organisation's people."""

    template_name = "certificates/certificate_list_organisation.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        if not user.is_sponsor:
            raise Http404
        page = _page(self.request, selectors.certificate_list_for_organisation(user.organisation))
        return super().get_context_data(page_obj=page, certificates=page.object_list, **kwargs)


# --- Facilitators and admins -------------------------------------------------------


class CohortCertificateListView(LoginRequiredMixin, TemplateView):
    """Cohorts whose certificates the person issues, with how far each has got."""

    template_name = "certificates/cohort_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        if not (user.is_facilitator or user.is_programme_admin):
            raise Http404
        page = _page(self.request, selectors.cohort_list_for_certificates(user))
        return super().get_context_data(page_obj=page, cohorts=page.object_list, **kwargs)


def _managed_cohort(request, cohort_pk) -> Cohort:
    cohort = get_object_or_404(Cohort.objects.select_related("programme"), pk=cohort_pk)
    if not permissions.can_issue_certificates(request.user, cohort):
        raise Http404
    return cohort


class CohortCertificatesView(LoginRequiredMixin, TemplateView):
    """Who has completed a cohort, their certificates, and the whole-cohort run.

    An htmx poll (every 2 seconds while a run is under way) gets only the progress
    fragment, answered with 286 once the run has finished so htmx stops polling.
    """

    template_name = "certificates/cohort_certificates.html"

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        if request.htmx:
            batch = context["batch"]
            finished = batch is None or batch.is_finished
            return render(
                request,
                f"{self.template_name}#batch-progress",
                context,
                status=286 if finished else 200,
            )
        return self.render_to_response(context)

    def get_context_data(self, **kwargs):
        cohort = _managed_cohort(self.request, self.kwargs["cohort_pk"])
        context = super().get_context_data(cohort=cohort, **kwargs)
        context["batch"] = selectors.certificate_batch_latest(cohort)
        if self.request.htmx:
            return context
        page = _page(self.request, selectors.enrolment_list_completed(cohort))
        context.update(
            page_obj=page,
            enrolments=page.object_list,
            counts=selectors.certificate_counts_for_cohort(cohort),
            awaiting=selectors.enrolment_list_awaiting_certificate(cohort).exists(),
        )
        return context


class CertificateBatchCreateView(LoginRequiredMixin, View):
    def post(self, request, cohort_pk):
        cohort = _managed_cohort(request, cohort_pk)
        batch = services.certificate_batch_create(cohort=cohort, requested_by=request.user)
        messages.success(
            request,
            _("Certificates are being made. You can leave this page and come back to it.")
            if batch.requested_by_id == request.user.pk
            else _("Certificates for this cohort are already being made."),
        )
        return redirect(
            reverse("certificates:cohort-certificates", kwargs={"cohort_pk": cohort.pk})
            + "#progress"
        )


class EnrolmentCertificateIssueView(LoginRequiredMixin, View):
    """Issue (or try again) the certificate of one participant who has completed."""

    def post(self, request, enrolment_pk):
        enrolment = get_object_or_404(
            Enrolment.objects.select_related("cohort", "user"), pk=enrolment_pk
        )
        if not permissions.can_issue_certificate(request.user, enrolment):
            raise Http404
        services.certificate_request_for_enrolment(enrolment=enrolment, requested_by=request.user)
        messages.success(
            request,
            _("The certificate of %(name)s is being made.") % {"name": enrolment.user.full_name},
        )
        return redirect("certificates:cohort-certificates", cohort_pk=enrolment.cohort_id)


class ManagedCertificateMixin(LoginRequiredMixin):
    permission = staticmethod(permissions.can_manage_certificate)

    def get_certificate(self) -> Certificate:
        certificate = get_object_or_404(
            Certificate.objects.select_related("enrolment__user", "enrolment__cohort__programme"),
            pk=self.kwargs["pk"],
        )
        if not permissions.can_manage_certificate(self.request.user, certificate):
            raise Http404
        if not self.permission(self.request.user, certificate):
            raise Http404
        return certificate


class CertificateDetailView(ManagedCertificateMixin, TemplateView):
    """One certificate for those who issue it: what it says, its history, actions."""

    template_name = "certificates/certificate_detail.html"

    def get_context_data(self, **kwargs):
        certificate = self.get_certificate()
        user = self.request.user
        return super().get_context_data(
            certificate=certificate,
            cohort=certificate.enrolment.cohort,
            events=certificate.events.select_related("actor"),
            can_revoke=permissions.can_revoke_certificate(user, certificate),
            can_reinstate=permissions.can_reinstate_certificate(user, certificate),
            reissue_form=ReissueForm(),
            gave_up=certificate.render_attempts >= services.RENDER_ATTEMPTS
            or certificate.status == Certificate.Status.FAILED,
            **kwargs,
        )


class DecisionFormView(ManagedCertificateMixin, FormView):
    """A form that records a decision about a certificate through one service."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.certificate = self.get_certificate()
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            certificate=self.certificate, cohort=self.certificate.enrolment.cohort, **kwargs
        )

    def form_valid(self, form):
        try:
            self.decide(**form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        except ApplicationError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect(self.certificate.get_absolute_url())


class CertificateRevokeView(DecisionFormView):
    template_name = "certificates/certificate_revoke.html"
    form_class = RevokeForm
    permission = staticmethod(permissions.can_revoke_certificate)

    @property
    def success_message(self):
        return _("The certificate is revoked. Its verification page says so from now on.")

    def decide(self, *, reason, note):
        services.certificate_revoke(
            certificate=self.certificate, actor=self.request.user, reason=reason, note=note
        )


class CertificateReinstateView(DecisionFormView):
    template_name = "certificates/certificate_reinstate.html"
    form_class = DecisionNoteForm
    permission = staticmethod(permissions.can_reinstate_certificate)

    @property
    def success_message(self):
        return _("The certificate is valid again.")

    def decide(self, *, note):
        services.certificate_reinstate(
            certificate=self.certificate, actor=self.request.user, note=note
        )


class CertificateReissueView(ManagedCertificateMixin, View):
    def post(self, request, pk):
        certificate = self.get_certificate()
        form = ReissueForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        services.certificate_reissue(certificate=certificate, actor=request.user, note=note)
        messages.success(
            request,
            _("A new PDF is being made with the corrected details. The code stays the same."),
        )
        return redirect(certificate.get_absolute_url())


class CertificateRetryView(ManagedCertificateMixin, View):
    def post(self, request, pk):
        certificate = self.get_certificate()
        services.certificate_retry(certificate=certificate, actor=request.user)
        messages.success(request, _("The PDF is being made again."))
        return redirect(certificate.get_absolute_url())
