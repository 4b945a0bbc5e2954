"""Every route declares who may use it (core/access.py), and every route keeps to it.

The URL configuration is walked; each route is requested by each actor with real objects
that belong to participant A and to cohort 1 (tests/factories/world.py). An actor the
policy lets in gets neither 403 nor 404; anyone else gets 403 or 404 (a visitor may be
sent to sign in), never a page with A's data, and a POST from them changes nothing.
No one ever gets a 500.

To cover a new route: declare it in core/access.py, and if its address carries a keyword
not in KWARG_DEFAULTS (or means something else there), say what in ROUTE_KWARGS.
"""

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.admin import site as admin_site
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from core.access import (
    ACCESS,
    ADMIN_SITE_NAMESPACE,
    COHORT_STAFF,
    NOBODY,
    OWNER,
    PROGRAMME_STAFF,
    Who,
)
from tests.factories.world import A_SECRETS, COHORT_1_SECRETS, build_world


def walk(patterns, namespace="", prefix=""):
    """(name, pattern) of every route, through every include(); an unnamed route is
    named by its address, so it shows up as undeclared."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == ADMIN_SITE_NAMESPACE:
                continue
            inner = ":".join(part for part in (namespace, pattern.namespace) if part)
            yield from walk(pattern.url_patterns, inner, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            name = pattern.name or f"<unnamed /{prefix}{pattern.pattern}>"
            yield (f"{namespace}:{name}" if namespace else name), pattern


ROUTES = {}
for _name, _pattern in walk(get_resolver().url_patterns):
    # The first of several routes with one name (an API's ".json" twin) is the one tried.
    ROUTES.setdefault(_name, _pattern)


def keywords(name: str) -> list[str]:
    """The keywords in the route's address (path converters or regex groups)."""
    return list(ROUTES[name].pattern.regex.groupindex)


# The actors, and which of the policy's `Who` each of them is for A's objects.
ACTORS = {
    "anonymous": {Who.ANYONE},
    "participant_a": {
        Who.ANYONE,
        Who.SIGNED_IN,
        Who.OWNER,
        Who.COHORT_PARTICIPANT,
        Who.RECIPIENT,
    },
    "participant_b": {Who.ANYONE, Who.SIGNED_IN},
    "classmate": {Who.ANYONE, Who.SIGNED_IN, Who.COHORT_PARTICIPANT, Who.RECIPIENT},
    # Left cohort 1 after its announcement was sent.
    "leaver": {Who.ANYONE, Who.SIGNED_IN, Who.RECIPIENT},
    "sponsor_a": {Who.ANYONE, Who.SIGNED_IN, Who.SPONSOR, Who.ORGANISATION_SPONSOR},
    "sponsor_b": {Who.ANYONE, Who.SIGNED_IN, Who.SPONSOR},
    "facilitator_1": {
        Who.ANYONE,
        Who.SIGNED_IN,
        Who.FACILITATOR,
        Who.PROGRAMME_FACILITATOR,
        Who.COHORT_FACILITATOR,
    },
    # Facilitates cohort 2 of the same programme: its shared content is theirs too.
    "facilitator_2": {Who.ANYONE, Who.SIGNED_IN, Who.FACILITATOR, Who.PROGRAMME_FACILITATOR},
    "admin": {Who.ANYONE, Who.SIGNED_IN, Who.ADMIN},
}
# Those who may never see A's personal data, whatever the page.
OUTSIDERS = {"anonymous", "participant_b", "classmate", "leaver", "sponsor_b", "facilitator_2"}
# Those who may never see what only cohort 1's own people see.
COHORT_OUTSIDERS = OUTSIDERS - {"classmate"} | {"sponsor_a"}

