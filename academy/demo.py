"""Demo programmes and their course content, written for this portal."""

import datetime as dt
import io
from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage
from django.utils import timezone

from cohorts.models import Enrolment

from . import services
from .models import CompletionRule, Material, MaterialProgress, Module, Programme, Reflection
from .selectors import course_for_cohort

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
    "bilingual_certificates": True,
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
    "bilingual_certificates": False,
}


def seed() -> dict[str, Programme]:
    programmes = {}
    for data in (LEADERSHIP_ACADEMY, EMPOWERING_WOMEN):
        data = dict(data)
        slug = data.pop("slug")
        programmes[slug], _ = Programme.objects.update_or_create(slug=slug, defaults=data)
    return programmes


# --- Course content --------------------------------------------------------------------

DEMO_FILES = Path(__file__).resolve().parent / "demo_files"

# Each module: title, summary, release (rule, value), materials. Each material: kind,
# title, minutes, required, and the fields of its kind.
LEADERSHIP_ACADEMY_MODULES = [
    {
        "title": "Welcome: your programme and your plan",
        "summary": "How the Academy works, who is on it with you, and the plan you will "
        "build with your coach.",
        "release": ("cohort_start", None),
        "materials": [
            {
                "kind": "page",
                "title": "How the Leadership Academy works",
                "minutes": 10,
                "body": """\
Welcome to the Leadership Academy. Over the next six months you will meet the rest of
your cohort at **three workshops**, join **monthly online masterclasses**, and work
through short pieces of reading and reflection here in the portal.

## What we ask of you

- Come to every workshop. If you cannot, tell your facilitator as early as you can.
- Spend about **two hours a month** on the online material.
- Meet your coach three times, with your personal leadership plan.

## How the material is released

Modules open as the programme goes on, so that the reading matches the workshops. A
locked module shows the date it opens. Mark each item as done when you have finished
with it: it helps you, and it helps us see what is working.

## Getting help

Reply to any e-mail from the programme team, or ask your facilitator at a workshop.
""",
            },
            {
                "kind": "file",
                "title": "Personal leadership plan (worksheet)",
                "minutes": 30,
                "file": "leadership-plan.pdf",
                "download_as": "personal-leadership-plan.pdf",
                "body": "Print it or fill it in on screen, and bring it to your first "
                "coaching conversation.",
            },
            {
                "kind": "link",
                "title": "The Service Standard",
                "minutes": 20,
                "required": False,
                "url": "https://www.gov.uk/service-manual/service-standard",
                "body": "The 14 points that public services in the UK are assessed against. "
                "Read it as a leader: which points does your organisation find hardest, "
                "and why?",
            },
        ],
    },
    {
        "title": "Making the case for digital investment",
        "summary": "Writing business cases that finance directors and elected members read, "
        "and that still make sense a year later.",
        "release": ("days_after_start", 14),
        "materials": [
            {
                "kind": "page",
                "title": "A business case people actually read",
                "minutes": 15,
                "body": """\
Most business cases are written to be approved, not to be read. The ones that work
start from a problem people recognise and end with a decision they can take.

## Start with the problem, not the product

Describe what goes wrong today for the people who use the service, in their words, with
one or two numbers that matter to your audience: calls that fail, visits that are
repeated, days that are lost.

## Show the options honestly

Always include *doing nothing* and *doing the minimum*. Your preferred option is more
convincing when the others are described fairly.

## Ask for the next step, not the whole journey

Fund discovery and alpha first, and say what you will know at the end of each. A smaller
first ask is easier to approve and easier to stop.
""",
            },
            {
                "kind": "video",
                "title": "Making the case: a council's story",
                "minutes": 12,
                "url": "https://video.example.org/academy/making-the-case",
                "body": "A head of digital at a Welsh county council talks about winning "
                "funding to replace a paper-based blue badge process.",
                "transcript": """\
**Presenter:** When we started, a blue badge application took eleven weeks and about
one in three came back because something was missing.

**Presenter:** We did not lead with the new system. We led with a resident who had
waited three months to be able to park near her GP surgery, and with the cost of the
staff time spent chasing missing documents.

**Presenter:** The finance director asked one question: what happens if we do nothing?
We had the answer on one page, and that was the page that got us the money.

**Presenter:** My advice is to ask for enough to learn, not enough to finish. Come
back with evidence, and the next conversation is much easier.
""",
            },
            {
                "kind": "link",
                "title": "The Green Book: appraisal and evaluation",
                "minutes": 30,
                "required": False,
                "url": "https://www.gov.uk/government/publications/the-green-book-appraisal-"
                "and-evaluation-in-central-government",
                "body": "HM Treasury's guidance on appraising options. Skim chapters 1 "
                "and 2 for the language your finance colleagues use.",
            },
        ],
    },
    {
        "title": "Leading teams through change",
        "summary": "What helps a team keep going when the way it works is changing around it.",
        "release": ("days_after_start", 35),
        "materials": [
            {
                "kind": "page",
                "title": "Change that lasts",
                "minutes": 15,
                "body": """\
Teams rarely resist change itself. They resist losing control of their own work, and
being told about decisions after they have been made.

## Three habits worth building

1. **Explain the why before the what.** People can act on a reason; they can only
   follow an instruction.
2. **Let the team closest to users decide how.** Agree the outcome and the limits, then
   step back.
3. **Make progress visible.** Short, regular updates (weeknotes, show and tells) build
   trust faster than long reports.

Before the next workshop, note one decision you made this month that your team could
have made instead.
""",
            },
            {
                "kind": "page",
                "title": "Reflection: a change you led",
                "minutes": 20,
                "required": False,
                "body": """\
Think of a change you led in the last two years. Write a few lines for yourself on:

- what the people affected were told, and when
- what you would do differently now
- who you would thank

You will not be asked to share this, but you may want to bring it to your action
learning set.
""",
            },
        ],
    },
    {
        "title": "Data, ethics and public trust",
        "summary": "Using data well in public services, and keeping the trust of the people "
        "it describes.",
        "release": ("days_after_start", 70),
        "materials": [
            {
                "kind": "page",
                "title": "Questions to ask before you use data",
                "minutes": 15,
                "body": """\
Before a project uses personal data in a new way, a leader should be able to answer:

- What public good does this serve, and for whom?
- Would the people described by the data expect this use?
- What happens to someone if the data or the model is wrong?
- Who can we explain this to, and would they agree?
""",
            },
            {
                "kind": "link",
                "title": "Data Ethics Framework",
                "minutes": 25,
                "url": "https://www.gov.uk/government/publications/data-ethics-framework",
                "body": "The UK government's framework for using data appropriately and "
                "responsibly.",
            },
        ],
    },
]

LEADERSHIP_ACADEMY_RUNNING_ADDITIONS = [
    {
        "title": "Workshop 1 in Cardiff: slides and notes",
        "summary": "What we covered on the day, and what to try before workshop 2.",
        "release": ("days_after_start", 7),
        "materials": [
            {
                "kind": "file",
                "title": "Workshop 1 slides: leading in the open",
                "minutes": 10,
                "file": "cardiff-workshop-notes.pdf",
                "download_as": "workshop-1-leading-in-the-open.pdf",
                "body": "The slides from the day, with the exercise on weeknotes.",
            },
            {
                "kind": "page",
                "title": "Before workshop 2",
                "minutes": 5,
                "body": """\
Three things to try before we meet again:

1. Publish one weeknote inside your organisation.
2. Ask one senior stakeholder what they would like to see in it.
3. Bring what you learnt to your action learning set.
""",
            },
        ],
    },
]

# Last year's Leadership Academy cohort had its own workshop too: running it again
# copies this module, its page and its file.
LEADERSHIP_ACADEMY_LAST_YEAR_ADDITIONS = [
    {
        "title": "Workshop 1 in Birmingham: slides and notes",
        "summary": "What we covered on the day, and what to try before workshop 2.",
        "release": ("days_after_start", 7),
        "materials": [
            {
                "kind": "file",
                "title": "Workshop 1 slides: leading in the open",
                "minutes": 10,
                "file": "cardiff-workshop-notes.pdf",
                "download_as": "workshop-1-leading-in-the-open.pdf",
                "body": "The slides from the day, with the exercise on weeknotes.",
            },
            {
                "kind": "page",
                "title": "Before workshop 2",
                "minutes": 5,
                "body": """\
Publish one weeknote inside your organisation before we meet again, and bring what you
learnt to your action learning set.
""",
            },
        ],
    },
]

