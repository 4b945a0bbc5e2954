from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Announcement


class AnnouncementForm(forms.Form):
    audience = forms.ChoiceField(
        label=_("Who is it for?"), choices=Announcement.Audience.choices, widget=forms.RadioSelect
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Message"),
        max_length=10_000,
        help_text=_("Plain text. It is shown on their dashboards and sent by e-mail."),
        widget=forms.Textarea(attrs={"rows": 8}),
    )

    def __init__(self, *args, counts: dict[str, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audience"].choices = [
            (
                value,
                ngettext(
                    "%(label)s (%(count)s person)", "%(label)s (%(count)s people)", counts[value]
                )
                % {"label": label, "count": counts[value]},
            )
            for value, label in Announcement.Audience.choices
        ]
