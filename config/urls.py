from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("academy.urls")),
    path("", include("core.urls")),
    path("accounts/", include("accounts.urls")),
    path("accounts/api-tokens/", include("api.urls")),
    path("api/", include("config.api_urls")),
    path("cohorts/", include("cohorts.urls")),
    path("manage/audit/", include("audit.urls")),
    path("manage/programmes/", include("academy.manage_urls")),
    path("manage/cohorts/", include("cohorts.manage_urls")),
    # /manage/cohorts/<id>/announcements/new/, /manage/announcements/ and
    # /announcements/<id>/dismiss/.
    path("", include("announcements.urls")),
    path("manage/", include("accounts.manage_urls")),
    path("", include("scheduling.urls")),
    # Public /verify/ and /credentials/ pages, and /certificates/ and
    # /cohorts/<id>/certificates/ for those who hold, sponsor or issue certificates.
    path("", include("certificates.urls")),
    # /accounts/data-exports/ and /accounts/delete/: a person's own data.
    path("accounts/", include("privacy.urls")),
    path("back-office/", admin.site.urls),
]

handler400 = "core.errorviews.bad_request"
handler403 = "core.errorviews.permission_denied"
handler404 = "core.errorviews.page_not_found"
handler500 = "core.errorviews.server_error"

if settings.BENCH_VIEWS:
    from core.bench import BenchRowsView

    urlpatterns.append(path("bench/rows/", BenchRowsView.as_view(), name="bench-rows"))
