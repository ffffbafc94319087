from django.urls import path

from xeploai.imports import views

urlpatterns = [
    path("", views.import_home, name="import_home"),
    path("templates/<str:kind>.xlsx", views.import_template, name="import_template"),
    path("<str:code>/", views.import_start, name="import_start"),
    path("<str:code>/upload/", views.import_upload, name="import_upload"),
]
