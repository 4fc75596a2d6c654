"""Spreadsheet import and export of the roster: members, groups, workstations.

The member sheet is the one the members' affairs committee already keeps in
Excel, with Chinese column headers (编号, 姓名, 性别 …). A member is found by
their member number within the portal's committee; importing a sheet again
updates members instead of duplicating them, and moves a member to another
group or role from today through `sectors.roster.services.membership_change`.

A sheet is imported whole or not at all: one bad row rejects the file (the
import runs in one transaction and validation errors roll it back), and every
bad row is reported with its number and the column at fault.
"""

from __future__ import annotations

import datetime
from functools import cached_property

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets

from portal import clock
from portal.validators import birth_year, id_card_birth_date, mask_id_card, mask_mobile, normalize_id_card
from sectors.models import Committee, GroupMembership, Member, SectorGroup, Workstation, committee_for_portal
from sectors.roster.services import membership_change

# The sheet's column headers are part of the file format, not of the UI: the
# committee's existing spreadsheets use exactly these.
GENDER_LABELS = {Member.Gender.MALE: "男", Member.Gender.FEMALE: "女"}
ROLE_LABELS = {
    GroupMembership.Role.LEADER: "组长",
    GroupMembership.Role.DEPUTY: "副组长",
    GroupMembership.Role.LIAISON: "联络员",
    GroupMembership.Role.MEMBER: "委员",
}
MEMBER_COLUMNS = {
    "member_number": "编号",
    "name": "姓名",
    "gender": "性别",
    "birth_date": "出生日期",
    "party": "党派",
    "employer": "工作单位",
    "job_title": "职务",
    "mobile": "手机",
    "id_card": "身份证号",
    "group": "界别",
    "group_role": "界内职务",
}
REQUIRED_MEMBER_COLUMNS = ("member_number", "name", "gender", "group")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d")


def cell_text(value) -> str:
    """A spreadsheet cell as text: Excel hands numbers over as int or float."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    return str(value).strip()


class TextWidget(widgets.CharWidget):
    """Text that Excel may have turned into a number (member numbers, phones)."""

    def clean(self, value, row=None, **kwargs):
        return cell_text(value)


class IdCardWidget(TextWidget):
    def clean(self, value, row=None, **kwargs):
        return normalize_id_card(cell_text(value))


class MaskedWidget(TextWidget):
    """Personal data: exported masked unless the resource was told otherwise."""

    def __init__(self, mask, **kwargs):
        super().__init__(**kwargs)
        self.mask = mask

    def render(self, value, obj=None, **kwargs):
        return self.mask(value or "")


class DateWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = cell_text(value)
        for fmt in _DATE_FORMATS:
            try:
                return datetime.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        raise ValueError(_("Write dates like 1980-01-31."))

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class BirthYearWidget(DateWidget):
    """The birth year only: month and day would complete a masked ID-card number."""

    def render(self, value, obj=None, **kwargs):
        return birth_year(value)


class LabelChoiceWidget(widgets.Widget):
    """A choice written as its label in the sheet (男/女, 组长 …); the stored
    code is accepted too."""

    def __init__(self, labels: dict[str, str], error: str, default: str | None = None):
        super().__init__()
        self.labels = labels
        self.error = error
        self.default = default

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text and self.default is not None:
            return self.default
        codes = {str(label): code for code, label in self.labels.items()} | {code: code for code in self.labels}
        if text in codes:
            return codes[text]
        allowed = "、".join(str(label) for label in self.labels.values())
        raise ValueError(self.error % {"value": text, "allowed": allowed})

    def render(self, value, obj=None, **kwargs):
        return str(self.labels.get(value, value or ""))


class WholeSheetMixin:
    """One bad row rejects the whole sheet, in the admin and outside it, and
    errors name the sheet's columns."""

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None, **kwargs):
        kwargs.setdefault("rollback_on_validation_errors", True)
        return super().import_data(
            dataset, dry_run=dry_run, raise_errors=raise_errors, use_transactions=use_transactions, **kwargs
        )

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True) -> None:
        try:
            super().validate_instance(instance, import_validation_errors, validate_unique)
        except ValidationError as error:
            # Name the sheet's column, not the model attribute, in the report.
            columns = {field.attribute: field.column_name for field in self.fields.values()}
            raise ValidationError(
                {
                    key if key == NON_FIELD_ERRORS else columns.get(key, key): messages
                    for key, messages in error.message_dict.items()
                }
            ) from None


