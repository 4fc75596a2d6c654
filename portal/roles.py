"""The portal's roles, as Django groups with model permissions: four for the
committee's side (staff, group leaders, the chairman, administrators) and one
for members themselves (委员), who see only their own records.

The permissions each role gets are declared here once; a data migration
creates the groups from this table (and `sync_roles` re-applies it after a
change), so the table is the single answer to "who may do what".
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

STAFF = "staff"
LEADER = "group_leader"
CHAIRMAN = "chairman"
ADMIN = "admin"
# A committee member signed in to their own side of the portal (issue 21). A member
# account is a User linked to one Member (User.member); it holds no model permission
# and reaches only views that declare MEMBER, which scope to request.user.member.
MEMBER = "member"

# Who may see members' ID-card and mobile numbers unmasked.
PERSONAL_DATA_PERM = "sectors.view_member_personal_data"

# The committee side's roles: most pages serve these and refuse members.
ALL_ROLES = frozenset({STAFF, LEADER, CHAIRMAN, ADMIN})
# Everyone signed in with a role, members too (their own account, notifications).
EVERYONE = ALL_ROLES | {MEMBER}
EDITORS = frozenset({STAFF, LEADER, ADMIN})
ROSTER_EDITORS = frozenset({STAFF, ADMIN})  # who keeps the roster in the portal

# Group names as administrators see them in Django admin.
GROUP_NAMES = {STAFF: "工作人员", LEADER: "界别组长", CHAIRMAN: "主席", ADMIN: "管理员", MEMBER: "委员"}
ROLE_LABELS = {
    STAFF: _("Staff"),
    LEADER: pgettext_lazy("portal role", "Group leader"),
    CHAIRMAN: _("Chairman"),
    ADMIN: _("Administrator"),
    MEMBER: pgettext_lazy("portal role", "Member"),
}

_RECORDS = [
    "activities.activity",
    "activities.attendance",
    "activities.attachment",
    "activities.opinionreport",
    "activities.proposal",
    "activities.constituentcontact",
    "activities.dutyreport",
    "activities.groupdocument",
    "activities.proposalhandling",
    "activities.opinionadoption",
    "activities.instruction",
    "activities.consultationoutcome",
    "sectors.workstation",
    "sectors.constituent",
]
_ROSTER = ["sectors.member", "sectors.groupmembership", "sectors.sectorgroup"]
_RULES = [
    "reports.assessmentyear",
    "reports.requirement",
    # The members' duty-point rules of each year (reports.points).
    "reports.pointyear",
    "reports.pointrule",
    "reports.pointcap",
    "reports.gradeband",
    "reports.pointappeal",
]
_ALL_MODELS = _RECORDS + _ROSTER + _RULES + ["sectors.committee", "sectors.term", "sectors.user"]
_CRUD = ("view", "add", "change", "delete")
# The schedule of reminders and snapshots (django-celery-beat), edited by administrators.
_SCHEDULE = [
    "django_celery_beat.periodictask",
    "django_celery_beat.crontabschedule",
    "django_celery_beat.intervalschedule",
    "django_celery_beat.clockedschedule",
]


def _perms(models: list[str], actions: tuple[str, ...]) -> set[str]:
    return {f"{model.split('.')[0]}.{action}_{model.split('.')[1]}" for model in models for action in actions}


ROLE_PERMISSIONS: dict[str, set[str]] = {
    STAFF: _perms(_RECORDS, _CRUD)
    | _perms(["sectors.member", "sectors.groupmembership"], ("view", "add", "change"))
    | _perms(["sectors.sectorgroup"] + _RULES, ("view",))
    | {PERSONAL_DATA_PERM},
    LEADER: _perms(_RECORDS, _CRUD) | _perms(_ROSTER + _RULES, ("view",)),
    CHAIRMAN: _perms(_RECORDS + _ROSTER + _RULES, ("view",)),
    ADMIN: _perms(_ALL_MODELS + _SCHEDULE, _CRUD)
    | {PERSONAL_DATA_PERM, "sectors.view_auditevent"}
    # Unlocking a locked-out sign-in and removing a lost authenticator (docs/it.md, "Roles").
    | _perms(["axes.accessattempt", "otp_totp.totpdevice"], ("view", "delete"))
    # The members' side (members app): notices, members' feedback, activation codes.
    | _perms(["members.notice", "members.noticerecipient", "members.feedback", "members.activationcode"], _CRUD),
    # Members read and write only their own rows, through views scoped to them; no model permission.
    MEMBER: set(),
}

# Checked in this order, so that a user put in two groups by mistake gets the
# narrower reading of a leader rather than a staff member's reach.
_PRECEDENCE = [LEADER, CHAIRMAN, STAFF, ADMIN, MEMBER]


def role_of(user) -> str | None:
    """The role of a logged-in user, or None for anonymous or role-less users."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return ADMIN
    cached = getattr(user, "_portal_role", "unset")
    if cached != "unset":
        return cached
    role = role_from_group_names(set(user.groups.values_list("name", flat=True)))
    if role == LEADER and user.sector_group_id is None:
        role = None  # a leader account without a group sees nothing
    if role == MEMBER and user.member_id is None:
        role = None  # a member account not linked to a member sees nothing
    user._portal_role = role
    return role


def role_from_group_names(names: set[str]) -> str | None:
    """The role that a set of Django group names gives, by precedence."""
    return next((code for code in _PRECEDENCE if GROUP_NAMES[code] in names), None)


def sync_role_groups(group_model, permission_model, *, later_apps_ok: bool = False) -> None:
    """Create the role groups and give each exactly its permissions.

    `later_apps_ok`: the roles migration runs before later migrations (ours, and
    third-party apps such as django-celery-beat), whose permissions are skipped there and given by
    the sync after every migrate, which is strict.
    """
    for code, perm_names in ROLE_PERMISSIONS.items():
        group, _created = group_model.objects.get_or_create(name=GROUP_NAMES[code])
        wanted = []
        for dotted in sorted(perm_names):
            app_label, codename = dotted.split(".")
            found = permission_model.objects.filter(content_type__app_label=app_label, codename=codename).first()
            # Inside a migration, a model (ours or a third-party app's) that a later migration
            # adds has no permission yet: the strict post_migrate sync gives it then.
            if found is None and not later_apps_ok:
                raise permission_model.DoesNotExist(dotted)
            if found is not None:
                wanted.append(found)
        group.permissions.set(wanted)
