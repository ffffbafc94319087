from django.urls import path

from xeploai.cycles import views

urlpatterns = [
    path("units/<str:code>/progress/", views.progress_page, name="progress"),
    path("units/<str:code>/progress/remind/", views.remind, name="remind"),
    path("notices/<int:pk>/read/", views.notice_read, name="notice_read"),
]
