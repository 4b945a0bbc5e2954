import datetime as dt
from pathlib import PurePath
from typing import Literal

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from cohorts.models import Cohort, Enrolment
from core.errors import ApplicationError
from core.tasks import enqueue_on_commit

from . import completion
from .models import CompletionRule, Material, MaterialProgress, Module, Programme, Reflection
from .permissions import is_released_to
from .uploads import check_upload, download_name

Direction = Literal["up", "down"]
# Positions are moved out of the way before renumbering, so the unique constraints on
# position hold after every single row update (PostgreSQL checks them row by row).
REORDER_OFFSET = 1_000_000


def _release_fields(
    *, release_rule: str, release_after_days: int | None, release_on: dt.date | None
) -> dict:
    """The release fields to store, or a ValidationError naming the missing one."""
    if release_rule == Module.Release.DAYS_AFTER_START:
        if release_after_days is None:
            raise ValidationError(
                {"release_after_days": _("Enter how many days after the start it opens.")}
            )
        return {"release_rule": release_rule, "release_after_days": release_after_days,
                "release_on": None}  # fmt: skip
    if release_rule == Module.Release.ON_DATE:
        if release_on is None:
            raise ValidationError({"release_on": _("Enter the date it opens.")})
        return {"release_rule": release_rule, "release_after_days": None, "release_on": release_on}
    if release_rule == Module.Release.COHORT_START:
        return {"release_rule": release_rule, "release_after_days": None, "release_on": None}
    raise ValidationError({"release_rule": _("Choose when the module opens.")})


def _renumber(items: list, moved, direction: Direction) -> tuple[int, int]:
    """Swap `moved` with its neighbour in `items` and store positions 1..n.

    `items` are rows of one list, already locked by the caller. Returns the new position
    of `moved` (1-based) and the list's length.
    """
    index = next(i for i, item in enumerate(items) if item.pk == moved.pk)
    target = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= target < len(items):
        raise ApplicationError(_("“%(title)s” cannot move further.") % {"title": moved.title})
    items[index], items[target] = items[target], items[index]
    model = type(moved)
    model.objects.filter(pk__in=[item.pk for item in items]).update(
        position=F("position") + REORDER_OFFSET
    )
    now = timezone.now()
    for number, item in enumerate(items, start=1):
        item.position = number
        item.updated_at = now
    model.objects.bulk_update(items, ["position", "updated_at"])
    return target + 1, len(items)


# --- Modules ---------------------------------------------------------------------------


@transaction.atomic
def module_create(
    *,
    programme: Programme,
    cohort: Cohort | None = None,
    title: str,
    summary: str = "",
    release_rule: str = Module.Release.COHORT_START,
    release_after_days: int | None = None,
    release_on: dt.date | None = None,
    is_published: bool = False,
) -> Module:
    """Add a module at the end of the programme's shared list or of a cohort's additions."""
    if cohort is not None and cohort.programme_id != programme.pk:
        raise ApplicationError(_("That cohort is not a cohort of this programme."))
    release = _release_fields(
        release_rule=release_rule, release_after_days=release_after_days, release_on=release_on
    )
    # The programme row serialises additions to its lists, so two new modules never take
    # the same position.
    Programme.objects.select_for_update().get(pk=programme.pk)
    last = Module.objects.filter(programme=programme, cohort=cohort).aggregate(Max("position"))
    return Module.objects.create(
        programme=programme,
        cohort=cohort,
        title=title.strip(),
        summary=summary.strip(),
        position=(last["position__max"] or 0) + 1,
        is_published=is_published,
        **release,
    )


@transaction.atomic
def module_update(
    *,
    module: Module,
    title: str,
    summary: str,
    release_rule: str,
    release_after_days: int | None = None,
    release_on: dt.date | None = None,
) -> Module:
    release = _release_fields(
        release_rule=release_rule, release_after_days=release_after_days, release_on=release_on
    )
    module.title = title.strip()
    module.summary = summary.strip()
    for name, value in release.items():
        setattr(module, name, value)
    module.updated_at = timezone.now()
    module.save(
        update_fields=[
            "title", "summary", "release_rule", "release_after_days", "release_on", "updated_at"
        ]
    )  # fmt: skip
    return module


