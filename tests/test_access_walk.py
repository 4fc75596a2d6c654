"""Walk every URL of the portal as every role.

Each view must declare who may use it (portal.access.portal_view); a view
without a declaration fails here, so views added later are covered without
anyone remembering to add them. For every role the walk checks that refused
roles get 403 (anonymous users: the login page), allowed roles get the page,
a group leader gets 404 for another group's rows, and nobody without a write
role can POST to a view that changes data.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from activities.carriers import ActivityKind
from activities.models import (
    Attachment,
    ConstituentContact,
    ConsultationOutcome,
    DutyReport,
    GroupDocument,
    Instruction,
    OpinionAdoption,
    OpinionReport,
    Proposal,
    SelfReport,
)
from portal import roles
from portal.access import PUBLIC
from sectors.models import Constituent, ExportRun, ImportRun, Workstation
from sectors.ops import exports as export_jobs

from .factories import make_activity, make_member, make_user

SKIPPED_NAMESPACES = {"admin"}  # Django admin: its own access control, tested in test_admin.py
ANONYMOUS = "anonymous"


def iter_views(patterns=None, namespace: str | None = None):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in SKIPPED_NAMESPACES:
                continue
            yield from iter_views(entry.url_patterns, entry.namespace or namespace)
        elif isinstance(entry, URLPattern):
            yield entry, namespace


def _rows_for(group, suffix: str) -> dict[str, int]:
    """One row of every kind in `group`, keyed by the URL kwarg that names it."""
    member = make_member(group, f"成员{suffix}")
    activity = make_activity([group], kind=ActivityKind.DUTY_REPORT, attendees=[member], title=f"述职会{suffix}")
    attachment = Attachment.objects.create(
        activity=activity, file=ContentFile(b"minutes", name="m.txt"), original_name="纪要.txt", size=7
    )
    station = Workstation.objects.create(
        group=group, name=f"驿站{suffix}", host_kind="studio", established_on=datetime.date(2024, 1, 1)
    )
    report = OpinionReport.objects.create(
        committee=group.committee, group=group, title=f"社情{suffix}", submitted_on=datetime.date(2025, 2, 1)
    )
    proposal = Proposal.objects.create(
        committee=group.committee,
        group=group,
        title=f"提案{suffix}",
        submitted_on=datetime.date(2025, 2, 1),
        answer_file=ContentFile(b"answer", name="a.txt"),
        answer_file_name="答复.txt",
    )
    adoption = OpinionAdoption.objects.create(
        report=report, level="city", adopted_by="government", adopted_on=datetime.date(2025, 3, 1)
    )
    instruction = Instruction.objects.create(
        report=report,
        level="city",
        leader_title="市长",
        dated=datetime.date(2025, 3, 2),
        scan=ContentFile(b"scan", name="s.txt"),
        scan_name="批示.txt",
    )
    consultation = make_activity([group], kind=ActivityKind.CONSULTATION, attendees=[member], title=f"协商{suffix}")
    outcome = ConsultationOutcome.objects.create(activity=consultation, suggestion="建议", sent_to="市发改委")
    constituent = Constituent.objects.create(committee=group.committee, name=f"群众{suffix}")
    contact = ConstituentContact.objects.create(
        group=group, member=member, constituent=constituent, way="phone", contacted_on=datetime.date(2025, 3, 1)
    )
    duty = DutyReport.objects.create(
        group=group, member=member, meeting=activity, title="我的履职", reported_on=activity.date
    )
    document = GroupDocument.objects.create(
        group=group,
        year=2025,
        kind="plan",
        title="年度计划",
        dated=datetime.date(2025, 2, 1),
        file=ContentFile(b"plan", name="plan.txt"),
        original_name="计划.txt",
    )
    self_report = SelfReport.objects.create(
        member=member, group=group, kind="opinion", date=datetime.date(2025, 3, 1), title=f"自报{suffix}"
    )
    return {
        "selfreport_id": self_report.pk,
        "group_id": group.pk,
        "member_id": member.pk,
        "activity_id": activity.pk,
        "attachment_id": attachment.pk,
        "workstation_id": station.pk,
        "opinionreport_id": report.pk,
        "proposal_id": proposal.pk,
        "adoption_id": adoption.pk,
        "instruction_id": instruction.pk,
        "outcome_id": outcome.pk,
        "contact_id": contact.pk,
        "dutyreport_id": duty.pk,
        "document_id": document.pk,
        "kind": ImportRun.Kind.ACTIVITIES,
        "run_id": ImportRun.objects.create(kind=ImportRun.Kind.ACTIVITIES, file_name=f"{suffix}.xlsx").pk,
        "export_id": _export_of(make_user(roles.STAFF, username=f"exporter{suffix}")),
        "notice_id": _notice_for(group, [member]),
    }


def _export_of(user) -> int:
    """A finished large export of `user`'s (sectors.ops.exports): only they may open it."""
    run = ExportRun.objects.create(
        user=user, path="/activities/export/", status="done", stored_file=f"walk-{user.pk}.xlsx"
    )
    export_jobs.file_path(run).write_bytes(b"xlsx")
    return run.pk


