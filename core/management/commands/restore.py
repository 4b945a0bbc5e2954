from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backups import MANIFEST, backup_restore


class Command(BaseCommand):
    help = (
        "Replace the database and uploaded files with a backup. Stop the web server and "
        "the task worker first."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="A folder written by `manage.py backup`.")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, folder, yes, **options):
        source = Path(folder)
        if not (source / MANIFEST).exists():
            raise CommandError(f"{source} is not a backup folder (no {MANIFEST}).")
        if not yes and input("This replaces all current data. Type 'restore' to go on: ") != (
            "restore"
        ):
            raise CommandError("Nothing was changed.")
        try:
            manifest = backup_restore(source)
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Restored the backup taken at "
                                             f"{manifest['created_at']}."))  # fmt: skip
