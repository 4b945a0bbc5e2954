from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, TemplateView

from cohorts.models import Cohort
from cohorts.selectors import cohort_list_public_for_programme

from . import services
from .forms import MaterialForm, ModuleForm
from .models import Material, Module, Programme
from .permissions import (
    can_download_material_file,
    can_edit_cohort_content,
    can_edit_material,
    can_edit_module,
    can_edit_programme_content,
    can_list_content,
    can_mark_progress,
    can_preview_cohort_course,
    can_view_course,
    is_released_to,
)
from .selectors import (
    course_for_cohort,
    course_for_enrolment,
    enrolment_get_for_course,
    enrolment_list_with_course,
    material_list_for_editing,
    module_list_for_editing,
    programme_list_content_editable,
    programme_list_public,
)
from .uploads import type_label

PAGE_SIZE = 20


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
        page = Paginator(cohort_list_public_for_programme(self.object), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        return super().get_context_data(page_obj=page, cohorts=page.object_list, **kwargs)


# --- Participants' courses -------------------------------------------------------------


class CourseListView(LoginRequiredMixin, TemplateView):
    """Every course this person can open: one per active or completed place."""

    template_name = "academy/course_list.html"

    def get_context_data(self, **kwargs):
        page = Paginator(enrolment_list_with_course(self.request.user), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        return super().get_context_data(page_obj=page, enrolments=page.object_list, **kwargs)


class EnrolmentCourseMixin(LoginRequiredMixin):
    """A course reached through one of the person's own places; anyone else's is a 404."""

    def get_enrolment(self):
        enrolment = enrolment_get_for_course(self.request.user, self.kwargs["pk"])
        if enrolment is None or not can_view_course(self.request.user, enrolment):
            raise Http404
        return enrolment

    def course_context(self, enrolment, course) -> dict:
        return enrolment_course_context(self.request.user, enrolment, course)


def enrolment_course_context(user, enrolment, course) -> dict:
    return {
        "enrolment": enrolment,
        "cohort": enrolment.cohort,
        "programme": enrolment.cohort.programme,
        "course": course,
        "preview": False,
        "can_mark": can_mark_progress(user, enrolment),
        "course_key": enrolment.pk,
        "course_url": reverse("academy:course-detail", args=[enrolment.pk]),
        "material_url_name": "academy:course-material",
    }


class CourseDetailView(EnrolmentCourseMixin, TemplateView):
    template_name = "academy/course_detail.html"

    def get_context_data(self, **kwargs):
        enrolment = self.get_enrolment()
        course = course_for_enrolment(enrolment)
        return super().get_context_data(**self.course_context(enrolment, course), **kwargs)


class CourseMaterialView(EnrolmentCourseMixin, TemplateView):
    """One material of the course, with previous and next; only once its module opens."""

    template_name = "academy/material_detail.html"

    def get_context_data(self, **kwargs):
        enrolment = self.get_enrolment()
        course = course_for_enrolment(enrolment)
        found = course.locate(self.kwargs["material_pk"])
        if found is None:
            raise Http404
        entry, item, previous, following = found
        if (
            item.material.completes_on_view
            and not item.done
            and can_mark_progress(self.request.user, enrolment)
        ):
            progress = services.material_mark_done(enrolment=enrolment, material=item.material)
            item.completed_at = progress.completed_at
        return super().get_context_data(
            **self.course_context(enrolment, course),
            entry=entry,
            item=item,
            material=item.material,
            previous=previous,
            next=following,
            file_label=type_label(item.material.file_type),
            **kwargs,
        )


class MaterialMarkDoneView(EnrolmentCourseMixin, View):
    """Mark a material done (or not done) from the course page or the material page.

    htmx requests get the changed part of the page they came from; without JavaScript the
    person goes back to that page with a message.
    """

    done = True

    def post(self, request, pk, material_pk):
        enrolment = self.get_enrolment()
        if not can_mark_progress(request.user, enrolment):
            raise Http404
        course = course_for_enrolment(enrolment)
        found = course.locate(material_pk)
        if found is None:
            raise Http404
        material = found[1].material
        if self.done:
            services.material_mark_done(enrolment=enrolment, material=material)
            messages.success(request, _("“%(title)s” marked as done.") % {"title": material})
        else:
            services.material_mark_undone(enrolment=enrolment, material=material)
            messages.success(request, _("“%(title)s” marked as not done.") % {"title": material})
        was_active = enrolment.status == enrolment.Status.ACTIVE
        enrolment.refresh_from_db(fields=["status", "completed_on"])
        if was_active and enrolment.status == enrolment.Status.COMPLETED:
            messages.success(
                request,
                _("You have completed %(programme)s. Your certificate is being made.")
                % {"programme": enrolment.cohort.programme},
            )
        from_page = request.POST.get("from")
        if request.htmx:
            course = course_for_enrolment(enrolment)
            entry, item, previous, following = course.locate(material_pk)
            context = {
                **self.course_context(enrolment, course),
                "entry": entry,
                "item": item,
                "material": item.material,
                "focus_material": material.pk,
            }
            if from_page == "material":
                return render(request, "academy/material_detail.html#progress", context)
            return render(request, "academy/course_detail.html#module", context)
        if from_page == "material":
            return redirect("academy:course-material", pk=enrolment.pk, material_pk=material.pk)
        return redirect(
            reverse("academy:course-detail", args=[enrolment.pk]) + f"#material-{material.pk}"
        )


class MaterialMarkUndoneView(MaterialMarkDoneView):
    done = False


class MaterialFileView(LoginRequiredMixin, View):
    """The only way to a material's file: checked, downloaded, never shown inline."""

    def get(self, request, pk):
        material = get_object_or_404(
            Material.objects.select_related("module__programme", "module__cohort"), pk=pk
        )
        if not can_download_material_file(request.user, material):
            raise Http404
        self._record_viewing(request.user, material)
        try:
            handle = default_storage.open(material.file.name, "rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=material.file_name or "download",
            content_type=material.file_type or "application/octet-stream",
        )
        # Even if a browser were persuaded to render it, the file runs nothing and loads
        # nothing.
        response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    def _record_viewing(self, user, material):
        if not material.completes_on_view:
            return
        for enrolment in enrolment_list_with_course(user).filter(
            cohort__programme_id=material.module.programme_id
        ):
            if can_mark_progress(user, enrolment) and is_released_to(material, enrolment.cohort):
                services.material_mark_done(enrolment=enrolment, material=material)


# --- Content editing -------------------------------------------------------------------


class ContentMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_list_content(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_programme(self) -> Programme:
        programme = get_object_or_404(Programme, slug=self.kwargs["slug"])
        if not can_edit_programme_content(self.request.user, programme):
            raise Http404
        return programme

    def get_cohort(self) -> Cohort:
        cohort = get_object_or_404(Cohort.objects.select_related("programme"), pk=self.kwargs["pk"])
        if not can_edit_cohort_content(self.request.user, cohort):
            raise Http404
        return cohort

    def get_module(self) -> Module:
        module = get_object_or_404(
            Module.objects.select_related("programme", "cohort"), pk=self.kwargs["pk"]
        )
        if not can_edit_module(self.request.user, module):
            raise Http404
        return module

    def get_material(self) -> Material:
        material = get_object_or_404(
            Material.objects.select_related("module__programme", "module__cohort"),
            pk=self.kwargs["pk"],
        )
        if not can_edit_material(self.request.user, material):
            raise Http404
        return material


def module_list_url(module: Module) -> str:
    if module.cohort_id:
        return reverse("academy:cohort-content", args=[module.cohort_id])
    return reverse("academy:programme-content", args=[module.programme.slug])


def focus_button(direction: str, position: int, count: int) -> str:
    """Which move button keeps focus after a move: the same one, unless the item reached
    the end of the list and that button is gone."""
    if direction == "up":
        return "up" if position > 1 else "down"
    return "down" if position < count else "up"


class ContentListView(ContentMixin, TemplateView):
    template_name = "academy/content_list.html"

    def get_context_data(self, **kwargs):
        page = Paginator(programme_list_content_editable(self.request.user), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        return super().get_context_data(page_obj=page, programmes=page.object_list, **kwargs)


class ModuleListMixin(ContentMixin):
    template_name = "academy/module_list.html"

    def list_context(self, programme, cohort, **extra) -> dict:
        return module_list_context(programme, cohort, **extra)


def module_list_context(programme, cohort, **extra) -> dict:
    return {
        "programme": programme,
        "cohort": cohort,
        "modules": module_list_for_editing(programme=programme, cohort=cohort),
        **extra,
    }


class ProgrammeContentView(ModuleListMixin, TemplateView):
    """The programme's shared modules, in the order every cohort sees them."""

    def get_context_data(self, **kwargs):
        programme = self.get_programme()
        return super().get_context_data(**self.list_context(programme, None), **kwargs)


class CohortContentView(ModuleListMixin, TemplateView):
    """One cohort's own additions, shown to that cohort after the shared modules."""

    def get_context_data(self, **kwargs):
        cohort = self.get_cohort()
        return super().get_context_data(**self.list_context(cohort.programme, cohort), **kwargs)


class ModuleCreateView(ContentMixin, FormView):
    template_name = "academy/module_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)
        if "slug" in kwargs:
            self.programme, self.cohort = self.get_programme(), None
        else:
            self.cohort = self.get_cohort()
            self.programme = self.cohort.programme
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, form_class=None):
        return ModuleForm(**self.get_form_kwargs(), ask_published=True)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            programme=self.programme, cohort=self.cohort, module=None, **kwargs
        )

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            module = services.module_create(
                programme=self.programme,
                cohort=self.cohort,
                title=data["title"],
                summary=data["summary"],
                release_rule=data["release_rule"],
                release_after_days=data["release_after_days"],
                release_on=data["release_on"],
                is_published=data["is_published"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Module “%(title)s” added.") % {"title": module})
        return redirect("academy:module-detail", pk=module.pk)


class ModuleDetailView(ContentMixin, TemplateView):
    template_name = "academy/module_detail.html"

    def get_context_data(self, **kwargs):
        module = self.get_module()
        return super().get_context_data(**module_detail_context(module), **kwargs)


def module_detail_context(module: Module, **extra) -> dict:
    return {
        "module": module,
        "programme": module.programme,
        "cohort": module.cohort,
        "materials": material_list_for_editing(module),
        "list_url": module_list_url(module),
        "kinds": Material.Kind.choices,
        **extra,
    }


class ModuleUpdateView(ContentMixin, FormView):
    template_name = "academy/module_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.module = self.get_module()
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, form_class=None):
        return ModuleForm(**self.get_form_kwargs())

    def get_initial(self):
        module = self.module
        return {
            "title": module.title,
            "summary": module.summary,
            "release_rule": module.release_rule,
            "release_after_days": module.release_after_days,
            "release_on": module.release_on,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            programme=self.module.programme, cohort=self.module.cohort, module=self.module, **kwargs
        )

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.module_update(
                module=self.module,
                title=data["title"],
                summary=data["summary"],
                release_rule=data["release_rule"],
                release_after_days=data["release_after_days"],
                release_on=data["release_on"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Module “%(title)s” saved.") % {"title": self.module})
        return redirect("academy:module-detail", pk=self.module.pk)


class ModuleMoveView(ContentMixin, View):
    """Move a module up or down; htmx gets the list back with focus on the moved item."""

    def post(self, request, pk):
        module = self.get_module()
        direction = request.POST.get("direction")
        position, count = services.module_move(module=module, direction=direction)
        messages.success(
            request,
            _("“%(title)s” moved to position %(position)s of %(count)s.")
            % {"title": module, "position": position, "count": count},
        )
        if request.htmx:
            context = module_list_context(
                module.programme,
                module.cohort,
                moved=module.pk,
                focus_button=focus_button(direction, position, count),
            )
            return render(request, "academy/module_list.html#module-list", context)
        return redirect(module_list_url(module) + f"#module-{module.pk}")


class ModulePublishView(ContentMixin, View):
    publish = True

    def post(self, request, pk):
        module = self.get_module()
        if self.publish:
            services.module_publish(module=module)
            message = _("“%(title)s” is shown to participants once it opens.")
        else:
            services.module_unpublish(module=module)
            message = _("“%(title)s” is hidden from participants.")
        messages.success(request, message % {"title": module})
        if request.POST.get("next") == "list":
            return redirect(module_list_url(module) + f"#module-{module.pk}")
        return redirect("academy:module-detail", pk=module.pk)


class ModuleUnpublishView(ModulePublishView):
    publish = False


class ModuleDeleteView(ContentMixin, View):
    def post(self, request, pk):
        module = self.get_module()
        back = module_list_url(module)
        title = module.title
        services.module_delete(module=module)
        messages.success(request, _("Module “%(title)s” deleted.") % {"title": title})
        return redirect(back)


class MaterialFormMixin(ContentMixin, FormView):
    template_name = "academy/material_form.html"

    def form_values(self, form) -> dict:
        data = form.cleaned_data
        return {
            "title": data["title"],
            "body": data.get("body") or "",
            "upload": data.get("file"),
            "url": data.get("url") or "",
            "transcript": data.get("transcript") or "",
            "is_required": data["is_required"],
            "estimated_minutes": data["estimated_minutes"],
            "completes_on_view": data["completes_on_view"],
        }


class MaterialCreateView(MaterialFormMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.module = self.get_module()
            if kwargs["kind"] not in Material.Kind.values:
                raise Http404
            self.kind = kwargs["kind"]
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, form_class=None):
        return MaterialForm(**self.get_form_kwargs(), kind=self.kind)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            module=self.module,
            programme=self.module.programme,
            cohort=self.module.cohort,
            kind_label=Material.Kind(self.kind).label,
            material=None,
            **kwargs,
        )

    def form_valid(self, form):
        try:
            material = services.material_create(
                module=self.module,
                kind=self.kind,
                is_published=form.cleaned_data["is_published"],
                **self.form_values(form),
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("“%(title)s” added.") % {"title": material})
        return redirect(
            reverse("academy:module-detail", args=[self.module.pk]) + f"#material-{material.pk}"
        )


class MaterialUpdateView(MaterialFormMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.material = self.get_material()
            self.module = self.material.module
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, form_class=None):
        return MaterialForm(**self.get_form_kwargs(), kind=self.material.kind, editing=True)

    def get_initial(self):
        material = self.material
        return {
            "title": material.title,
            "body": material.body,
            "url": material.url,
            "transcript": material.transcript,
            "estimated_minutes": material.estimated_minutes,
            "is_required": material.is_required,
            "completes_on_view": material.completes_on_view,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            module=self.module,
            programme=self.module.programme,
            cohort=self.module.cohort,
            kind_label=self.material.get_kind_display(),
            material=self.material,
            **kwargs,
        )

    def form_valid(self, form):
        try:
            services.material_update(material=self.material, **self.form_values(form))
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("“%(title)s” saved.") % {"title": self.material})
        return redirect(
            reverse("academy:module-detail", args=[self.module.pk])
            + f"#material-{self.material.pk}"
        )


class MaterialMoveView(ContentMixin, View):
    """Move a material up or down; htmx gets the list back with focus on the moved item."""

    def post(self, request, pk):
        material = self.get_material()
        direction = request.POST.get("direction")
        position, count = services.material_move(material=material, direction=direction)
        messages.success(
            request,
            _("“%(title)s” moved to position %(position)s of %(count)s.")
            % {"title": material, "position": position, "count": count},
        )
        if request.htmx:
            context = module_detail_context(
                material.module,
                moved=material.pk,
                focus_button=focus_button(direction, position, count),
            )
            return render(request, "academy/module_detail.html#material-list", context)
        return redirect(
            reverse("academy:module-detail", args=[material.module_id]) + f"#material-{material.pk}"
        )


class MaterialPublishView(ContentMixin, View):
    publish = True

    def post(self, request, pk):
        material = self.get_material()
        if self.publish:
            services.material_publish(material=material)
            message = _("“%(title)s” is shown to participants.")
        else:
            services.material_unpublish(material=material)
            message = _("“%(title)s” is hidden from participants.")
        messages.success(request, message % {"title": material})
        return redirect(
            reverse("academy:module-detail", args=[material.module_id]) + f"#material-{material.pk}"
        )


class MaterialUnpublishView(MaterialPublishView):
    publish = False


class MaterialDeleteView(ContentMixin, View):
    def post(self, request, pk):
        material = self.get_material()
        module_pk, title = material.module_id, material.title
        services.material_delete(material=material)
        messages.success(request, _("“%(title)s” deleted.") % {"title": title})
        return redirect("academy:module-detail", pk=module_pk)


class PreviewMixin(ContentMixin):
    """A cohort's course exactly as its participants see it today, without progress."""

    def get_preview_cohort(self) -> Cohort:
        cohort = get_object_or_404(Cohort.objects.select_related("programme"), pk=self.kwargs["pk"])
        if not can_preview_cohort_course(self.request.user, cohort):
            raise Http404
        return cohort

    def preview_context(self, cohort, course) -> dict:
        return {
            "enrolment": None,
            "cohort": cohort,
            "programme": cohort.programme,
            "course": course,
            "preview": True,
            "can_mark": False,
            "course_key": cohort.pk,
            "course_url": reverse("academy:course-preview", args=[cohort.pk]),
            "material_url_name": "academy:course-preview-material",
        }


class CoursePreviewView(PreviewMixin, TemplateView):
    template_name = "academy/course_detail.html"

    def get_context_data(self, **kwargs):
        cohort = self.get_preview_cohort()
        course = course_for_cohort(cohort)
        return super().get_context_data(**self.preview_context(cohort, course), **kwargs)


class CoursePreviewMaterialView(PreviewMixin, TemplateView):
    template_name = "academy/material_detail.html"

    def get_context_data(self, **kwargs):
        cohort = self.get_preview_cohort()
        course = course_for_cohort(cohort)
        found = course.locate(self.kwargs["material_pk"])
        if found is None:
            raise Http404
        entry, item, previous, following = found
        return super().get_context_data(
            **self.preview_context(cohort, course),
            entry=entry,
            item=item,
            material=item.material,
            previous=previous,
            next=following,
            file_label=type_label(item.material.file_type),
            **kwargs,
        )
