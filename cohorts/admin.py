"""The back office for cohorts. Places and application states are changed only by the
services, so here they are read-only; reservations and capacity changes are checked
against the places already taken and then offered to the waitlist."""

from django import forms
from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from . import services
from .models import (
    Application,
    ApplicationAnswer,
    ApplicationEvent,
    Cohort,
    CohortReservation,
    Enrolment,
    Nomination,
    Question,
    QuestionSet,
)


class ReservationFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        cohort = self.instance
        if cohort.pk is None or cohort.capacity is None or any(self.errors):
            return
        filled = dict(
            cohort.applications.filter(holds_reserved_place=True)
            .order_by()
            .values("organisation_id")
            .annotate(n=Count("pk"))
            .values_list("organisation_id", "n")
        )
        unfilled = 0
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            organisation = form.cleaned_data["organisation"]
            unfilled += max(form.cleaned_data["places"] - filled.get(organisation.pk, 0), 0)
        if cohort.places_taken + unfilled > cohort.capacity:
            raise forms.ValidationError(
                _("Only %(free)s places are free to reserve on this cohort.")
                % {"free": cohort.capacity - cohort.places_taken}
            )


class ReservationInline(admin.TabularInline):
    model = CohortReservation
    formset = ReservationFormSet
    extra = 0
    autocomplete_fields = ["organisation"]


class CohortAdminForm(forms.ModelForm):
    """The admin builds the form's Meta; this only adds a check on capacity."""

    def clean_capacity(self):
        capacity = self.cleaned_data.get("capacity")
        taken = self.instance.places_taken if self.instance.pk else 0
        if taken and (capacity is None or capacity < taken):
            raise forms.ValidationError(
                _("%(taken)s places are already taken: the cohort needs at least that many.")
                % {"taken": taken}
            )
        return capacity


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    form = CohortAdminForm
    list_display = [
        "title",
        "programme",
        "intake_year",
        "status",
        "starts_on",
        "capacity",
        "places_taken",
    ]
    list_filter = ["status", "programme", "intake_year"]
    search_fields = ["title", "programme__name"]
    # The status moves only along the lifecycle, from the cohort's page in the portal
    # (or on its dates), where each move is checked and audited.
    readonly_fields = ["status", "places_taken", "places_reserved"]
    filter_horizontal = ["facilitators"]
    inlines = [ReservationInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # More places or fewer reserved ones: recount and offer what is free to the waitlist.
        services.cohort_offer_free_places(cohort=form.instance)


class EnrolmentAddForm(forms.ModelForm):
    """A place given directly: through the service, so it counts against capacity."""

    class Meta:
        model = Enrolment
        fields = ["cohort", "user"]

    def clean(self):
        cleaned = super().clean()
        cohort, user = cleaned.get("cohort"), cleaned.get("user")
        if cohort and user:
            # A friendly check first; the service decides under the cohort's lock.
            if Enrolment.objects.filter(cohort=cohort, user=user).exists():
                raise forms.ValidationError(_("This person already has a place on this cohort."))
            if cohort.places_left == 0:
                raise forms.ValidationError(_("This cohort has no places left."))
        return cleaned

    def save(self, commit=True):
        self.instance = services.enrolment_create(
            cohort=self.cleaned_data["cohort"], user=self.cleaned_data["user"]
        )
        return self.instance

    def save_m2m(self):
        """Nothing many-to-many: the admin calls this after saving."""


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    """Places are changed through the services: adding goes through `enrolment_create`,
    withdrawing through the action, so the cohort's count of places stays right."""

    list_display = ["user", "cohort", "status", "organisation", "enrolled_at", "completed_on"]
    list_filter = ["status", "cohort__programme"]
    search_fields = ["user__email", "user__full_name", "cohort__title"]
    raw_id_fields = ["user", "cohort"]
    actions = ["withdraw"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = EnrolmentAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["cohort", "user"]
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [field.name for field in Enrolment._meta.fields]

    @admin.action(description=_("Withdraw from the cohort (the place goes to the waitlist)"))
    def withdraw(self, request, queryset):
        withdrawn = 0
        for enrolment in queryset.filter(status=Enrolment.Status.ACTIVE):
            services.enrolment_withdraw(enrolment=enrolment, actor=request.user)
            withdrawn += 1
        self.message_user(request, _("%(count)s withdrawn.") % {"count": withdrawn})


class QuestionInline(admin.StackedInline):
    model = Question
    extra = 1
    fields = ["position", "text", "help_text", "kind", "choices", "required", "is_active"]


@admin.register(QuestionSet)
class QuestionSetAdmin(admin.ModelAdmin):
    list_display = ["programme", "asks_equality_monitoring", "question_count"]
    inlines = [QuestionInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("programme")
            .annotate(n=Count("questions", filter=Q(questions__is_active=True)))
        )

    @admin.display(description=_("questions asked"))
    def question_count(self, obj):
        return obj.n


class AnswerInline(admin.TabularInline):
    model = ApplicationAnswer
    extra = 0
    can_delete = False
    readonly_fields = ["question", "value"]

    def has_add_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = ApplicationEvent
    extra = 0
    can_delete = False
    readonly_fields = ["created_at", "actor", "from_state", "to_state", "reason", "notified_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    """Read-only: decisions are made in the portal's review queue, where they are recorded."""

    list_display = ["applicant", "cohort", "organisation", "source", "state", "submitted_at"]
    list_filter = ["state", "source", "cohort__programme"]
    search_fields = ["applicant__email", "applicant__full_name", "cohort__title"]
    list_select_related = ["applicant", "cohort__programme", "organisation"]
    inlines = [AnswerInline, EventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Nomination)
class NominationAdmin(admin.ModelAdmin):
    list_display = ["nominee_name", "nominee_email", "cohort", "organisation", "source", "status"]
    list_filter = ["status", "source"]
    search_fields = ["nominee_name", "nominee_email"]
    list_select_related = ["cohort__programme", "organisation"]
    exclude = ["token_nonce", "token_hash"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
