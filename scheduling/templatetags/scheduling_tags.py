from django import template

from ..permissions import can_view_timetable

register = template.Library()


@register.inclusion_tag("scheduling/cohort_timetable_link.html", takes_context=True)
def cohort_timetable_link(context, cohort):
    """A link to the cohort's timetable, for those who may see it."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"cohort": cohort, "visible": user is not None and can_view_timetable(user, cohort)}
