from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView

from .models import Cohort
from .permissions import can_view_cohort


class CohortDetailView(DetailView):
    template_name = "cohorts/cohort_detail.html"
    context_object_name = "cohort"

    def get_object(self, queryset=None):
        cohort = get_object_or_404(Cohort.objects.select_related("programme"), pk=self.kwargs["pk"])
        if not can_view_cohort(self.request.user, cohort):
            raise Http404
        return cohort
