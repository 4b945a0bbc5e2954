from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from . import register
from .models import DataExport


def _row_data(entry: register.Entry, row: models.Model) -> dict:
    """A row as JSON-ready values: its own columns, related rows as their numbers.

    A related row that is not a person also gets its name ("question": the question's
    text, "cohort": its title), so the file can be read; people other than the owner
    appear only as numbers.
    """
    data = {}
    for field in row._meta.concrete_fields:
        if field.name in entry.not_exported or field.attname in entry.not_exported:
            continue
        value = field.value_from_object(row)
        if isinstance(field, models.FileField):
            value = value.name if value else ""
        if not field.is_relation:
            data[field.name] = value
            continue
        data[field.attname] = value
        if value is not None and field.related_model is not get_user_model():
            data[field.name] = str(getattr(row, field.name))
    return data


def personal_data_of(user) -> list[dict]:
    """Every register entry's rows about `user`: [{"entry", "rows", "files"}], rows non-empty."""
    encoder = DjangoJSONEncoder()
    result = []
    for entry in register.personal_entries():
        rows = list(entry.rows_of(user, user.email).order_by("pk"))
        if not rows:
            continue
        file_fields = [
            name
            for name in entry.fields
            if name not in entry.not_exported
            and isinstance(entry.get_model()._meta.get_field(name), models.FileField)
        ]
        result.append(
            {
                "entry": entry,
                "rows": [
                    {
                        key: value
                        if value is None or isinstance(value, (str, int, float, bool, dict, list))
                        else encoder.default(value)
                        for key, value in _row_data(entry, row).items()
                    }
                    for row in rows
                ],
                "files": [
                    getattr(row, name).name
                    for row in rows
                    for name in file_fields
                    if getattr(row, name)
                ],
            }
        )
    return result


def data_export_list_for(user) -> models.QuerySet[DataExport]:
    return DataExport.objects.filter(user=user).order_by("-requested_at", "-pk")


def privacy_notice_entries() -> list[register.Entry]:
    """The register entries the privacy notice explains: those about people."""
    return register.personal_entries()
