from django.urls import path

from .views import home, member_edit, pages

urlpatterns = [
    path("", home.home, name="home"),
    *pages.urlpatterns,
    *member_edit.urlpatterns,
]
