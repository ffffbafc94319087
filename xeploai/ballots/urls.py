from django.urls import path

from xeploai.ballots import views, voting

urlpatterns = [
    path("units/<str:code>/ballots/", views.ballot_list, name="ballot_list"),
    path("units/<str:code>/ballots/new/", views.ballot_create, name="ballot_create"),
    path("ballots/<int:pk>/", views.ballot_detail, name="ballot_detail"),
    path("ballots/<int:pk>/entry/<int:entry_no>/", views.paper_entry, name="paper_entry"),
    path("ballots/<int:pk>/accept/", views.paper_accept, name="paper_accept"),
    path("ballots/<int:pk>/codes/", views.codes_print, name="codes_print"),
    path("ballots/<int:pk>/codes/again/", views.codes_reissue, name="codes_reissue"),
    path("ballots/<int:pk>/close/", views.room_close, name="room_close"),
    path("ballots/<int:pk>/minutes/", views.minutes, name="ballot_minutes"),
    path("ballots/<int:pk>/minutes.docx", views.minutes_docx, name="ballot_minutes_docx"),
    path("ballots/<int:pk>/published/", views.published, name="ballot_published"),
    path("vote/", voting.vote, name="vote"),
    path("vote/check/", voting.vote_check, name="vote_check"),
]
