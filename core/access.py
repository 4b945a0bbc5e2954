"""Who may reach each URL: one line per URL name, for reviewers and for the test that
enforces it (tests/security/test_access_policy.py).

Every named route of the portal (web and API) is declared here. The test walks the URL
configuration, fails for a route without a line here (or a line without a route), and
requests every route as anonymous, two participants, two sponsors, two facilitators and a
programme admin, with real objects that belong to participant A and to cohort 1: those
the line names get in, everyone else gets 403 or 404 (or, anonymous, the sign-in page)
and never the object's data. The permission functions in each app's `permissions.py`
decide; this file says what they must decide.

"The object" is what the URL points at (an application, an enrolment's course, a
session, a certificate…); its owner is the person it is about, its cohort and
organisation are the ones it belongs to.
"""

from dataclasses import dataclass
from enum import StrEnum


class Who(StrEnum):
    """Someone a route may let in, described relative to the route's object."""

    ANYONE = "anyone, signed in or not"
    SIGNED_IN = "anyone signed in (the page shows only their own things)"
    OWNER = "the person the object is about (their enrolment, application, certificate)"
    COHORT_PARTICIPANT = "a participant of the object's cohort"
    ORGANISATION_SPONSOR = "a sponsor of the object's organisation"
    RECIPIENT = "someone the object (a message) was sent to"
    SPONSOR = "any sponsor (the page shows only their organisation's things)"
    COHORT_FACILITATOR = "a facilitator of the object's cohort"
    PROGRAMME_FACILITATOR = "a facilitator of any cohort of the object's programme"
    FACILITATOR = "any facilitator (the page shows only their cohorts' things)"
    ADMIN = "a programme admin"
    LINK_HOLDER = "whoever holds the secret in the address (an e-mailed link, a code)"
    SIGNING_IN = "someone between their password and their two-factor code"


@dataclass(frozen=True)
class Policy:
    who: frozenset[Who]

    def __str__(self):
        return "; ".join(sorted(self.who))


def allow(*who: Who) -> Policy:
    return Policy(frozenset(who))


PUBLIC = allow(Who.ANYONE)
SIGNED_IN = allow(Who.SIGNED_IN)
LINK = allow(Who.LINK_HOLDER)
NOBODY = allow()
ADMIN = allow(Who.ADMIN)
OWNER = allow(Who.OWNER)
STAFF = allow(Who.FACILITATOR, Who.ADMIN)
COHORT_STAFF = allow(Who.COHORT_FACILITATOR, Who.ADMIN)
PROGRAMME_STAFF = allow(Who.PROGRAMME_FACILITATOR, Who.ADMIN)
COHORT_MEMBERS = allow(Who.COHORT_PARTICIPANT, Who.COHORT_FACILITATOR, Who.ADMIN)
SPONSORS = allow(Who.SPONSOR)
ORGANISATION_SPONSOR = allow(Who.ORGANISATION_SPONSOR)
CERTIFICATE_READERS = allow(Who.OWNER, Who.ORGANISATION_SPONSOR, Who.COHORT_FACILITATOR, Who.ADMIN)

# The Django admin (`back-office/`) is for staff accounts only, checked by Django itself.
ADMIN_SITE_NAMESPACE = "admin"

