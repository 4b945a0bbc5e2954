"""A large, realistic and repeatable dataset for benchmarks (`manage.py generate_data`).

At scale 1.0: 100,000 people, 500 organisations, 2,000 cohorts of 12 programmes, 40,000
sessions, 5 million progress records (register marks and materials done) and 10,000
certificates, with the relationships the pages follow: applications and enrolments per
cohort, modules and materials per programme, facilitators per cohort and session.

Rows are written straight into the tables in batches — COPY on PostgreSQL, executemany
on SQLite — with primary keys chosen here, so nothing is read back. The same seed on the
same day gives the same rows (dates are laid out around today so that cohorts are open,
running and completed as the pages expect).

Known accounts for the benchmarks (password `academy-demo`, as the demo's):
bench-admin@, bench-facilitator@ (runs the 200-participant cohort), bench-participant@
(in that cohort, with a certificate from an earlier one) and bench-sponsor@ (the
organisation with the most people), all @example.net.
"""

import datetime as dt
import json
import random
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max, Model
from django.utils import timezone

from academy.models import Material, MaterialProgress, Module, Programme
from accounts.models import Organisation
from certificates.codes import ALPHABET, LENGTH
from certificates.models import Certificate
from cohorts.models import Application, Cohort, Enrolment
from core.pagecache import generation_renew
from scheduling.models import Attendance, Session

User = get_user_model()

PASSWORD = "academy-demo"  # noqa: S105 - the demo's published password
DOMAIN = "example.net"
BENCH_EMAILS = {
    "admin": f"bench-admin@{DOMAIN}",
    "facilitator": f"bench-facilitator@{DOMAIN}",
    "participant": f"bench-participant@{DOMAIN}",
    "sponsor": f"bench-sponsor@{DOMAIN}",
}
FULL = {
    "organisations": 500,
    "users": 100_000,
    "cohorts": 2_000,
    "sessions": 40_000,
    "progress": 5_000_000,
    "certificates": 10_000,
}
BIG_COHORT = 200  # the facilitator's progress grid at 200 participants
MODULES_PER_PROGRAMME = 10
MATERIALS_PER_MODULE = 6
BATCH = 20_000

PROGRAMMES = [
    ("Digital Leadership Foundations", "leadership-academy"),
    ("Women Leading Digital Change", "empowering-women"),
    ("Data Leadership for Public Services", "leadership-academy"),
    ("Service Design Leadership", "leadership-academy"),
    ("Leading Agile Teams", "leadership-academy"),
    ("Cyber Security for Leaders", "leadership-academy"),
    ("Leading with Artificial Intelligence", "leadership-academy"),
    ("Product Management in Government", "leadership-academy"),
    ("Senior Digital Leaders", "leadership-academy"),
    ("Arweinyddiaeth Ddigidol Cymru", "leadership-academy"),
    ("Emerging Women Leaders", "empowering-women"),
    ("Technology Strategy for Councils", "leadership-academy"),
]
FIRST_NAMES = [
    "Aled",
    "Alys",
    "Amir",
    "Anwen",
    "Bethan",
    "Carys",
    "Chen",
    "Ciaran",
    "Dafydd",
    "Deepa",
    "Eleri",
    "Emeka",
    "Ffion",
    "Gareth",
    "Grace",
    "Gwen",
    "Hamza",
    "Hannah",
    "Idris",
    "Iolo",
    "Jamal",
    "Jess",
    "Kemi",
    "Lowri",
    "Mair",
    "Mei",
    "Nia",
    "Niamh",
    "Olu",
    "Owain",
    "Priya",
    "Rhian",
    "Rhys",
    "Rosa",
    "Sam",
    "Seren",
    "Sian",
    "Tariq",
    "Tomos",
    "Zara",
]
SURNAMES = [
    "Ahmed",
    "Bevan",
    "Chowdhury",
    "Davies",
    "Edwards",
    "Evans",
    "Griffiths",
    "Hughes",
    "Islam",
    "James",
    "Jenkins",
    "Jones",
    "Khan",
    "Lewis",
    "Li",
    "Lloyd",
    "Morgan",
    "Morris",
    "Nguyen",
    "Okafor",
    "Owen",
    "Parry",
    "Patel",
    "Phillips",
    "Powell",
    "Price",
    "Pritchard",
    "Roberts",
    "Rees",
    "Singh",
    "Smith",
    "Taylor",
    "Thomas",
    "Walker",
    "Watkins",
    "Williams",
    "Wong",
    "Wright",
]
PLACES = [
    "Afonwen",
    "Aberglas",
    "Blackmoor",
    "Brynhaul",
    "Carreg",
    "Castlebridge",
    "Dunmere",
    "Eastmere",
    "Fairholme",
    "Glanrhyd",
    "Greyhaven",
    "Hafod",
    "Highcombe",
    "Kingsreach",
    "Llanfair",
    "Marshford",
    "Northgate",
    "Oakhurst",
    "Penrhos",
    "Queensbury",
    "Redwater",
    "Riverside",
    "Southwold",
    "Stoneleigh",
    "Tregaron",
    "Westfield",
]
ORGANISATION_KINDS = [
    ("County Council", "local"),
    ("Borough Council", "local"),
    ("NHS Foundation Trust", "health"),
    ("Health Board", "health"),
    ("Fire and Rescue Service", "local"),
    ("Police", "local"),
    ("Housing Association", "local"),
    ("Digital Service", "central"),
]
SESSION_KINDS = ["workshop", "masterclass", "coaching", "webinar"]