@transaction.atomic
def module_publish(*, module: Module) -> Module:
    """Show the module (and its published materials) to participants once it opens."""
    module.is_published = True
    module.updated_at = timezone.now()
    module.save(update_fields=["is_published", "updated_at"])
    return module


@transaction.atomic
def module_unpublish(*, module: Module) -> Module:
    """Hide the module from participants; their marks are kept for when it returns."""
    module.is_published = False
    module.updated_at = timezone.now()
    module.save(update_fields=["is_published", "updated_at"])
    return module


@transaction.atomic
def module_move(*, module: Module, direction: Direction) -> tuple[int, int]:
    """Move a module one place up or down in its list. Returns (new position, list length)."""
    Programme.objects.select_for_update().get(pk=module.programme_id)
    siblings = list(
        Module.objects.select_for_update()
        .filter(programme_id=module.programme_id, cohort_id=module.cohort_id)
        .order_by("position", "pk")
    )
    return _renumber(siblings, module, direction)


@transaction.atomic
def module_delete(*, module: Module) -> None:
    """Delete a module, its materials, their files and the marks made on them."""
    names = [m.file.name for m in module.materials.exclude(file="")]
    module.delete()
    _delete_files_on_commit(names)


# --- Materials -------------------------------------------------------------------------


def _delete_files_on_commit(names: list[str]) -> None:
    # Files go only once the rows that point at them are gone for good.
    def delete():
        for name in names:
            default_storage.delete(name)

    if names:
        transaction.on_commit(delete)


def _validate_material(*, kind: str, title: str, url: str, transcript: str, body: str) -> None:
    errors = {}
    if not title.strip():
        errors["title"] = _("Enter a title.")
    if kind == Material.Kind.PAGE and not body.strip():
        errors["body"] = _("Write the text of the page.")
    if kind in (Material.Kind.LINK, Material.Kind.VIDEO):
        if not url.strip():
            errors["url"] = _("Enter the web address.")
        else:
            # The address becomes a link on the page: only web addresses, never javascript:.
            try:
                URLValidator(schemes=["http", "https"])(url.strip())
            except ValidationError:
                errors["url"] = _("Enter a web address that starts with https:// or http://")
    if kind == Material.Kind.VIDEO and not transcript.strip():
        errors["transcript"] = _(
            "Add a transcript: people who cannot watch or hear the video need one."
        )
    if errors:
        raise ValidationError(errors)


def _store_file(material: Material, upload) -> None:
    """Check the upload and attach it to `material` under a new unguessable name."""
    try:
        file_type = check_upload(upload)
    except ValidationError as error:
        raise ValidationError({"file": error.error_list}) from None
    material._upload_extension = file_type.extension
    material.file_name = download_name(upload.name)
    material.file_size = upload.size
    material.file_type = file_type.content_type
    material.file.save(material.file_name, upload, save=False)


@transaction.atomic
def material_create(
    *,
    module: Module,
    kind: str,
    title: str,
    body: str = "",
    upload=None,
    url: str = "",
    transcript: str = "",
    is_required: bool = True,
    estimated_minutes: int | None = None,
    completes_on_view: bool = False,
    is_published: bool = True,
) -> Material:
    """Add a material at the end of `module`.

    A file is checked (size, type by content) before anything is stored; when it is
    refused a ValidationError on "file" is raised and neither row nor file is kept.
    """
    if kind not in Material.Kind.values:
        raise ValidationError({"kind": _("Choose a kind of material.")})
    _validate_material(kind=kind, title=title, url=url, transcript=transcript, body=body)
    if kind == Material.Kind.FILE and upload is None:
        raise ValidationError({"file": _("Choose a file to upload.")})
    material = Material(
        module=module,
        kind=kind,
        title=title.strip(),
        body=body.strip(),
        url=url.strip() if kind in (Material.Kind.LINK, Material.Kind.VIDEO) else "",
        transcript=transcript.strip() if kind == Material.Kind.VIDEO else "",
        is_required=is_required,
        estimated_minutes=estimated_minutes,
        completes_on_view=completes_on_view,
        is_published=is_published,
    )
    Module.objects.select_for_update().get(pk=module.pk)
    last = module.materials.aggregate(Max("position"))["position__max"] or 0
    material.position = last + 1
    if kind == Material.Kind.FILE:
        _store_file(material, upload)
    _save_keeping_no_orphan(material)
    return material


