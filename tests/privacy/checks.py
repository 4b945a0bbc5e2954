"""Checks shared by the erasure tests: nothing of a person left anywhere in the register."""

from django.db import models

from privacy import register


def _value(row, name):
    field = row._meta.get_field(name)
    if isinstance(field, models.FileField):
        return getattr(row, name).name or ""
    if field.many_to_one or field.one_to_one:
        return getattr(row, field.attname)
    return getattr(row, name)


def assert_nothing_personal_left(user, email: str, texts: list[str]) -> None:
    """Every registered field of the person's rows is erased, and none of `texts` (their
    name, address, answers) appears in any text column of any registered table."""
    for entry in register.personal_entries():
        rows = list(entry.rows_of(user, email))
        if entry.erasure in (register.DELETE, register.UNLINK):
            assert not rows, f"{entry.model}: {len(rows)} rows of the person remain"
            continue
        for row in rows:
            for name in entry.fields:
                if row._meta.get_field(name).many_to_many:
                    assert not getattr(row, name).filter(pk=user.pk).exists()
                    continue
                expected = entry.erased_value(name, row)
                if isinstance(expected, models.Model):
                    expected = expected.pk
                assert _value(row, name) == expected, f"{entry.model}.{name} still holds data"
    for entry in register.entries():
        model = entry.get_model()
        text_fields = [
            field.name
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField | models.JSONField)
        ]
        for row in model._default_manager.values_list(*text_fields):
            for value in row:
                for text in texts:
                    assert text.lower() not in str(value).lower(), (
                        f"{text!r} is still in {entry.model}"
                    )
