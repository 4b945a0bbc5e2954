from django import forms
from django.utils.translation import gettext_lazy as _

from certificates.pdf_designs import available_designs

from .models import Material, Module, Programme
from .uploads import allowed_types_sentence, max_upload_bytes


class DateInput(forms.DateInput):
    """The browser's own date picker, which always sends and expects ISO dates."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class ModuleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A sentence or two that tells participants what the module is about."),
    )
    release_rule = forms.ChoiceField(
        label=_("When does it open?"),
        choices=Module.Release.choices,
        widget=forms.RadioSelect,
        initial=Module.Release.COHORT_START,
    )
    release_after_days = forms.IntegerField(
        label=_("Days after the cohort starts"),
        required=False,
        min_value=0,
        max_value=3650,
        help_text=_("Only if it opens a number of days after the start."),
    )
    release_on = forms.DateField(
        label=_("Date it opens"),
        required=False,
        widget=DateInput,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        help_text=_("Only if it opens on a date. For example 3 March 2027."),
    )

    def __init__(self, *args, ask_published: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if ask_published:
            self.fields["is_published"] = forms.BooleanField(
                label=_("Show to participants as soon as it opens"), required=False
            )


class MaterialForm(forms.Form):
    """The fields of one kind of material; the service checks what each kind needs."""

    FIELDS_BY_KIND = {
        Material.Kind.PAGE: ["title", "body"],
        Material.Kind.FILE: ["title", "file", "body"],
        Material.Kind.LINK: ["title", "url", "body"],
        Material.Kind.VIDEO: ["title", "url", "transcript", "body"],
    }
    COMMON = ["estimated_minutes", "is_required", "completes_on_view"]

    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(label=_("File"))
    url = forms.URLField(
        label=_("Web address"),
        max_length=500,
        assume_scheme="https",
        help_text=_("For example https://www.example.org/article"),
    )
    transcript = forms.CharField(
        label=_("Transcript"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Everything said in the video, for people who cannot watch or hear it."),
        error_messages={
            "required": _("Add a transcript: people who cannot watch or hear the video need one.")
        },
    )
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 14}))
    estimated_minutes = forms.IntegerField(
        label=_("Estimated time in minutes"), required=False, min_value=1, max_value=1000
    )
    is_required = forms.BooleanField(
        label=_("Required to complete the course"), required=False, initial=True
    )
    completes_on_view = forms.BooleanField(
        label=_("Opening it counts as done"),
        required=False,
        help_text=_("Otherwise participants mark it done themselves."),
    )

    def __init__(self, *args, kind: str, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        wanted = self.FIELDS_BY_KIND[kind] + self.COMMON
        if not editing:
            self.fields["is_published"] = forms.BooleanField(
                label=_("Show to participants"), required=False, initial=True
            )
            wanted.append("is_published")
        for name in list(self.fields):
            if name not in wanted:
                del self.fields[name]
        self.order_fields(wanted)
        if "body" in self.fields:
            body = self.fields["body"]
            body.help_text = _(
                "Markdown is allowed: ## for a heading, - for a list, [words](address) for a link."
            )
            if kind != Material.Kind.PAGE:
                body.required = False
                body.label = _("Description")
                body.widget.attrs["rows"] = 4
        if "file" in self.fields:
            limit_mb = max_upload_bytes() // (1024 * 1024)
            self.fields["file"].help_text = _("%(types)s At most %(limit)s MB.") % {
                "types": allowed_types_sentence(),
                "limit": limit_mb,
            }
            if editing:
                self.fields["file"].required = False
                self.fields["file"].label = _("Replace the file")


class ProgrammeForm(forms.ModelForm):
    certificate_design = forms.ChoiceField(
        label=_("Certificate design"),
        help_text=_("The layout and colours of this programme's certificates."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["certificate_design"].choices = [
            (name, name.replace("-", " ").capitalize()) for name in sorted(available_designs())
        ]

    class Meta:
        model = Programme
        fields = [
            "name",
            "slug",
            "summary",
            "description",
            "is_published",
            "allows_recommendations",
            "sponsor_approval_required",
            "default_capacity",
            "certificate_design",
            "bilingual_certificates",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 14})}


class CompletionRuleForm(forms.Form):
    requires_materials = forms.BooleanField(
        label=_("Every required material done"),
        required=False,
        help_text=_("Optional materials never count."),
    )
    minimum_attendance_percent = forms.IntegerField(
        label=_("Sessions attended, at least (per cent)"),
        min_value=0,
        max_value=100,
        help_text=_(
            "Of the cohort's sessions that are not cancelled, rounded up. 0 means no minimum."
        ),
    )
    requires_reflection = forms.BooleanField(
        label=_("A final reflection accepted by a facilitator"), required=False
    )
    reflection_prompt = forms.CharField(
        label=_("What the reflection asks"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown to participants above the box where they write their reflection."),
    )


class ReflectionForm(forms.Form):
    text = forms.CharField(label=_("Your reflection"), widget=forms.Textarea(attrs={"rows": 12}))


class ReflectionDecisionForm(forms.Form):
    feedback = forms.CharField(
        label=_("Feedback to the participant"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Needed when you return the reflection: say what to change."),
    )
