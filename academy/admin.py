from django.contrib import admin

from .models import Programme


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "is_published", "default_capacity"]
    prepopulated_fields = {"slug": ["name"]}
