from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import audit_record

from .models import Programme

PROGRAMME_SETTINGS = [
    "name",
    "slug",
    "summary",
    "description",
    "is_published",
    "allows_recommendations",
    "sponsor_approval_required",
    "default_capacity",
    "certificate_design",
]


@transaction.atomic
def programme_save(*, programme: Programme | None, actor, **fields) -> Programme:
    """Create a programme (when `programme` is None) or change its settings.

    Raises ValidationError when the name or web address is taken. Audited with the
    settings that changed.
    """
    for field in ("name", "slug"):
        clash = Programme.objects.filter(**{f"{field}__iexact": fields[field]})
        if programme is not None:
            clash = clash.exclude(pk=programme.pk)
        if clash.exists():
            raise ValidationError({field: _("Another programme already uses this.")})
    creating = programme is None
    before = {}
    if creating:
        programme = Programme()
    else:
        # Read back from the row: a ModelForm may already have changed the instance.
        stored = Programme.objects.select_for_update().get(pk=programme.pk)
        before = {name: getattr(stored, name) for name in PROGRAMME_SETTINGS}
    for name in PROGRAMME_SETTINGS:
        setattr(programme, name, fields[name])
    programme.save()
    after = {name: getattr(programme, name) for name in PROGRAMME_SETTINGS}
    changed = {k: v for k, v in after.items() if before.get(k) != v and k != "description"}
    audit_record(
        actor=actor,
        action="programme.created" if creating else "programme.changed",
        target=programme,
        before={k: before[k] for k in changed if k in before},
        after=changed,
    )
    return programme
