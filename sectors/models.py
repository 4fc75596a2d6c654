"""Committees, their terms, the sector groups, members and where they work.

A committee (市政协) has terms (届) and sector activity groups (界别活动组).
Members belong to a group through dated memberships, so that a member can move
group or leave and rates can count only the time a member belonged.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal import cache as freshness
from portal import clock
from portal.validators import (
    birth_date_by_id_card,
    birth_year,
    mask_id_card,
    mask_mobile,
    normalize_id_card,
    validate_id_card,
    validate_mobile,
)


class Committee(models.Model):
    class Level(models.TextChoices):
        NATIONAL = "national", _("National")
        PROVINCE = "province", _("Provincial")
        CITY = "city", _("City")
        COUNTY = "county", _("County or district")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=40)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.CITY)
    region_code = models.CharField(_("region code"), max_length=6, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("committee")
        verbose_name_plural = _("committees")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def current_term(self) -> Term | None:
        return self.terms.filter(is_current=True).first()


class Term(models.Model):
    """A term (届) of a committee, usually five years."""

    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="terms", verbose_name=_("committee")
    )
    number = models.PositiveSmallIntegerField(_("term number"))
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    is_current = models.BooleanField(_("current term"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["committee", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "number"], name="term_unique_number"),
            models.UniqueConstraint(fields=["committee"], condition=Q(is_current=True), name="term_one_current"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gt=models.F("start_date")), name="term_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return _("Term %(number)s of %(committee)s") % {"number": self.number, "committee": self.committee}


class SectorGroup(models.Model):
    """One of the committee's sector activity groups (界别活动组)."""

    class Kind(models.TextChoices):
        PARTY = "party", _("Political party or non-party")
        ORGANISATION = "organisation", _("People's organisation")
        FIELD = "field", _("Field of work")

    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="sector_groups", verbose_name=_("committee")
    )
    name = models.CharField(_("name"), max_length=60)
    short_name = models.CharField(_("short name"), max_length=20)
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices, default=Kind.FIELD)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sector group")
        verbose_name_plural = _("sector groups")
        ordering = ["committee", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "name"], name="group_unique_name"),
            models.UniqueConstraint(fields=["committee", "short_name"], name="group_unique_short_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Member(models.Model):
    """A committee member (委员). ID-card and mobile numbers are personal data."""

    class Gender(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="members", verbose_name=_("committee")
    )
    member_number = models.CharField(_("member number"), max_length=20)
    name = models.CharField(_("name"), max_length=40, db_index=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    party = models.CharField(_("party affiliation"), max_length=40, blank=True)
    employer = models.CharField(_("employer"), max_length=100, blank=True)
    job_title = models.CharField(_("job title"), max_length=100, blank=True)
    mobile = models.CharField(_("mobile"), max_length=11, blank=True, validators=[validate_mobile])
    id_card = models.CharField(_("ID-card number"), max_length=18, blank=True, validators=[validate_id_card])
    is_active = models.BooleanField(_("active"), default=True)
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords(excluded_fields=["id_card", "mobile"])

    # What identifies a person (PIPL): never kept in the history or in cached summaries.
    PERSONAL_FIELDS = ("id_card", "mobile", "birth_date")

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["committee", "member_number"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "member_number"], name="member_unique_number"),
            models.UniqueConstraint(
                fields=["committee", "id_card"], condition=~Q(id_card=""), name="member_unique_id_card"
            ),
            models.CheckConstraint(condition=Q(gender__in=["M", "F"]), name="member_gender_valid"),
            models.CheckConstraint(
                condition=Q(mobile="") | Q(mobile__regex=r"^1[3-9][0-9]{9}$"), name="member_mobile_shape"
            ),
            models.CheckConstraint(
                condition=Q(id_card="") | Q(id_card__regex=r"^[1-9][0-9]{16}[0-9X]$"), name="member_id_card_shape"
            ),
        ]
        permissions = [("view_member_personal_data", _("Can see members' ID-card and mobile numbers"))]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.id_card = normalize_id_card(self.id_card)
        try:
            self.birth_date = birth_date_by_id_card(self.id_card, self.birth_date)
        except ValidationError as error:
            raise ValidationError({"birth_date": error}) from None

    @property
    def masked_id_card(self) -> str:
        return mask_id_card(self.id_card)

    @property
    def masked_mobile(self) -> str:
        return mask_mobile(self.mobile)

    @property
    def birth_year(self) -> str:
        """The birth date as users without the personal-data permission see it."""
        return birth_year(self.birth_date)


