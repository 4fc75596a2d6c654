"""The members' own pages, under /me/."""

from django.urls import path

from .views import meetings, self_reports

urlpatterns: list = [
    path("meetings/", meetings.member_meetings, name="member_meetings"),
    path("meetings/<int:activity_id>/answer/", meetings.member_meeting_answer, name="member_meeting_answer"),
    path("check-in/", meetings.member_check_in, name="member_check_in"),
    path("reports/", self_reports.member_self_reports, name="member_self_reports"),
    path("reports/new/", self_reports.member_self_report_new, name="member_self_report_new"),
]
