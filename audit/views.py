from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.views.generic import ListView

from .forms import AuditFilterForm
from .permissions import can_view_audit_trail
from .selectors import audit_action_choices, audit_entry_list, audit_target_type_choices


class AuditEntryListView(LoginRequiredMixin, ListView):
    template_name = "audit/auditentry_list.html"
    context_object_name = "entries"
    paginate_by = 50

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_view_audit_trail(request.user):
            raise PermissionDenied
        self.form = AuditFilterForm(
            request.GET or None,
            actions=audit_action_choices(),
            target_types=audit_target_type_choices(),
        )
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        filters = self.form.cleaned_data if self.form.is_valid() else {}
        return audit_entry_list(**{k: v for k, v in filters.items() if v})

    def get_context_data(self, **kwargs):
        return super().get_context_data(form=self.form, **kwargs)
