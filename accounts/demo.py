"""Demo organisations and people. Every account's password is DEMO_PASSWORD."""

from django.contrib.auth import get_user_model
from django.utils import timezone

from .models import Organisation

User = get_user_model()
DEMO_PASSWORD = "academy-demo"  # noqa: S105 - published in the README on purpose

ORGANISATIONS = [
    ("Afonwen County Council", Organisation.Sector.LOCAL, Organisation.Nation.WALES),
    ("Eastmere NHS Foundation Trust", Organisation.Sector.HEALTH, Organisation.Nation.ENGLAND),
    ("Lochside Health and Social Care Partnership", Organisation.Sector.HEALTH,
     Organisation.Nation.SCOTLAND),
    ("Highfield Borough Council", Organisation.Sector.LOCAL, Organisation.Nation.ENGLAND),
    ("Office for Public Records", Organisation.Sector.CENTRAL, Organisation.Nation.ENGLAND),
    ("Welsh Digital Services Agency", Organisation.Sector.DEVOLVED, Organisation.Nation.WALES),
]  # fmt: skip

# email, full name, role, organisation, job title
PEOPLE = [
    ("admin@example.org", "Alex Morgan", User.Role.ADMIN, None, "Programme manager"),
    ("facilitator@example.org", "Priya Shah", User.Role.FACILITATOR, None, "Lead facilitator"),
    ("facilitator2@example.org", "Tom Baird", User.Role.FACILITATOR, None, "Coach"),
    ("sponsor@example.org", "Gareth Evans", User.Role.SPONSOR, "Afonwen County Council",
     "Chief Digital Officer"),
    ("sponsor2@example.org", "Helen Okafor", User.Role.SPONSOR, "Eastmere NHS Foundation Trust",
     "Director of Digital Transformation"),
    ("participant@example.org", "Sam Taylor", User.Role.PARTICIPANT, "Afonwen County Council",
     "Head of Digital Services"),
    ("participant2@example.org", "Fatima Begum", User.Role.PARTICIPANT,
     "Eastmere NHS Foundation Trust", "Clinical Systems Lead"),
    ("rhiannon.price@example.org", "Rhiannon Price", User.Role.PARTICIPANT,
     "Afonwen County Council", "Service Design Manager"),
    ("owen.jones@example.org", "Owen Jones", User.Role.PARTICIPANT, "Afonwen County Council",
     "Data Platform Lead"),
    ("mairi.campbell@example.org", "Mairi Campbell", User.Role.PARTICIPANT,
     "Lochside Health and Social Care Partnership", "Digital Programme Manager"),
    ("daniel.hughes@example.org", "Daniel Hughes", User.Role.PARTICIPANT,
     "Highfield Borough Council", "Head of ICT"),
    ("grace.adeyemi@example.org", "Grace Adeyemi", User.Role.PARTICIPANT,
     "Office for Public Records", "Product Manager"),
    ("lucy.chen@example.org", "Lucy Chen", User.Role.PARTICIPANT,
     "Welsh Digital Services Agency", "User Research Lead"),
    ("anna.kowalska@example.org", "Anna Kowalska", User.Role.PARTICIPANT,
     "Highfield Borough Council", "Customer Services Manager"),
]  # fmt: skip


def seed() -> dict[str, User]:
    organisations = {}
    for name, sector, nation in ORGANISATIONS:
        organisations[name], _ = Organisation.objects.update_or_create(
            name=name, defaults={"sector": sector, "nation": nation}
        )
    people = {}
    for email, full_name, role, organisation, job_title in PEOPLE:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(email=email)
            user.set_password(DEMO_PASSWORD)
            user.email_confirmed_at = timezone.now()
        user.full_name = full_name
        user.role = role
        user.organisation = organisations.get(organisation)
        user.job_title = job_title
        user.is_staff = user.is_superuser = role == User.Role.ADMIN
        user.save()
        people[email] = user
    return people