# What a keyword in an address stands for: a key of the world (an object's pk, or a raw
# value). ROUTE_KWARGS overrides it for one route.
KWARG_DEFAULTS = {
    "pk": "cohort_1",
    "cohort_pk": "cohort_1",
    "enrolment_pk": "completed_enrolment",
    "material_pk": "material",
    "user_pk": "participant_a",
    "slug": "programme_slug",
    "kind": "material_kind",
    "uidb64": "uid_a",
    "code": "certificate_display_code",
    "number": "status_list_number",
}
ROUTE_KWARGS = {
    "academy:course-detail": {"pk": "enrolment"},
    "academy:course-material": {"pk": "enrolment"},
    "academy:material-mark-done": {"pk": "enrolment"},
    "academy:material-mark-undone": {"pk": "enrolment"},
    "academy:material-file": {"pk": "file_material"},
    **{
        f"academy:module-{verb}": {"pk": "module"}
        for verb in ("detail", "update", "move", "publish", "unpublish", "delete")
    },
    "academy:material-create": {"pk": "module"},
    **{
        f"academy:material-{verb}": {"pk": "material"}
        for verb in ("update", "move", "publish", "unpublish", "delete")
    },
    "accounts:confirm": {"token": "confirm_token"},
    "accounts:password-reset-confirm": {"token": "password_reset_token"},
    "accounts:invitation": {"token": "role_invitation_token"},
    "cohorts:invitation-detail": {"token": "nomination_token"},
    "scheduling:calendar-feed": {"token": "calendar_feed_token"},
    "certificates:credential": {"code": "certificate_code"},
    "api-v1:certificate-verify": {"code": "certificate_display_code"},
    "api-v1:programme-detail": {"pk": "programme"},
    "academy:reflection-submit": {"pk": "enrolment"},
    "academy:reflection-detail": {"pk": "reflection"},
    "api:token-revoke": {"pk": "api_token"},
    "privacy:data-export-download": {"pk": "data_export"},
    "api-v1:application-detail": {"pk": "application"},
    "api-v1:application-decide": {"pk": "application"},
    "api-v1:application-endorse": {"pk": "awaiting_sponsor_application"},
    "api-v1:nomination-detail": {"pk": "nomination"},
    "api-v1:session-detail": {"pk": "session"},
    "api-v1:attendance-list": {"pk": "session"},
    "api-v1:attendance-record": {"pk": "session"},
    "api-v1:certificate-detail": {"pk": "certificate"},
    "api-v1:certificate-revoke": {"pk": "certificate"},
    "api-v1:certificate-issue": {"pk": "enrolment"},
    "cohorts:application-create": {"pk": "fresh_cohort"},
    "cohorts:nomination-create": {"pk": "open_cohort"},
    "cohorts:nomination-upload": {"pk": "open_cohort"},
    "cohorts:recommendation-create": {"pk": "open_cohort"},
    "cohorts:application-queue": {"pk": "open_cohort"},
    "cohorts:application-bulk-decide": {"pk": "open_cohort"},
    "cohorts:equality-report": {"pk": "open_cohort"},
    "cohorts:application-detail": {"pk": "application"},
    "cohorts:application-edit": {"pk": "draft_application"},
    "cohorts:application-withdraw": {"pk": "application"},
    "cohorts:application-confirm": {"pk": "accepted_application"},
    "cohorts:equality-create": {"pk": "application"},
    "cohorts:application-review": {"pk": "application"},
    "cohorts:application-endorse": {"pk": "awaiting_sponsor_application"},
    "cohorts:nomination-resend": {"pk": "nomination"},
    "cohorts:nomination-cancel": {"pk": "nomination"},
    "announcements:announcement-detail": {"pk": "announcement"},
    "announcements:announcement-dismiss": {"pk": "announcement"},
    "people:organisation-detail": {"pk": "organisation_x"},
    "people:organisation-update": {"pk": "organisation_x"},
    "people:person-detail": {"pk": "participant_a"},
    "people:invitation-withdraw": {"pk": "role_invitation"},
    **{
        f"scheduling:{name}": {"pk": "session"}
        for name in (
            "session-detail",
            "session-update",
            "session-move",
            "session-cancel",
            "session-calendar",
            "attendance-register",
            "attendance-mark-all-present",
            "attendance-mark",
        )
    },
    **{
        f"certificates:certificate-{verb}": {"pk": "certificate"}
        for verb in ("detail", "download", "revoke", "reinstate", "reissue", "retry")
    },
}

# The same routes with objects in another state, where the declared policy narrows.
VARIANTS = [
    ("cohorts:cohort-detail", "draft", {"pk": "draft_cohort"}, COHORT_STAFF),
    ("academy:material-file", "unpublished", {"pk": "unpublished_file"}, COHORT_STAFF),
    (
        "academy:course-material",
        "not-yet-released",
        {"pk": "enrolment", "material_pk": "unreleased_material"},
        NOBODY,
    ),
    (
        "academy:course-material",
        "shared",
        {"pk": "enrolment", "material_pk": "shared_material"},
        OWNER,
    ),
    # One object in the address is A's, the other is not theirs.
    (
        "academy:course-material",
        "of-cohort-2",
        {"pk": "enrolment", "material_pk": "cohort_2_material"},
        NOBODY,
    ),
    (
        "academy:material-mark-done",
        "of-cohort-2",
        {"pk": "enrolment", "material_pk": "cohort_2_material"},
        NOBODY,
    ),
    (
        "academy:course-preview-material",
        "of-cohort-2",
        {"pk": "cohort_1", "material_pk": "cohort_2_material"},
        NOBODY,
    ),
    ("academy:course-detail", "withdrawn", {"pk": "leaver_enrolment"}, NOBODY),
    ("academy:module-detail", "shared", {"pk": "shared_module"}, PROGRAMME_STAFF),
    ("academy:module-update", "shared", {"pk": "shared_module"}, PROGRAMME_STAFF),
    ("academy:module-delete", "shared", {"pk": "shared_module"}, PROGRAMME_STAFF),
    ("academy:material-update", "shared", {"pk": "shared_material"}, PROGRAMME_STAFF),
    ("academy:material-delete", "shared", {"pk": "shared_material"}, PROGRAMME_STAFF),
    # A key starting with "?" is a query parameter.
    ("announcements:announcement-list", "of-cohort-1", {"?cohort": "cohort_1"}, COHORT_STAFF),
    (
        "cohorts:application-queue",
        "of-organisation-x",
        {"pk": "open_cohort", "?organisation": "organisation_x"},
        COHORT_STAFF,
    ),
]

