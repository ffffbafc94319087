from django.urls import path

from xeploai.org import views

urlpatterns = [
    path("units/", views.unit_list, name="unit_list"),
    path("units/<str:code>/", views.unit_detail, name="unit_detail"),
    path("people/", views.person_search, name="person_search"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("account/password/", views.password_change, name="password_change"),
]
