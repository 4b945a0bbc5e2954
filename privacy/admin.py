from django.contrib import admin

from .models import DataExport


@admin.register(DataExport)
class DataExportAdmin(admin.ModelAdmin):
    """Read-only: exports are made and deleted by the portal, never edited."""

    list_display = ["pk", "user", "status", "requested_at", "expires_at"]
    list_filter = ["status"]
    readonly_fields = ["user", "status", "requested_at", "ready_at", "expires_at", "file_size"]
    exclude = ["file"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
