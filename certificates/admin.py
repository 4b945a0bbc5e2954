from django.contrib import admin

from .models import Certificate, CertificateBatch, CertificateEvent


class CertificateEventInline(admin.TabularInline):
    model = CertificateEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "kind", "actor", "reason", "note", "details"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    """Read-only: certificates change through the portal's pages, which keep the record."""

    list_display = ["display_code", "holder_name", "programme_name", "cohort_title", "status"]
    list_filter = ["status", "programme_name"]
    search_fields = ["code", "holder_name", "enrolment__user__email"]
    inlines = [CertificateEventInline]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CertificateBatch)
class CertificateBatchAdmin(admin.ModelAdmin):
    list_display = ["cohort", "created_at", "total", "issued_count", "failed_count", "finished_at"]
    readonly_fields = [
        "cohort",
        "requested_by",
        "created_at",
        "prepared_at",
        "finished_at",
        "total",
        "issued_count",
        "failed_count",
        "already_count",
    ]

    def has_add_permission(self, request):
        return False
