from django.db.models import QuerySet

from .models import AuditEntry


def audit_entry_list(
    *,
    action: str = "",
    target_type: str = "",
    actor_email: str = "",
    since=None,
    until=None,
) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.select_related("actor")
    if action:
        entries = entries.filter(action=action)
    if target_type:
        entries = entries.filter(target_type=target_type)
    if actor_email:
        entries = entries.filter(actor__email__icontains=actor_email.strip().lower())
    if since:
        entries = entries.filter(created_at__date__gte=since)
    if until:
        entries = entries.filter(created_at__date__lte=until)
    return entries


def audit_action_choices() -> list[str]:
    return list(AuditEntry.objects.order_by("action").values_list("action", flat=True).distinct())


def audit_target_type_choices() -> list[str]:
    return list(
        AuditEntry.objects.order_by("target_type").values_list("target_type", flat=True).distinct()
    )