def _notice_for(group, recipients) -> int:
    """A notice with an attachment sent to `recipients` (the member account's member among group A's)."""
    from members.models import Notice, NoticeRecipient

    notice = Notice.objects.create(
        committee=group.committee,
        group=group,
        title="学习通知",
        body="请阅读。",
        attachment=ContentFile(b"notice", name="n.txt"),
        attachment_name="通知.txt",
    )
    NoticeRecipient.objects.bulk_create([NoticeRecipient(notice=notice, member=m) for m in recipients])
    return notice.pk


@pytest.fixture
def rows(group_a, group_b, member_user):
    from members.models import NoticeRecipient

    own, other = _rows_for(group_a, "A"), _rows_for(group_b, "B")
    # The member account's member (group A) received group A's notice, not group B's.
    NoticeRecipient.objects.create(notice_id=own["notice_id"], member=member_user.member)
    return {"own": own, "other": other}


def _url(pattern: URLPattern, namespace: str | None, kwargs_source: dict[str, int]) -> str:
    names = list(pattern.pattern.converters)
    missing = [name for name in names if name not in kwargs_source]
    assert not missing, f"{pattern.name}: the walk does not know URL kwargs {missing}; add rows for them above"
    name = f"{namespace}:{pattern.name}" if namespace else pattern.name
    return reverse(name, kwargs={key: kwargs_source[key] for key in names})


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and reverse("login") in response["Location"]


def test_it_finds_an_access_rule_on_every_view():
    undeclared = [str(pattern.pattern) for pattern, _ in iter_views() if not hasattr(pattern.callback, "access_roles")]
    assert undeclared == [], f"views without portal_view(...): {undeclared}"


def test_it_never_lets_the_chairman_reach_a_write_view():
    for pattern, _ in iter_views():
        if getattr(pattern.callback, "access_write", False):
            assert roles.CHAIRMAN not in pattern.callback.access_roles, pattern.name


def _walked():
    return [(p, ns) for p, ns in iter_views() if getattr(p.callback, "access_roles", PUBLIC) != PUBLIC]


@pytest.mark.parametrize("role", [roles.STAFF, roles.LEADER, roles.CHAIRMAN, roles.ADMIN, roles.MEMBER, ANONYMOUS])
def test_it_gives_each_role_exactly_its_views(role, clients, users, rows, request):
    client = request.getfixturevalue("member_client") if role == roles.MEMBER else clients[role]
    user = request.getfixturevalue("member_user") if role == roles.MEMBER else users.get(role)
    own = rows["own"] | ({"export_id": _export_of(user)} if user else {})
    failures = []
    for pattern, namespace in _walked():
        allowed = role in pattern.callback.access_roles
        url = _url(pattern, namespace, own)
        response = client.get(url)
        if role == ANONYMOUS:
            ok = _is_login_redirect(response)
        elif allowed:
            ok = response.status_code in (200, 302, 405) and not _is_login_redirect(response)
        else:
            ok = response.status_code == 403
        if not ok:
            failures.append(f"GET {url} as {role}: {response.status_code}")
    assert failures == []


def test_it_hides_other_groups_rows_from_a_group_leader(leader_client, rows):
    failures = []
    for pattern, namespace in _walked():
        if roles.LEADER not in pattern.callback.access_roles or not pattern.pattern.converters:
            continue
        url = _url(pattern, namespace, rows["other"])
        for method in ("get", "post") if pattern.callback.access_write else ("get",):
            response = getattr(leader_client, method)(url)
            if response.status_code != 404:
                failures.append(f"{method.upper()} {url}: {response.status_code}")
    assert failures == []


@pytest.mark.parametrize("role", [roles.CHAIRMAN, ANONYMOUS])
def test_it_refuses_every_write_to_read_only_roles(role, clients, rows):
    client = clients[role]
    failures = []
    for pattern, namespace in _walked():
        if not pattern.callback.access_write:
            continue
        url = _url(pattern, namespace, rows["own"])
        response = client.post(url, {"title": "changed"})
        refused = _is_login_redirect(response) if role == ANONYMOUS else response.status_code == 403
        if not refused:
            failures.append(f"POST {url}: {response.status_code}")
    assert failures == []


def test_it_changes_nothing_when_the_chairman_posts(chairman_client, rows):
    before = {model: model.objects.count() for model in (OpinionReport, Proposal, DutyReport, GroupDocument)}
    for pattern, namespace in _walked():
        if pattern.callback.access_write:
            chairman_client.post(_url(pattern, namespace, rows["own"]), {"title": "changed"})
    assert {model: model.objects.count() for model in before} == before
