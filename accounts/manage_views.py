"""Programme admins' pages for organisations, people, roles and invitations."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from core.errors import ApplicationError

from . import services
from .forms import OrganisationForm, PersonFilterForm, RoleChangeForm, RoleInvitationForm
from .models import Organisation, RoleInvitation
from .permissions import can_manage_people
from .selectors import organisation_list, person_list, role_invitation_list_open

User = get_user_model()


class AdminOnlyMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_manage_people(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class OrganisationListView(AdminOnlyMixin, ListView):
    template_name = "accounts/organisation_list.html"
    context_object_name = "organisations"
    paginate_by = 50

    def get_queryset(self):
        return organisation_list(search=self.request.GET.get("q", ""))


class OrganisationFormView(AdminOnlyMixin, FormView):
    """Create an organisation, or change one when the URL names it."""

    template_name = "accounts/organisation_form.html"
    form_class = OrganisationForm

    def dispatch(self, request, *args, **kwargs):
        self.organisation = None
        if "pk" in kwargs:
            self.organisation = get_object_or_404(Organisation, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.organisation}

    def get_context_data(self, **kwargs):
        return super().get_context_data(organisation=self.organisation, **kwargs)

    def form_valid(self, form):
        try:
            organisation = services.organisation_save(
                organisation=self.organisation, actor=self.request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("%(name)s has been saved.") % {"name": organisation})
        return redirect("people:organisation-detail", pk=organisation.pk)


class OrganisationDetailView(AdminOnlyMixin, DetailView):
    template_name = "accounts/organisation_detail.html"
    context_object_name = "organisation"
    queryset = Organisation.objects.all()

    def get_context_data(self, **kwargs):
        people = person_list().filter(organisation=self.object)
        return super().get_context_data(
            sponsors=people.filter(role=User.Role.SPONSOR),
            people_count=people.count(),
            invitations=role_invitation_list_open().filter(organisation=self.object),
            **kwargs,
        )


class PersonListView(AdminOnlyMixin, ListView):
    template_name = "accounts/person_list.html"
    context_object_name = "people"
    paginate_by = 50

    def get_queryset(self):
        self.filter_form = PersonFilterForm(self.request.GET or None)
        filters = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        return person_list(search=filters.get("q", ""), role=filters.get("role", ""))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filter_form=self.filter_form, invitations=role_invitation_list_open(), **kwargs
        )


class PersonDetailView(AdminOnlyMixin, FormView):
    """One person's details and the form to change their role."""

    template_name = "accounts/person_detail.html"
    form_class = RoleChangeForm

    def dispatch(self, request, *args, **kwargs):
        self.person = get_object_or_404(
            User.objects.select_related("organisation"), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"role": self.person.role, "organisation": self.person.organisation}

    def get_context_data(self, **kwargs):
        return super().get_context_data(person=self.person, **kwargs)

    def form_valid(self, form):
        try:
            services.user_change_role(
                user=self.person, actor=self.request.user, **form.cleaned_data
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(
            self.request, _("%(name)s's role has been changed.") % {"name": self.person}
        )
        return redirect("people:person-detail", pk=self.person.pk)


class RoleInvitationCreateView(AdminOnlyMixin, FormView):
    template_name = "accounts/roleinvitation_form.html"
    form_class = RoleInvitationForm

    def get_initial(self):
        organisation = self.request.GET.get("organisation")
        initial = {"role": self.request.GET.get("role", User.Role.FACILITATOR)}
        if organisation and organisation.isdigit():
            initial["organisation"] = Organisation.objects.filter(pk=organisation).first()
        return initial

    def form_valid(self, form):
        try:
            invitation = services.role_invitation_create(
                actor=self.request.user, **form.cleaned_data
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("We have e-mailed an invitation to %(email)s.") % {"email": invitation.email},
        )
        return redirect("people:person-list")


class RoleInvitationWithdrawView(AdminOnlyMixin, View):
    def post(self, request, pk):
        invitation = get_object_or_404(RoleInvitation, pk=pk)
        services.role_invitation_withdraw(invitation=invitation, actor=request.user)
        messages.success(
            request, _("The invitation to %(email)s is withdrawn.") % {"email": invitation.email}
        )
        return redirect("people:person-list")
