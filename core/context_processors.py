from django.conf import settings
from django.utils.translation import gettext_lazy as _


def _nav_for(user) -> list[tuple[str, str]]:
    """(URL name, label) pairs for the main navigation of this person's role."""
    items = [("academy:home", _("Programmes"))]
    if not user.is_authenticated:
        return items
    items.append(("core:dashboard", _("Dashboard")))
    items.append(("academy:course-list", _("Your courses")))
    items.append(("scheduling:my-schedule", _("My schedule")))
    items.append(("cohorts:application-list-mine", _("My applications")))
    if user.is_sponsor:
        items.append(("cohorts:application-list-organisation", _("Your organisation")))
        items.append(("cohorts:nomination-list", _("Nominations")))
    if user.is_programme_admin or user.is_facilitator:
        items.append(("cohorts-manage:cohort-list", _("Cohorts")))
        items.append(("academy:content-list", _("Course content")))
        items.append(("certificates:cohort-list", _("Certificates")))
    if user.is_programme_admin:
        items += [
            ("academy-manage:programme-list", _("Manage programmes")),
            ("cohorts:question-set-list", _("Application questions")),
            ("people:person-list", _("People")),
            ("people:organisation-list", _("Organisations")),
            ("audit:entry-list", _("Audit trail")),
            ("admin:index", _("Back office")),
        ]
    items.append(("accounts:profile", _("Your account")))
    return items


def portal(request):
    user = getattr(request, "user", None)
    current = request.resolver_match.view_name if request.resolver_match else ""
    nav = [
        {"url_name": name, "label": label, "current": name == current}
        for name, label in (_nav_for(user) if user is not None else [])
    ]
    return {
        "nav_items": nav,
        "demo_mode": settings.DEMO_MODE,
        "portal_languages": settings.LANGUAGES,
    }