def sizes(scale: float) -> dict[str, int]:
    """The number of each kind of row at `scale` (1.0 is the full dataset)."""
    sized = {name: round(count * scale) for name, count in FULL.items()}
    sized["organisations"] = max(sized["organisations"], 2)
    sized["users"] = max(sized["users"], 60)
    sized["cohorts"] = max(sized["cohorts"], 6)
    sized["sessions"] = max(sized["sessions"], sized["cohorts"])
    return sized


class Writer:
    """Rows into one table in batches, with constant defaults for the columns not given.

    Every column the caller leaves out must have a default (or allow NULL); the defaults
    are worked out once, so a callable default such as `timezone.now` is the same on
    every row of a run.
    """

    def __init__(self, model: type[Model], columns: Sequence[str]):
        self.model = model
        fields = {f.name: f for f in model._meta.concrete_fields}
        given = [fields[name] for name in columns]
        rest = [
            f
            for f in model._meta.concrete_fields
            if f.name not in columns and not (f.primary_key and f.name not in columns)
        ]
        self.constants = tuple(_default(f) for f in rest)
        self.fields = given + rest
        self.sqlite = connection.vendor == "sqlite"
        self.convert = [
            (index, _sqlite_converter(f) if self.sqlite else _postgres_converter(f))
            for index, f in enumerate(self.fields)
            if (_sqlite_converter(f) if self.sqlite else _postgres_converter(f))
        ]
        self.count = 0

    def write(self, rows: Iterable[tuple]) -> int:
        """Insert `rows` (tuples in the order of `columns`); returns how many."""
        table = connection.ops.quote_name(self.model._meta.db_table)
        names = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
        batch: list[tuple] = []
        with connection.cursor() as cursor:
            if self.sqlite:
                marks = ", ".join("?" * len(self.fields))
                sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 - model names
                raw = cursor.cursor  # the sqlite3 cursor: ? placeholders, no Django wrapping
                for row in rows:
                    batch.append(self._prepare(row))
                    if len(batch) >= BATCH:
                        raw.executemany(sql, batch)
                        self.count += len(batch)
                        batch.clear()
                if batch:
                    raw.executemany(sql, batch)
                    self.count += len(batch)
            else:
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(self._prepare(row))
                        self.count += 1
        return self.count

    def _prepare(self, row: tuple) -> tuple:
        row = row + self.constants
        if not self.convert:
            return row
        values = list(row)
        for index, convert in self.convert:
            if values[index] is not None:
                values[index] = convert(values[index])
        return tuple(values)


def _default(f):
    if f.has_default():
        return f.get_default()
    if f.null:
        return None
    if f.get_internal_type() in {
        "CharField",
        "TextField",
        "SlugField",
        "EmailField",
        "URLField",
        "FileField",
    }:
        return ""
    raise ValueError(f"{f.model.__name__}.{f.name} needs a value")


