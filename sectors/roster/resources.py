"""The Django admin's spreadsheets of the roster: members, groups, workstations.

Members and workstations are exported here and imported only through the
portal's import pages (`sectors.importers`): one import path per sheet (the
member import reads the member export back). Sector groups, which have no import page, are
imported here too: found by short name, a sheet is imported whole or not at
all (one bad row rejects the file, the import runs in one transaction and
validation errors roll it back), and every bad row is reported with its
number and the column at fault.

The column headers are the committee's own, in Chinese (编号, 姓名, 性别 …).
"""

from __future__ import annotations

import datetime
from functools import cached_property

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets

from portal.validators import birth_year, mask_id_card, mask_mobile
from sectors.models import Committee, GroupMembership, Member, SectorGroup, Workstation, committee_for_portal

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


class MaskedWidget(TextWidget):
    """Personal data: exported masked unless the resource was told otherwise."""

    def __init__(self, mask, **kwargs):
        super().__init__(**kwargs)
        self.mask = mask

    def render(self, value, obj=None, **kwargs):
        return self.mask(value or "")


class DateWidget(widgets.Widget):
    """A date exported as 1980-01-31 (exports only: no import reads it)."""

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class BirthYearWidget(DateWidget):
    """The birth year only: month and day would complete a masked ID-card number."""

    def render(self, value, obj=None, **kwargs):
        return birth_year(value)


class LabelChoiceWidget(widgets.Widget):
    """A choice written as its label in the sheet (男/女, 组长 …); the stored
    code is accepted too. `error` is what an import says of another value:
    exports need none."""

    def __init__(self, labels: dict[str, str], error: str = "", default: str | None = None):
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
    """One bad row rejects the whole sheet, and errors name the sheet's columns."""

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


class MemberResource(resources.ModelResource):
    """Members with their current group and role in it, for the admin's export.

    Members are imported through the portal's import page only
    (`sectors.importers.members`), which reads this export back too.

    Pass `show_personal_data=True` only for users with the permission
    sectors.view_member_personal_data; otherwise ID-card and mobile numbers are
    exported masked, and birth dates as the year.
    """

    member_number = fields.Field("member_number", MEMBER_COLUMNS["member_number"], TextWidget())
    name = fields.Field("name", MEMBER_COLUMNS["name"], TextWidget())
    gender = fields.Field("gender", MEMBER_COLUMNS["gender"], LabelChoiceWidget(GENDER_LABELS))
    birth_date = fields.Field("birth_date", MEMBER_COLUMNS["birth_date"], DateWidget())
    party = fields.Field("party", MEMBER_COLUMNS["party"], TextWidget())
    employer = fields.Field("employer", MEMBER_COLUMNS["employer"], TextWidget())
    job_title = fields.Field("job_title", MEMBER_COLUMNS["job_title"], TextWidget())
    mobile = fields.Field("mobile", MEMBER_COLUMNS["mobile"], TextWidget())
    id_card = fields.Field("id_card", MEMBER_COLUMNS["id_card"], TextWidget())
    # Not model fields: the current membership's (dehydrate_group, dehydrate_group_role).
    group = fields.Field(column_name=MEMBER_COLUMNS["group"])
    group_role = fields.Field(column_name=MEMBER_COLUMNS["group_role"])

    class Meta:
        model = Member
        fields = tuple(MEMBER_COLUMNS)
        export_order = tuple(MEMBER_COLUMNS)

    def __init__(self, *, show_personal_data: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.show_personal_data = show_personal_data
        if not show_personal_data:
            self.fields["mobile"].widget = MaskedWidget(mask_mobile)
            self.fields["id_card"].widget = MaskedWidget(mask_id_card)
            self.fields["birth_date"].widget = BirthYearWidget()

    def get_queryset(self) -> QuerySet[Member]:
        return Member.objects.filter(committee=committee_for_portal())

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


class WorkstationResource(resources.ModelResource):
    """Workstations for the admin's export: group short name, host member number.

    Workstations are imported through the portal's import page only
    (`sectors.importers.workstations`)."""

    group = fields.Field("group", "界别", widgets.ForeignKeyWidget(SectorGroup, field="short_name"))
    name = fields.Field("name", "名称", TextWidget())
    host_kind = fields.Field("host_kind", "类型", LabelChoiceWidget(dict(Workstation.HostKind.choices)))
    host_member = fields.Field("host_member", "依托委员编号", widgets.ForeignKeyWidget(Member, field="member_number"))
    address = fields.Field("address", "地址", TextWidget())
    established_on = fields.Field("established_on", "成立日期", DateWidget())
    is_active = fields.Field("is_active", "启用", widgets.BooleanWidget())
    description = fields.Field("description", "简介", TextWidget())

    class Meta:
        model = Workstation
        fields = ("group", "name", "host_kind", "host_member", "address", "established_on", "is_active", "description")
        export_order = fields

    def get_queryset(self) -> QuerySet[Workstation]:
        return Workstation.objects.filter(group__committee=committee_for_portal())

    def filter_export(self, queryset: QuerySet[Workstation], **kwargs) -> QuerySet[Workstation]:
        return queryset.select_related("group", "host_member")
