"""Backup and restore, run once for real on the database the suite uses."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from tests.factories.accounts import UserFactory

User = get_user_model()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


def test_a_backup_restores_the_database_and_the_uploads(transactional_db, media, tmp_path):
    kept = UserFactory(email="kept@example.org")
    (media / "materials").mkdir()
    (media / "materials" / "handout.pdf").write_bytes(b"%PDF-1.7 handout")

    call_command("backup", str(tmp_path / "backup"), verbosity=0)
    assert (tmp_path / "backup" / "manifest.json").exists()

    # Things go wrong after the backup.
    User.objects.filter(pk=kept.pk).delete()
    UserFactory(email="later@example.org")
    (media / "materials" / "handout.pdf").unlink()

    call_command("restore", str(tmp_path / "backup"), "--yes", verbosity=0)

    assert User.objects.filter(email="kept@example.org").exists()
    assert not User.objects.filter(email="later@example.org").exists()
    assert (Path(settings.MEDIA_ROOT) / "materials" / "handout.pdf").read_bytes() == (
        b"%PDF-1.7 handout"
    )


def test_restore_refuses_a_folder_that_is_not_a_backup(tmp_path):
    with pytest.raises(CommandError, match="not a backup folder"):
        call_command("restore", str(tmp_path), "--yes")
