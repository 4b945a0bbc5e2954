"""Demo programmes, written for this portal."""

from .models import Programme

LEADERSHIP_ACADEMY = {
    "slug": "leadership-academy",
    "name": "Leadership Academy",
    "summary": (
        "Our flagship programme for current and aspiring digital leaders in local, regional "
        "and national public services."
    ),
    "description": """\
The Leadership Academy brings together people who lead digital change in councils, health
bodies and government. Over six months you will work with peers from across the UK on the
problems you face every week: making the case for investment, leading teams through
change, and putting the people who use services at the centre of decisions.

The programme mixes **workshops** in person, online **masterclasses** with practitioners,
and short pieces of reading and reflection you can fit around your job.

### Who it is for

- heads of digital, ICT and transformation, and those who will be soon
- service, product and data leaders who want to lead beyond their own team

### What you will leave with

- a network of peers facing the same challenges
- a personal leadership plan, reviewed with a coach
- a certificate of completion that employers can verify online

Registrations are open for our 2027 programmes.
""",
    "allows_recommendations": True,
    "sponsor_approval_required": True,
    "default_capacity": 24,
    "certificate_design": "leadership-academy",
}

EMPOWERING_WOMEN = {
    "slug": "empowering-women-in-a-digital-world",
    "name": "Empowering Women in a Digital World",
    "summary": (
        "A leadership programme on the challenges women face in personal and professional "
        "life, building the strengths to reach high personal and business goals together."
    ),
    "description": """\
Empowering Women in a Digital World is a small-group programme for women working in and
around digital public services. It looks honestly at the barriers women meet at work and
at home, and builds the confidence, influence and resilience to work with others towards
high-reaching personal and business goals.

Sessions are a mix of facilitated workshops, coaching in small groups and conversations
with women who lead digital services today.

**Places are few: only a few places are left on each cohort.** You can register yourself,
or recommend someone who would benefit.
""",
    "allows_recommendations": True,
    "sponsor_approval_required": False,
    "default_capacity": 12,
    "certificate_design": "empowering-women",
}


def seed() -> dict[str, Programme]:
    programmes = {}
    for data in (LEADERSHIP_ACADEMY, EMPOWERING_WOMEN):
        data = dict(data)
        slug = data.pop("slug")
        programmes[slug], _ = Programme.objects.update_or_create(slug=slug, defaults=data)
    return programmes
