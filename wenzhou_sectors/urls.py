from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from portal.access import PUBLIC, portal_view

# A lost database connection answers 503, wherever in the request it is met.
handler500 = "portal.faults.server_error"

admin.site.site_header = _("Wenzhou CPPCC sector work: administration")
admin.site.site_title = _("Sector work portal")
admin.site.index_title = _("Administration")


@portal_view(PUBLIC)
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico where a page names no icon (downloads, the admin)."""
    return redirect(static("favicon.svg"), permanent=True)


urlpatterns = [
    path("admin/", admin.site.urls),
    path("favicon.ico", favicon, name="favicon"),
    path("i18n/setlang/", portal_view(PUBLIC)(set_language), name="set_language"),
    path(
        "accounts/login/",
        portal_view(PUBLIC)(auth_views.LoginView.as_view(redirect_authenticated_user=True)),
        name="login",
    ),
    path("accounts/logout/", portal_view(PUBLIC)(auth_views.LogoutView.as_view()), name="logout"),
    path("", include("sectors.urls")),
    path("", include("activities.urls")),
    path("", include("reports.urls")),
    path("me/", include("members.urls")),
    path("", include("members.staff_urls")),
]
