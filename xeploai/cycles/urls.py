from django.urls import path

from xeploai.cycles import views

urlpatterns = [
    path("notices/<int:pk>/read/", views.notice_read, name="notice_read"),
]
