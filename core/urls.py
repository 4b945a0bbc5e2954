from django.urls import path

from core.pagecache import cached_page

from . import views

app_name = "core"

urlpatterns = [
    path("dashboard/", cached_page(views.DashboardView.as_view()), name="dashboard"),
    path("accessibility/", views.AccessibilityStatementView.as_view(), name="accessibility"),
    path("privacy/", views.PrivacyNoticeView.as_view(), name="privacy"),
    path("language/", views.LanguageSetView.as_view(), name="language"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
]
