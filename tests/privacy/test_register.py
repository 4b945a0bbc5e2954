"""The register must cover every model, and every registered field must exist."""

from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from privacy import register
from tests.factories.accounts import UserFactory

BASE_DIR = Path(settings.BASE_DIR).resolve()


def _project_app_labels() -> set[str]:
    """The portal's own apps: those whose code lives in this repository (not in .venv)."""
    labels = set()
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.is_relative_to(BASE_DIR) and ".venv" not in path.parts:
            labels.add(config.label)
    return labels


def _models_to_cover() -> set[str]:
    labels = _project_app_labels() | set(register.THIRD_PARTY_APPS)
    return {
        model._meta.label
        for model in apps.get_models()
        if model._meta.app_label in labels and not model._meta.proxy
    }


def test_the_project_apps_are_found():
    assert {"accounts", "cohorts", "certificates", "privacy"} <= _project_app_labels()
    assert "axes" not in _project_app_labels()


def test_every_model_of_the_project_and_of_the_chosen_libraries_is_registered():
    registered = {entry.model for entry in register.entries()}
    missing = sorted(_models_to_cover() - registered)
    assert not missing, f"Add these models to privacy/register.py: {missing}"


def test_each_model_is_registered_once_and_exists():
    labels = [entry.model for entry in register.entries()]
    assert len(labels) == len(set(labels))
    for entry in register.entries():
        assert entry.get_model()._meta.label == entry.model


@pytest.mark.parametrize("entry", register.entries(), ids=lambda entry: entry.model)
def test_registered_fields_and_lookups_exist(entry):
    model = entry.get_model()
    for name in [*entry.fields, *entry.emails, *entry.not_exported, *entry.replacements]:
        try:
            model._meta.get_field(name)
        except FieldDoesNotExist:
            pytest.fail(f"{entry.model} has no field {name!r}: update privacy/register.py")
    assert set(entry.replacements) <= set(entry.fields)
    for name in entry.emails:
        assert isinstance(model._meta.get_field(name), models.EmailField | models.CharField)


@pytest.mark.django_db
@pytest.mark.parametrize("entry", register.entries(), ids=lambda entry: entry.model)
def test_each_entry_finds_a_persons_rows_without_error(entry):
    user = UserFactory()
    list(entry.rows_of(user, user.email))


@pytest.mark.parametrize("entry", register.entries(), ids=lambda entry: entry.model)
def test_each_entry_says_why_on_what_basis_and_how_long(entry):
    assert str(entry.purpose)
    assert str(entry.lawful_basis)
    assert str(entry.retention)
    if entry.holds_personal_data:
        assert entry.erasure != register.NOTHING, "say what erasure does to these rows"
        assert entry.people or entry.emails, "say how a person's rows are found"
    else:
        assert entry.erasure == register.NOTHING
        assert not entry.people
        assert not entry.emails


def test_the_register_is_one_list_in_register_order():
    assert register.entries()[0].model == "accounts.User"
    assert all(entry.holds_personal_data for entry in register.personal_entries())
