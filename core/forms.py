from django.forms.renderers import TemplatesSetting


class PortalFormRenderer(TemplatesSetting):
    """Every form renders through the portal's accessible field and error templates."""

    form_template_name = "components/form.html"
    field_template_name = "components/field.html"
