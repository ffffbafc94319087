from django.urls import path

from xeploai.org import reorg_views, transfer_views, views

urlpatterns = [
    path("units/", views.unit_list, name="unit_list"),
    path("units/<str:code>/", views.unit_detail, name="unit_detail"),
    path("units/<str:code>/reorganize/", reorg_views.unit_reorganize, name="unit_reorganize"),
    path("people/", views.person_search, name="person_search"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path(
        "people/<int:pk>/transfer/",
        transfer_views.person_transfer_page,
        name="person_transfer",
    ),
    path("account/password/", views.password_change, name="password_change"),
]