EMPOWERING_WOMEN_MODULES = [
    {
        "title": "Starting out: where you are now",
        "summary": "Taking stock of your strengths, your ambitions and what gets in the way.",
        "release": ("cohort_start", None),
        "materials": [
            {
                "kind": "page",
                "title": "Welcome to the programme",
                "minutes": 10,
                "body": """\
This programme is built around a small group who will get to know each other well. What
is said in the group stays in the group.

## How it runs

- Six online workshops, each followed by coaching in groups of three.
- Conversations with women who lead digital services today.
- Short reading and reflection here, released as the programme goes on.

## Before the first workshop

Complete the strengths inventory and think of one goal, personal or professional, that
you would like to be nearer to by the end of the programme.
""",
            },
            {
                "kind": "page",
                "title": "Your strengths inventory",
                "minutes": 25,
                "body": """\
List five things you do well at work that other people rely on. Then, for each one,
write down who would say so, and when they last told you.

Many participants find the second part harder than the first. That is worth noticing:
strengths that nobody names are easy to undervalue, in ourselves and in others.
""",
            },
        ],
    },
    {
        "title": "Influence without authority",
        "summary": "Getting things done across organisations and hierarchies, without relying "
        "on a job title.",
        "release": ("days_after_start", 14),
        "materials": [
            {
                "kind": "video",
                "title": "In conversation: leading across a health system",
                "minutes": 18,
                "url": "https://video.example.org/ewdw/influence-across-a-system",
                "body": "A chief clinical information officer talks about building "
                "support for a shared care record across five organisations.",
                "transcript": """\
**Interviewer:** How did you get five organisations to agree on anything?

**Guest:** Slowly, and mostly over coffee. I stopped trying to win the argument in
meetings and started asking people what would make their week easier.

**Interviewer:** Did being a woman in the room change how that worked?

**Guest:** Yes. Early on I was often the only woman, and I learnt to prepare twice as
much and to say my point once, clearly, without apologising for it. I also learnt to
notice who was not being heard and to bring them in. That became part of how I lead.

**Interviewer:** What would you tell someone starting out?

**Guest:** Find the people who are already doing the work and make them look good.
Influence follows.
""",
            },
            {
                "kind": "page",
                "title": "Mapping your stakeholders",
                "minutes": 20,
                "required": False,
                "body": """\
Draw your stakeholders on two axes: how much they can affect your goal, and how much
they care about it. For the people who matter most and care least, write one sentence
about what *they* need this year.
""",
            },
        ],
    },
    {
        "title": "Negotiating for yourself and your team",
        "summary": "Preparing for the conversations about pay, roles and resources that are "
        "easy to put off.",
        "release": ("on_date", 21),
        "materials": [
            {
                "kind": "page",
                "title": "Preparing for a negotiation",
                "minutes": 15,
                "body": """\
Know what you want, what you will accept, and what you will do if you do not reach
agreement. Write all three down before the conversation, not during it.
""",
            },
        ],
    },
    {
        "title": "Resilience and wellbeing",
        "summary": "Sustaining yourself through demanding roles and times of change.",
        "release": ("days_after_start", 60),
        "materials": [
            {
                "kind": "page",
                "title": "What keeps you going",
                "minutes": 10,
                "body": """\
Resilience is not the same as endurance. Note the people, habits and boundaries that
help you recover after a hard week, and one you would like to protect better.
""",
            },
        ],
    },
]


def _release(spec: tuple, today: dt.date) -> dict:
    rule, value = spec
    if rule == "days_after_start":
        return {"release_rule": rule, "release_after_days": value}
    if rule == "on_date":
        # A date a little ahead of the demo's "today", so the module is always locked.
        return {"release_rule": rule, "release_on": today + dt.timedelta(days=value)}
    return {"release_rule": rule}


def _demo_file(spec: dict) -> File:
    content = (DEMO_FILES / spec["file"]).read_bytes()
    return File(io.BytesIO(content), name=spec["download_as"])


def _material_fields(spec: dict) -> dict:
    return {
        "title": spec["title"],
        "body": spec.get("body", ""),
        "url": spec.get("url", ""),
        "transcript": spec.get("transcript", ""),
        "is_required": spec.get("required", True),
        "estimated_minutes": spec.get("minutes"),
    }


def _seed_modules(programme, cohort, specs, today) -> list[Module]:
    modules = []
    for spec in specs:
        release = _release(spec["release"], today)
        module = Module.objects.filter(programme=programme, cohort=cohort, title=spec["title"])
        module = module.first()
        if module is None:
            module = services.module_create(
                programme=programme,
                cohort=cohort,
                title=spec["title"],
                summary=spec["summary"],
                is_published=True,
                **release,
            )
        else:
            services.module_update(
                module=module, title=spec["title"], summary=spec["summary"], **release
            )
        for material_spec in spec["materials"]:
            material = module.materials.filter(title=material_spec["title"]).first()
            fields = _material_fields(material_spec)
            if material is None:
                upload = _demo_file(material_spec) if material_spec["kind"] == "file" else None
                services.material_create(
                    module=module, kind=material_spec["kind"], upload=upload, **fields
                )
            elif material.kind == Material.Kind.FILE and not default_storage.exists(
                material.file.name
            ):
                # The database survived but the uploads folder did not: store the file again.
                services.material_update(
                    material=material, upload=_demo_file(material_spec), **fields
                )
        modules.append(module)
    return modules


