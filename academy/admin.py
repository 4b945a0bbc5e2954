from django.contrib import admin

from .models import CompletionRule, Material, MaterialProgress, Module, Programme, Reflection


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "is_published", "default_capacity"]
    prepopulated_fields = {"slug": ["name"]}


class MaterialInline(admin.TabularInline):
    """Read-only here: materials are written through the portal's own pages and services,
    which check uploads and keep positions in order."""

    model = Material
    fields = ["position", "kind", "title", "is_published", "is_required"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin):
    list_display = ["title", "programme", "cohort", "position", "release_rule", "is_published"]
    list_filter = ["programme", "is_published", "release_rule"]
    search_fields = ["title", "programme__name"]
    readonly_fields = ["position"]
    raw_id_fields = ["cohort"]
    inlines = [MaterialInline]


@admin.register(MaterialProgress)
class MaterialProgressAdmin(admin.ModelAdmin):
    list_display = ["enrolment", "material", "completed_at"]
    search_fields = ["enrolment__user__email", "material__title"]
    raw_id_fields = ["enrolment", "material"]


@admin.register(CompletionRule)
class CompletionRuleAdmin(admin.ModelAdmin):
    """Read-only here: the portal's page saves a rule and applies it to participants."""

    list_display = ["programme", "requires_materials", "minimum_attendance_percent",
                    "requires_reflection", "updated_at"]  # fmt: skip

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Reflection)
class ReflectionAdmin(admin.ModelAdmin):
    """Read-only here: decisions go through the portal, which applies the completion rule."""

    list_display = ["enrolment", "status", "submitted_at", "decided_at", "decided_by"]
    list_filter = ["status"]
    search_fields = ["enrolment__user__email"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