def _sqlite_converter(f):
    """Values as Django itself stores them in SQLite (naive UTC text, hex UUIDs)."""
    kind = f.get_internal_type()
    if kind == "DateTimeField":
        return lambda value: str(value.astimezone(dt.UTC).replace(tzinfo=None))
    if kind == "DateField":
        return lambda value: value.isoformat()
    if kind == "UUIDField":
        return lambda value: value.hex
    if kind == "JSONField":
        return json.dumps
    return None


def _postgres_converter(f):
    if f.get_internal_type() == "JSONField":
        return json.dumps
    return None


def _next_id(model: type[Model]) -> int:
    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=dt.UTC)


@dataclass
class CohortPlan:
    id: int
    programme: int
    title: str
    status: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    capacity: int
    enrolled: list[int] = field(default_factory=list)  # user ids
    enrolment_ids: list[int] = field(default_factory=list)
    facilitators: list[int] = field(default_factory=list)


class Generator:
    def __init__(self, *, seed: int, scale: float, log=print):
        self.rng = random.Random(seed)  # noqa: S311 - repeatable on purpose, not secret
        self.seed = seed
        self.scale = scale
        self.target = sizes(scale)
        self.today = timezone.localdate()
        self.now = _at(self.today, 8)
        self.log = log
        self.counts: dict[str, int] = {}
        self.timings: dict[str, float] = {}

    def run(self) -> dict[str, int]:
        if User.objects.filter(email=BENCH_EMAILS["admin"]).exists():
            raise ValueError(
                "This database already holds generated data; use an empty (migrated) one, "
                "or one with only the demo data."
            )
        with transaction.atomic():
            fast = self._disable_triggers()
            self._step("organisations", self.organisations)
            self._step("users", self.users)
            self._step("programmes", self.programmes)
            self._step("cohorts", self.cohorts)
            self._step("applications", self.applications)
            self._step("sessions", self.sessions)
            self._step("progress", self.progress)
            self._step("certificates", self.certificates)
            if fast:
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL session_replication_role = DEFAULT")
            self._reset_sequences()
        with connection.cursor() as cursor:
            # Fresh planner statistics; on PostgreSQL also the visibility map, without
            # which index-only scans still read every row from the table.
            vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
            cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
        generation_renew()  # COPY goes around Django's cursors: no write was seen
        return self.counts

    def _step(self, name, function):
        started = time.perf_counter()
        function()
        self.timings[name] = time.perf_counter() - started
        self.log(f"  {name}: {self.timings[name]:.1f} s")

    def _disable_triggers(self) -> bool:
        """On PostgreSQL, skip the deferred foreign-key checks of millions of rows that
        were made consistent here (needs a superuser; otherwise the checks just run)."""
        if connection.vendor != "postgresql":
            return False
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
        except Exception:  # noqa: BLE001 - not a superuser: keep the checks
            return False
        return True

    def _reset_sequences(self):
        models = [
            Organisation,
            User,
            Programme,
            Module,
            Material,
            Cohort,
            Enrolment,
            Application,
            Session,
            Attendance,
            MaterialProgress,
            Certificate,
        ]
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)

    def _write(self, model, columns, rows) -> int:
        written = Writer(model, columns).write(rows)
        self.counts[model._meta.label] = self.counts.get(model._meta.label, 0) + written
        return written

    # --- People ---------------------------------------------------------------------

    def organisations(self):
        rng = self.rng
        first = _next_id(Organisation)
        n = self.target["organisations"]
        self.organisation_ids = list(range(first, first + n))
        rows = []
        for i, pk in enumerate(self.organisation_ids):
            kind, sector = ORGANISATION_KINDS[i % len(ORGANISATION_KINDS)]
            place = PLACES[(i // len(ORGANISATION_KINDS)) % len(PLACES)]
            name = f"{place} {kind} {i // (len(PLACES) * len(ORGANISATION_KINDS)) + 1} (generated)"
            nation = rng.choice(["england", "wales", "scotland", "northern_ireland"])
            rows.append((pk, name, sector, nation))
        self._write(Organisation, ["id", "name", "sector", "nation"], rows)

    def users(self):
        rng = self.rng
        n = self.target["users"]
        password = make_password(PASSWORD)
        first = _next_id(User)
        orgs = self.organisation_ids
        # A few large employers and many small ones, as in the real network.
        weights = [1 / (rank + 5) for rank in range(len(orgs))]
        n_facilitators = max(2, n // 330)
        roles = (
            [("admin", None)]
            + [("sponsor", org) for org in orgs]
            + [("facilitator", None)] * n_facilitators
        )
        people = n - len(roles)
        if people < 10:
            raise ValueError("Too small a scale for this many organisations.")
        person_orgs = rng.choices(orgs, weights=weights, k=people)
        roles += [("participant", org) for org in person_orgs]
        joined = self.now - dt.timedelta(days=2000)
        rows = []
        self.participant_ids, self.facilitator_ids = [], []
        self.user_org: dict[int, int | None] = {}
        self.user_name: dict[int, str] = {}
        bench_done = set()
        for i, (role, org) in enumerate(roles):
            pk = first + i
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
            key = role if role in ("admin", "facilitator") else None
            if role == "sponsor" and org == orgs[0]:
                key = "sponsor"
            if role == "participant" and "participant" not in bench_done and org == orgs[0]:
                key = "participant"
            if key and key not in bench_done:
                email = BENCH_EMAILS[key]
                bench_done.add(key)
                if key == "participant":
                    self.bench_participant = pk
                if key == "facilitator":
                    self.bench_facilitator = pk
            else:
                local = name.lower().replace(" ", ".")
                email = f"{local}.{pk}@{DOMAIN}"
            is_staff = role == "admin"
            rows.append(
                (
                    pk,
                    email,
                    name,
                    org,
                    role,
                    is_staff,
                    is_staff,
                    password,
                    joined + dt.timedelta(minutes=i),
                    joined + dt.timedelta(minutes=i),
                )
            )
            self.user_org[pk] = org
            self.user_name[pk] = name
            if role == "participant":
                self.participant_ids.append(pk)
            elif role == "facilitator":
                self.facilitator_ids.append(pk)
        self.admin_id = first
        self._write(
            User,
            [
                "id",
                "email",
                "full_name",
                "organisation",
                "role",
                "is_staff",
                "is_superuser",
                "password",
                "date_joined",
                "email_confirmed_at",
            ],
            rows,
        )

    # --- Programmes and content -----------------------------------------------------

    def programmes(self):
        first = _next_id(Programme)
        module_id, material_id = _next_id(Module), _next_id(Material)
        self.programme_ids, self.materials = [], {}
        rows, modules, materials = [], [], []
        created = self.now - dt.timedelta(days=2500)
        for i, (name, design) in enumerate(PROGRAMMES):
            pk = first + i
            slug = f"{name.lower().replace(' ', '-')}-generated"
            rows.append(
                (
                    pk,
                    name + " (generated)",
                    slug,
                    f"{name}: a generated programme.",
                    f"{name}, generated for benchmarks.",
                    design,
                    30,
                    created,
                )
            )
            self.programme_ids.append(pk)
            self.materials[pk] = []
            for m in range(MODULES_PER_PROGRAMME):
                modules.append(
                    (
                        module_id,
                        pk,
                        f"Module {m + 1}",
                        m + 1,
                        "cohort_start",
                        True,
                        created,
                        created,
                    )
                )
                for k in range(MATERIALS_PER_MODULE):
                    if k % 3 == 2:
                        kind, body, url = "link", "", f"https://{DOMAIN}/reading/{material_id}"
                    else:
                        kind, url = "page", ""
                        body = f"Reading for module {m + 1}, part {k + 1}."
                    materials.append(
                        (
                            material_id,
                            module_id,
                            kind,
                            f"Part {k + 1}",
                            body,
                            url,
                            k + 1,
                            k != 5,
                            20,
                            created,
                            created,
                        )
                    )
                    self.materials[pk].append(material_id)
                    material_id += 1
                module_id += 1
        self._write(
            Programme,
            [
                "id",
                "name",
                "slug",
                "summary",
                "description",
                "certificate_design",
                "default_capacity",
                "created_at",
            ],
            rows,
        )
        self._write(
            Module,
            [
                "id",
                "programme",
                "title",
                "position",
                "release_rule",
                "is_published",
                "created_at",
                "updated_at",
            ],
            modules,
        )
        self._write(
            Material,
            [
                "id",
                "module",
                "kind",
                "title",
                "body",
                "url",
                "position",
                "is_required",
                "estimated_minutes",
                "created_at",
                "updated_at",
            ],
            materials,
        )

    # --- Cohorts, enrolments, applications ------------------------------------------

    def cohorts(self):
        rng, today = self.rng, self.today
        n = self.target["cohorts"]
        first = _next_id(Cohort)
        participants = self.participant_ids
        # Enough places that participants take on average 1.2 enrolments each.
        mean_size = max(4, min(90, round(1.2 * len(participants) / (n * 0.8))))
        statuses = ["completed"] * 45 + ["archived"] * 10 + ["running"] * 15
        statuses += ["closed"] * 5 + ["open"] * 15 + ["draft"] * 10
        self.plans: list[CohortPlan] = []
        rows = []
        for i in range(n):
            pk = first + i
            programme = self.programme_ids[i % len(self.programme_ids)]
            # The first is the big running cohort; the next two finished, so that even a
            # small scale has completed people with certificates, and one taking applications.
            fixed = {0: "running", 1: "completed", 2: "completed", 3: "open"}
            status = fixed.get(i) or rng.choice(statuses)
            capacity = rng.randint(max(2, mean_size // 2), mean_size * 3 // 2)
            if i == 0:
                capacity = min(BIG_COHORT, len(participants) - 1)
            if status in ("completed", "archived"):
                starts = today - dt.timedelta(days=rng.randint(200, 2200))
            elif status == "running":
                starts = today - dt.timedelta(days=rng.randint(30, 150))
            elif status == "closed":
                starts = today + dt.timedelta(days=rng.randint(14, 45))
            elif status == "open":
                starts = today + dt.timedelta(days=rng.randint(60, 180))
            else:
                starts = today + dt.timedelta(days=rng.randint(200, 360))
            ends = starts + dt.timedelta(days=180)
            opens = _at(starts - dt.timedelta(days=120), 9)
            closes = _at(starts - dt.timedelta(days=30), 17)
            if status == "open":
                opens, closes = (
                    self.now - dt.timedelta(days=10),
                    _at(starts - dt.timedelta(days=20), 17),
                )
            title = f"{starts.year} cohort {i + 1}"
            plan = CohortPlan(pk, programme, title, status, starts, ends, capacity)
            if status in ("completed", "archived", "running", "closed"):
                size = capacity if i == 0 else capacity - rng.randint(0, min(3, capacity - 1))
            elif status == "open":
                size = rng.randint(0, capacity // 2)
            else:
                size = 0
            plan.enrolled = rng.sample(participants, size)
            if i == 0:
                plan.enrolled = [self.bench_participant] + [
                    p for p in plan.enrolled if p != self.bench_participant
                ][: size - 1]
            plan.facilitators = rng.sample(self.facilitator_ids, 2 if i % 4 == 0 else 1)
            if i == 0 or i % max(1, n // 7) == 1:
                plan.facilitators[0] = self.bench_facilitator
            rows.append(
                (
                    pk,
                    programme,
                    title,
                    starts.year,
                    status,
                    starts,
                    ends,
                    capacity,
                    len(plan.enrolled),
                    opens,
                    closes,
                    "blended",
                    "Cardiff and online",
                    self.now - dt.timedelta(days=400),
                )
            )
            self.plans.append(plan)
        # The bench participant also finished an earlier cohort, so has a certificate.
        for plan in self.plans[1:]:
            if plan.status == "completed" and plan.enrolled:
                if self.bench_participant not in plan.enrolled:
                    plan.enrolled[0] = self.bench_participant
                break
        self._write(
            Cohort,
            [
                "id",
                "programme",
                "title",
                "intake_year",
                "status",
                "starts_on",
                "ends_on",
                "capacity",
                "places_taken",
                "applications_open_at",
                "applications_close_at",
                "delivery_mode",
                "venue",
                "created_at",
            ],
            rows,
        )
        through = Cohort.facilitators.through
        self._write(
            through,
            ["cohort", "user"],
            [(plan.id, user) for plan in self.plans for user in plan.facilitators],
        )
        self.enrolments()

    def enrolments(self):
        rng = self.rng
        pk = _next_id(Enrolment)
        rows = []
        self.completed_enrolments: list[tuple[int, int, int, CohortPlan]] = []
        for plan in self.plans:
            enrolled_at = _at(plan.starts_on - dt.timedelta(days=25), 10)
            for user in plan.enrolled:
                status, completed_on = "active", None
                if plan.status in ("completed", "archived"):
                    if rng.random() < 0.9 or user == self.bench_participant:
                        status, completed_on = "completed", plan.ends_on
                        self.completed_enrolments.append((pk, user, plan.id, plan))
                    else:
                        status = "withdrawn"
                rows.append(
                    (
                        pk,
                        plan.id,
                        user,
                        status,
                        self.user_org[user],
                        enrolled_at,
                        completed_on,
                        enrolled_at if status == "withdrawn" else None,
                    )
                )
                plan.enrolment_ids.append(pk)
                pk += 1
        self._write(
            Enrolment,
            [
                "id",
                "cohort",
                "user",
                "status",
                "organisation",
                "enrolled_at",
                "completed_on",
                "withdrawn_at",
            ],
            rows,
        )

    def applications(self):
        rng = self.rng
        pk = _next_id(Application)
        participants = self.participant_ids
        rows = []
        for plan in self.plans:
            submitted = _at(plan.starts_on - dt.timedelta(days=60), 11)
            decided = submitted + dt.timedelta(days=10)
            taken = set(plan.enrolled)
            for user in plan.enrolled:
                rows.append(
                    (
                        pk,
                        plan.id,
                        user,
                        self.user_org[user],
                        "self",
                        "enrolled",
                        None,
                        None,
                        submitted,
                        submitted,
                        decided,
                    )
                )
                pk += 1
            if plan.status == "draft":
                continue
            extra = rng.randint(2, max(3, plan.capacity // 3))
            others = [
                p
                for p in rng.sample(participants, min(len(participants), extra + len(taken)))
                if p not in taken
            ][:extra]
            waitlist = 0
            for user in others:
                if plan.status == "open":
                    state = rng.choice(["submitted", "in_review", "in_review", "waitlisted"])
                elif plan.status in ("closed", "running"):
                    state = rng.choice(["rejected", "rejected", "withdrawn", "waitlisted"])
                else:
                    state = rng.choice(["rejected", "rejected", "withdrawn"])
                position = None
                if state == "waitlisted":
                    waitlist += 1
                    position = waitlist
                when = None if state in ("submitted", "in_review") else decided
                rows.append(
                    (
                        pk,
                        plan.id,
                        user,
                        self.user_org[user],
                        "self",
                        state,
                        position,
                        None,
                        submitted,
                        submitted,
                        when,
                    )
                )
                pk += 1
        self._write(
            Application,
            [
                "id",
                "cohort",
                "applicant",
                "organisation",
                "source",
                "state",
                "waitlist_position",
                "offer_expires_at",
                "created_at",
                "submitted_at",
                "decided_at",
            ],
            rows,
        )

    # --- Sessions and progress ------------------------------------------------------

    def sessions(self):
        rng = self.rng
        n = self.target["sessions"]
        pk = _next_id(Session)
        per_cohort, extra = divmod(n, len(self.plans))
        rows, facilitators = [], []
        self.past_sessions: dict[int, list[int]] = {}
        for index, plan in enumerate(self.plans):
            count = per_cohort + (1 if index < extra else 0)
            self.past_sessions[plan.id] = []
            for k in range(count):
                day = plan.starts_on + dt.timedelta(days=7 * k)
                starts = _at(day, 9, 30)
                ends = starts + dt.timedelta(hours=3)
                online = k % 2 == 1
                rows.append(
                    (
                        pk,
                        uuid.UUID(int=rng.getrandbits(128), version=4),
                        plan.id,
                        f"Session {k + 1}",
                        SESSION_KINDS[k % len(SESSION_KINDS)],
                        starts,
                        ends,
                        "" if online else "Civic Centre, Room 2",
                        "" if online else "civic centre room 2",
                        f"https://meet.{DOMAIN}/{pk}" if online else "",
                        self.now - dt.timedelta(days=400),
                    )
                )
                facilitators.append((pk, plan.facilitators[0]))
                if ends < self.now and plan.status in ("running", "completed", "archived"):
                    self.past_sessions[plan.id].append(pk)
                pk += 1
        self._write(
            Session,
            [
                "id",
                "uid",
                "cohort",
                "title",
                "kind",
                "starts_at",
                "ends_at",
                "venue",
                "venue_key",
                "joining_link",
                "created_at",
            ],
            rows,
        )
        self._write(Session.facilitators.through, ["session", "user"], facilitators)

    def progress(self):
        """Register marks for every past session, then materials done up to the total."""
        rng = self.rng
        target = self.target["progress"]
        statuses = ["present"] * 8 + ["late", "apologies", "absent"]
        attendance = []
        for plan in self.plans:
            for session in self.past_sessions[plan.id]:
                recorded = self.now - dt.timedelta(days=1)
                for user in plan.enrolled:
                    if len(attendance) >= target:
                        break
                    attendance.append(
                        (session, user, rng.choice(statuses), plan.facilitators[0], recorded)
                    )
        self._write(
            Attendance, ["session", "user", "status", "recorded_by", "recorded_at"], attendance
        )
        budget = target - len(attendance)
        del attendance
        # How far each enrolment got: finished cohorts everything, running ones part way.
        wanted = []
        for plan in self.plans:
            if plan.status not in ("running", "completed", "archived"):
                continue
            materials = len(self.materials[plan.programme])
            for enrolment in plan.enrolment_ids:
                share = 1.0 if plan.status != "running" else rng.uniform(0.1, 0.9)
                wanted.append([enrolment, plan, round(materials * share), materials])
        total = sum(w[2] for w in wanted) or 1
        # Scale to the budget exactly: proportional shares, then the rounding left over
        # handed out one by one where there is room.
        factor = budget / total
        given = 0
        for w in wanted:
            w[2] = min(w[3], int(w[2] * factor))
            given += w[2]
        left = budget - given
        while left > 0:
            moved = 0
            for w in wanted:
                if left and w[2] < w[3]:
                    w[2] += 1
                    left -= 1
                    moved += 1
            if not moved:
                break

        first = _next_id(MaterialProgress)  # not inside the COPY: one connection

        def rows():
            pk = first
            for enrolment, plan, done, _ in wanted:
                start = _at(plan.starts_on, 12)
                for position, material in enumerate(self.materials[plan.programme][:done]):
                    yield (pk, enrolment, material, start + dt.timedelta(hours=position * 30))
                    pk += 1

        self._write(MaterialProgress, ["id", "enrolment", "material", "completed_at"], rows())

    def certificates(self):
        rng = self.rng
        n = self.target["certificates"]
        pk = _next_id(Certificate)
        chosen = [c for c in self.completed_enrolments if c[1] == self.bench_participant]
        others = [c for c in self.completed_enrolments if c[1] != self.bench_participant]
        chosen += rng.sample(others, min(len(others), n - len(chosen)))
        programmes = dict(Programme.objects.values_list("pk", "name"))
        designs = dict(Programme.objects.values_list("pk", "certificate_design"))
        codes = set()
        rows = []
        for enrolment, user, _cohort, plan in chosen:
            code = "".join(rng.choice(ALPHABET) for _ in range(LENGTH))
            while code in codes:
                code = "".join(rng.choice(ALPHABET) for _ in range(LENGTH))
            codes.add(code)
            issued = _at(plan.ends_on + dt.timedelta(days=2), 10)
            rows.append(
                (
                    pk,
                    enrolment,
                    code,
                    "issued",
                    self.user_name[user],
                    programmes[plan.programme],
                    plan.title,
                    plan.ends_on,
                    designs[plan.programme],
                    "en",
                    1,
                    1,
                    1,
                    issued,
                    issued,
                    issued,
                )
            )
            pk += 1
        self._write(
            Certificate,
            [
                "id",
                "enrolment",
                "code",
                "status",
                "holder_name",
                "programme_name",
                "cohort_title",
                "completed_on",
                "design",
                "language",
                "revision",
                "rendered_revision",
                "emailed_revision",
                "requested_at",
                "issued_at",
                "rendered_at",
            ],
            rows,
        )
