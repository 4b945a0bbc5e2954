from django import forms

from .models import Programme


class ProgrammeForm(forms.ModelForm):
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
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 14})}
