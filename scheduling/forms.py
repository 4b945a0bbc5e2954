import datetime as dt

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from . import selectors
from .models import Attendance, Session


def london_datetime(day: dt.date, time: dt.time) -> dt.datetime:
    """The aware datetime for a date and a wall-clock time in UK time.

    Raises ValidationError for a time the clocks skip (spring) or pass twice (autumn):
    guessing would put the session an hour out.
    """
    zone = timezone.get_default_timezone()
    naive = dt.datetime.combine(day, time)
    first = naive.replace(tzinfo=zone, fold=0)
    second = naive.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first
    values = {
        "time": formats.time_format(time, "H:i"),
        "date": formats.date_format(day, "j F Y"),
    }
    if first.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) != naive:
        raise forms.ValidationError(
            _(
                "%(time)s on %(date)s does not exist in UK time: the clocks go forward "
                "an hour that night. Choose another time."
            ),
            code="nonexistent",
            params=values,
        )
    raise forms.ValidationError(
        _(
            "%(time)s on %(date)s happens twice in UK time: the clocks go back an hour "
            "that night. Choose another time."
        ),
        code="ambiguous",
        params=values,
    )


class SessionTimesForm(forms.Form):
    """A date and start and end times in UK time, cleaned into aware `starts` and `ends`."""

    date = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    starts_at = forms.TimeField(
        label=_("Start time"),
        help_text=_("UK time, 24-hour clock, for example 14:30."),
        widget=forms.TimeInput(format="%H:%M", attrs={"type": "time"}),
    )
    ends_at = forms.TimeField(
        label=_("End time"),
        widget=forms.TimeInput(format="%H:%M", attrs={"type": "time"}),
    )

    def clean(self):
        cleaned = super().clean()
        day = cleaned.get("date")
        if day is None:
            return cleaned
        for field, key in (("starts_at", "starts"), ("ends_at", "ends")):
            if cleaned.get(field) is None:
                continue
            try:
                cleaned[key] = london_datetime(day, cleaned[field])
            except forms.ValidationError as error:
                self.add_error(field, error)
        if "starts" in cleaned and "ends" in cleaned and cleaned["ends"] <= cleaned["starts"]:
            self.add_error("ends_at", _("The session must end after it starts."))
        return cleaned

    @staticmethod
    def initial_for(session: Session) -> dict:
        starts = timezone.localtime(session.starts_at)
        return {
            "date": starts.date(),
            "starts_at": starts.time(),
            "ends_at": timezone.localtime(session.ends_at).time(),
        }


class SessionDetailsForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Type of session"), choices=Session.Kind.choices)
    venue = forms.CharField(
        label=_("Venue address"),
        required=False,
        help_text=_(
            "For a session in person: the room, building and address. Give a venue, an "
            "online joining link or both."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    access_notes = forms.CharField(
        label=_("Access notes"),
        required=False,
        help_text=_("Step-free access, hearing loops, parking, where to go on arrival."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    joining_link = forms.URLField(
        label=_("Online joining link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("For an online or hybrid session: the full link, starting with https://"),
    )
    facilitators = forms.ModelMultipleChoiceField(
        label=_("Facilitators"),
        queryset=selectors.facilitator_choices(),
        widget=forms.CheckboxSelectMultiple,
    )
    capacity = forms.IntegerField(
        label=_("Places"),
        required=False,
        min_value=1,
        help_text=_("Leave empty if the room has no limit."),
    )
    description = forms.CharField(
        label=_("What the session covers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def details(self) -> dict:
        """The cleaned fields as the session services take them."""
        data = self.cleaned_data
        return {
            "title": data["title"],
            "kind": data["kind"],
            "venue": data["venue"],
            "access_notes": data["access_notes"],
            "joining_link": data["joining_link"],
            "facilitators": list(data["facilitators"]),
            "capacity": data["capacity"],
            "description": data["description"],
        }

    @staticmethod
    def initial_for(session: Session) -> dict:
        return {
            "title": session.title,
            "kind": session.kind,
            "venue": session.venue,
            "access_notes": session.access_notes,
            "joining_link": session.joining_link,
            "facilitators": list(session.facilitators.all()),
            "capacity": session.capacity,
            "description": session.description,
        }


class SessionCreateForm(SessionDetailsForm, SessionTimesForm):
    field_order = [
        "title",
        "kind",
        "date",
        "starts_at",
        "ends_at",
        "venue",
        "access_notes",
        "joining_link",
        "facilitators",
        "capacity",
        "description",
    ]


class SessionUpdateForm(SessionDetailsForm):
    message = forms.CharField(
        label=_("Message to participants and facilitators"),
        required=False,
        help_text=_(
            "Everyone is e-mailed when the venue, access notes, joining link or "
            "facilitators change, or when you write a message here."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SessionMoveForm(SessionTimesForm):
    message = forms.CharField(
        label=_("Message to participants and facilitators"),
        required=False,
        help_text=_("Everyone is e-mailed the new time, with your message if you write one."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SessionCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the session cancelled?"),
        help_text=_("Everyone is e-mailed this message."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ClashConfirmForm(forms.Form):
    confirm_clashes = forms.BooleanField(required=False)

    def __init__(self, *args, label: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirm_clashes"].label = label

    @property
    def confirmed(self) -> bool:
        return self.is_valid() and self.cleaned_data["confirm_clashes"]


def register_field_name(user_id: int) -> str:
    return f"status-{user_id}"


class AttendanceRegisterForm(forms.Form):
    """One optional choice per participant, named `status-<user id>`; rendered by hand."""

    def __init__(self, *args, participant_ids: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        for user_id in participant_ids:
            self.fields[register_field_name(user_id)] = forms.ChoiceField(
                choices=Attendance.Status.choices, required=False
            )

    def marks(self) -> dict[int, str]:
        """Participant id → status for every row with a choice."""
        return {
            int(name.removeprefix("status-")): value
            for name, value in self.cleaned_data.items()
            if value
        }
