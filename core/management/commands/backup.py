from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone

from core.backups import backup_create


class Command(BaseCommand):
    help = "Back up the database and uploaded files into a new folder."

    def add_arguments(self, parser):
        parser.add_argument(
            "folder",
            nargs="?",
            help="Where to write the backup (default: DATA_DIR/backups/<date and time>).",
        )

    def handle(self, *args, folder=None, **options):
        from django.conf import settings

        target = Path(folder) if folder else (
            Path(settings.DATA_DIR) / "backups" / timezone.now().strftime("%Y%m%d-%H%M%S")
        )  # fmt: skip
        manifest = backup_create(target)
        self.stdout.write(self.style.SUCCESS(f"Backed up the {manifest['database']} database "
                                             f"and uploads to {target}"))  # fmt: skip
