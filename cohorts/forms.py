import datetime as dt

from django import forms
from django.forms.fields import BaseTemporalField
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from academy.models import Programme
from accounts.models import Organisation
from scheduling.forms import london_datetime
from scheduling.selectors import facilitator_choices

from .models import Application, Cohort, EqualityResponse, Question

State = Application.State

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def _question_field(question: Question, *, required: bool) -> forms.Field:
    common = {"label": question.text, "help_text": question.help_text, "required": required}
    if question.kind == Question.Kind.LONG_TEXT:
        return forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 6}), **common)
    if question.kind == Question.Kind.CHOICE:
        return forms.ChoiceField(
            choices=[(option, option) for option in question.options],
            widget=forms.RadioSelect,
            **common,
        )
    if question.kind == Question.Kind.YES_NO:
        return forms.ChoiceField(choices=YES_NO, widget=forms.RadioSelect, **common)
    return forms.CharField(max_length=500, **common)


class ApplicationForm(forms.Form):
    """The applicant's organisation and role, then the programme's own questions.

    Saving a draft requires nothing; submitting requires the role and every required
    question (the service checks again).
    """

    organisation = forms.ModelChoiceField(
        label=_("Your organisation"),
        queryset=Organisation.objects.all(),
        required=False,
        empty_label=_("Not listed or none"),
        help_text=_(
            "Your employer. Where the cohort asks for it, the organisation's sponsor is asked "
            "to approve your application."
        ),
    )
    job_title = forms.CharField(
        label=_("Your role"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )

    def __init__(self, *args, questions, for_submission: bool, organisation_fixed=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        self.fields["job_title"].required = for_submission
        if organisation_fixed:
            self.fields["organisation"].disabled = True
            self.fields["organisation"].help_text = _(
                "You were nominated by this organisation, so it cannot be changed."
            )
        for question in self.questions:
            self.fields[f"question_{question.pk}"] = _question_field(
                question, required=for_submission and question.required
            )

    def answers(self) -> dict[int, str]:
        return {
            question.pk: self.cleaned_data.get(f"question_{question.pk}") or ""
            for question in self.questions
        }


DECISION_LABELS = {
    "accept": _("Offer a place (the waitlist if none is free)"),
    "waitlist": _("Put on the waitlist"),
    "reject": _("Turn down"),
    "review": _("Start the review"),
    "withdraw": _("Record that they have left the cohort"),
}
TARGET_DECISIONS = {
    State.ACCEPTED: "accept",
    State.WAITLISTED: "waitlist",
    State.REJECTED: "reject",
    State.IN_REVIEW: "review",
    State.WITHDRAWN: "withdraw",
}


def decision_choices(targets: set[str], from_state: str) -> list[tuple[str, str]]:
    choices = []
    for state, decision in TARGET_DECISIONS.items():
        if state in targets:
            label = DECISION_LABELS[decision]
            if decision == "review" and from_state == State.AWAITING_SPONSOR:
                label = _("Review it without the sponsor’s approval")
            if decision == "accept" and from_state == State.WAITLISTED:
                label = _("Offer a place now")
            choices.append((decision, label))
    return choices


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The applicant sees this. Required to turn an application down."),
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = choices


BULK_DECISIONS = [
    ("accept", DECISION_LABELS["accept"]),
    ("waitlist", DECISION_LABELS["waitlist"]),
    ("reject", DECISION_LABELS["reject"]),
    ("review", DECISION_LABELS["review"]),
]


class BulkDecisionForm(forms.Form):
    applications = forms.ModelMultipleChoiceField(
        queryset=Application.objects.none(),
        error_messages={"required": _("Select at least one application.")},
    )
    decision = forms.ChoiceField(label=_("Decision"), choices=BULK_DECISIONS)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Each applicant sees this. Required to turn applications down."),
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"].queryset = queryset


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    organisation = forms.TypedChoiceField(
        label=_("Organisation"), required=False, coerce=int, empty_value=None
    )
    source = forms.ChoiceField(
        label=_("How they came"),
        required=False,
        choices=[("", _("Any way"))] + list(Application.Source.choices),
    )
    q = forms.CharField(label=_("Name or email"), required=False, max_length=100)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("oldest", _("Submitted, oldest first")),
            ("newest", _("Submitted, newest first")),
            ("name", _("Name")),
            ("organisation", _("Organisation")),
            ("waitlist", _("Place on the waitlist")),
        ],
    )

    def __init__(self, *args, organisations, counts, **kwargs):
        super().__init__(*args, **kwargs)
        statuses = [("", _("All submitted")), ("to-decide", _("Waiting for a decision"))]
        statuses += [
            (state.value.replace("_", "-"), state.label) for state in State if state != State.DRAFT
        ]
        self.fields["status"].choices = [
            (value, f"{label} ({counts.get(value.replace('-', '_'), counts.get(value, 0))})")
            if value
            else (value, label)
            for value, label in statuses
        ]
        self.fields["organisation"].choices = [("", _("Any organisation"))] + [
            (organisation.pk, organisation.name) for organisation in organisations
        ]


class EndorsementForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Do you support this application?"),
        widget=forms.RadioSelect,
        choices=[
            ("endorse", _("Yes, approve it for review")),
            ("decline", _("No, decline it")),
        ],
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The applicant sees this. Required to decline."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "decline" and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Give a reason: the applicant will see it."))
        return cleaned


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you withdrawing?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("This helps the facilitators. You do not have to say."),
    )


class NominationForm(forms.Form):
    nominee_name = forms.CharField(label=_("Their full name"), max_length=150)
    nominee_email = forms.EmailField(
        label=_("Their work email"), help_text=_("We send the invitation here.")
    )
    reason = forms.CharField(
        label=_("Why are you nominating them?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("They see this in the invitation."),
    )


class NominationUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "The first line must be the column names name,email,reason, then one person a "
            "line. At most 500 people."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class RecommendationForm(forms.Form):
    recommender_name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    recommender_email = forms.EmailField(
        label=_("Your email"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("We tell them who recommended them. We do not add you to any list."),
    )
    nominee_name = forms.CharField(label=_("Their full name"), max_length=150)
    nominee_email = forms.EmailField(
        label=_("Their email"), help_text=_("We send the invitation here.")
    )
    organisation = forms.ModelChoiceField(
        label=_("Their organisation"),
        queryset=Organisation.objects.all(),
        required=False,
        empty_label=_("Not listed or not known"),
    )
    reason = forms.CharField(
        label=_("Why would they benefit?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("They see this in the invitation."),
    )


class EqualityForm(forms.Form):
    """Every question is optional and offers “Prefer not to say”."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("gender", "age_band", "ethnic_group", "disability", "caring"):
            model_field = EqualityResponse._meta.get_field(name)
            self.fields[name] = forms.ChoiceField(
                label=_question_label(name),
                choices=model_field.choices,
                required=False,
                widget=forms.RadioSelect,
            )


def _question_label(name: str) -> str:
    return {
        "gender": _("What is your gender?"),
        "age_band": _("What is your age?"),
        "ethnic_group": _("What is your ethnic group?"),
        "disability": _("Do you consider yourself to have a disability?"),
        "caring": _("Do you look after someone, or have children under 16 living with you?"),
    }[name]


class QuestionSetForm(forms.Form):
    introduction = forms.CharField(
        label=_("Introduction"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown above the questions. Markdown is allowed."),
    )
    asks_equality_monitoring = forms.BooleanField(
        label=_("Ask the optional equality monitoring questions after submission"),
        required=False,
        help_text=_(
            "For positive-action programmes. Answers are kept apart and never shown to reviewers."
        ),
    )


class QuestionForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("Question"),
        max_length=300,
        required=False,
        help_text=_("Leave empty to add nothing."),
    )
    help_text = forms.CharField(label=_("Hint"), max_length=300, required=False)
    kind = forms.ChoiceField(label=_("Kind of answer"), choices=Question.Kind.choices)
    choices = forms.CharField(
        label=_("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For a choice of options: one option a line."),
    )
    required = forms.BooleanField(label=_("An answer is required"), required=False)
    is_active = forms.BooleanField(label=_("Asked on new applications"), required=False)
    delete = forms.BooleanField(
        label=_("Remove this question"),
        required=False,
        help_text=_("Only for a question nobody has answered yet."),
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("text")
            and cleaned.get("kind") == Question.Kind.CHOICE
            and not (cleaned.get("choices") or "").strip()
        ):
            self.add_error("choices", _("Give the options, one a line."))
        return cleaned


QuestionFormSet = forms.formset_factory(QuestionForm, extra=2, max_num=50, validate_max=True)


# --- Cohort management ---------------------------------------------------------------


def _date_input():
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class UKDateTimeField(forms.DateTimeField):
    """A date and time typed in UK time, from a datetime-local input.

    A time the clocks skip or pass twice is refused with a message that says so, so a
    window never opens an hour out.
    """

    widget = forms.DateTimeInput(format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local"})
    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime) and timezone.is_aware(value):
            return value
        if not isinstance(value, dt.datetime):
            value = BaseTemporalField.to_python(self, value)
        return london_datetime(value.date(), value.time())


class CohortForm(forms.Form):
    """A cohort's settings. The programme only when creating; facilitators only for admins.

    Field names are the service's keyword arguments, so its field errors land here.
    """

    programme = forms.ModelChoiceField(label=_("Programme"), queryset=None)
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("For example “Leadership Academy 2027: Spring cohort”."),
    )
    intake_year = forms.IntegerField(
        label=_("Programme year"),
        min_value=2000,
        max_value=2100,
        help_text=_("The year of programmes this intake belongs to, for example 2027."),
    )
    starts_on = forms.DateField(label=_("Starts on"), required=False, widget=_date_input())
    ends_on = forms.DateField(label=_("Ends on"), required=False, widget=_date_input())
    capacity = forms.IntegerField(
        label=_("Places"),
        min_value=1,
        required=False,
        help_text=_("Needed before applications open. It cannot go below the places taken."),
    )
    applications_open_at = UKDateTimeField(
        label=_("Applications open"), required=False, help_text=_("UK time.")
    )
    applications_close_at = UKDateTimeField(
        label=_("Applications close"),
        required=False,
        help_text=_("UK time. The cohort closes for applications by itself at this time."),
    )
    opens_automatically = forms.BooleanField(
        label=_("Open applications automatically when the window starts"),
        required=False,
        help_text=_(
            "Tick this when the cohort is ready: it then opens by itself at the time "
            "applications open. Leave it unticked while you are still preparing it."
        ),
    )
    delivery_mode = forms.ChoiceField(
        label=_("Delivery"), choices=Cohort.DeliveryMode.choices, widget=forms.RadioSelect
    )
    venue = forms.CharField(
        label=_("Venue"),
        max_length=300,
        required=False,
        help_text=_("Where the sessions in person take place, for example “Cardiff and online”."),
    )
    per_organisation_cap = forms.IntegerField(
        label=_("Places per organisation"),
        min_value=1,
        required=False,
        help_text=_("The most places one organisation may hold. Leave empty for no limit."),
    )
    sponsor_approval_required = forms.BooleanField(
        label=_("Applications need their sponsor's approval"), required=False
    )
    facilitators = forms.ModelMultipleChoiceField(
        label=_("Facilitators"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("They run the cohort: its applications, timetable, content and certificates."),
    )

    def __init__(
        self,
        *args,
        creating: bool,
        may_assign_facilitators: bool,
        status: str = Cohort.Status.DRAFT,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        if creating:
            self.fields["programme"].queryset = Programme.objects.order_by("name")
        else:
            del self.fields["programme"]
        if status != Cohort.Status.DRAFT:
            # Only a draft waits to be opened.
            del self.fields["opens_automatically"]
        if may_assign_facilitators:
            self.fields["facilitators"].queryset = facilitator_choices()
        else:
            del self.fields["facilitators"]

    @staticmethod
    def initial_for(cohort: Cohort) -> dict:
        initial = {name: getattr(cohort, name) for name in CohortForm.base_fields}
        for name in ("applications_open_at", "applications_close_at"):
            if initial[name] is not None:
                initial[name] = timezone.localtime(initial[name])
        initial["facilitators"] = list(cohort.facilitators.all())
        return initial

    def settings(self) -> dict:
        """The cleaned fields as cohorts.services takes them, without programme and facilitators."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in ("programme", "facilitators")
        }


class CohortCopyForm(forms.Form):
    title = forms.CharField(label=_("Title of the new cohort"), max_length=200)
    intake_year = forms.IntegerField(label=_("Programme year"), min_value=2000, max_value=2100)
    starts_on = forms.DateField(
        label=_("New start date"),
        widget=_date_input(),
        help_text=_(
            "Sessions keep their weekday and time: they move by whole weeks, the fewest "
            "that bring the first day on or after this date."
        ),
    )


class CohortFilterForm(forms.Form):
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=None, required=False, empty_label=_("All programmes")
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status"))] + list(Cohort.Status.choices),
    )
    year = forms.TypedChoiceField(
        label=_("Programme year"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, programmes, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        self.fields["year"].choices = [("", _("Any year"))] + [(year, year) for year in years]
