from django.contrib import admin

from .models import Cohort, Enrolment


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["title", "programme", "intake_year", "status", "starts_on", "capacity"]
    list_filter = ["status", "programme", "intake_year"]
    search_fields = ["title", "programme__name"]
    readonly_fields = ["places_taken"]
    filter_horizontal = ["facilitators"]


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ["user", "cohort", "status", "enrolled_at", "completed_on"]
    list_filter = ["status", "cohort__programme"]
    search_fields = ["user__email", "user__full_name", "cohort__title"]
    raw_id_fields = ["user", "cohort"]
