from django.urls import path

from xeploai.reports import quarter_views, views

urlpatterns = [
    path("reports/", views.report_home, name="report_home"),
    path("reports/snapshots/<int:pk>/", views.snapshot_detail, name="snapshot_detail"),
    path(
        "reports/snapshots/<int:pk>/file.<str:fmt>",
        views.snapshot_download,
        name="snapshot_download",
    ),
    path("reports/<str:code>/", views.report_detail, name="report_detail"),
    path("reports/<str:code>/compare/", views.report_compare, name="report_compare"),
    path(
        "reports/<str:code>/quarter/<int:pk>/",
        quarter_views.quarter_report_page,
        name="quarter_report",
    ),
    path(
        "reports/<str:code>/quarter/<int:pk>/report.<str:fmt>",
        quarter_views.quarter_report_download,
        name="quarter_report_download",
    ),
    path(
        "reports/<str:code>/quarter/<int:pk>/compare.<str:fmt>",
        quarter_views.quarter_compare_download,
        name="quarter_compare_download",
    ),
    path("reports/<str:code>/units/", views.report_drilldown, name="report_drilldown"),
    path("reports/<str:code>/snapshots/", views.snapshot_list, name="snapshot_list"),
    path(
        "reports/<str:code>/<int:year>/report.<str:fmt>",
        views.report_download,
        name="report_download",
    ),
    path("reports/<str:code>/<int:year>/send/", views.report_send, name="report_send"),
    path(
        "reports/<str:code>/<int:year>/results.<str:fmt>",
        views.export_results,
        name="export_results",
    ),
    path(
        "reports/<str:code>/<int:year>/rewards.<str:fmt>",
        views.export_rewards,
        name="export_rewards",
    ),
    path(
        "reports/<str:code>/<int:year>/follow-up.<str:fmt>",
        views.export_follow_ups,
        name="export_follow_ups",
    ),
]
