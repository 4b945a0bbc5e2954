from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, TemplateView

from cohorts.selectors import cohort_list_public_for_programme

from .models import Programme
from .selectors import programme_list_public


class HomeView(TemplateView):
    template_name = "academy/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(programmes=programme_list_public(), **kwargs)


class ProgrammeDetailView(DetailView):
    template_name = "academy/programme_detail.html"
    context_object_name = "programme"

    def get_object(self, queryset=None):
        return get_object_or_404(Programme, slug=self.kwargs["slug"], is_published=True)

    def get_context_data(self, **kwargs):
        cohorts = cohort_list_public_for_programme(self.object)
        return super().get_context_data(cohorts=cohorts, **kwargs)