class MemberResource(WholeSheetMixin, resources.ModelResource):
    """Members with their current group and role in it.

    Pass `show_personal_data=True` only for users with the permission
    sectors.view_member_personal_data; otherwise ID-card and mobile numbers are
    exported (and shown in import previews) masked.
    """

    member_number = fields.Field("member_number", MEMBER_COLUMNS["member_number"], TextWidget())
    name = fields.Field("name", MEMBER_COLUMNS["name"], TextWidget())
    gender = fields.Field(
        "gender",
        MEMBER_COLUMNS["gender"],
        LabelChoiceWidget(GENDER_LABELS, gettext_lazy("Gender must be one of %(allowed)s, not “%(value)s”.")),
    )
    birth_date = fields.Field("birth_date", MEMBER_COLUMNS["birth_date"], DateWidget())
    party = fields.Field("party", MEMBER_COLUMNS["party"], TextWidget())
    employer = fields.Field("employer", MEMBER_COLUMNS["employer"], TextWidget())
    job_title = fields.Field("job_title", MEMBER_COLUMNS["job_title"], TextWidget())
    mobile = fields.Field("mobile", MEMBER_COLUMNS["mobile"], TextWidget())
    id_card = fields.Field("id_card", MEMBER_COLUMNS["id_card"], IdCardWidget())
    # Not model fields: the importer keeps them on the instance until the
    # member is saved, then places the member in the group.
    group = fields.Field("import_group", MEMBER_COLUMNS["group"], TextWidget())
    group_role = fields.Field("import_role", MEMBER_COLUMNS["group_role"], TextWidget())

    class Meta:
        model = Member
        fields = tuple(MEMBER_COLUMNS)
        import_order = export_order = tuple(MEMBER_COLUMNS)
        import_id_fields = ("member_number",)
        clean_model_instances = True
        skip_unchanged = False

    def __init__(self, *, show_personal_data: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.show_personal_data = show_personal_data
        if not show_personal_data:
            self.fields["mobile"].widget = MaskedWidget(mask_mobile)
            self.fields["id_card"].widget = MaskedWidget(mask_id_card)
            self.fields["birth_date"].widget = BirthYearWidget()
        self.role_widget = LabelChoiceWidget(
            ROLE_LABELS,
            gettext_lazy("The role in the group must be one of %(allowed)s, not “%(value)s”."),
            default=GroupMembership.Role.MEMBER,
        )

    @cached_property
    def committee(self) -> Committee:
        return committee_for_portal()

    @cached_property
    def groups_by_name(self) -> dict[str, SectorGroup]:
        by_name = {}
        for group in SectorGroup.objects.filter(committee=self.committee):
            by_name[group.name] = group
            by_name[group.short_name] = group
        return by_name

    def get_queryset(self) -> QuerySet[Member]:
        return Member.objects.filter(committee=self.committee)

    def init_instance(self, row=None) -> Member:
        return Member(committee=self.committee)

    # --- import ---------------------------------------------------------------

    def before_import(self, dataset, **kwargs) -> None:
        missing = [MEMBER_COLUMNS[key] for key in REQUIRED_MEMBER_COLUMNS if MEMBER_COLUMNS[key] not in dataset.headers]
        if missing:
            raise ValidationError(_("The sheet lacks these columns: %(columns)s.") % {"columns": "、".join(missing)})
        # Excel often keeps formatted but empty rows at the end of a sheet.
        for index in reversed(range(len(dataset))):
            if all(cell_text(value) == "" for value in dataset[index]):
                del dataset[index]

    def after_init_instance(self, instance: Member, new: bool, row, **kwargs) -> None:
        # Show the member's current group in the preview's "before" column.
        instance.import_group = instance.import_role = ""
        if not new:
            current = instance.memberships.filter(end_date__isnull=True).select_related("group").first()
            if current is not None:
                instance.import_group = current.group.short_name
                instance.import_role = ROLE_LABELS.get(current.role, "")

    def import_instance(self, instance: Member, row, **kwargs) -> None:
        errors: dict = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        self._check_placement(instance, errors)
        if "id_card" not in errors and instance.id_card:
            self._check_id_card_unique(instance, errors)
            if instance.birth_date is None:
                instance.birth_date = id_card_birth_date(instance.id_card)
        if errors:
            raise ValidationError(errors)

    def _check_placement(self, instance: Member, errors: dict) -> None:
        name = instance.import_group
        group = self.groups_by_name.get(name)
        if not name:
            errors["import_group"] = [_("Each member needs a sector group.")]
        elif group is None:
            errors["import_group"] = [_("There is no sector group called “%(name)s”.") % {"name": name}]
        try:
            role = self.role_widget.clean(instance.import_role)
        except ValueError as error:
            errors["import_role"] = [str(error)]
            return
        instance.placement = (group, role)
        if group is not None and role == GroupMembership.Role.LEADER:
            leader = (
                GroupMembership.objects.filter(group=group, role=role, end_date__isnull=True)
                .exclude(member_id=instance.pk)
                .select_related("member")
                .first()
            )
            if leader is not None:
                errors["import_role"] = [
                    _("%(group)s already has a group leader: %(name)s.")
                    % {"group": group.short_name, "name": leader.member.name}
                ]

    def _check_id_card_unique(self, instance: Member, errors: dict) -> None:
        others = Member.objects.filter(committee=self.committee, id_card=instance.id_card).exclude(pk=instance.pk)
        if others.exists():
            errors["id_card"] = [_("Another member already has this ID-card number.")]

    def after_save_instance(self, instance: Member, row, **kwargs) -> None:
        group, role = instance.placement
        try:
            membership_change(member=instance, group=group, role=role, on=clock.today(), user=kwargs.get("user"))
        except ValidationError as error:
            columns = {"group": MEMBER_COLUMNS["group"], "role": MEMBER_COLUMNS["group_role"]}
            raise ValidationError(
                {columns.get(key, NON_FIELD_ERRORS): messages for key, messages in error.message_dict.items()}
            ) from None

    # --- export -----------------------------------------------------------------

    def filter_export(self, queryset: QuerySet[Member], **kwargs) -> QuerySet[Member]:
        current = GroupMembership.objects.filter(end_date__isnull=True).select_related("group")
        return queryset.prefetch_related(Prefetch("memberships", queryset=current, to_attr="current_memberships"))

    def _current(self, member: Member) -> GroupMembership | None:
        memberships = getattr(member, "current_memberships", None)
        if memberships is None:
            memberships = list(member.memberships.filter(end_date__isnull=True).select_related("group"))
        return memberships[0] if memberships else None

    def dehydrate_group(self, member: Member) -> str:
        current = self._current(member)
        return current.group.short_name if current else ""

    def dehydrate_group_role(self, member: Member) -> str:
        current = self._current(member)
        return ROLE_LABELS.get(current.role, "") if current else ""


class SectorGroupResource(WholeSheetMixin, resources.ModelResource):
    """The committee's groups, found by short name."""

    name = fields.Field("name", "名称", TextWidget())
    short_name = fields.Field("short_name", "简称", TextWidget())
    kind = fields.Field(
        "kind",
        "类别",
        LabelChoiceWidget(dict(SectorGroup.Kind.choices), gettext_lazy("The kind must be one of %(allowed)s.")),
    )
    sort_order = fields.Field("sort_order", "排序", widgets.IntegerWidget())
    is_active = fields.Field("is_active", "启用", widgets.BooleanWidget())

    class Meta:
        model = SectorGroup
        fields = ("short_name", "name", "kind", "sort_order", "is_active")
        import_order = export_order = fields
        import_id_fields = ("short_name",)
        clean_model_instances = True

    @cached_property
    def committee(self) -> Committee:
        return committee_for_portal()

    def get_queryset(self) -> QuerySet[SectorGroup]:
        return SectorGroup.objects.filter(committee=self.committee)

    def init_instance(self, row=None) -> SectorGroup:
        return SectorGroup(committee=self.committee)


class CommitteeGroupWidget(widgets.ForeignKeyWidget):
    """A sector group of the portal's committee, written as its short name."""

    def __init__(self, **kwargs):
        super().__init__(SectorGroup, field="short_name", **kwargs)

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(cell_text(value) or None, row, **kwargs)
        except SectorGroup.DoesNotExist:
            raise ValueError(_("There is no sector group called “%(name)s”.") % {"name": cell_text(value)}) from None

    def get_queryset(self, value, row, *args, **kwargs):
        return SectorGroup.objects.filter(committee=committee_for_portal())


class CommitteeMemberWidget(widgets.ForeignKeyWidget):
    def __init__(self, **kwargs):
        super().__init__(Member, field="member_number", **kwargs)

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(cell_text(value) or None, row, **kwargs)
        except Member.DoesNotExist:
            raise ValueError(_("There is no member numbered “%(number)s”.") % {"number": cell_text(value)}) from None

    def get_queryset(self, value, row, *args, **kwargs):
        return Member.objects.filter(committee=committee_for_portal())


class WorkstationResource(WholeSheetMixin, resources.ModelResource):
    """Workstations, found by group and name; the host is a member number."""

    group = fields.Field("group", "界别", CommitteeGroupWidget())
    name = fields.Field("name", "名称", TextWidget())
    host_kind = fields.Field(
        "host_kind",
        "类型",
        LabelChoiceWidget(dict(Workstation.HostKind.choices), gettext_lazy("The host must be one of %(allowed)s.")),
    )
    host_member = fields.Field("host_member", "依托委员编号", CommitteeMemberWidget())
    address = fields.Field("address", "地址", TextWidget())
    established_on = fields.Field("established_on", "成立日期", DateWidget())
    is_active = fields.Field("is_active", "启用", widgets.BooleanWidget())
    description = fields.Field("description", "简介", TextWidget())

    class Meta:
        model = Workstation
        fields = ("group", "name", "host_kind", "host_member", "address", "established_on", "is_active", "description")
        import_order = export_order = fields
        import_id_fields = ("group", "name")
        clean_model_instances = True

    def get_queryset(self) -> QuerySet[Workstation]:
        return Workstation.objects.filter(group__committee=committee_for_portal())

    def filter_export(self, queryset: QuerySet[Workstation], **kwargs) -> QuerySet[Workstation]:
        return queryset.select_related("group", "host_member")
