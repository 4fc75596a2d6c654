"""The members' own pages, under /me/."""

from django.urls import path

from . import points
from .views import account, feedback, file, meetings, notices, self_reports

urlpatterns: list = [
    path("", file.member_file, name="member_file"),
    path("print/", file.member_file_print, name="member_file_print"),
    path("pdf/", file.member_file_download, name="member_file_pdf"),
    path("activate/", account.member_activate, name="member_activate"),
    path("notices/", notices.member_notices, name="member_notices"),
    path("notices/<int:notice_id>/", notices.member_notice, name="member_notice"),
    path("feedback/", feedback.member_feedback, name="member_feedback"),
    *points.urlpatterns,
    path("meetings/", meetings.member_meetings, name="member_meetings"),
    path("meetings/<int:activity_id>/answer/", meetings.member_meeting_answer, name="member_meeting_answer"),
    path("check-in/", meetings.member_check_in, name="member_check_in"),
    path("reports/", self_reports.member_self_reports, name="member_self_reports"),
    path("reports/new/", self_reports.member_self_report_new, name="member_self_report_new"),
]
