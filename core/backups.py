"""Backups of the database and of uploaded files, for `manage.py backup` and `restore`.

A backup is a folder holding `database.sqlite3` (SQLite, taken with SQLite's online
backup API, so it is consistent while the portal runs) or `database.dump` (PostgreSQL,
`pg_dump` custom format), `media.tar.gz` (uploads and certificate PDFs kept on the file
system) and `manifest.json`. Uploads kept in S3-compatible storage are backed up by the
bucket's own versioning, not here.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone

from core.pagecache import generation_renew

DATABASE_SQLITE = "database.sqlite3"
DATABASE_DUMP = "database.dump"
MEDIA_ARCHIVE = "media.tar.gz"
MANIFEST = "manifest.json"


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise FileNotFoundError(
            f"{name} is not installed (Debian: apt-get install postgresql-client)."
        )
    return path


def _pg_environment(database: dict) -> tuple[list[str], dict]:
    args = ["--host", database["HOST"] or "127.0.0.1", "--port", str(database["PORT"] or 5432)]
    if database["USER"]:
        args += ["--username", database["USER"]]
    env = {"PGPASSWORD": database["PASSWORD"]} if database["PASSWORD"] else {}
    return args, env


def backup_create(target: Path, *, alias: str = "default") -> dict:
    """Write a backup of the database and the local media folder into `target`."""
    target.mkdir(parents=True, exist_ok=True)
    database = connections[alias].settings_dict
    vendor = connections[alias].vendor
    if vendor == "sqlite":
        source = sqlite3.connect(str(database["NAME"]))
        copy = sqlite3.connect(str(target / DATABASE_SQLITE))
        with copy:
            source.backup(copy)
        copy.close()
        source.close()
    elif vendor == "postgresql":
        args, env = _pg_environment(database)
        subprocess.run(  # noqa: S603 - pg_dump with arguments we build
            [_tool("pg_dump"), *args, "--format=custom", "--no-owner",
             f"--file={target / DATABASE_DUMP}", database["NAME"]],
            check=True,
            env={**os.environ, **env},
        )  # fmt: skip
    else:
        raise NotImplementedError(f"No backup for {vendor} databases.")
    media = Path(settings.MEDIA_ROOT)
    with tarfile.open(target / MEDIA_ARCHIVE, "w:gz") as archive:
        if media.exists():
            archive.add(media, arcname="media")
    manifest = {"created_at": timezone.now().isoformat(), "database": vendor}
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2))
    return manifest


def backup_restore(source: Path, *, alias: str = "default") -> dict:
    """Replace the database and the local media folder with the backup in `source`.

    Stop the web server and the task worker first: the restore overwrites what they use.
    """
    manifest = json.loads((source / MANIFEST).read_text())
    connection = connections[alias]
    database = connection.settings_dict
    if manifest["database"] != connection.vendor:
        raise ValueError(
            f"This is a {manifest['database']} backup; the portal uses {connection.vendor}."
        )
    connection.close()
    if connection.vendor == "sqlite":
        # Through SQLite's backup API, which keeps the live file's write-ahead log
        # consistent (deleting the -wal/-shm files would break open connections).
        backup = sqlite3.connect(str(source / DATABASE_SQLITE))
        live = sqlite3.connect(str(database["NAME"]))
        with live:
            backup.backup(live)
        live.close()
        backup.close()
    else:
        args, env = _pg_environment(database)
        subprocess.run(  # noqa: S603 - pg_restore with arguments we build
            [_tool("pg_restore"), *args, "--clean", "--if-exists", "--no-owner",
             "--single-transaction", f"--dbname={database['NAME']}",
             str(source / DATABASE_DUMP)],
            check=True,
            env={**os.environ, **env},
        )  # fmt: skip
    media = Path(settings.MEDIA_ROOT)
    if media.exists():
        shutil.rmtree(media)
    media.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source / MEDIA_ARCHIVE, "r:gz") as archive:
        archive.extractall(media.parent, filter="data")
    if not media.exists():
        media.mkdir()
    generation_renew()  # pages kept from before the restore (on Redis) are stale
    return manifest
