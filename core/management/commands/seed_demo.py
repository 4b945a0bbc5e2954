from django.core.management.base import BaseCommand
from django.db import transaction

from academy import demo as academy_demo
from accounts import demo as accounts_demo
from announcements import demo as announcements_demo
from certificates import demo as certificates_demo
from cohorts import demo as cohorts_demo
from scheduling import demo as scheduling_demo


class Command(BaseCommand):
    help = "Create or refresh the demo programmes, cohorts and accounts. Safe to run again."

    @transaction.atomic
    def handle(self, *args, **options):
        people = accounts_demo.seed()
        programmes = academy_demo.seed()
        cohorts = cohorts_demo.seed(programmes=programmes, people=people)
        scheduling_demo.seed(cohorts=cohorts, people=people)
        academy_demo.seed_content(programmes=programmes, cohorts=cohorts, people=people)
        certificates_demo.seed(cohorts=cohorts, people=people)
        # After the certificates demo has put last year's people in, so its registers
        # are full.
        scheduling_demo.seed(
            cohorts=cohorts, people=people, specs=scheduling_demo.LAST_YEAR_SESSIONS
        )
        announcements_demo.seed(cohorts=cohorts, people=people)
        academy_demo.seed_progress(programmes=programmes, cohorts=cohorts, people=people)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {len(programmes)} programmes, {len(people)} people. "
                f"Every demo account's password is {accounts_demo.DEMO_PASSWORD!r}."
            )
        )