# A membership imported without a joining date starts here: the member belonged
# to the group before the portal's records begin, so activities of any earlier
# year can be recorded or imported with them.
RECORDS_BEGIN = datetime.date(2000, 1, 1)


def membership_covers(day: datetime.date, prefix: str = "") -> Q:
    """Memberships (reached through the lookup `prefix`) that cover the given day."""
    return Q(**{f"{prefix}start_date__lte": day}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": day})
    )


class GroupMembership(models.Model):
    """A member's dated place in a sector group, with their role there."""

    class Role(models.TextChoices):
        LEADER = "leader", _("Group leader")
        DEPUTY = "deputy", _("Deputy leader")
        LIAISON = "liaison", _("Liaison")
        MEMBER = "member", _("Member")

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("member"))
    group = models.ForeignKey(
        SectorGroup, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("sector group")
    )
    role = models.CharField(_("role in group"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    start_date = models.DateField(_("joined on"))
    end_date = models.DateField(_("left on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("group membership")
        verbose_name_plural = _("group memberships")
        ordering = ["group", "-start_date"]
        indexes = [
            models.Index(fields=["group", "start_date", "end_date"], name="membership_group_dates"),
            # "Was this member in this group on that day" for each attendance row (a leader's
            # figures): by group alone it read a large group's every membership per row.
            models.Index(fields=["member", "group", "start_date"], name="membership_member_group"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="membership_dates_ordered",
            ),
            # A member sits in one group at a time; a group has one leader at a time.
            models.UniqueConstraint(fields=["member"], condition=Q(end_date__isnull=True), name="membership_one_open"),
            models.UniqueConstraint(
                fields=["group"], condition=Q(end_date__isnull=True, role="leader"), name="membership_one_leader"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.group} ({self.get_role_display()})"

    def clean(self) -> None:
        if self.member_id and self.group_id and self.member.committee_id != self.group.committee_id:
            raise ValidationError({"group": _("The group belongs to another committee than the member.")})
        overlapping = GroupMembership.objects.filter(member_id=self.member_id).exclude(pk=self.pk)
        overlapping = overlapping.filter(Q(end_date__isnull=True) | Q(end_date__gte=self.start_date))
        if self.end_date:
            overlapping = overlapping.filter(start_date__lte=self.end_date)
        if self.start_date and overlapping.exists():
            raise ValidationError(_("This member already belongs to a group during these dates."))

    def covers(self, day: datetime.date) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)


class Workstation(models.Model):
    """A standing sector workstation (界别工作站), such as 致公驿站."""

    class HostKind(models.TextChoices):
        STUDIO = "studio", _("Member's studio")
        RECEPTION = "reception", _("Member's reception room")
        LEADER_UNIT = "leader_unit", _("Group leader's work unit")
        OTHER = "other", _("Other")

    group = models.ForeignKey(
        SectorGroup, on_delete=models.PROTECT, related_name="workstations", verbose_name=_("sector group")
    )
    name = models.CharField(_("name"), max_length=60)
    host_kind = models.CharField(_("host"), max_length=15, choices=HostKind.choices)
    host_member = models.ForeignKey(
        Member,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hosted_workstations",
        verbose_name=_("host member"),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    established_on = models.DateField(_("set up on"))
    # The closing date decides which years count the station (reports.figures):
    # closing one today leaves last year's figure as it was. `is_active` mirrors
    # it ("not closed") for lists and filters; save() keeps the two in step.
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("workstation")
        verbose_name_plural = _("workstations")
        ordering = ["group", "name"]
        constraints = [
            models.UniqueConstraint(fields=["group", "name"], name="workstation_unique_name"),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("established_on")),
                name="workstation_closed_after_set_up",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        # A writer that only switches the flag off (an older import sheet, the
        # admin) closes the station today; the date is what figures count.
        if not self.is_active and self.closed_on is None:
            self.closed_on = max(clock.today(), self.established_on) if self.established_on else clock.today()
        self.is_active = self.closed_on is None
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and ("is_active" in update_fields or "closed_on" in update_fields):
            kwargs["update_fields"] = set(update_fields) | {"is_active", "closed_on"}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        """Every writer's rule (the portal's form, the admin, the import sheet):
        its dates (date_errors); a name once per group; a host member of the group."""
        super().clean()
        errors = self.date_errors()
        name = (self.name or "").strip()
        same_name = Workstation.objects.filter(group_id=self.group_id, name=name).exclude(pk=self.pk)
        if name and self.group_id and same_name.exists():
            errors.setdefault("name", []).append(_("This group already has a workstation of this name."))
        if (
            self.host_member_id
            and self.group_id
            and not self.host_member.memberships.filter(group_id=self.group_id).exists()
        ):
            message = _("Not a member of %(group)s: %(names)s.") % {"group": self.group, "names": self.host_member.name}
            errors.setdefault("host_member", []).append(message)
        if errors:
            raise ValidationError(errors)

    def date_errors(self) -> dict[str, list]:
        """Set up and closed not in the future, closed not before it was set up (no query)."""
        errors: dict[str, list] = {}
        today = clock.today()
        for name in ("established_on", "closed_on"):
            day = getattr(self, name)
            if isinstance(day, datetime.date) and day > today:
                errors.setdefault(name, []).append(_("This date is in the future."))
        set_up, closed = self.established_on, self.closed_on
        if isinstance(set_up, datetime.date) and isinstance(closed, datetime.date) and closed < set_up:
            errors.setdefault("closed_on", []).append(_("A station cannot close before it was set up."))
        return errors

    def open_on(self, day: datetime.date) -> bool:
        """Set up on or before `day` and not closed before it."""
        return self.established_on <= day and (self.closed_on is None or day <= self.closed_on)

    def days_open(self, start: datetime.date, end: datetime.date) -> int:
        """Days of start..end (both included) on which the station was open."""
        first, last = max(start, self.established_on), min(end, self.closed_on or end)
        return max(0, (last - first).days + 1)


class Constituent(models.Model):
    """A person of the sector (界别群众) whom members keep in touch with."""

    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="constituents", verbose_name=_("committee")
    )
    name = models.CharField(_("name"), max_length=40)
    description = models.CharField(_("occupation or description"), max_length=100, blank=True)
    mobile = models.CharField(_("mobile"), max_length=11, blank=True, validators=[validate_mobile])
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    history = HistoricalRecords(excluded_fields=["mobile"])

    class Meta:
        verbose_name = _("constituent")
        verbose_name_plural = _("constituents")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(mobile="") | Q(mobile__regex=r"^1[3-9][0-9]{9}$"), name="constituent_mobile_shape"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.description}）" if self.description else self.name

    @property
    def masked_mobile(self) -> str:
        return mask_mobile(self.mobile)


class User(AbstractUser):
    """A portal user. A group leader's account is tied to exactly one group."""

    full_name = models.CharField(_("full name"), max_length=40, blank=True)
    sector_group = models.ForeignKey(
        SectorGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="leader_accounts",
        verbose_name=_("sector group (group leaders only)"),
    )
    member = models.OneToOneField(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="user", verbose_name=_("member")
    )
    # Who was given which role, by whom: never the password hash, the e-mail
    # address or the last login (a history row per login would bury the changes).
    history = HistoricalRecords(excluded_fields=["password", "last_login", "email"], m2m_fields=["groups"])

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def role(self) -> str | None:
        from portal.roles import role_of

        return role_of(self)


class ImportRun(models.Model):
    """One bulk import from a spreadsheet: who, when, which file, what it did.

    At most one import of each kind writes at a time: a run takes the lock
    with a conditional update to RUNNING, and the database refuses a second
    running run of the same kind (the partial unique constraint)."""

    class Kind(models.TextChoices):
        MEMBERS = "members", _("Members")
        WORKSTATIONS = "workstations", _("Workstations")
        ACTIVITIES = "activities", _("Activities")

    class Status(models.TextChoices):
        PREVIEWING = "previewing", _("Checking the file")
        PREVIEWED = "previewed", _("Waiting for confirmation")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Imported")
        REFUSED = "refused", _("Nothing imported: rows were rejected")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    file_name = models.CharField(_("file name"), max_length=200)
    stored_file = models.CharField(_("stored file"), max_length=200, blank=True)
    file_size = models.PositiveIntegerField(_("size in bytes"), default=0)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PREVIEWING)
    all_or_nothing = models.BooleanField(_("all rows or nothing"), default=False)
    # A member import's joining date for new members the file gives none (null: the write's date).
    default_joined_on = models.DateField(_("default joining date"), null=True, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    queued_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    rejected_count = models.PositiveIntegerField(_("rejected"), default=0)
    message = models.TextField(_("message"), blank=True)
    report = models.JSONField(_("report"), default=dict, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind"], condition=Q(status="running"), name="import_one_running_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.file_name}"

    @property
    def is_busy(self) -> bool:
        return self.status in (self.Status.PREVIEWING, self.Status.QUEUED, self.Status.RUNNING)


def committee_for_portal() -> Committee:
    """The committee this installation serves (settings.PORTAL_COMMITTEE_CODE); kept until
    the records change (portal.cache), as nearly every page asks for it. Recording an
    activity (a change confined to its year) never writes the committee: it stays cached."""
    code = settings.PORTAL_COMMITTEE_CODE
    return freshness.cached("committee", (code,), lambda: Committee.objects.get(code=code), years=())


class Notification(models.Model):
    """A message to one user in the portal (and by e-mail when they have an address).

    `key` names what the message is about (e.g. a reminder's group, rule and period):
    the unique constraint makes a second send of the same thing to the same user a
    no-op, however often a job is retried or run.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("user")
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    key = models.CharField(_("key"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], condition=~Q(key=""), name="notification_once_per_key"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class AuditEvent(models.Model):
    """What the change history of the records does not hold: sign-ins, exports,
    imports, bulk writes and views of personal data (see sectors.audit.events)."""

    class Action(models.TextChoices):
        LOGIN = "login", _("Signed in")
        LOGIN_FAILED = "login_failed", _("Sign-in failed")
        LOCKED_OUT = "locked_out", _("Locked out")
        LOGOUT = "logout", _("Signed out")
        IDLE_LOGOUT = "idle_logout", _("Signed out after inactivity")
        TWO_FACTOR = "two_factor", _("Two-factor sign-in")
        TWO_FACTOR_FAILED = "two_factor_failed", _("Two-factor code refused")
        TWO_FACTOR_ENROLLED = "two_factor_enrolled", _("Two-factor sign-in set up")
        TWO_FACTOR_RESET = "two_factor_reset", _("Two-factor sign-in reset")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        PERSONAL_DATA = "personal_data", _("Personal data shown")
        EXPORT = "export", _("Export")
        IMPORT = "import", _("Import")
        BULK_WRITE = "bulk_write", _("Bulk write")
        CONSTITUENT_MISMATCH = "constituent_mismatch", _("Typed constituent's mobile did not match")
        CHECK_IN = "check_in", _("Meeting check-in")
        POINTS_APPEAL = "points_appeal", _("Duty-points appeal resolved")

    when = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    username = models.CharField(_("user name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices, db_index=True)
    model = models.CharField(_("model"), max_length=100, blank=True, db_index=True)
    object_id = models.CharField(_("object"), max_length=40, blank=True)
    count = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    where = models.CharField(_("page or export"), max_length=300, blank=True)
    detail = models.TextField(_("detail"), blank=True)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-when", "-id"]
        indexes = [models.Index(fields=["user", "when"], name="audit_user_when")]

    def __str__(self) -> str:
        return f"{self.when:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()}"


class SubmissionKey(models.Model):
    """A form submission already saved (sectors.submissions): the one-time key
    issued with the form, or a digest of the submission; the unique key makes a
    second identical submission fail, also when both arrive at once."""

    key = models.CharField(_("key"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("saved submission")
        verbose_name_plural = _("saved submissions")

    def __str__(self) -> str:
        return self.key


class ExportRun(models.Model):
    """A large Excel export written by the worker (sectors.ops.exports): the request's page
    and filters, replayed for the user who asked; the file is theirs alone and is
    deleted after EXPORT_KEEP_HOURS."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Writing the file")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("asked by")
    )
    path = models.CharField(_("page"), max_length=200)
    query = models.CharField(_("filters"), max_length=2000, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    stored_file = models.CharField(_("stored file"), max_length=200, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("asked at"), default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.path} ({self.get_status_display()})"