def _save_keeping_no_orphan(material: Material, update_fields=None) -> None:
    """Save the row; if that fails, remove a file stored for it a moment ago."""
    try:
        with transaction.atomic():
            material.save(update_fields=update_fields)
    except Exception:
        if material.file and material.file.name:
            default_storage.delete(material.file.name)
        raise


@transaction.atomic
def material_update(
    *,
    material: Material,
    title: str,
    body: str = "",
    upload=None,
    url: str = "",
    transcript: str = "",
    is_required: bool = True,
    estimated_minutes: int | None = None,
    completes_on_view: bool = False,
) -> Material:
    """Change a material; a new upload replaces the file (the old one goes after commit)."""
    _validate_material(kind=material.kind, title=title, url=url, transcript=transcript, body=body)
    old_file = material.file.name if material.file else ""
    material.title = title.strip()
    material.body = body.strip()
    if material.kind in (Material.Kind.LINK, Material.Kind.VIDEO):
        material.url = url.strip()
    if material.kind == Material.Kind.VIDEO:
        material.transcript = transcript.strip()
    material.is_required = is_required
    material.estimated_minutes = estimated_minutes
    material.completes_on_view = completes_on_view
    material.updated_at = timezone.now()
    replaced = material.kind == Material.Kind.FILE and upload is not None
    if replaced:
        _store_file(material, upload)
    _save_keeping_no_orphan(material)
    if replaced and old_file:
        _delete_files_on_commit([old_file])
    return material


@transaction.atomic
def material_publish(*, material: Material) -> Material:
    material.is_published = True
    material.updated_at = timezone.now()
    material.save(update_fields=["is_published", "updated_at"])
    return material


@transaction.atomic
def material_unpublish(*, material: Material) -> Material:
    """Hide a material from participants; marks already made on it are kept."""
    material.is_published = False
    material.updated_at = timezone.now()
    material.save(update_fields=["is_published", "updated_at"])
    return material


@transaction.atomic
def material_move(*, material: Material, direction: Direction) -> tuple[int, int]:
    """Move a material one place up or down in its module. Returns (position, length)."""
    Module.objects.select_for_update().get(pk=material.module_id)
    siblings = list(
        Material.objects.select_for_update()
        .filter(module_id=material.module_id)
        .order_by("position", "pk")
    )
    return _renumber(siblings, material, direction)


@transaction.atomic
def material_delete(*, material: Material) -> None:
    """Delete a material with the marks made on it; its file goes after commit."""
    names = [material.file.name] if material.file else []
    material.delete()
    _delete_files_on_commit(names)


# --- Progress --------------------------------------------------------------------------


def _check_can_mark(enrolment: Enrolment, material: Material) -> None:
    if enrolment.status != Enrolment.Status.ACTIVE:
        raise ApplicationError(_("Marks can only change while your place on the course is active."))
    if not is_released_to(material, enrolment.cohort):
        raise ApplicationError(_("This material is not open on your course."))


@transaction.atomic
def material_mark_done(*, enrolment: Enrolment, material: Material) -> MaterialProgress:
    """Record that the participant has done `material`. Safe to call again: the first
    time it was marked is kept."""
    _check_can_mark(enrolment, material)
    progress, _created = MaterialProgress.objects.get_or_create(
        enrolment=enrolment, material=material, defaults={"completed_at": timezone.now()}
    )
    completion.enrolment_evaluate_completion(enrolment=enrolment, actor=enrolment.user)
    return progress


