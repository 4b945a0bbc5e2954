import threading

from django.db import connection

from cohorts.models import Application, Enrolment


def assert_places_add_up(cohort):
    """The cohort's counter equals the places actually held, and never passes capacity."""
    cohort.refresh_from_db()
    offers = Application.objects.filter(cohort=cohort, state=Application.State.ACCEPTED).count()
    enrolled = (
        Enrolment.objects.filter(cohort=cohort).exclude(status=Enrolment.Status.WITHDRAWN).count()
    )
    assert cohort.places_taken == offers + enrolled
    assert cohort.places_taken + cohort.places_reserved <= (cohort.capacity or 0)
    enrolled_applications = Application.objects.filter(
        cohort=cohort, state=Application.State.ENROLLED
    )
    for application in enrolled_applications:
        assert Enrolment.objects.get(cohort=cohort, user=application.applicant).status in (
            Enrolment.Status.ACTIVE,
            Enrolment.Status.COMPLETED,
        )


def waitlist(cohort) -> list[str]:
    """E-mail addresses on the cohort's waitlist, first in line first."""
    return list(
        Application.objects.filter(cohort=cohort, state=Application.State.WAITLISTED)
        .order_by("waitlist_position")
        .values_list("applicant__email", flat=True)
    )


def run_at_once(jobs):
    """Run every job in its own thread, released together; return what each raised."""
    barrier = threading.Barrier(len(jobs))
    errors = []

    def run(job):
        try:
            barrier.wait()
            job()
        except Exception as error:  # noqa: BLE001 - the test reports any failure
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors
