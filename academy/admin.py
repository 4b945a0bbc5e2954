from django.contrib import admin

from .models import Material, MaterialProgress, Module, Programme


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