ACCESS: dict[str, Policy] = {
    # --- Public pages --------------------------------------------------------------
    "academy:home": PUBLIC,
    "academy:programme-detail": PUBLIC,
    "core:accessibility": PUBLIC,
    "core:privacy": PUBLIC,
    "core:language": PUBLIC,
    "core:healthz": PUBLIC,
    "core:favicon": PUBLIC,
    "privacy:account-deleted": PUBLIC,
    "cohorts:cohort-detail": PUBLIC,  # advertised cohorts; drafts and archives: COHORT_STAFF
    "cohorts:recommendation-create": PUBLIC,
    "certificates:verify": PUBLIC,
    "certificates:issuer": PUBLIC,
    "certificates:status-list": PUBLIC,
    # --- The REST API's public parts ------------------------------------------------
    "api-schema": PUBLIC,
    "api-docs": PUBLIC,
    "api-not-found": NOBODY,  # any other address under /api/: a JSON 404
    "api-v1:programme-list": PUBLIC,
    "api-v1:programme-detail": PUBLIC,
    "api-v1:cohort-list": PUBLIC,
    "api-v1:cohort-detail": PUBLIC,
    # --- Signing up and in -----------------------------------------------------------
    "accounts:signup": PUBLIC,
    "accounts:signup-done": PUBLIC,
    "accounts:confirm-resend": PUBLIC,
    "accounts:confirm": LINK,
    "accounts:login": PUBLIC,
    "accounts:logout": PUBLIC,
    "accounts:password-reset": PUBLIC,
    "accounts:password-reset-done": PUBLIC,
    "accounts:password-reset-confirm": LINK,
    "accounts:two-factor-verify": allow(Who.SIGNING_IN),
    # --- Links e-mailed to someone, and certificate codes ------------------------------
    "accounts:invitation": LINK,
    "cohorts:invitation-detail": LINK,
    "scheduling:calendar-feed": LINK,
    "certificates:verify-detail": LINK,
    "certificates:verify-detail-json": LINK,
    "certificates:credential": LINK,
    "api-v1:certificate-verify": LINK,
    # --- One's own account and pages ------------------------------------------------------
    "core:dashboard": SIGNED_IN,
    "accounts:password-change": SIGNED_IN,
    "accounts:profile": SIGNED_IN,
    "accounts:two-factor-setup": SIGNED_IN,
    "accounts:two-factor-remove": SIGNED_IN,
    "academy:course-list": SIGNED_IN,
    "cohorts:application-list-mine": SIGNED_IN,
    "scheduling:my-schedule": SIGNED_IN,
    "scheduling:my-past-sessions": SIGNED_IN,
    "scheduling:calendar-feed-reset": SIGNED_IN,
    "scheduling:calendar-feed-revoke": SIGNED_IN,
    "announcements:announcement-dismiss": allow(Who.RECIPIENT),
    "academy:learning-record": SIGNED_IN,
    "academy:learning-record-export": SIGNED_IN,
    "api:token-list": SIGNED_IN,
    "api:token-revoke": OWNER,
    "privacy:data-export-list": SIGNED_IN,
    "privacy:data-export-download": OWNER,
    "privacy:account-delete": SIGNED_IN,
    # API lists show only what the person may see (their own, their cohorts', their
    # organisation's): the objects' own routes below say who that is.
    "api-v1:progress-list-mine": SIGNED_IN,
    "api-v1:application-list": SIGNED_IN,
    "api-v1:application-create": SIGNED_IN,
    "api-v1:session-list": SIGNED_IN,
    "api-v1:certificate-list": SIGNED_IN,
    # --- Participants: their course and their applications --------------------------------
    "academy:course-detail": OWNER,
    "academy:course-material": OWNER,
    "academy:material-mark-done": OWNER,
    "academy:material-mark-undone": OWNER,
    "academy:material-file": allow(Who.COHORT_PARTICIPANT, Who.COHORT_FACILITATOR, Who.ADMIN),
    "cohorts:application-create": SIGNED_IN,  # a cohort taking applications
    "cohorts:application-detail": OWNER,
    "cohorts:application-edit": OWNER,
    "cohorts:application-withdraw": OWNER,
    "cohorts:application-confirm": OWNER,
    "cohorts:equality-create": OWNER,
    "academy:reflection-submit": OWNER,
    # --- Sponsors --------------------------------------------------------------------------
    "cohorts:application-list-organisation": SPONSORS,
    "cohorts:application-endorse": ORGANISATION_SPONSOR,
    "cohorts:nomination-list": SPONSORS,
    "cohorts:nomination-create": SPONSORS,  # a cohort taking applications
    "cohorts:nomination-upload": SPONSORS,
    "cohorts:nomination-resend": ORGANISATION_SPONSOR,
    "cohorts:nomination-cancel": ORGANISATION_SPONSOR,
    "certificates:organisation-list": SPONSORS,
    "certificates:certificate-download": CERTIFICATE_READERS,
    "academy:organisation-progress": SPONSORS,
    "academy:organisation-progress-export": SPONSORS,
    "api-v1:progress-list-organisation": SPONSORS,
    "api-v1:nomination-list": SPONSORS,
    "api-v1:nomination-create": SPONSORS,
    "api-v1:nomination-detail": ORGANISATION_SPONSOR,
    "api-v1:application-endorse": ORGANISATION_SPONSOR,
    # --- Facilitators and admins: course content ----------------------------------------------
    "academy:content-list": STAFF,
    "academy:programme-content": PROGRAMME_STAFF,
    "academy:module-create": PROGRAMME_STAFF,
    "academy:cohort-content": COHORT_STAFF,
    "academy:cohort-module-create": COHORT_STAFF,
    "academy:course-preview": COHORT_STAFF,
    "academy:course-preview-material": COHORT_STAFF,
    # Modules and materials here are a cohort's own additions; a programme's shared ones
    # are PROGRAMME_STAFF.
    "academy:module-detail": COHORT_STAFF,
    "academy:module-update": COHORT_STAFF,
    "academy:module-move": COHORT_STAFF,
    "academy:module-publish": COHORT_STAFF,
    "academy:module-unpublish": COHORT_STAFF,
    "academy:module-delete": COHORT_STAFF,
    "academy:material-create": COHORT_STAFF,
    "academy:material-update": COHORT_STAFF,
    "academy:material-move": COHORT_STAFF,
    "academy:material-publish": COHORT_STAFF,
    "academy:material-unpublish": COHORT_STAFF,
    "academy:material-delete": COHORT_STAFF,
    # --- Facilitators and admins: running cohorts ------------------------------------------
    "cohorts-manage:cohort-list": STAFF,
    "cohorts-manage:cohort-create": ADMIN,
    "cohorts-manage:cohort-home": COHORT_STAFF,
    "cohorts-manage:cohort-update": COHORT_STAFF,
    "cohorts-manage:cohort-transition": COHORT_STAFF,
    "cohorts-manage:cohort-copy": COHORT_STAFF,
    "cohorts-manage:participant-list": COHORT_STAFF,
    "cohorts:application-queue": COHORT_STAFF,
    "cohorts:application-bulk-decide": COHORT_STAFF,
    "cohorts:application-review": COHORT_STAFF,
    "announcements:announcement-create": COHORT_STAFF,
    "announcements:announcement-list": STAFF,
    "announcements:announcement-detail": COHORT_STAFF,
    "scheduling:session-list": COHORT_MEMBERS,
    "scheduling:session-create": COHORT_STAFF,
    "scheduling:session-detail": COHORT_MEMBERS,
    "scheduling:session-calendar": COHORT_MEMBERS,
    "scheduling:session-update": COHORT_STAFF,
    "scheduling:session-move": COHORT_STAFF,
    "scheduling:session-cancel": COHORT_STAFF,
    # A session's own guest facilitators take its register too.
    "scheduling:attendance-register": COHORT_STAFF,
    "scheduling:attendance-mark-all-present": COHORT_STAFF,
    "scheduling:attendance-mark": COHORT_STAFF,
    "certificates:cohort-list": STAFF,
    "certificates:cohort-certificates": COHORT_STAFF,
    "certificates:batch-create": COHORT_STAFF,
    "certificates:enrolment-issue": COHORT_STAFF,
    "certificates:certificate-detail": COHORT_STAFF,
    "certificates:certificate-revoke": COHORT_STAFF,
    "certificates:certificate-reissue": COHORT_STAFF,
    "certificates:certificate-retry": COHORT_STAFF,
    "academy:progress-grid": COHORT_STAFF,
    "academy:progress-grid-export": COHORT_STAFF,
    "academy:reflection-detail": COHORT_STAFF,
    "api-v1:progress-list-cohort": COHORT_STAFF,
    "api-v1:application-detail": allow(
        Who.OWNER, Who.ORGANISATION_SPONSOR, Who.COHORT_FACILITATOR, Who.ADMIN
    ),
    "api-v1:application-decide": COHORT_STAFF,  # and the applicant, to withdraw
    "api-v1:session-detail": COHORT_MEMBERS,
    "api-v1:attendance-list": COHORT_STAFF,
    "api-v1:attendance-record": COHORT_STAFF,
    "api-v1:certificate-detail": CERTIFICATE_READERS,
    "api-v1:certificate-revoke": COHORT_STAFF,
    "api-v1:certificate-issue": COHORT_STAFF,
    # --- Programme admins only --------------------------------------------------------------
    "certificates:certificate-reinstate": ADMIN,
    "cohorts:equality-report": ADMIN,  # aggregate answers only
    "cohorts:question-set-list": ADMIN,
    "cohorts:question-set-edit": ADMIN,
    "academy-manage:programme-list": ADMIN,
    "academy-manage:programme-create": ADMIN,
    "academy-manage:programme-update": ADMIN,
    "academy-manage:programme-preview": ADMIN,
    "academy-manage:completion-rule-update": ADMIN,
    "people:organisation-list": ADMIN,
    "people:organisation-create": ADMIN,
    "people:organisation-detail": ADMIN,
    "people:organisation-update": ADMIN,
    "people:person-list": ADMIN,
    "people:person-detail": ADMIN,
    "people:invitation-create": ADMIN,
    "people:invitation-withdraw": ADMIN,
    "audit:entry-list": ADMIN,
}


def policy_for(url_name: str) -> Policy:
    """The declared policy of a route (`app:name`); KeyError for an undeclared one."""
    return ACCESS[url_name]
