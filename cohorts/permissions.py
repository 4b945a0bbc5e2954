from .models import Cohort
from .selectors import PUBLIC_STATUSES


def can_view_cohort(user, cohort: Cohort) -> bool:
    """Advertised cohorts are public; drafts and archives only for those who run them."""
    if cohort.status in PUBLIC_STATUSES:
        return True
    return can_manage_cohort(user, cohort)


def can_manage_cohort(user, cohort: Cohort) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_programme_admin:
        return True
    return user.is_facilitator and cohort.facilitators.filter(pk=user.pk).exists()
