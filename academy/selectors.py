from django.db.models import QuerySet

from cohorts.selectors import cohort_prefetch_open

from .models import Programme


def programme_list_public() -> QuerySet[Programme]:
    """Published programmes, each with `open_cohorts` prefetched."""
    return Programme.objects.filter(is_published=True).prefetch_related(cohort_prefetch_open())