@transaction.atomic
def material_mark_undone(*, enrolment: Enrolment, material: Material) -> None:
    """Remove the participant's mark on `material`, if there is one."""
    _check_can_mark(enrolment, material)
    MaterialProgress.objects.filter(enrolment=enrolment, material=material).delete()
    completion.enrolment_evaluate_completion(enrolment=enrolment, actor=enrolment.user)


# --- Final reflections -----------------------------------------------------------------


@transaction.atomic
def reflection_submit(*, enrolment: Enrolment, text: str) -> Reflection:
    """Send the participant's final reflection to the cohort's facilitators.

    A returned reflection can be changed and sent again, and one still waiting can be
    changed; an accepted one is final. Raises ValidationError for an empty text and
    ApplicationError when the place is not active or the reflection was accepted.
    """
    if enrolment.status != Enrolment.Status.ACTIVE:
        raise ApplicationError(
            _("Reflections can only be sent while your place on the course is active.")
        )
    if not text.strip():
        raise ValidationError({"text": _("Write your reflection.")})
    reflection = Reflection.objects.select_for_update().filter(enrolment=enrolment).first()
    if reflection is not None and reflection.status == Reflection.Status.ACCEPTED:
        raise ApplicationError(_("Your reflection has been accepted, so it cannot change."))
    if reflection is None:
        reflection = Reflection(enrolment=enrolment)
    reflection.text = text.strip()
    reflection.status = Reflection.Status.SUBMITTED
    reflection.submitted_at = timezone.now()
    reflection.decided_at = None
    reflection.decided_by = None
    reflection.save()
    return reflection


@transaction.atomic
def reflection_accept(*, reflection: Reflection, actor, feedback: str = "") -> Reflection:
    """Accept a submitted reflection; the participant may complete as a result."""
    reflection = Reflection.objects.select_for_update().get(pk=reflection.pk)
    if reflection.status != Reflection.Status.SUBMITTED:
        raise ApplicationError(_("Only a reflection waiting for a facilitator can be accepted."))
    reflection.status = Reflection.Status.ACCEPTED
    reflection.feedback = feedback.strip()
    reflection.decided_at = timezone.now()
    reflection.decided_by = actor
    reflection.save(update_fields=["status", "feedback", "decided_at", "decided_by"])
    audit_record(actor=actor, action="reflection.accepted", target=reflection)
    completion.enrolment_evaluate_completion(enrolment=reflection.enrolment, actor=actor)
    return reflection


@transaction.atomic
def reflection_return(*, reflection: Reflection, actor, feedback: str) -> Reflection:
    """Send a submitted reflection back to the participant with what to change."""
    if not feedback.strip():
        raise ValidationError({"feedback": _("Tell the participant what to change.")})
    reflection = Reflection.objects.select_for_update().get(pk=reflection.pk)
    if reflection.status != Reflection.Status.SUBMITTED:
        raise ApplicationError(_("Only a reflection waiting for a facilitator can be returned."))
    reflection.status = Reflection.Status.RETURNED
    reflection.feedback = feedback.strip()
    reflection.decided_at = timezone.now()
    reflection.decided_by = actor
    reflection.save(update_fields=["status", "feedback", "decided_at", "decided_by"])
    audit_record(actor=actor, action="reflection.returned", target=reflection)
    completion.enrolment_evaluate_completion(enrolment=reflection.enrolment, actor=actor)
    return reflection


# --- Completion rules ------------------------------------------------------------------

COMPLETION_RULE_FIELDS = [
    "requires_materials",
    "minimum_attendance_percent",
    "requires_reflection",
    "reflection_prompt",
]


