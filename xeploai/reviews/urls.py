from django.urls import path

from xeploai.reviews import boardviews, civil_views, quarter_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("review/", views.my_review, name="my_review"),
    path("me/", views.my_history, name="my_history"),
    path("reviews/<int:pk>/", views.review_detail, name="review_detail"),
    path("reviews/<int:pk>/score/", views.review_score, name="review_score"),
    path("reviews/<int:pk>/save/", views.review_save, name="review_save"),
    path("reviews/<int:pk>/submit/", views.review_submit, name="review_submit"),
    path("reviews/<int:pk>/return/", views.review_return, name="review_return"),
    path("reviews/<int:pk>/comments/add/", views.comment_add, name="comment_add"),
    path("comments/<int:pk>/scan/", views.comment_scan, name="comment_scan"),
    path("reviews/<int:pk>/propose/", views.propose, name="propose"),
    path("reviews/<int:pk>/decide/", boardviews.decide, name="decide"),
    path("reviews/<int:pk>/reopen/", views.reopen, name="reopen"),
    path("reviews/<int:pk>/docx/", views.review_docx, name="review_docx"),
    path("reviews/<int:pk>/follow-up/", views.follow_up, name="follow_up"),
    path("units/<str:code>/round/", views.round_page, name="round_page"),
    path("units/<str:code>/round/send/", views.file_send, name="file_send"),
    path("units/<str:code>/round/propose/", views.propose_from_ballot, name="propose_from_ballot"),
    path("units/<str:code>/board/", boardviews.board, name="board"),
    path("units/<str:code>/board/accept/", boardviews.board_accept, name="board_accept"),
    path(
        "units/<str:code>/board/results.<str:fmt>", boardviews.board_results, name="board_results"
    ),
    path("units/<str:code>/ledger/", views.ledger_report, name="ledger_report"),
    path("units/<str:code>/progress/", views.progress_page, name="progress"),
    path("units/<str:code>/progress/remind/", views.remind, name="remind"),
    path("units/<str:code>/civil/", civil_views.civil_ratings, name="civil_ratings"),
    path("reviews/<int:pk>/civil/", civil_views.civil_rating_save, name="civil_rating_save"),
    path("units/<str:code>/quarters/", quarter_views.quarters_page, name="quarters"),
    path("units/<str:code>/quarters/open/", quarter_views.quarter_open, name="quarter_open"),
    path(
        "units/<str:code>/quarters/<int:pk>/lock/",
        quarter_views.quarter_lock,
        name="quarter_lock",
    ),
    path(
        "units/<str:code>/quarters/<int:pk>/reopen/",
        quarter_views.quarter_reopen,
        name="quarter_reopen",
    ),
]
