"""The pages that summarise work. Mounted at the site root: their addresses
(/, /groups/, /members/<id>/) predate the move of these pages into reports."""

from django.urls import path

from .views import closing, home, pages

urlpatterns = [
    path("", home.home, name="home"),
    *pages.urlpatterns,
    *closing.urlpatterns,
]
