"""The members' own pages, under /me/."""

from django.urls import path  # noqa: F401  (the pages add their paths here)

from . import points

urlpatterns: list = [*points.urlpatterns]
