from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ApplicationError

from .models import Cohort, Enrolment

User = get_user_model()


@transaction.atomic
def enrolment_create(*, cohort: Cohort, user: User) -> Enrolment:
    """Give `user` a place on `cohort`, taking one of its places.

    The cohort row is locked while its places are counted, so concurrent calls cannot
    take more places than the cohort has. Raises ApplicationError when it is full or the
    person already has a place.
    """
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    if Enrolment.objects.filter(cohort=cohort, user=user).exists():
        raise ApplicationError(_("%(name)s already has a place on this cohort.") % {"name": user})
    if cohort.capacity is None or cohort.places_taken >= cohort.capacity:
        raise ApplicationError(_("This cohort has no places left."))
    cohort.places_taken += 1
    cohort.save(update_fields=["places_taken"])
    return Enrolment.objects.create(cohort=cohort, user=user, enrolled_at=timezone.now())
