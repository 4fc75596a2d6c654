"""The committee side's pages of the members' side: notices to members."""

from django.urls import path

from .views import notices

urlpatterns = [
    path("notices/", notices.notice_list, name="notice_list"),
    path("notices/new/", notices.notice_create, name="notice_create"),
    path("notices/<int:notice_id>/", notices.notice_detail, name="notice_detail"),
    path("notices/<int:notice_id>/attachment/", notices.notice_attachment, name="notice_attachment"),
]
