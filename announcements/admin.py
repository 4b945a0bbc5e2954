from django.contrib import admin

from .models import Announcement, AnnouncementRecipient


class RecipientInline(admin.TabularInline):
    model = AnnouncementRecipient
    fields = ["user", "emailed_at", "dismissed_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    """Read-only: announcements are sent from the cohort's pages, which record who got them."""

    list_display = ["subject", "cohort", "audience", "author", "sent_at"]
    list_filter = ["audience"]
    readonly_fields = ["cohort", "author", "audience", "subject", "body", "sent_at"]
    inlines = [RecipientInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
