"""Programme admins' pages for programmes: list, create, change, preview."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView, TemplateView

from cohorts.selectors import cohort_list_public_for_programme

from .forms import ProgrammeForm
from .models import Programme
from .permissions import can_manage_programmes
from .services import programme_save
from .views import PAGE_SIZE


class ProgrammeAdminMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_manage_programmes(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ProgrammeManageListView(ProgrammeAdminMixin, ListView):
    template_name = "academy/programme_manage_list.html"
    context_object_name = "programmes"

    def get_queryset(self):
        return Programme.objects.annotate(cohort_count=Count("cohorts")).order_by("name")


class ProgrammeFormView(ProgrammeAdminMixin, FormView):
    """Create a programme, or change one when the URL names it."""

    template_name = "academy/programme_form.html"
    form_class = ProgrammeForm

    def dispatch(self, request, *args, **kwargs):
        self.programme = None
        if "slug" in kwargs:
            self.programme = get_object_or_404(Programme, slug=kwargs["slug"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.programme}

    def get_context_data(self, **kwargs):
        return super().get_context_data(programme=self.programme, **kwargs)

    def form_valid(self, form):
        try:
            programme = programme_save(
                programme=self.programme, actor=self.request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("%(name)s has been saved.") % {"name": programme})
        return redirect("academy-manage:programme-list")


class ProgrammePreviewView(ProgrammeAdminMixin, TemplateView):
    """The public page as visitors will see it, published or not."""

    template_name = "academy/programme_detail.html"

    def get_context_data(self, **kwargs):
        programme = get_object_or_404(Programme, slug=self.kwargs["slug"])
        page = Paginator(cohort_list_public_for_programme(programme), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        return super().get_context_data(
            programme=programme,
            page_obj=page,
            cohorts=page.object_list,
            preview=True,
            **kwargs,
        )