def seed_content(*, programmes, cohorts, people) -> None:
    """Modules and materials for both programmes, and a few marks by the demo participant."""
    today = timezone.localdate()
    la = programmes["leadership-academy"]
    ewdw = programmes["empowering-women-in-a-digital-world"]
    _seed_modules(la, None, LEADERSHIP_ACADEMY_MODULES, today)
    _seed_modules(la, cohorts["la-running"], LEADERSHIP_ACADEMY_RUNNING_ADDITIONS, today)
    _seed_modules(la, cohorts["la-last-year"], LEADERSHIP_ACADEMY_LAST_YEAR_ADDITIONS, today)
    _seed_modules(ewdw, None, EMPOWERING_WOMEN_MODULES, today)

    enrolment = people["participant@example.org"].enrolments.get(cohort=cohorts["la-running"])
    welcome = Module.objects.get(
        programme=la, cohort=None, title=LEADERSHIP_ACADEMY_MODULES[0]["title"]
    )
    for material in welcome.materials.filter(kind__in=["page", "file"]):
        services.material_mark_done(enrolment=enrolment, material=material)


RULES = {
    "leadership-academy": {
        "requires_materials": True,
        "minimum_attendance_percent": 80,
        "requires_reflection": False,
        "reflection_prompt": "",
    },
    "empowering-women-in-a-digital-world": {
        "requires_materials": True,
        "minimum_attendance_percent": 75,
        "requires_reflection": True,
        "reflection_prompt": (
            "Look back at the goal you set at the start of the programme. What has changed "
            "for you, what will you do next, and who will help you do it? About 500 words."
        ),
    },
}

# How far each demo participant of the cohorts under way has gone, by the share of the
# open materials they have marked done (first ones first): every stage from not started
# to nearly there.
SHARE_DONE = {
    "participant@example.org": None,  # marks made by seed_content
    "rhiannon.price@example.org": 0,
    "grace.adeyemi@example.org": 0.5,
    "daniel.hughes@example.org": 1,
    "mairi.campbell@example.org": 0.25,
    "participant2@example.org": 1,
    "lucy.chen@example.org": 1,
    "anna.kowalska@example.org": 0.5,
}


def seed_progress(*, programmes, cohorts, people) -> None:
    """Completion rules for both programmes; progress at every stage; final reflections
    waiting for a facilitator and returned; last year's completions backed by marks.

    Runs after the timetables and registers (scheduling.demo) and the certificates demo.
    """
    admin = people["admin@example.org"]
    facilitator = people["facilitator@example.org"]
    for slug, rule in RULES.items():
        existing = CompletionRule.objects.filter(programme=programmes[slug]).first()
        if existing is None or any(getattr(existing, k) != v for k, v in rule.items()):
            services.completion_rule_save(programme=programmes[slug], actor=admin, **rule)

    today = timezone.localdate()
    for key in ("la-running", "ewdw-running"):
        cohort = cohorts[key]
        course = course_for_cohort(cohort, today=today)
        open_materials = [item.material for _entry, item in course.open_materials()]
        for enrolment in Enrolment.objects.filter(
            cohort=cohort, status=Enrolment.Status.ACTIVE
        ).select_related("user"):
            share = SHARE_DONE.get(enrolment.user.email)
            if share is None:
                continue
            for material in open_materials[: round(share * len(open_materials))]:
                services.material_mark_done(enrolment=enrolment, material=material)

    ewdw = cohorts["ewdw-running"]
    waiting = Enrolment.objects.get(cohort=ewdw, user=people["participant2@example.org"])
    if not Reflection.objects.filter(enrolment=waiting).exists():
        services.reflection_submit(
            enrolment=waiting,
            text="At the start I wanted to speak up more in our digital board. I now "
            "prepare one clear ask for every meeting, and two colleagues have joined me in "
            "a monthly peer group. Next I will lead the patient portal review.",
        )
    returned = Enrolment.objects.get(cohort=ewdw, user=people["lucy.chen@example.org"])
    if not Reflection.objects.filter(enrolment=returned).exists():
        reflection = services.reflection_submit(
            enrolment=returned, text="The programme was useful and I enjoyed it."
        )
        services.reflection_return(
            reflection=reflection,
            actor=facilitator,
            feedback="Thank you, Lucy. Tell us about the goal you set at the start: what "
            "changed, and what will you do next?",
        )

    # Last year's participants completed before the portal tracked progress: their
    # marks are recorded here directly (marks change only while a place is active), so
    # the grid and their learning record agree with their completion.
    last_year = cohorts["la-last-year"]
    materials = [
        item.material
        for entry in course_for_cohort(last_year, today=today).modules
        for item in entry.materials
    ]
    for enrolment in Enrolment.objects.filter(cohort=last_year, status=Enrolment.Status.COMPLETED):
        MaterialProgress.objects.bulk_create(
            [
                MaterialProgress(
                    enrolment=enrolment,
                    material=material,
                    completed_at=timezone.make_aware(
                        dt.datetime.combine(last_year.ends_on, dt.time(12))
                    ),
                )
                for material in materials
            ],
            ignore_conflicts=True,
        )
