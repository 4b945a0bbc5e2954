from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from core.errors import ApplicationError
from core.ratelimit import hit, too_many_requests

from . import permissions, selectors, services
from .forms import AccountDeleteForm

# Exports are heavy to make; deletion checks a password, so it must not be a way to guess one.
EXPORT_LIMIT = (3, 24 * 3600)
DELETE_LIMIT = (5, 3600)


class DataExportListView(LoginRequiredMixin, TemplateView):
    """ "Download my data": ask for a copy, see the copies being made and download them."""

    template_name = "privacy/dataexport_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            exports=selectors.data_export_list_for(self.request.user)[:5],
            export_days=settings.PRIVACY_EXPORT_DAYS,
            **kwargs,
        )

    def post(self, request):
        if not permissions.can_request_data_export(request.user):
            raise Http404
        limit, period = EXPORT_LIMIT
        if not hit("data-export", str(request.user.pk), limit=limit, period=period):
            return too_many_requests(request, period)
        services.data_export_request(user=request.user)
        messages.success(
            request,
            _("We are preparing your data. We will e-mail you when it is ready to download."),
        )
        return redirect(reverse("privacy:data-export-list"))


class DataExportDownloadView(LoginRequiredMixin, View):
    """The ZIP, as an attachment, for its owner until it expires; 404 for anyone else."""

    def get(self, request, pk):
        export = get_object_or_404(selectors.data_export_list_for(request.user), pk=pk)
        if not permissions.can_download_data_export(request.user, export):
            raise Http404
        return FileResponse(
            default_storage.open(export.file.name, "rb"),
            as_attachment=True,
            filename=f"my-data-{export.ready_at:%Y-%m-%d}.zip",
            content_type="application/zip",
        )


class AccountDeleteView(LoginRequiredMixin, FormView):
    """ "Delete my account": confirmed with the password, then signed out."""

    template_name = "privacy/account_delete.html"
    form_class = AccountDeleteForm

    def post(self, request, *args, **kwargs):
        if not permissions.can_delete_account(request.user):
            raise Http404
        limit, period = DELETE_LIMIT
        if not hit("account-delete", str(request.user.pk), limit=limit, period=period):
            return too_many_requests(request, period)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            services.account_erase(user=self.request.user, password=form.cleaned_data["password"])
        except ApplicationError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        logout(self.request)
        return redirect(reverse("privacy:account-deleted"))


class AccountDeletedView(TemplateView):
    template_name = "privacy/account_deleted.html"
