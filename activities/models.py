"""The six carriers' records: activities with attendance and attachments,
public-opinion reports, proposals, constituent contacts, duty reports and the
groups' yearly plan and summary documents.

Every record names the group(s) it belongs to, so that a group leader's access
can be scoped with one filter; every change is kept by django-simple-history.
"""

from __future__ import annotations

import datetime
import pathlib
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal import clock
from sectors.models import Committee, Constituent, Member, SectorGroup, Workstation

from . import rules
from .carriers import KIND_RULES, ActivityKind


class Activity(models.Model):
    class Format(models.TextChoices):
        OFFLINE = "offline", _("Offline")
        ONLINE = "online", _("Online")
        BOTH = "both", _("Online and offline")

    class Status(models.TextChoices):
        HELD = "held", _("Held")
        PLANNED = "planned", _("Planned")

    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="activities", verbose_name=_("committee")
    )
    groups = models.ManyToManyField(SectorGroup, related_name="activities", verbose_name=_("sector groups"))
    kind = models.CharField(_("type"), max_length=20, choices=ActivityKind.choices, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"), db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.HELD)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices, default=Format.OFFLINE)
    location = models.CharField(_("location"), max_length=200, blank=True)
    # A planned meeting's hours: they bound the QR check-in window (activities/checkin.py).
    start_time = models.TimeField(_("starts at"), null=True, blank=True)
    end_time = models.TimeField(_("ends at"), null=True, blank=True)
    partners = models.CharField(_("partner bodies"), max_length=300, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    other_participants = models.PositiveIntegerField(_("other participants"), default=0)
    workstation = models.ForeignKey(
        Workstation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("workstation"),
    )
    is_highlight = models.BooleanField(_("highlight"), default=False)
    highlight_note = models.CharField(_("highlight note"), max_length=300, blank=True)
    attendees = models.ManyToManyField(
        Member, through="Attendance", related_name="activities", verbose_name=_("attendees")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(m2m_fields=[groups])

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["committee", "-date", "-id"], name="activity_committee_date")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ActivityKind.values), name="activity_kind_valid"),
        ]

    def __str__(self) -> str:
        # An activity being typed may have no valid date yet.
        day = f"{self.date:%Y-%m-%d}" if isinstance(self.date, datetime.date) else "—"
        return f"{day} {self.title}"

    def clean(self) -> None:
        """Every writer's rule (activities.rules): a held activity is not in the
        future. Its groups and workstation: rules.activity_groups_errors."""
        super().clean()
        rules.refuse(rules.held_errors(self))

    @property
    def records_year(self) -> int | None:
        """The year whose summaries count this activity (portal.cache)."""
        return self.date.year if isinstance(self.date, datetime.date) else None

    @property
    def carrier(self):
        return KIND_RULES[self.kind].carrier

    @property
    def have(self):
        return KIND_RULES[self.kind].have


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        ABSENT = "absent", _("Absent")

    class AbsenceReason(models.TextChoices):
        LEAVE = "leave", _("Asked for leave")
        OFFICIAL = "official", _("Official business")
        ILLNESS = "illness", _("Illness")
        OTHER = "other", _("Other")

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("activity")
    )
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="attendance", verbose_name=_("member"))
    status = models.CharField(_("attendance"), max_length=10, choices=Status.choices, default=Status.PRESENT)
    absence_reason = models.CharField(_("reason for absence"), max_length=10, choices=AbsenceReason.choices, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["activity", "member"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "member"], name="attendance_unique_member"),
            models.CheckConstraint(
                condition=Q(status="present", absence_reason="") | Q(status="absent"),
                name="attendance_reason_only_when_absent",
            ),
        ]
        indexes = [
            models.Index(fields=["member", "status"], name="attendance_member_status"),
            # Members present per activity (lists, figures) from the index alone.
            models.Index(fields=["activity", "status"], name="attendance_activity_status"),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.get_status_display()}"


def attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name is random: what the user called the file never becomes a
    # path on disk (it is kept in original_name for downloads).
    ext = pathlib.Path(filename).suffix.lower()
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{ext}"


