from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework import exceptions
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from core.errors import ApplicationError

from . import permissions, selectors, services
from .forms import ApiTokenForm
from .pagination import PagePagination
from .reference import api_reference

# --- The API's own pages -------------------------------------------------------------


class SchemaApi(SpectacularAPIView):
    permission_classes = [AllowAny]


class ApiDocsView(TemplateView):
    """The API reference: a page of the portal, read from the same schema as SchemaApi."""

    template_name = "api/api_docs.html"

    def get_context_data(self, **kwargs):
        reference = api_reference()
        # A list every token may read makes the example; the first in the schema will do.
        example = next(
            (
                operation.path
                for tag in reference.tags
                for operation in tag.operations
                if operation.method == "GET" and "{" not in operation.path
            ),
            "",
        )
        return super().get_context_data(
            reference=reference,
            example_url=f"{settings.SITE_URL}{example}",
            page_size=PagePagination.page_size,
            max_page_size=PagePagination.max_page_size,
            **kwargs,
        )


@extend_schema(exclude=True)
class NotFoundApi(APIView):
    permission_classes = [AllowAny]

    def dispatch(self, request, *args, **kwargs):
        # Every method ends in the same 404, in the API's error shape.
        self.http_method_names = [request.method.lower()]
        setattr(self, request.method.lower(), self.not_found)
        return super().dispatch(request, *args, **kwargs)

    def not_found(self, request, *args, **kwargs):
        raise exceptions.NotFound


# --- Token pages in "Your account" ---------------------------------------------------

NEW_TOKEN_SESSION_KEY = "api_token_new"  # noqa: S105 (a session key's name)


class ApiTokenListView(LoginRequiredMixin, View):
    """A person's API tokens: make one (shown once), see when each was last used, revoke."""

    template_name = "api/apitoken_list.html"

    def _render(self, request, form, *, new_token=None, status=200):
        context = {
            "tokens": selectors.api_token_list_for_user(request.user),
            "form": form,
            "new_token": new_token,
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        if not permissions.can_manage_api_tokens(request.user):
            raise Http404
        # A token just made is shown on this one page view, then forgotten.
        new_token = request.session.pop(NEW_TOKEN_SESSION_KEY, None)
        return self._render(request, ApiTokenForm(), new_token=new_token)

    def post(self, request):
        if not permissions.can_manage_api_tokens(request.user):
            raise Http404
        form = ApiTokenForm(request.POST)
        if form.is_valid():
            try:
                token, raw = services.api_token_create(
                    user=request.user, name=form.cleaned_data["name"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                # Kept in the session only until the page after the redirect shows it, so
                # reloading that page cannot make a second token.
                request.session[NEW_TOKEN_SESSION_KEY] = {"name": token.name, "token": raw}
                return redirect("api:token-list")
        return self._render(request, form, status=400)


class ApiTokenRevokeView(LoginRequiredMixin, View):
    def post(self, request, pk):
        token = get_object_or_404(selectors.api_token_list_for_user(request.user), pk=pk)
        if not permissions.can_revoke_api_token(request.user, token):
            messages.info(request, _("This token was already revoked."))
            return redirect("api:token-list")
        services.api_token_revoke(token=token, actor=request.user)
        messages.success(
            request,
            _("The token “%(name)s” is revoked and no longer works.") % {"name": token.name},
        )
        return redirect("api:token-list")
