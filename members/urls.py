"""The members' own pages, under /me/."""

from django.urls import path

from . import points
from .views import account, feedback, file, notices

urlpatterns: list = [
    path("", file.member_file, name="member_file"),
    path("print/", file.member_file_print, name="member_file_print"),
    path("pdf/", file.member_file_download, name="member_file_pdf"),
    path("activate/", account.member_activate, name="member_activate"),
    path("notices/", notices.member_notices, name="member_notices"),
    path("notices/<int:notice_id>/", notices.member_notice, name="member_notice"),
    path("feedback/", feedback.member_feedback, name="member_feedback"),
    *points.urlpatterns,
]
