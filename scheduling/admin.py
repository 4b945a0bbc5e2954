from django.contrib import admin

from .models import Attendance, CalendarFeed, Session, SessionChange, SessionReminder


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    raw_id_fields = ["user", "recorded_by"]


class SessionChangeInline(admin.TabularInline):
    model = SessionChange
    extra = 0
    can_delete = False
    fields = ["created_at", "kind", "actor", "message", "starts_at", "sequence"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    """Back office view. Changes people should hear about go through the portal's pages,
    which notify them and raise the calendar revision; edits here do neither."""

    list_display = ["title", "cohort", "kind", "starts_at", "status", "sequence"]
    list_filter = ["status", "kind", "cohort__programme"]
    search_fields = ["title", "cohort__title", "venue"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["cohort"]
    filter_horizontal = ["facilitators"]
    readonly_fields = ["uid", "sequence", "venue_key", "created_at", "updated_at"]
    inlines = [AttendanceInline, SessionChangeInline]


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["session", "user", "status", "recorded_by", "recorded_at"]
    list_filter = ["status"]
    search_fields = ["user__email", "user__full_name", "session__title"]
    raw_id_fields = ["session", "user", "recorded_by"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at"]
    search_fields = ["user__email", "user__full_name"]
    # The token is a secret: it is neither shown nor editable here; deleting the row
    # turns the address off.
    fields = ["user", "created_at"]
    readonly_fields = ["user", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(SessionReminder)
class SessionReminderAdmin(admin.ModelAdmin):
    list_display = ["session", "user", "starts_at", "claimed_at", "sent_at"]
    raw_id_fields = ["session", "user"]
    readonly_fields = ["session", "user", "starts_at", "claimed_at", "sent_at"]
