from django.urls import path

from core.pagecache import cached_page

from . import progress_views, views

app_name = "academy"

urlpatterns = [
    path("", cached_page(views.HomeView.as_view()), name="home"),
    path(
        "programmes/<slug:slug>/",
        cached_page(views.ProgrammeDetailView.as_view()),
        name="programme-detail",
    ),
    # Participants' own courses, reached through their place on a cohort.
    path("courses/", views.CourseListView.as_view(), name="course-list"),
    path("courses/<int:pk>/", cached_page(views.CourseDetailView.as_view()), name="course-detail"),
    path(
        "courses/<int:pk>/materials/<int:material_pk>/",
        views.CourseMaterialView.as_view(),
        name="course-material",
    ),
    path(
        "courses/<int:pk>/materials/<int:material_pk>/done/",
        views.MaterialMarkDoneView.as_view(),
        name="material-mark-done",
    ),
    path(
        "courses/<int:pk>/materials/<int:material_pk>/not-done/",
        views.MaterialMarkUndoneView.as_view(),
        name="material-mark-undone",
    ),
    path("materials/<int:pk>/file/", views.MaterialFileView.as_view(), name="material-file"),
    path(
        "courses/<int:pk>/reflection/",
        progress_views.ReflectionSubmitView.as_view(),
        name="reflection-submit",
    ),
    # Progress: facilitators' cohort grids, sponsors' organisation view, learning records.
    path(
        "progress/cohorts/<int:pk>/",
        cached_page(progress_views.ProgressGridView.as_view()),
        name="progress-grid",
    ),
    path(
        "progress/cohorts/<int:pk>/export.csv",
        progress_views.ProgressGridExportView.as_view(),
        name="progress-grid-export",
    ),
    path(
        "progress/reflections/<int:pk>/",
        progress_views.ReflectionDetailView.as_view(),
        name="reflection-detail",
    ),
    path(
        "progress/organisation/",
        cached_page(progress_views.OrganisationProgressView.as_view()),
        name="organisation-progress",
    ),
    path(
        "progress/organisation/export.csv",
        progress_views.OrganisationProgressExportView.as_view(),
        name="organisation-progress-export",
    ),
    path(
        "progress/learning-record/",
        progress_views.LearningRecordView.as_view(),
        name="learning-record",
    ),
    path(
        "progress/learning-record/export.csv",
        progress_views.LearningRecordExportView.as_view(),
        name="learning-record-export",
    ),
    # Content editing for facilitators and programme admins.
    path("content/", views.ContentListView.as_view(), name="content-list"),
    path(
        "content/programmes/<slug:slug>/",
        views.ProgrammeContentView.as_view(),
        name="programme-content",
    ),
    path(
        "content/programmes/<slug:slug>/modules/new/",
        views.ModuleCreateView.as_view(),
        name="module-create",
    ),
    path("content/cohorts/<int:pk>/", views.CohortContentView.as_view(), name="cohort-content"),
    path(
        "content/cohorts/<int:pk>/modules/new/",
        views.ModuleCreateView.as_view(),
        name="cohort-module-create",
    ),
    path(
        "content/cohorts/<int:pk>/preview/",
        views.CoursePreviewView.as_view(),
        name="course-preview",
    ),
    path(
        "content/cohorts/<int:pk>/preview/materials/<int:material_pk>/",
        views.CoursePreviewMaterialView.as_view(),
        name="course-preview-material",
    ),
    path("content/modules/<int:pk>/", views.ModuleDetailView.as_view(), name="module-detail"),
    path("content/modules/<int:pk>/edit/", views.ModuleUpdateView.as_view(), name="module-update"),
    path("content/modules/<int:pk>/move/", views.ModuleMoveView.as_view(), name="module-move"),
    path(
        "content/modules/<int:pk>/publish/",
        views.ModulePublishView.as_view(),
        name="module-publish",
    ),
    path(
        "content/modules/<int:pk>/unpublish/",
        views.ModuleUnpublishView.as_view(),
        name="module-unpublish",
    ),
    path(
        "content/modules/<int:pk>/delete/", views.ModuleDeleteView.as_view(), name="module-delete"
    ),
    path(
        "content/modules/<int:pk>/materials/new/<slug:kind>/",
        views.MaterialCreateView.as_view(),
        name="material-create",
    ),
    path(
        "content/materials/<int:pk>/edit/",
        views.MaterialUpdateView.as_view(),
        name="material-update",
    ),
    path(
        "content/materials/<int:pk>/move/", views.MaterialMoveView.as_view(), name="material-move"
    ),
    path(
        "content/materials/<int:pk>/publish/",
        views.MaterialPublishView.as_view(),
        name="material-publish",
    ),
    path(
        "content/materials/<int:pk>/unpublish/",
        views.MaterialUnpublishView.as_view(),
        name="material-unpublish",
    ),
    path(
        "content/materials/<int:pk>/delete/",
        views.MaterialDeleteView.as_view(),
        name="material-delete",
    ),
]
