from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet

from .models import Organisation, RoleInvitation

User = get_user_model()


def organisation_list(*, search: str = "") -> QuerySet[Organisation]:
    organisations = Organisation.objects.annotate(
        people_count=Count("people", distinct=True),
        sponsor_count=Count("people", filter=Q(people__role=User.Role.SPONSOR), distinct=True),
    ).order_by("name")
    if search:
        organisations = organisations.filter(name__icontains=search.strip())
    return organisations


def person_list(*, search: str = "", role: str = "") -> QuerySet:
    people = User.objects.select_related("organisation").order_by("full_name", "email")
    if search:
        search = search.strip()
        people = people.filter(Q(full_name__icontains=search) | Q(email__icontains=search))
    if role:
        people = people.filter(role=role)
    return people


def role_invitation_list_open() -> QuerySet[RoleInvitation]:
    return RoleInvitation.objects.filter(accepted_at=None, withdrawn_at=None).select_related(
        "organisation", "invited_by"
    )