@transaction.atomic
def completion_rule_save(*, programme: Programme, actor, **fields) -> CompletionRule:
    """Set a programme's completion rule (audited with what changed).

    After commit, the task worker applies the new rule to every active participant of
    the programme's cohorts under way, so those who now meet it complete. Completions
    already recorded stand. Raises ValidationError for a percentage above 100, and for a
    rule that asks for nothing (it would complete nobody).
    """
    percent = fields["minimum_attendance_percent"]
    if percent is None or not 0 <= percent <= 100:
        raise ValidationError(
            {"minimum_attendance_percent": _("Enter a percentage from 0 to 100.")}
        )
    if not (fields["requires_materials"] or percent or fields["requires_reflection"]):
        raise ValidationError(
            _("Ask for at least one thing: materials, attendance or a final reflection.")
        )
    rule = CompletionRule.objects.select_for_update().filter(programme=programme).first()
    creating = rule is None
    if creating:
        rule = CompletionRule.default_for(programme)
    before = {name: getattr(rule, name) for name in COMPLETION_RULE_FIELDS}
    for name in COMPLETION_RULE_FIELDS:
        setattr(rule, name, fields[name])
    if isinstance(rule.reflection_prompt, str):
        rule.reflection_prompt = rule.reflection_prompt.strip()
    rule.updated_at = timezone.now()
    rule.save()
    after = {name: getattr(rule, name) for name in COMPLETION_RULE_FIELDS}
    audit_record(
        actor=actor,
        action="programme.completion_rule_changed",
        target=programme,
        before={k: v for k, v in before.items() if after[k] != v or creating},
        after={k: v for k, v in after.items() if before[k] != v or creating},
    )
    enqueue_on_commit("academy.tasks.programme_completion_evaluate", programme.pk)
    return rule


def programme_completion_evaluate(*, programme_id: int) -> dict[str, int]:
    """Apply the programme's rule to the active participants of its cohorts under way."""
    enrolments = Enrolment.objects.filter(
        cohort__programme_id=programme_id,
        cohort__status=Cohort.Status.RUNNING,
        status=Enrolment.Status.ACTIVE,
    ).order_by("pk")
    return completion.enrolments_evaluate_completion(enrolments=enrolments)


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
    "bilingual_certificates",
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


# --- Running a cohort again --------------------------------------------------------------


def _material_copy(*, material: Material, module: Module) -> Material:
    """A copy of `material` at the end of `module`; a file is copied under a new name."""
    copy = Material(
        module=module,
        kind=material.kind,
        title=material.title,
        body=material.body,
        file_name=material.file_name,
        file_size=material.file_size,
        file_type=material.file_type,
        url=material.url,
        transcript=material.transcript,
        is_required=material.is_required,
        estimated_minutes=material.estimated_minutes,
        completes_on_view=material.completes_on_view,
        position=material.position,
        is_published=material.is_published,
    )
    if material.file:
        # The file was checked when it was uploaded; the copy gets its own unguessable
        # name, so deleting either material never removes the other's file.
        copy._upload_extension = PurePath(material.file.name).suffix
        with default_storage.open(material.file.name, "rb") as source:
            copy.file.save(material.file_name or "file", source, save=False)
    _save_keeping_no_orphan(copy)
    return copy


@transaction.atomic
def cohort_modules_copy(*, source: Cohort, target: Cohort, shift_days: int = 0) -> int:
    """Copy `source`'s own modules (not the programme's shared ones) and their materials
    to `target`, in the same order and published state. A module that opens on a date
    opens `shift_days` later. Returns the number of modules copied."""
    if source.programme_id != target.programme_id:
        raise ApplicationError(_("That cohort is not a cohort of this programme."))
    modules = Module.objects.filter(cohort=source).prefetch_related("materials")
    count = 0
    for module in modules.order_by("position", "pk"):
        copy = module_create(
            programme=target.programme,
            cohort=target,
            title=module.title,
            summary=module.summary,
            release_rule=module.release_rule,
            release_after_days=module.release_after_days,
            release_on=module.release_on + dt.timedelta(days=shift_days)
            if module.release_on
            else None,
            is_published=module.is_published,
        )
        for material in sorted(module.materials.all(), key=lambda m: (m.position, m.pk)):
            _material_copy(material=material, module=copy)
        count += 1
    return count