# Tables a request may write whatever the answer: sign-in bookkeeping and caches.
UNWATCHED_APPS = {"sessions", "axes", "django_q", "contenttypes", "admin", "otp_totp"}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module, inside a transaction that is rolled back at its end;
    each test runs in a savepoint of its own."""
    with django_db_blocker.unblock(), transaction.atomic():
        made = build_world()
        made["certificate_display_code"] = made["certificate"].display_code
        made["programme_slug"] = made["programme"].slug
        yield made
        transaction.set_rollback(True)


def route_url(name: str, world: dict, *, tamper: bool = False, objects=None) -> str:
    """The route's address with A's objects (or `objects`); `tamper` spoils any secret."""
    overrides = objects or ROUTE_KWARGS.get(name, {})

    def value_of(key):
        value = world[key]
        return getattr(value, "pk", value)

    kwargs = {}
    for keyword in keywords(name):
        value = value_of(overrides.get(keyword) or KWARG_DEFAULTS[keyword])
        if tamper and keyword in ("token", "code"):
            value = f"{str(value)[:-4]}ZZZZ"
        kwargs[keyword] = value
    query = {key[1:]: value_of(item) for key, item in overrides.items() if key.startswith("?")}
    return reverse(name, kwargs=kwargs, query=query or None)


def methods(name: str) -> list[str]:
    view = ROUTES[name].callback
    view_class = getattr(view, "view_class", None)
    if view_class is None:
        return ["get"]
    return [method for method in ("get", "post") if hasattr(view_class, method)]


def client_for(actor: str, world: dict) -> Client:
    client = Client(raise_request_exception=False)
    if actor != "anonymous":
        client.force_login(world[actor])
    return client


def body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def fingerprint() -> list:
    """Every row of every table a forbidden request must leave alone."""
    return [
        (model._meta.label, list(model._base_manager.order_by("pk").values_list()))
        for model in apps.get_models()
        if model._meta.app_label not in UNWATCHED_APPS and model._meta.managed
    ]


def leaks(actor: str, content: str) -> list[str]:
    """What of A's, or of cohort 1's, the page shows someone who may not see it."""
    secrets = (A_SECRETS if actor in OUTSIDERS else ()) + (
        COHORT_1_SECRETS if actor in COHORT_OUTSIDERS else ()
    )
    return [secret for secret in secrets if secret in content]


def is_sign_in_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(
        reverse(settings.LOGIN_URL)
    )


def is_server_error(name: str, response) -> bool:
    # /healthz says 503 while no task worker runs, as it does in tests.
    return response.status_code >= 500 and not (
        name == "core:healthz" and response.status_code == 503
    )


def test_every_route_declares_who_may_use_it():
    undeclared = sorted(set(ROUTES) - set(ACCESS))
    stale = sorted(set(ACCESS) - set(ROUTES))
    assert not undeclared, f"Declare these routes in core/access.py: {undeclared}"
    assert not stale, f"These declarations in core/access.py name no route: {stale}"


def test_every_keyword_of_every_route_has_an_object():
    missing = sorted(
        f"{name} <{keyword}>"
        for name in ROUTES
        for keyword in keywords(name)
        if keyword not in ROUTE_KWARGS.get(name, {}) and keyword not in KWARG_DEFAULTS
    )
    assert not missing, f"Say in ROUTE_KWARGS or KWARG_DEFAULTS what these stand for: {missing}"


CASES = [
    pytest.param(name, None, ACCESS[name], actor, id=f"{name}-{actor}")
    for name in sorted(ROUTES)
    if name in ACCESS
    for actor in ACTORS
] + [
    pytest.param(name, objects, policy, actor, id=f"{name}[{label}]-{actor}")
    for name, label, objects, policy in VARIANTS
    for actor in ACTORS
]


@pytest.mark.parametrize(("name", "objects", "policy", "actor"), CASES)
def test_route_keeps_to_its_policy(world, db, name, objects, policy, actor):
    allowed = bool(policy.who & ACTORS[actor]) or Who.LINK_HOLDER in policy.who
    url = route_url(name, world, objects=objects)
    client = client_for(actor, world)
    for method in methods(name):
        before = fingerprint() if method == "post" and not allowed else None
        with transaction.atomic():
            response = getattr(client, method)(url)
            content = body(response)
            after = fingerprint() if before is not None else None
            transaction.set_rollback(True)
        where = f"{method.upper()} {url} as {actor} ({policy})"
        assert not is_server_error(name, response), f"{where}: {response.status_code}"
        # The API answers 401 to a request without credentials.
        refused = response.status_code in (401, 403, 404) or is_sign_in_redirect(response)
        if allowed:
            # Following an e-mailed link may end on the sign-in page, with the token used.
            may_end_signing_in = method == "post" and Who.LINK_HOLDER in policy.who
            assert not refused or (may_end_signing_in and is_sign_in_redirect(response)), (
                f"{where}: refused ({response.status_code})"
            )
        else:
            assert refused, f"{where}: {response.status_code}, not refused"
            assert before == after, f"{where}: a refused POST changed the database"
            if method == "get":
                # htmx asks for a fragment of the same page: refused the same way.
                fragment = client.get(url, headers={"HX-Request": "true"})
                assert fragment.status_code in (401, 403, 404) or is_sign_in_redirect(fragment), (
                    f"{where}: the htmx fragment answered {fragment.status_code}"
                )
        if Who.LINK_HOLDER not in policy.who:
            assert not leaks(actor, content), f"{where}: shows {leaks(actor, content)}"


TOKEN_CASES = [
    pytest.param(name, actor, id=f"{name}-{actor}")
    for name in sorted(ROUTES)
    if name in ACCESS and Who.LINK_HOLDER in ACCESS[name].who
    for actor in ACTORS
]


@pytest.mark.parametrize(("name", "actor"), TOKEN_CASES)
def test_a_spoilt_token_opens_nothing(world, db, name, actor):
    url = route_url(name, world, tamper=True)
    client = client_for(actor, world)
    for method in methods(name):
        before = fingerprint() if method == "post" else None
        with transaction.atomic():
            response = getattr(client, method)(url)
            content = body(response)
            after = fingerprint() if before is not None else None
            transaction.set_rollback(True)
        where = f"{method.upper()} {url} as {actor}"
        assert not is_server_error(name, response), f"{where}: {response.status_code}"
        assert not leaks(actor, content), f"{where}: shows {leaks(actor, content)}"
        assert before == after, f"{where}: a spoilt link changed the database"


BACK_OFFICE_PAGES = ["admin:index"] + [
    f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
    for model in admin_site._registry
]


@pytest.mark.parametrize("actor", [actor for actor in ACTORS if actor != "admin"])
def test_the_back_office_is_for_staff_accounts_only(world, db, actor):
    client = client_for(actor, world)
    for page in BACK_OFFICE_PAGES:
        response = client.get(reverse(page))
        assert response.status_code == 302, f"{page} as {actor}: {response.status_code}"
        assert response["Location"].startswith(reverse("admin:login")), page
        assert not leaks(actor, body(response)), page


def test_the_back_office_opens_for_a_programme_admin(world, db):
    client = client_for("admin", world)
    for page in BACK_OFFICE_PAGES:
        assert client.get(reverse(page)).status_code == 200, page


# Pages where those entitled see each secret: its absence elsewhere then means something.
SHOWN_TO_THOSE_ENTITLED = [
    ("people:person-detail", "admin", A_SECRETS[0]),
    ("people:person-detail", "admin", A_SECRETS[1]),
    ("accounts:profile", "participant_a", A_SECRETS[2]),
    ("cohorts:nomination-list", "sponsor_a", A_SECRETS[3]),
    ("cohorts:application-detail", "participant_a", A_SECRETS[4]),
    ("scheduling:session-detail", "classmate", COHORT_1_SECRETS[0]),
    ("academy:course-material", "participant_a", COHORT_1_SECRETS[1]),
]


@pytest.mark.parametrize(("name", "actor", "secret"), SHOWN_TO_THOSE_ENTITLED)
def test_the_secrets_show_to_those_entitled(world, db, name, actor, secret):
    response = client_for(actor, world).get(route_url(name, world))
    assert response.status_code == 200
    assert secret in body(response)
