from django import forms
from django.utils.translation import gettext_lazy as _

from .codes import code_normalise
from .models import Certificate


class VerificationForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=40,
        help_text=_("As printed on the certificate, for example 7KQ2-M9XD-4HZB-R0TW."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_code(self):
        code = code_normalise(self.cleaned_data["code"])
        if code is None:
            raise forms.ValidationError(
                _("Enter the 16 letters and numbers of the code, as printed on the certificate.")
            )
        return code


class RevokeForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[("", _("Choose a reason"))] + list(Certificate.RevocationReason.choices),
        help_text=_("Shown on the public verification page."),
    )
    note = forms.CharField(
        label=_("Explanation for the record"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("Kept in the certificate's history; not shown publicly."),
    )


class DecisionNoteForm(forms.Form):
    note = forms.CharField(
        label=_("Explanation for the record"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )


class ReissueForm(forms.Form):
    note = forms.CharField(
        label=_("What was corrected"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
