from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from xeploai.lib.auth import ThrottledAdminAuthenticationForm, ThrottledLoginView, admin_login

admin.site.site_header = "xeploai — Quản trị"
admin.site.site_title = "xeploai"
admin.site.index_title = "Quản trị dữ liệu"
admin.site.login_form = ThrottledAdminAuthenticationForm  # the one login throttle (lib/auth.py)

urlpatterns = [
    path("login/", ThrottledLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/login/", admin_login),  # the admin's own login, answering 429 when throttled
    path("admin/", admin.site.urls),
    path("", include("xeploai.reports.urls")),
    path("", include("xeploai.org.urls")),
    path("", include("xeploai.reviews.urls")),
    path("", include("xeploai.cycles.urls")),
    path("", include("xeploai.ballots.urls")),
    path("imports/", include("xeploai.imports.urls")),
    path("jobs/", include("xeploai.jobs.urls")),
]
