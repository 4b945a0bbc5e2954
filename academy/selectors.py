import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, Func, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Now
from django.utils import timezone

from cohorts.models import Cohort, Enrolment
from cohorts.selectors import cohort_prefetch_open, enrolment_list_for_user

from .models import Material, MaterialProgress, Module, Programme
from .permissions import COURSE_STATUSES

# Home shows this many open cohorts per programme; the programme's page has the rest.
HOME_COHORTS_PER_PROGRAMME = 3


def programme_list_public() -> QuerySet[Programme]:
    """Published programmes, each with `open_cohorts` (the first few, soonest first) and
    `open_cohort_count` (all of them), in two queries however many cohorts are open."""
    return (
        Programme.objects.filter(is_published=True)
        .annotate(open_cohort_count=Count("cohorts", filter=Q(cohorts__status=Cohort.Status.OPEN)))
        .prefetch_related(cohort_prefetch_open(limit=HOME_COHORTS_PER_PROGRAMME))
    )


# --- Content editing -------------------------------------------------------------------


def cohort_list_content_editable(user) -> QuerySet[Cohort]:
    """Cohorts whose additions and preview this person may open, soonest first."""
    cohorts = Cohort.objects.exclude(status=Cohort.Status.ARCHIVED).order_by("starts_on", "pk")
    if user.is_programme_admin:
        return cohorts
    return cohorts.filter(facilitators=user)


def programme_list_content_editable(user) -> QuerySet[Programme]:
    """Programmes whose shared content this person edits, each with `content_cohorts`."""
    programmes = Programme.objects.order_by("name", "pk")
    if not user.is_programme_admin:
        facilitated = Cohort.objects.filter(facilitators=user).values("programme_id")
        programmes = programmes.filter(pk__in=facilitated)
    return programmes.annotate(
        shared_module_count=Count("modules", filter=Q(modules__cohort__isnull=True))
    ).prefetch_related(
        Prefetch("cohorts", queryset=cohort_list_content_editable(user), to_attr="content_cohorts")
    )


def module_list_for_editing(*, programme: Programme, cohort: Cohort | None) -> list[Module]:
    """The shared modules of `programme` (cohort None) or one cohort's additions, in order."""
    modules = Module.objects.filter(programme=programme, cohort=cohort)
    return list(modules.annotate(material_count=Count("materials")).order_by("position", "pk"))


def material_list_for_editing(module: Module) -> list[Material]:
    return list(module.materials.order_by("position", "pk"))


# --- Courses ---------------------------------------------------------------------------


def progress_for_enrolment(enrolment: Enrolment) -> dict[int, dt.datetime]:
    """When each material was marked done on this enrolment, by material id.

    The one read of a participant's own marks, for the course pages and the completion
    rules that build on them.
    """
    return dict(
        MaterialProgress.objects.filter(enrolment=enrolment).values_list(
            "material_id", "completed_at"
        )
    )


@dataclass
class CourseMaterial:
    material: Material
    completed_at: dt.datetime | None = None

    @property
    def done(self) -> bool:
        return self.completed_at is not None


@dataclass
class CourseModule:
    module: Module
    opens_on: dt.date | None
    is_open: bool
    materials: list[CourseMaterial] = field(default_factory=list)

    @property
    def required(self) -> list[CourseMaterial]:
        return [item for item in self.materials if item.material.is_required]

    @property
    def done_count(self) -> int:
        return sum(item.done for item in self.materials)

    @property
    def is_done(self) -> bool:
        """Open, with something in it, and every required item (or every item) done."""
        counted = self.required or self.materials
        return self.is_open and bool(counted) and all(item.done for item in counted)

    @property
    def state(self) -> str:
        if not self.is_open:
            return "locked"
        return "done" if self.is_done else "open"


