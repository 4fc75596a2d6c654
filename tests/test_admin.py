"""The Django admin: every model reachable by the administrator, in Chinese,
searchable and filterable, without N+1 queries, and personal data masked for
admin users without the permission."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.text import capfirst

from activities.carriers import ActivityKind
from activities.models import (
    Activity,
    Attachment,
    Attendance,
    ConstituentContact,
    ConsultationOutcome,
    DutyReport,
    GroupDocument,
    Instruction,
    OpinionReport,
    Proposal,
)
from portal import roles
from reports.models import AssessmentYear, Measure, Requirement
from reports.points.models import PointAppeal, PointYear
from reports.points.services import preset_apply
from sectors.models import Committee, Constituent, GroupMembership, Member, SectorGroup, User, Workstation

from .factories import log_in, make_activity, make_committee, make_group, make_member, make_user, valid_id_card

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
_seq = itertools.count(1)


def _url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _plural_name(model) -> str:
    """The model's name as the admin shows it in Chinese (English until the
    zh-hans catalogue has the entry: then this still matches)."""
    with translation.override("zh-hans"):
        return escape(capfirst(str(model._meta.verbose_name_plural)))


def _results(response) -> list:
    return list(response.context["cl"].result_list)


# --- row builders, one per registered model (for the query-count test) ----------


def _n() -> int:
    return next(_seq)


def _member(ctx) -> Member:
    return make_member(ctx["group"], party="民盟", employer="温州大学", mobile="13812345678", id_card=valid_id_card())


def _activity(ctx, **fields) -> Activity:
    return make_activity([ctx["group"], ctx["other_group"]], attendees=[ctx["member"]], **fields)


def _constituent(ctx) -> Constituent:
    return Constituent.objects.create(committee=ctx["committee"], name=f"群众{_n()}", mobile="13900001111")


def _assessment_year(ctx) -> AssessmentYear:
    year = AssessmentYear.objects.create(
        committee=ctx["committee"],
        year=2000 + _n() % 100,
        plan_deadline=datetime.date(2025, 3, 31),
        summary_deadline=datetime.date(2025, 12, 31),
    )
    Requirement.objects.create(assessment_year=year, have="plan_summary", measure=Measure.PLAN_FILED, threshold=1)
    return year


BUILDERS = {
    Committee: lambda ctx: make_committee(code=f"county{_n()}", name=f"某县政协{_n()}"),
    SectorGroup: lambda ctx: make_group(ctx["committee"], f"界别{_n()}", f"简{_n()}"),
    Member: _member,
    GroupMembership: _member,
    Workstation: lambda ctx: Workstation.objects.create(
        group=ctx["group"],
        name=f"驿站{_n()}",
        host_kind=Workstation.HostKind.STUDIO,
        host_member=_member(ctx),
        established_on=datetime.date(2024, 1, 1),
    ),
    Constituent: _constituent,
    User: lambda ctx: make_user(roles.LEADER, group=ctx["group"]),
    Activity: _activity,
    Attendance: _activity,
    Attachment: lambda ctx: Attachment.objects.create(
        activity=_activity(ctx), file="attachments/x.pdf", original_name="x.pdf", size=10, uploaded_by=ctx["user"]
    ),
    OpinionReport: lambda ctx: OpinionReport.objects.create(
        committee=ctx["committee"], group=ctx["group"], title=f"社情民意{_n()}", submitted_on=datetime.date(2025, 4, 1)
    ).submitters.set([ctx["member"]]),
    Proposal: lambda ctx: Proposal.objects.create(
        committee=ctx["committee"], group=ctx["group"], title=f"提案{_n()}", submitted_on=datetime.date(2025, 1, 10)
    ).proposers.set([ctx["member"]]),
    ConstituentContact: lambda ctx: ConstituentContact.objects.create(
        group=ctx["group"],
        member=ctx["member"],
        constituent=_constituent(ctx),
        way=ConstituentContact.Way.PHONE,
        contacted_on=datetime.date(2025, 5, 1),
    ),
    DutyReport: lambda ctx: DutyReport.objects.create(
        group=ctx["group"],
        member=_member(ctx),
        meeting=_activity(ctx, kind=ActivityKind.DUTY_REPORT),
        title="我的履职",
        reported_on=datetime.date(2025, 12, 20),
    ),
    GroupDocument: lambda ctx: GroupDocument.objects.create(
        group=ctx["group"],
        year=2000 + _n() % 100,
        kind=GroupDocument.Kind.PLAN,
        title="年度计划",
        dated=datetime.date(2025, 2, 1),
    ),
    AssessmentYear: _assessment_year,
    Requirement: _assessment_year,
    ConsultationOutcome: lambda ctx: ConsultationOutcome.objects.create(
        activity=_activity(ctx, kind=ActivityKind.CONSULTATION), suggestion="建议", sent_to="市发改委"
    ),
    Instruction: lambda ctx: Instruction.objects.create(
        report=BUILDERS[OpinionReport](ctx) or OpinionReport.objects.last(),
        level="city",
        leader_title="市长",
        dated=datetime.date(2025, 5, 1),
    ),
    # Members' duty points (reports.points): a year's rules from a preset, and an appeal.
    PointYear: lambda ctx: preset_apply(committee=ctx["committee"], year=2000 + _n() % 100, preset="minhang"),
    PointAppeal: lambda ctx: PointAppeal.objects.create(
        committee=ctx["committee"],
        year=2025,
        member=ctx["member"],
        item_key=f"activity:{_n()}:attend_study",
        item_label="学习会",
        points=2,
        reason="漏记",
    ),
}


@pytest.fixture
def ctx(committee, group_a, group_b, leader_member, users):
    return {
        "committee": committee,
        "group": group_a,
        "other_group": group_b,
        "member": leader_member,
        "user": users[roles.ADMIN],
    }


# --- every page, for the administrator -----------------------------------------------


def test_it_registers_every_portal_model(db):
    registered = {model for model in admin.site._registry if model._meta.app_label in {"sectors", "activities"}}
    registered |= {model for model in admin.site._registry if model._meta.app_label == "reports"}
    assert set(BUILDERS) == registered


def test_it_opens_every_changelist_and_add_page_for_the_administrator(admin_client_role, ctx):
    for model in admin.site._registry:
        if model in BUILDERS:
            BUILDERS[model](ctx)
        changelist = admin_client_role.get(_url(model, "changelist"), **ZH)
        # Some rows are only ever written by the portal itself (sign-in attempts, authenticators).
        addable = admin.site._registry[model].has_add_permission(changelist.wsgi_request)
        for url in (_url(model, "changelist"), _url(model, "add")) if addable else (_url(model, "changelist"),):
            response = admin_client_role.get(url, **ZH)
            assert response.status_code == 200, url
            content = response.content.decode()
            assert '<html lang="zh-hans"' in content, url
            assert _plural_name(model) in content, url


def test_it_opens_the_change_and_history_pages_of_a_row(admin_client_role, ctx):
    for model in BUILDERS:
        BUILDERS[model](ctx)
        obj = model.objects.order_by("-pk").first()
        assert admin_client_role.get(_url(model, "change", obj.pk), **ZH).status_code == 200, model
        assert admin_client_role.get(_url(model, "history", obj.pk), **ZH).status_code == 200, model


@pytest.mark.parametrize("role", [roles.STAFF, roles.LEADER, roles.CHAIRMAN, "anonymous"])
def test_it_sends_other_roles_away_from_the_admin(clients, role):
    for url in (reverse("admin:index"), _url(Member, "changelist"), _url(SectorGroup, "import")):
        response = clients[role].get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


# --- search and filters -------------------------------------------------------------------


def test_it_searches_members_by_name_number_and_employer(admin_client_role, group_a, group_b, leader_member):
    doctor = make_member(group_b, "张医生", employer="温州医科大学附属第一医院", member_number="W0101")
    teacher = make_member(group_a, "李老师", employer="温州中学", member_number="W0102")
    url = _url(Member, "changelist")

    assert _results(admin_client_role.get(url, {"q": "医科大学"})) == [doctor]
    assert _results(admin_client_role.get(url, {"q": "W0102"})) == [teacher]
    response = admin_client_role.get(url, {"q": "李老"})
    assert _results(response) == [teacher]
    assert "张医生" not in response.content.decode()


def test_it_filters_members_by_current_group_gender_and_party(admin_client_role, group_a, group_b, leader_member):
    moved = make_member(group_a, "调出委员", until=datetime.date(2024, 12, 31), gender=Member.Gender.MALE)
    GroupMembership.objects.create(member=moved, group=group_b, start_date=datetime.date(2025, 1, 1))
    doctor = make_member(group_b, "张医生", party="九三学社", gender=Member.Gender.MALE)
    url = _url(Member, "changelist")

    in_b = _results(admin_client_role.get(url, {"current_group": group_b.pk}))
    assert set(in_b) == {moved, doctor}
    assert _results(admin_client_role.get(url, {"current_group": group_a.pk})) == [leader_member]
    assert set(_results(admin_client_role.get(url, {"gender__exact": "M"}))) == {moved, doctor}
    assert _results(admin_client_role.get(url, {"party": "九三学社"})) == [doctor]


def test_it_shows_each_members_current_group(admin_client_role, group_a, group_b, leader_member):
    moved = make_member(group_a, "调出委员", until=datetime.date(2024, 12, 31))
    GroupMembership.objects.create(member=moved, group=group_b, start_date=datetime.date(2025, 1, 1))
    rows = {m.name: m.current_group_name for m in _results(admin_client_role.get(_url(Member, "changelist")))}
    assert rows == {"王组长": "民盟", "调出委员": "医卫"}


def test_it_counts_only_current_members_of_a_group(admin_client_role, group_a, group_b, leader_member):
    make_member(group_a, "前委员", until=datetime.date(2024, 12, 31))
    make_member(group_b)
    make_member(group_b)
    counts = {g.short_name: g.member_count for g in _results(admin_client_role.get(_url(SectorGroup, "changelist")))}
    assert counts == {"民盟": 1, "医卫": 2}
    assert _results(admin_client_role.get(_url(SectorGroup, "changelist"), {"q": "医药"})) == [group_b]


def test_it_filters_and_searches_activities(admin_client_role, group_a, group_b):
    study = make_activity([group_a], title="三月学习会", location="市政协")
    meeting = make_activity([group_a, group_b], kind=ActivityKind.CONSULTATION, title="公共卫生协商会")
    highlight = make_activity([group_b], kind=ActivityKind.SERVICE, title="送学下乡", is_highlight=True)
    url = _url(Activity, "changelist")

    assert _results(admin_client_role.get(url, {"kind__exact": "consultation"})) == [meeting]
    assert set(_results(admin_client_role.get(url, {"groups__id__exact": group_b.pk}))) == {meeting, highlight}
    assert _results(admin_client_role.get(url, {"is_highlight__exact": "1"})) == [highlight]
    assert _results(admin_client_role.get(url, {"q": "市政协"})) == [study]
    response = admin_client_role.get(url, {"q": "协商"})
    assert _results(response) == [meeting]
    assert "民盟、医卫" in response.content.decode()


def test_it_filters_records_by_group(admin_client_role, group_a, group_b, leader_member):
    other = make_member(group_b, "医卫委员")
    mine = Proposal.objects.create(
        committee=group_a.committee, group=group_a, title="关于教育的提案", submitted_on=datetime.date(2025, 1, 5)
    )
    Proposal.objects.create(
        committee=group_a.committee, group=group_b, title="关于医疗的提案", submitted_on=datetime.date(2025, 1, 6)
    ).proposers.set([other])
    url = _url(Proposal, "changelist")
    assert _results(admin_client_role.get(url, {"group__id__exact": group_a.pk})) == [mine]
    assert [p.title for p in _results(admin_client_role.get(url, {"q": "医卫委员"}))] == ["关于医疗的提案"]


# --- query counts -----------------------------------------------------------------------------


def _count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_it_lists_1_or_20_rows_with_the_same_number_of_queries(admin_client_role, ctx):
    for model, build in BUILDERS.items():
        url = _url(model, "changelist")
        build(ctx)
        with_one = _count_queries(admin_client_role, url)
        for _ in range(19):
            build(ctx)
        with_twenty = _count_queries(admin_client_role, url)
        assert with_twenty == with_one, f"{model.__name__}: {with_one} queries for 1 row, {with_twenty} for 20"


# --- personal data -------------------------------------------------------------------------------


@pytest.fixture
def viewer_client(db):
    """An admin user who may see members but not their personal data."""
    user = User.objects.create_user(username="viewer", password="pw-for-tests-1", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_member", "view_constituent"]))
    client = Client()
    log_in(client, user)
    return client


def test_it_masks_id_card_and_mobile_for_users_without_the_permission(viewer_client, admin_client_role, group_a):
    id_card = valid_id_card(birth="19750505")
    member = make_member(group_a, "隐私委员", id_card=id_card, mobile="13812345678")

    listing = viewer_client.get(_url(Member, "changelist")).content.decode()
    assert member.masked_id_card in listing and id_card not in listing
    assert "138****5678" in listing and "13812345678" not in listing
    page = viewer_client.get(_url(Member, "change", member.pk)).content.decode()
    assert member.masked_id_card in page and id_card not in page
    assert "13812345678" not in page

    full = admin_client_role.get(_url(Member, "changelist")).content.decode()
    assert id_card in full and "13812345678" in full


def test_it_masks_constituents_mobile_for_users_without_the_permission(viewer_client, committee):
    Constituent.objects.create(committee=committee, name="群众甲", mobile="13900001111")
    listing = viewer_client.get(_url(Constituent, "changelist")).content.decode()
    assert "139****1111" in listing and "13900001111" not in listing


def test_it_refuses_import_to_users_who_may_only_view(viewer_client):
    # Sector groups are the admin's one import (members and workstations: the portal's import page).
    User.objects.get(username="viewer").user_permissions.add(Permission.objects.get(codename="view_sectorgroup"))
    assert viewer_client.get(_url(SectorGroup, "import")).status_code == 403


# --- users ---------------------------------------------------------------------------------------------


def _add_user(client: Client, role: str, group: SectorGroup | None) -> object:
    return client.post(
        _url(User, "add"),
        {
            "username": "newuser",
            "usable_password": "true",
            "password1": "a-long-pass-phrase-42",
            "password2": "a-long-pass-phrase-42",
            "full_name": "新用户",
            "groups": [Group.objects.get(name=roles.GROUP_NAMES[role]).pk],
            "sector_group": group.pk if group else "",
        },
    )


def test_it_requires_a_sector_group_for_a_group_leader_account(admin_client_role, group_a):
    response = _add_user(admin_client_role, roles.LEADER, None)
    assert response.status_code == 200
    assert "sector_group" in response.context["adminform"].form.errors
    assert not User.objects.filter(username="newuser").exists()

    response = _add_user(admin_client_role, roles.LEADER, group_a)
    assert response.status_code == 302
    created = User.objects.get(username="newuser")
    assert created.sector_group == group_a and created.role == roles.LEADER


def test_it_refuses_a_sector_group_for_other_roles(admin_client_role, group_a):
    response = _add_user(admin_client_role, roles.STAFF, group_a)
    assert response.status_code == 200
    assert "sector_group" in response.context["adminform"].form.errors
    assert not User.objects.filter(username="newuser").exists()


def test_it_lists_users_with_their_role(admin_client_role, users):
    content = admin_client_role.get(_url(User, "changelist"), **ZH).content.decode()
    with translation.override("zh-hans"):
        labels = [str(roles.ROLE_LABELS[code]) for code in (roles.STAFF, roles.LEADER, roles.CHAIRMAN, roles.ADMIN)]
    assert all(escape(label) in content for label in labels)


# --- assessment rules ------------------------------------------------------------------------------


def test_it_adds_the_default_requirements_to_a_year(admin_client_role, committee):
    year = AssessmentYear.objects.create(
        committee=committee,
        year=2026,
        plan_deadline=datetime.date(2026, 3, 31),
        summary_deadline=datetime.date(2026, 12, 31),
    )
    Requirement.objects.create(assessment_year=year, have="plan_summary", measure=Measure.PLAN_FILED, threshold=2)
    response = admin_client_role.post(
        _url(AssessmentYear, "changelist"),
        {"action": "add_default_requirements", "_selected_action": [year.pk]},
    )
    assert response.status_code == 302
    from reports.models import DEFAULT_REQUIREMENTS

    assert year.requirements.count() == len(DEFAULT_REQUIREMENTS)
    assert year.requirements.get(measure=Measure.PLAN_FILED).threshold == 2  # kept as staff set it


# --- uploads ----------------------------------------------------------------------------------------------


def test_it_checks_and_describes_an_attachment_uploaded_in_the_admin(admin_client_role, users, group_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    activity = make_activity([group_a])
    url = _url(Attachment, "add")

    refused = admin_client_role.post(url, {"activity": activity.pk, "file": SimpleUploadedFile("run.exe", b"MZ")})
    assert refused.status_code == 200 and "file" in refused.context["adminform"].form.errors
    assert not Attachment.objects.exists()

    pdf = SimpleUploadedFile("会议纪要.pdf", b"%PDF-1.4 minutes", content_type="application/pdf")
    assert admin_client_role.post(url, {"activity": activity.pk, "file": pdf}).status_code == 302
    attachment = Attachment.objects.get()
    assert (attachment.original_name, attachment.size, attachment.content_type) == (
        "会议纪要.pdf",
        len(b"%PDF-1.4 minutes"),
        "application/pdf",
    )
    assert attachment.uploaded_by == users[roles.ADMIN]


def test_the_admins_hidden_table_headers_are_read_in_chinese(admin_client_role):
    """Screen readers read the app list's hidden headers; Django's Chinese catalogue lacks them."""
    html = admin_client_role.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "修改或查看列表链接" in html and "新增链接" in html
    assert "Change or view list link" not in html and "Add link" not in html
