"""The pages that summarise work. Mounted at the site root: their addresses
(/, /groups/, /members/<id>/) predate the move of these pages into reports;
the scorecards live under /reports/scorecards/."""

from django.urls import path

from .points import views as points
from .views import closing, dashboard, home, pages, scorecards

urlpatterns = [
    path("", home.home, name="home"),
    *pages.urlpatterns,
    *scorecards.urlpatterns,
    *dashboard.urlpatterns,
    *closing.urlpatterns,
    *points.urlpatterns,
]