@dataclass
class Course:
    """A cohort's course as its participants see it on one day."""

    cohort: Cohort
    modules: list[CourseModule]
    today: dt.date

    def open_materials(self) -> list[tuple[CourseModule, CourseMaterial]]:
        return [
            (entry, item) for entry in self.modules if entry.is_open for item in entry.materials
        ]

    def locate(self, material_id: int):
        """(module entry, material entry, previous, next) for an open material, or None."""
        sequence = self.open_materials()
        for index, (entry, item) in enumerate(sequence):
            if item.material.pk == material_id:
                previous = sequence[index - 1][1] if index > 0 else None
                following = sequence[index + 1][1] if index + 1 < len(sequence) else None
                return entry, item, previous, following
        return None

    def module_for(self, material_id: int) -> CourseModule | None:
        for entry in self.modules:
            if any(item.material.pk == material_id for item in entry.materials):
                return entry
        return None

    @property
    def material_count(self) -> int:
        return sum(len(entry.materials) for entry in self.modules)

    @property
    def done_count(self) -> int:
        return sum(entry.done_count for entry in self.modules)


def course_for_cohort(
    cohort: Cohort, *, progress: dict[int, dt.datetime] | None = None, today=None
) -> Course:
    """The published modules and materials of `cohort`'s course, with their release state.

    Shared modules come first, then the cohort's own additions, each list in its order.
    Two queries, whatever the size of the course.
    """
    today = today or timezone.localdate()
    progress = progress or {}
    modules = (
        Module.objects.filter(programme_id=cohort.programme_id, is_published=True)
        .filter(Q(cohort__isnull=True) | Q(cohort=cohort))
        .prefetch_related(
            Prefetch(
                "materials",
                queryset=Material.objects.filter(is_published=True).order_by("position", "pk"),
            )
        )
    )
    ordered = sorted(modules, key=lambda m: (m.cohort_id is not None, m.position, m.pk))
    entries = []
    for module in ordered:
        opens_on = module.opens_on(cohort.starts_on)
        entries.append(
            CourseModule(
                module=module,
                opens_on=opens_on,
                is_open=opens_on is not None and opens_on <= today,
                materials=[
                    CourseMaterial(material=material, completed_at=progress.get(material.pk))
                    for material in module.materials.all()
                ],
            )
        )
    return Course(cohort=cohort, modules=entries, today=today)


def course_for_enrolment(enrolment: Enrolment, *, today=None) -> Course:
    return course_for_cohort(
        enrolment.cohort, progress=progress_for_enrolment(enrolment), today=today
    )


def enrolment_list_with_course(user) -> QuerySet[Enrolment]:
    """This person's places whose course they can open."""
    return enrolment_list_for_user(user).filter(status__in=COURSE_STATUSES)


def enrolment_get_for_course(user, pk: int) -> Enrolment | None:
    return enrolment_list_with_course(user).filter(pk=pk).first()


# --- Progress summaries ----------------------------------------------------------------


def _count(queryset: QuerySet) -> Subquery:
    return Subquery(
        queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n"),
        output_field=IntegerField(),
    )


def enrolment_progress_list(enrolments: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    """Enrolments (already scoped) with where each person stands, in a fixed number of
    queries: `materials_done`, and `sessions_held` / `sessions_attended` (present or late,
    of the cohort's sessions that went ahead and have ended).

    The summary the API gives until completion rules own the definition of progress.
    """
    from scheduling.models import Attendance, Session

    held = Session.objects.filter(
        cohort_id=OuterRef("cohort_id"), status=Session.Status.SCHEDULED, ends_at__lte=Now()
    )
    return enrolments.select_related("user", "cohort__programme").annotate(
        materials_done=Coalesce(
            _count(MaterialProgress.objects.filter(enrolment_id=OuterRef("pk"))), 0
        ),
        sessions_held=Coalesce(_count(held), 0),
        sessions_attended=Coalesce(
            _count(
                Attendance.objects.filter(
                    session__cohort_id=OuterRef("cohort_id"),
                    session__status=Session.Status.SCHEDULED,
                    session__ends_at__lte=Now(),
                    user_id=OuterRef("user_id"),
                    status__in=[Attendance.Status.PRESENT, Attendance.Status.LATE],
                )
            ),
            0,
        ),
    )
