from django.urls import path

from .views import home, pages

urlpatterns = [
    path("", home.home, name="home"),
    *pages.urlpatterns,
]