class Attachment(models.Model):
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("activity")
    )
    file = models.FileField(_("file"), upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size in bytes"))
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["activity", "uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class AdoptingBody(models.TextChoices):
    """Who adopted a report or made a proposal a key one. The level (city,
    province, nation) is the report's status; a later adoption ladder (by level
    and body, leaders' 批示) can grow from this record's date and body."""

    CPPCC = "cppcc", _("CPPCC committee")
    PARTY_COMMITTEE = "party_committee", _("Party committee")
    GOVERNMENT = "government", _("Government")
    PEOPLES_CONGRESS = "peoples_congress", _("People's congress")
    OTHER = "other", _("Other")


class OpinionReport(models.Model):
    """A public-opinion report (社情民意信息).

    An adoption (采用) counts in the year of `adopted_on` (reports.figures),
    not the year the report was submitted: a closed year never drifts."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ADOPTED_CITY = "adopted_city", _("Adopted at city level")
        ADOPTED_PROVINCE = "adopted_province", _("Adopted at provincial level")
        ADOPTED_NATIONAL = "adopted_national", _("Adopted at national level")

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="+", verbose_name=_("committee"))
    group = models.ForeignKey(
        SectorGroup, on_delete=models.PROTECT, related_name="opinion_reports", verbose_name=_("sector group")
    )
    workstation = models.ForeignKey(
        Workstation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="opinion_reports",
        verbose_name=_("workstation"),
    )
    title = models.CharField(_("title"), max_length=200)
    content = models.TextField(_("content"), blank=True)
    submitted_on = models.DateField(_("submitted on"), db_index=True)
    submitters = models.ManyToManyField(Member, related_name="opinion_reports", verbose_name=_("submitters"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    adopted_by = models.CharField(_("adopted by"), max_length=20, choices=AdoptingBody.choices, blank=True)
    leader_comment = models.TextField(_("leader's comment"), blank=True)
    history = HistoricalRecords(m2m_fields=[submitters])

    class Meta:
        verbose_name = _("public-opinion report")
        verbose_name_plural = _("public-opinion reports")
        ordering = ["-submitted_on", "-id"]
        constraints = [
            # The form's "already recorded" rule, kept also by two submissions at once.
            models.UniqueConstraint(fields=["group", "title", "submitted_on"], name="opinion_report_once_per_day"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_adopted(self) -> bool:
        return self.status != self.Status.SUBMITTED

    def _check_workstation(self, errors: rules.Errors) -> None:
        station = self.workstation if self.workstation_id else None
        if station is None:
            return
        if self.group_id and station.group_id != self.group_id:
            rules.add(errors, "workstation", _("This workstation belongs to another group."))
        elif isinstance(self.submitted_on, datetime.date) and not station.open_on(self.submitted_on):
            rules.add(
                errors, "workstation", _("This workstation was not open on %(date)s.") % {"date": self.submitted_on}
            )

    def clean(self) -> None:
        """The one rule for every writer (the portal's form, the admin): dates not
        in the future; an adoption has its date and body; a report names a
        workstation of its own group, open on the report's date; once per group,
        title and day. Its submitters: activities.rules.submitters_errors."""
        super().clean()
        adoption_errors(self, adopted=self.is_adopted, on="adopted_on", by="adopted_by")
        errors = rules.not_in_the_future(self, "submitted_on", "adopted_on")
        self._check_workstation(errors)
        if (
            self.group_id
            and self.title
            and isinstance(self.submitted_on, datetime.date)
            and rules.already_recorded(self, group_id=self.group_id, title=self.title, submitted_on=self.submitted_on)
        ):
            rules.add(errors, "title", _("This report is already recorded for this group on this date."))
        rules.refuse(errors)


def adoption_errors(record: models.Model, *, adopted: bool, on: str, by: str) -> None:
    """An adoption (or key designation) carries its date, on or after the
    record's submission, and its body; a record not adopted carries neither."""
    day, body, submitted = getattr(record, on), getattr(record, by), record.submitted_on
    errors = {}
    if adopted and day is None:
        errors[on] = _("Enter the date of the decision.")
    if adopted and not body:
        errors[by] = _("Choose the body that decided.")
    if not adopted and (day is not None or body):
        errors[on] = _("Leave the date and body empty unless it was decided.")
    if day is not None and isinstance(submitted, datetime.date) and day < submitted:
        errors[on] = _("The decision cannot come before the submission (%(date)s).") % {"date": submitted}
    if errors:
        raise ValidationError(errors)


ANSWER_MONTHS = 3  # the handling rules' answer period (办理期限): three months after assignment


def default_answer_due(assigned_on: datetime.date) -> datetime.date:
    """The one rule for an answer's deadline: ANSWER_MONTHS after the proposal
    was assigned (交办), on the same day of the month or the month's last day."""
    month = assigned_on.month - 1 + ANSWER_MONTHS
    year, month = assigned_on.year + month // 12, month % 12 + 1
    next_month = datetime.date(year + month // 12, month % 12 + 1, 1)
    last_day = (next_month - datetime.timedelta(days=1)).day
    return datetime.date(year, month, min(assigned_on.day, last_day))


def answer_path(instance: Proposal, filename: str) -> str:
    ext = pathlib.Path(filename).suffix.lower()
    return f"answers/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{ext}"


class Proposal(models.Model):
    """A proposal (提案) by members or in the group's name, followed to closure.

    The flow (activities.services.proposals): submitted → accepted (立案,
    stored as "filed") / not accepted / merged into another → assigned to
    handling units (交办) → answered (答复) → closed ("handled", 办结) once the
    proposer's satisfaction and the implementation grade are in.

    Joint proposals: `proposers` holds everyone, `first_proposer` the first
    (领衔); the co-proposers (附议) are the others.

    Being a key proposal (重点提案) counts in the year of `key_on`; an answer in
    the year of `answered_on`."""

    class Status(models.TextChoices):
        # The values "filed" and "handled" predate the flow: "filed" is the
        # acceptance (立案), "handled" the closure (办结).
        SUBMITTED = "submitted", _("Submitted")
        FILED = "filed", _("Accepted")
        NOT_ACCEPTED = "not_accepted", _("Not accepted")
        MERGED = "merged", _("Merged")
        ASSIGNED = "assigned", _("Assigned")
        ANSWERED = "answered", _("Answered")
        HANDLED = "handled", _("Closed")

    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        BASICALLY = "basically", _("Basically satisfied")
        DISSATISFIED = "dissatisfied", _("Dissatisfied")

    class Implementation(models.TextChoices):
        SOLVED = "A", _("A · Solved")
        IN_PROGRESS = "B", _("B · Being solved")
        PLANNED = "C", _("C · Planned")
        NOT_POSSIBLE = "D", _("D · Cannot be solved for now")

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="+", verbose_name=_("committee"))
    group = models.ForeignKey(
        SectorGroup, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("sector group")
    )
    number = models.CharField(_("proposal number"), max_length=20, blank=True)
    title = models.CharField(_("title"), max_length=200)
    content = models.TextField(_("content"), blank=True)
    submitted_on = models.DateField(_("submitted on"), db_index=True)
    proposers = models.ManyToManyField(Member, related_name="proposals", verbose_name=_("proposers"))
    first_proposer = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="first_proposals",
        verbose_name=_("first proposer"),
    )
    is_group_proposal = models.BooleanField(_("in the group's name"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    decided_on = models.DateField(_("accepted or declined on"), null=True, blank=True)
    decision_note = models.CharField(_("reason"), max_length=300, blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_proposals",
        verbose_name=_("merged into"),
    )
    is_key = models.BooleanField(_("key proposal"), default=False)
    key_on = models.DateField(_("made a key proposal on"), null=True, blank=True)
    key_by = models.CharField(_("made a key proposal by"), max_length=20, choices=AdoptingBody.choices, blank=True)
    supervising_leader = models.CharField(_("supervising leader"), max_length=100, blank=True)
    is_excellent = models.BooleanField(_("excellent proposal"), default=False)
    excellent_year = models.PositiveSmallIntegerField(_("excellent proposal of the year"), null=True, blank=True)
    answer_due = models.DateField(_("answer due"), null=True, blank=True, db_index=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answer_text = models.TextField(_("answer"), blank=True)
    answer_file = models.FileField(_("answer file"), upload_to=answer_path, blank=True)
    answer_file_name = models.CharField(_("file name"), max_length=200, blank=True)
    satisfaction = models.CharField(_("satisfaction"), max_length=15, choices=Satisfaction.choices, blank=True)
    implementation = models.CharField(_("implementation"), max_length=1, choices=Implementation.choices, blank=True)
    implemented_on = models.DateField(_("implementation graded on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[proposers])

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-submitted_on", "-id"]
        constraints = [
            # Per group, not per committee: a committee-wide check would tell a group
            # leader which numbers other groups have recorded.
            models.UniqueConstraint(
                fields=["group", "number"], condition=~Q(number=""), name="proposal_unique_number_per_group"
            ),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | Q(status="merged"), name="proposal_merged_into_when_merged"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_accepted(self) -> bool:
        """Accepted (立案) at some point: the later steps follow acceptance."""
        return self.status in ACCEPTED_STATES

    @property
    def co_proposers(self) -> list[Member]:
        return [member for member in self.proposers.all() if member.pk != self.first_proposer_id]

    def is_overdue(self, today: datetime.date) -> bool:
        return self.answered_on is None and self.answer_due is not None and self.answer_due < today

    def clean(self) -> None:
        """Every writer's rule: dates not in the future; a key proposal has its
        date and body; a number once per group (within the group only: other
        groups' numbers are not the user's to probe). Its proposers:
        activities.rules.proposers_errors."""
        super().clean()
        adoption_errors(self, adopted=self.is_key, on="key_on", by="key_by")
        errors = rules.not_in_the_future(self, "submitted_on", "key_on")
        number = (self.number or "").strip()
        if number and self.group_id and rules.already_recorded(self, group_id=self.group_id, number=number):
            rules.add(errors, "number", _("Another proposal of this group already has this number."))
        if self.is_excellent and not self.excellent_year:
            rules.add(errors, "excellent_year", _("Enter the year it was named excellent."))
        rules.refuse(errors)


# Accepted, then possibly assigned, answered and closed.
ACCEPTED_STATES = (
    Proposal.Status.FILED,
    Proposal.Status.ASSIGNED,
    Proposal.Status.ANSWERED,
    Proposal.Status.HANDLED,
)


class ProposalHandling(models.Model):
    """A unit a proposal was assigned to (交办): the lead (主办) or a co-handler (协办)."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="handlings", verbose_name=_("proposal")
    )
    unit = models.CharField(_("handling unit"), max_length=100)
    is_lead = models.BooleanField(_("lead unit"), default=True)
    assigned_on = models.DateField(_("assigned on"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("handling unit")
        verbose_name_plural = _("handling units")
        ordering = ["proposal", "-is_lead", "unit"]
        constraints = [models.UniqueConstraint(fields=["proposal", "unit"], name="handling_unit_once_per_proposal")]

    def __str__(self) -> str:
        return self.unit


class AdoptionLevel(models.TextChoices):
    """The rungs of an opinion report's adoption ladder, lowest first."""

    COMMITTEE = "committee", _("City CPPCC")
    CITY = "city", _("City Party committee and government")
    PROVINCE = "province", _("Provincial CPPCC, Party committee or government")
    NATIONAL = "national", _("National CPPCC or central authorities")


# The rung's order and the report's status it stands for (the highest rung is
# the report's status, adopted_on and adopted_by).
ADOPTION_RANK = {level: rank for rank, level in enumerate(AdoptionLevel.values)}
LEVEL_STATUS = {
    AdoptionLevel.COMMITTEE: OpinionReport.Status.ADOPTED_CITY,
    AdoptionLevel.CITY: OpinionReport.Status.ADOPTED_CITY,
    AdoptionLevel.PROVINCE: OpinionReport.Status.ADOPTED_PROVINCE,
    AdoptionLevel.NATIONAL: OpinionReport.Status.ADOPTED_NATIONAL,
}


class OpinionAdoption(models.Model):
    """One rung of an opinion report's adoption ladder (采用): a level, the body
    that adopted it and the day. Counted in the year of `adopted_on`."""

    report = models.ForeignKey(
        OpinionReport, on_delete=models.CASCADE, related_name="adoptions", verbose_name=_("public-opinion report")
    )
    level = models.CharField(_("level"), max_length=15, choices=AdoptionLevel.choices)
    adopted_by = models.CharField(_("kind of body"), max_length=20, choices=AdoptingBody.choices)
    body = models.CharField(_("adopting body"), max_length=100, blank=True)
    adopted_on = models.DateField(_("adopted on"), db_index=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("adoption")
        verbose_name_plural = _("adoptions")
        ordering = ["report", "adopted_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "level", "body"], name="adoption_once_per_level_body"),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.body}".strip()


class InstructionLevel(models.TextChoices):
    CITY = "city", _("City leader")
    PROVINCE = "province", _("Provincial leader")
    NATIONAL = "national", _("National leader")


def scan_path(instance: Instruction, filename: str) -> str:
    ext = pathlib.Path(filename).suffix.lower()
    return f"instructions/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{ext}"


class Instruction(models.Model):
    """A leader's written instruction (批示) on an opinion report or a proposal,
    counted in the year it was given (`dated`)."""

    report = models.ForeignKey(
        OpinionReport,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="instructions",
        verbose_name=_("public-opinion report"),
    )
    proposal = models.ForeignKey(
        Proposal,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="instructions",
        verbose_name=_("proposal"),
    )
    level = models.CharField(_("level"), max_length=15, choices=InstructionLevel.choices)
    leader_title = models.CharField(_("leader's title"), max_length=100)
    dated = models.DateField(_("date of the instruction"), db_index=True)
    note = models.TextField(_("what the instruction says"), blank=True)
    scan = models.FileField(_("scan"), upload_to=scan_path, blank=True)
    scan_name = models.CharField(_("file name"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("leader's instruction")
        verbose_name_plural = _("leaders' instructions")
        ordering = ["-dated", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(report__isnull=False, proposal__isnull=True)
                | Q(report__isnull=True, proposal__isnull=False),
                name="instruction_on_report_or_proposal",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.leader_title} {self.dated}"

    @property
    def record(self) -> OpinionReport | Proposal:
        return self.report if self.report_id else self.proposal

    @property
    def group_id(self) -> int:
        return self.record.group_id


class ConsultationOutcome(models.Model):
    """An output of a consultation meeting (协商成果): a suggestion, where it was
    sent and the response."""

    activity = models.ForeignKey(
        Activity,
        on_delete=models.CASCADE,
        related_name="outcomes",
        limit_choices_to={"kind": ActivityKind.CONSULTATION},
        verbose_name=_("consultation meeting"),
    )
    suggestion = models.TextField(_("suggestion"))
    sent_to = models.CharField(_("sent to"), max_length=200)
    response = models.TextField(_("response"), blank=True)
    responded_on = models.DateField(_("responded on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("consultation outcome")
        verbose_name_plural = _("consultation outcomes")
        ordering = ["activity", "id"]

    def __str__(self) -> str:
        return self.suggestion[:40]

    def clean(self) -> None:
        super().clean()
        activity = self.activity if self.activity_id else None
        if activity is not None and activity.kind != ActivityKind.CONSULTATION:
            raise ValidationError({"activity": _("This activity is not a consultation meeting.")})
        if self.response and self.responded_on is None:
            raise ValidationError({"responded_on": _("Enter the date of the response.")})
        if self.responded_on is not None and not self.response:
            raise ValidationError({"response": _("Enter the response.")})


class ConstituentContact(models.Model):
    """A member's contact with a constituent (界别e联网: at least 3 each)."""

    class Way(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        PHONE = "phone", _("Phone")
        WECHAT = "wechat", _("WeChat")
        MAILBOX = "mailbox", _("Online mailbox")
        WORKSTATION = "workstation", _("At a workstation")
        OTHER = "other", _("Other")

    group = models.ForeignKey(
        SectorGroup, on_delete=models.PROTECT, related_name="constituent_contacts", verbose_name=_("sector group")
    )
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="constituent_contacts", verbose_name=_("member")
    )
    constituent = models.ForeignKey(
        Constituent, on_delete=models.PROTECT, related_name="contacts", verbose_name=_("constituent")
    )
    way = models.CharField(_("way of contact"), max_length=15, choices=Way.choices)
    contacted_on = models.DateField(_("date"), db_index=True)
    note = models.TextField(_("what was discussed"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("constituent contact")
        verbose_name_plural = _("constituent contacts")
        ordering = ["-contacted_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "constituent", "contacted_on", "way"], name="contact_unique_per_day"
            ),
        ]

    def __str__(self) -> str:
        # A contact being typed may not have its constituent yet (a new one is
        # created only when the form is valid).
        constituent = self.constituent if self.constituent_id else "—"
        member = self.member if self.member_id else "—"
        return f"{member} → {constituent}"

    def clean(self) -> None:
        """Every writer's rule: not in the future; the contact's group is the
        member's group on its date; the same contact is recorded once."""
        super().clean()
        errors = rules.not_in_the_future(self, "contacted_on")
        day = self.contacted_on if isinstance(self.contacted_on, datetime.date) else None
        if self.member_id and self.group_id and day:
            errors = rules.merged(errors, rules.belonging_errors(self.member, self.group, day))
        if (
            self.member_id
            and self.constituent_id
            and day
            and self.way
            and rules.already_recorded(
                self, member_id=self.member_id, constituent_id=self.constituent_id, contacted_on=day, way=self.way
            )
        ):
            rules.add(errors, "constituent", _("This contact is already recorded."))
        rules.refuse(errors)


class DutyReport(models.Model):
    """A member's report of their year of duty (述职) at a duty-report meeting."""

    group = models.ForeignKey(
        SectorGroup, on_delete=models.PROTECT, related_name="duty_reports", verbose_name=_("sector group")
    )
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="duty_reports", verbose_name=_("member"))
    meeting = models.ForeignKey(
        Activity,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duty_reports",
        limit_choices_to={"kind": ActivityKind.DUTY_REPORT},
        verbose_name=_("duty-report meeting"),
    )
    title = models.CharField(_("title"), max_length=200)
    reported_on = models.DateField(_("date"), db_index=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("duty report")
        verbose_name_plural = _("duty reports")
        ordering = ["-reported_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["member", "meeting"], name="duty_report_once_per_meeting")]

    def __str__(self) -> str:
        return f"{self.member}: {self.title}"

    def _check_meeting(self, meeting: Activity) -> None:
        if meeting.kind != ActivityKind.DUTY_REPORT:
            raise ValidationError({"meeting": _("This activity is not a duty-report meeting.")})
        if meeting.status != Activity.Status.HELD:
            raise ValidationError({"meeting": _("This meeting has not been held yet.")})
        if self.group_id and not meeting.groups.filter(pk=self.group_id).exists():
            raise ValidationError({"meeting": _("This meeting is not one of the member's group.")})
        if isinstance(self.reported_on, datetime.date) and self.reported_on != meeting.date:
            raise ValidationError(
                {"reported_on": _("Use the meeting's date, %(date)s.") % {"date": meeting.date.isoformat()}}
            )

    @property
    def assessed_on(self) -> datetime.date | None:
        """The day that decides whose member and which year: the meeting's date."""
        return self.meeting.date if self.meeting_id else self.reported_on

    def clean(self) -> None:
        """The one rule for every writer (the portal's form, the admin; the
        import resolves reporters by the same membership dates): not in the
        future; the meeting is a held duty-report meeting of the report's group,
        dated as the report, and the reporter belongs to that group on the
        meeting's date; a member reports once at a meeting, and a report
        without a meeting is recorded once."""
        super().clean()
        meeting = self.meeting if self.meeting_id else None
        if meeting is not None:
            self._check_meeting(meeting)
        errors = rules.not_in_the_future(self, "reported_on")
        day = self.assessed_on
        if self.member_id and self.group_id and isinstance(day, datetime.date):
            errors = rules.merged(errors, rules.belonging_errors(self.member, self.group, day))
        rules.refuse(rules.merged(errors, self._once_errors()))

    def _once_errors(self) -> rules.Errors:
        if not self.member_id:
            return {}
        if self.meeting_id:
            if rules.already_recorded(self, member_id=self.member_id, meeting_id=self.meeting_id):
                return {"meeting": [str(_("This member has already reported at this meeting."))]}
            return {}
        # The database's unique constraint covers member + meeting only.
        if (
            self.title
            and isinstance(self.reported_on, datetime.date)
            and rules.already_recorded(
                self, member_id=self.member_id, meeting__isnull=True, title=self.title, reported_on=self.reported_on
            )
        ):
            return {"title": [str(_("This duty report is already recorded."))]}
        return {}


def document_path(instance: GroupDocument, filename: str) -> str:
    ext = pathlib.Path(filename).suffix.lower()
    return f"documents/{instance.year}/{uuid.uuid4().hex}{ext}"


class GroupDocument(models.Model):
    """A group's work plan or year-end summary for one year."""

    class Kind(models.TextChoices):
        PLAN = "plan", _("Work plan")
        SUMMARY = "summary", _("Year-end summary")

    group = models.ForeignKey(
        SectorGroup, on_delete=models.PROTECT, related_name="documents", verbose_name=_("sector group")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    dated = models.DateField(_("date of the document"))
    file = models.FileField(_("file"), upload_to=document_path, blank=True)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plan or summary")
        verbose_name_plural = _("plans and summaries")
        ordering = ["-year", "group", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["group", "year", "kind"], name="document_one_per_kind_year"),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="document_year_range"),
        ]

    def __str__(self) -> str:
        return f"{self.group} {self.year} {self.get_kind_display()}"

    def clean(self) -> None:
        """Every writer's rule: dated in its year (see _dated_errors), not in the
        future, for a year at most one ahead; one plan and one summary per group and year."""
        super().clean()
        errors = rules.not_in_the_future(self, "dated")
        year = self.year if isinstance(self.year, int) else None
        if year and year > clock.today().year + 1:
            rules.add(errors, "year", _("Plans and summaries can be entered at most one year ahead."))
        if year and self.kind and isinstance(self.dated, datetime.date) and "dated" not in errors:
            errors = rules.merged(errors, self._dated_errors(year))
        if (
            self.group_id
            and year
            and self.kind
            and rules.already_recorded(self, group_id=self.group_id, year=year, kind=self.kind)
        ):
            message = _("%(group)s already has a %(kind)s for %(year)s.") % {
                "group": self.group,
                "kind": GroupDocument.Kind(self.kind).label,
                "year": year,
            }
            rules.add(errors, "kind", message)
        rules.refuse(errors)

    def _dated_errors(self, year: int) -> rules.Errors:
        """A document is dated in its year or the next (a year-end summary is
        often finished in January). A work plan may also be dated in the year
        before: next year's plan is written in December, and without that it
        could not be entered before its year, as dates are never in the future."""
        if self.kind == self.Kind.PLAN and self.dated.year not in (year - 1, year, year + 1):
            message = _("A work plan for %(year)s must be dated between %(first)s and %(last)s.") % {
                "year": year,
                "first": year - 1,
                "last": year + 1,
            }
            return {"dated": [message]}
        if self.kind == self.Kind.SUMMARY and self.dated.year not in (year, year + 1):
            message = _("A year-end summary for %(year)s must be dated in %(year)s or %(next)s.") % {
                "year": year,
                "next": year + 1,
            }
            return {"dated": [message]}
        return {}


class MeetingAnswer(models.Model):
    """A member's answer to a planned meeting: attending, or asking for leave
    (which the group leader or staff approve or refuse). Confirming the roster
    turns approved leave into an absence "asked for leave"."""

    class Answer(models.TextChoices):
        ATTEND = "attend", _("Attending")
        LEAVE = "leave", _("Asking for leave")

    class Leave(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        APPROVED = "approved", _("Leave approved")
        REFUSED = "refused", _("Leave refused")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="answers", verbose_name=_("activity"))
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="meeting_answers", verbose_name=_("member")
    )
    answer = models.CharField(_("answer"), max_length=10, choices=Answer.choices)
    reason = models.CharField(_("reason for leave"), max_length=200, blank=True)
    leave_status = models.CharField(_("leave"), max_length=10, choices=Leave.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("decided by"),
    )  # fmt: skip
    answered_at = models.DateTimeField(_("answered at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("meeting answer")
        verbose_name_plural = _("meeting answers")
        ordering = ["activity", "member"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "member"], name="meeting_answer_once"),
            models.CheckConstraint(
                condition=Q(answer="attend", leave_status="", reason="") | Q(answer="leave") & ~Q(leave_status=""),
                name="meeting_answer_leave_shape",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.get_answer_display()}"


class CheckIn(models.Model):
    """A member's presence at a planned meeting, by scanning its QR code or
    ticked by staff. One per member and meeting (the constraint is the lock)."""

    class Method(models.TextChoices):
        QR = "qr", _("QR code")
        MANUAL = "manual", _("Ticked by staff")

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="check_ins", verbose_name=_("activity")
    )
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="check_ins", verbose_name=_("member"))
    method = models.CharField(_("how"), max_length=10, choices=Method.choices)
    slot = models.BigIntegerField(_("code slot"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("recorded by"),
    )  # fmt: skip
    checked_in_at = models.DateTimeField(_("checked in at"), default=timezone.now)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["activity", "checked_in_at"]
        constraints = [models.UniqueConstraint(fields=["activity", "member"], name="check_in_once")]

    def __str__(self) -> str:
        return f"{self.member} · {self.activity_id}"


class SelfReport(models.Model):
    """Work a member reports themselves: a constituent contact, a draft
    public-opinion report or an activity outside the portal. It counts only
    once the group leader or staff accept it, which creates the real record
    from what the member wrote."""

    class Kind(models.TextChoices):
        CONTACT = "contact", _("Constituent contact")
        OPINION = "opinion", _("Public-opinion report")
        ACTIVITY = "activity", _("Activity taken part in")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Awaiting review")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned")

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="self_reports", verbose_name=_("member"))
    group = models.ForeignKey(
        SectorGroup, on_delete=models.PROTECT, related_name="self_reports", verbose_name=_("sector group")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    content = models.TextField(_("details"), blank=True)
    constituent_name = models.CharField(_("constituent's name"), max_length=40, blank=True)
    way = models.CharField(_("way of contact"), max_length=15, choices=ConstituentContact.Way.choices, blank=True)
    activity_kind = models.CharField(_("type of activity"), max_length=20, choices=ActivityKind.choices, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    review_comment = models.TextField(_("reviewer's comment"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("reviewed by"),
    )  # fmt: skip
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    contact = models.ForeignKey(
        ConstituentContact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("constituent contact"),
    )  # fmt: skip
    opinion_report = models.ForeignKey(
        OpinionReport, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("public-opinion report"),
    )  # fmt: skip
    activity = models.ForeignKey(
        Activity, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("activity")
    )
    created_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("self-reported item")
        verbose_name_plural = _("self-reported items")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["group", "status"], name="self_report_group_status")]

    def __str__(self) -> str:
        return f"{self.member} · {self.title}"
