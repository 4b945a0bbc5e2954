"""Who may do what with programme content and course pages. One function per action.

Content editors: a programme admin edits every programme's content; a facilitator edits
the shared content of the programmes they facilitate a cohort of, and the additions of
their own cohorts. Course readers: a person enrolled (active or completed) in a cohort
sees that cohort's published, released content.
"""

from django.utils import timezone

from cohorts.models import Cohort, Enrolment

from .models import Material, Module, Programme

# Enrolments that may open their course (withdrawn people may not).
COURSE_STATUSES = (Enrolment.Status.ACTIVE, Enrolment.Status.COMPLETED)


def _is_active(user) -> bool:
    return bool(user.is_authenticated and user.is_active)


def can_list_content(user) -> bool:
    """Whether the "Course content" pages exist for this person at all."""
    return _is_active(user) and (user.is_programme_admin or user.is_facilitator)


def can_edit_programme_content(user, programme: Programme) -> bool:
    if not _is_active(user):
        return False
    if user.is_programme_admin:
        return True
    if not user.is_facilitator:
        return False
    return Cohort.objects.filter(programme=programme, facilitators=user).exists()


def can_edit_cohort_content(user, cohort: Cohort) -> bool:
    if not _is_active(user):
        return False
    if user.is_programme_admin:
        return True
    if not user.is_facilitator:
        return False
    return cohort.facilitators.filter(pk=user.pk).exists()


def can_edit_module(user, module: Module) -> bool:
    if module.cohort_id is not None:
        return can_edit_cohort_content(user, module.cohort)
    return can_edit_programme_content(user, module.programme)


def can_edit_material(user, material: Material) -> bool:
    return can_edit_module(user, material.module)


def can_preview_cohort_course(user, cohort: Cohort) -> bool:
    """See a cohort's course as its participants see it today."""
    return can_edit_cohort_content(user, cohort)


def can_view_course(user, enrolment: Enrolment) -> bool:
    return _is_active(user) and enrolment.user_id == user.pk and enrolment.status in COURSE_STATUSES


def can_mark_progress(user, enrolment: Enrolment) -> bool:
    """Marks change only while the place is active; a completed course is a record."""
    return can_view_course(user, enrolment) and enrolment.status == Enrolment.Status.ACTIVE


def is_released_to(material: Material, cohort: Cohort, *, today=None) -> bool:
    """Whether `cohort`'s participants see `material` today (published, in their course, open)."""
    module = material.module
    if not (material.is_published and module.is_published):
        return False
    if module.programme_id != cohort.programme_id:
        return False
    if module.cohort_id is not None and module.cohort_id != cohort.pk:
        return False
    opens_on = module.opens_on(cohort.starts_on)
    return opens_on is not None and opens_on <= (today or timezone.localdate())


def can_view_material(user, material: Material) -> bool:
    """Open a material's page or file: its editors, or someone whose course has it today."""
    if not _is_active(user):
        return False
    if can_edit_material(user, material):
        return True
    module = material.module
    enrolments = Enrolment.objects.filter(
        user=user, status__in=COURSE_STATUSES, cohort__programme_id=module.programme_id
    ).select_related("cohort")
    if module.cohort_id is not None:
        enrolments = enrolments.filter(cohort_id=module.cohort_id)
    return any(is_released_to(material, enrolment.cohort) for enrolment in enrolments)


def can_download_material_file(user, material: Material) -> bool:
    return (
        material.kind == Material.Kind.FILE
        and bool(material.file)
        and can_view_material(user, material)
    )


def can_manage_programmes(user) -> bool:
    """Creating programmes and changing their settings is for programme admins."""
    return _is_active(user) and user.is_programme_admin


# --- Progress and completion -------------------------------------------------------------


def can_set_completion_rule(user, programme: Programme) -> bool:
    """Completion rules are part of a programme's settings: programme admins."""
    return can_manage_programmes(user)


def can_view_progress_grid(user, cohort: Cohort) -> bool:
    """The cohort's facilitators and programme admins see everyone's progress."""
    if not _is_active(user):
        return False
    if user.is_programme_admin:
        return True
    return user.is_facilitator and cohort.facilitators.filter(pk=user.pk).exists()


def can_submit_reflection(user, enrolment: Enrolment) -> bool:
    return can_mark_progress(user, enrolment)


def can_decide_reflection(user, reflection) -> bool:
    return can_view_progress_grid(user, reflection.enrolment.cohort)


def can_view_organisation_progress(user) -> bool:
    """A sponsor sees the progress of their own organisation's people, nobody else's."""
    return _is_active(user) and user.is_sponsor and user.organisation_id is not None


def can_view_learning_record(user) -> bool:
    """Everyone signed in has a learning record of their own (perhaps empty)."""
    return _is_active(user)
