"""Administration of committees, groups, members, workstations and users.

ID-card and mobile numbers are shown masked, in lists, forms and exports,
unless the user has the permission sectors.view_member_personal_data.

Members and workstations are imported on the portal's import pages only (one
import path, `sectors.importers`): their admin lists export and link there.
"""

from __future__ import annotations

from axes.models import AccessFailureLog, AccessLog
from csp.decorators import csp_update
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from django_celery_beat.admin import PeriodicTaskAdmin
from django_celery_beat.models import PeriodicTask, SolarSchedule
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin as OtpTOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice
from import_export.admin import ExportMixin, ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from simple_history.admin import SimpleHistoryAdmin

from portal import roles
from portal.importing.registry import importer_for
from portal.spreadsheets import SAFE_EXPORT_FORMATS
from sectors.audit import events as audit
from sectors.roster.resources import MemberResource, SectorGroupResource, WorkstationResource

from .models import Committee, Constituent, GroupMembership, ImportRun, Member, SectorGroup, Term, User, Workstation

# Django 5.2's admin reads these to screen readers (the app list's hidden table
# headers) and its Chinese catalogue lacks them: kept here so that the portal's
# catalogue translates them.
ADMIN_HEADERS = (gettext_noop("Model name"), gettext_noop("Add link"), gettext_noop("Change or view list link"))


def own_permissions(user) -> QuerySet[Permission]:
    """The permissions a user holds, directly or through their roles."""
    return Permission.objects.filter(Q(user=user) | Q(group__user=user)).distinct()


def can_see_personal_data(request: HttpRequest) -> bool:
    return request.user.has_perm(roles.PERSONAL_DATA_PERM)


class HistoryExportAdmin(ExportMixin, SimpleHistoryAdmin):
    """Change history plus spreadsheet export."""

    export_formats = SAFE_EXPORT_FORMATS  # formula-safe (portal.spreadsheets)

    # import-export allows every admin user to export unless told otherwise:
    # tie it to the model permissions instead.
    def has_export_permission(self, request) -> bool:
        return self.has_view_permission(request)


class HistoryImportExportAdmin(ImportExportMixin, HistoryExportAdmin):
    """Change history, spreadsheet export and the admin's own import, for a sheet
    the portal has no import page for (sector groups)."""

    import_formats = [XLSX, CSV]

    def has_import_permission(self, request) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)

    def process_result(self, result, request):
        # Imports are recorded whole in the audit trail (each row also lands in the history).
        totals = {str(kind): count for kind, count in result.totals.items() if count}
        audit.record_import(
            model=self.model,
            count=sum(totals.values()),
            request=request,
            detail=", ".join(f"{kind}: {count}" for kind, count in totals.items()),
        )
        return super().process_result(result, request)


class PortalImportLinkMixin:
    """For a sheet the portal imports (`sectors.importers`): the admin's list exports
    it and links to the portal's import page instead of importing it itself, so
    that one importer matches the rows and applies the rules."""

    import_export_change_list_template = "admin/sectors/change_list_portal_import.html"
    portal_import_kind: str
    portal_import_label: str

    def changelist_view(self, request, extra_context=None):
        importer = importer_for(self.portal_import_kind)
        if importer is not None and roles.role_of(request.user) in importer.roles:
            extra_context = {
                **(extra_context or {}),
                "portal_import_url": reverse("import_upload", kwargs={"kind": self.portal_import_kind}),
                "portal_import_label": self.portal_import_label,
            }
        return super().changelist_view(request, extra_context)


class PersonalDataAdminMixin:
    """Swap personal-data fields for their masked forms for users without the
    permission: in the list, and read-only on the change page."""

    personal_fields: tuple[str, ...] = ()

    def _masked_name(self, field: str) -> str:
        return f"masked_{field}_display"

    def get_list_display(self, request):
        columns = super().get_list_display(request)
        if can_see_personal_data(request):
            return columns
        return [self._masked_name(c) if c in self.personal_fields else c for c in columns]

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if can_see_personal_data(request):
            return fields
        return [self._masked_name(f) if f in self.personal_fields else f for f in fields]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if can_see_personal_data(request) or self.fieldsets is None:
            return fieldsets
        return [
            (
                name,
                {
                    **options,
                    "fields": [self._masked_name(f) if f in self.personal_fields else f for f in options["fields"]],
                },
            )
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not can_see_personal_data(request):
            readonly += [self._masked_name(f) for f in self.personal_fields]
        return readonly

    # Full numbers shown to those allowed to see them are recorded (PIPL).
    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None and can_see_personal_data(request):
            audit.record_personal_data(request=request, people=self._with_personal_data(changelist.result_list))
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        original = getattr(response, "context_data", {}).get("original")
        if original is not None and can_see_personal_data(request):
            audit.record_personal_data(request=request, people=self._with_personal_data([original]))
        return response

    def lookup_allowed(self, lookup, value, request=None) -> bool:
        # Django admin filters on any local field from the query string: without
        # this, ?id_card__startswith=33030219750506 would answer yes or no and
        # rebuild a masked number digit by digit.
        field = lookup.split("__", 1)[0]
        if field in self.personal_fields and (request is None or not can_see_personal_data(request)):
            return False
        return super().lookup_allowed(lookup, value, request)

    def _with_personal_data(self, objects) -> list:
        return [obj for obj in objects if any(getattr(obj, field, None) for field in self.personal_fields)]

    @admin.display(description=_("ID-card number"))
    def masked_id_card_display(self, obj) -> str:
        return obj.masked_id_card

    @admin.display(description=_("mobile"))
    def masked_mobile_display(self, obj) -> str:
        return obj.masked_mobile

    @admin.display(description=_("year of birth"))
    def masked_birth_date_display(self, obj) -> str:
        return obj.birth_year


# --- committees and terms ------------------------------------------------------


class TermInline(admin.TabularInline):
    model = Term
    extra = 0
    fields = ("number", "start_date", "end_date", "is_current")


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "short_name", "level", "region_code")
    list_filter = ("level",)
    search_fields = ("code", "name", "short_name")
    inlines = [TermInline]


# --- sector groups -----------------------------------------------------------------


@admin.register(SectorGroup)
class SectorGroupAdmin(HistoryImportExportAdmin):
    resource_classes = [SectorGroupResource]
    list_display = ("short_name", "name", "kind", "sort_order", "member_count", "is_active", "committee")
    list_display_links = ("short_name", "name")
    list_editable = ("sort_order",)
    list_filter = ("kind", "is_active", "committee")
    list_select_related = ("committee",)
    search_fields = ("name", "short_name")
    ordering = ("committee", "sort_order", "id")

    def get_queryset(self, request):
        current = Count("memberships", filter=Q(memberships__end_date__isnull=True))
        return super().get_queryset(request).annotate(member_count=current)

    @admin.display(description=_("members"), ordering="member_count")
    def member_count(self, group: SectorGroup) -> int:
        return group.member_count


# --- members ---------------------------------------------------------------------


class CurrentGroupFilter(admin.SimpleListFilter):
    title = _("current group")
    parameter_name = "current_group"

    def lookups(self, request, model_admin):
        return [(group.pk, group.short_name) for group in SectorGroup.objects.order_by("committee", "sort_order", "id")]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        # One open membership per member, so this join adds no duplicates.
        return queryset.filter(memberships__group_id=self.value(), memberships__end_date__isnull=True)


class MembershipInline(admin.TabularInline):
    model = GroupMembership
    extra = 0
    fields = ("group", "role", "start_date", "end_date")
    autocomplete_fields = ("group",)


@admin.register(Member)
class MemberAdmin(PersonalDataAdminMixin, PortalImportLinkMixin, HistoryExportAdmin):
    resource_classes = [MemberResource]
    portal_import_kind = ImportRun.Kind.MEMBERS
    portal_import_label = _("Import members from Excel")
    personal_fields = ("id_card", "mobile", "birth_date")
    list_display = (
        "member_number",
        "name",
        "gender",
        "current_group",
        "party",
        "employer",
        "mobile",
        "id_card",
        "is_active",
    )
    list_display_links = ("member_number", "name")
    list_filter = ("gender", "is_active", CurrentGroupFilter, "party", "committee")
    list_select_related = ("committee",)
    search_fields = ("name", "member_number", "employer")
    fieldsets = (
        (None, {"fields": ("committee", "member_number", "name", "gender", "birth_date", "is_active")}),
        (_("Work"), {"fields": ("party", "employer", "job_title")}),
        (_("Personal data"), {"fields": ("mobile", "id_card")}),
    )
    inlines = [MembershipInline]

    def get_queryset(self, request):
        current = GroupMembership.objects.filter(member=OuterRef("pk"), end_date__isnull=True)
        return (
            super().get_queryset(request).annotate(current_group_name=Subquery(current.values("group__short_name")[:1]))
        )

    @admin.display(description=_("current group"), ordering="current_group_name")
    def current_group(self, member: Member) -> str:
        return member.current_group_name or "—"

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        committee = Committee.objects.filter(code=settings.PORTAL_COMMITTEE_CODE).first()
        return {"committee": committee.pk, **initial} if committee else initial

    # The history's versions hold full birth dates: for those allowed personal data only.
    def history_view(self, request, object_id, extra_context=None):
        if not can_see_personal_data(request):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not can_see_personal_data(request):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_export_data(self, file_format, request, queryset, **kwargs):
        data = super().get_export_data(file_format, request, queryset, **kwargs)
        if can_see_personal_data(request):
            audit.record_personal_data(request=request, people=self._with_personal_data(queryset))
        return data

    def get_resource_kwargs(self, request, *args, **kwargs):
        # Exports mask for users without the permission.
        return {
            **super().get_resource_kwargs(request, *args, **kwargs),
            "show_personal_data": can_see_personal_data(request),
        }


@admin.register(GroupMembership)
class GroupMembershipAdmin(SimpleHistoryAdmin):
    list_display = ("member", "group", "role", "start_date", "end_date")
    list_filter = ("role", ("end_date", admin.EmptyFieldListFilter), "group")
    list_select_related = ("member", "group")
    search_fields = ("member__name", "member__member_number", "group__name", "group__short_name")
    autocomplete_fields = ("member", "group")
    date_hierarchy = "start_date"


# --- workstations and constituents --------------------------------------------------


@admin.register(Workstation)
class WorkstationAdmin(PortalImportLinkMixin, HistoryExportAdmin):
    resource_classes = [WorkstationResource]
    portal_import_kind = ImportRun.Kind.WORKSTATIONS
    portal_import_label = _("Import workstations from Excel")
    list_display = ("name", "group", "host_kind", "host_member", "established_on", "is_active")
    list_filter = ("host_kind", "is_active", "group")
    list_select_related = ("group", "host_member")
    search_fields = ("name", "address", "host_member__name", "group__short_name")
    autocomplete_fields = ("group", "host_member")


@admin.register(Constituent)
class ConstituentAdmin(PersonalDataAdminMixin, admin.ModelAdmin):
    personal_fields = ("mobile",)
    list_display = ("name", "description", "mobile", "committee", "created_at")
    list_filter = ("committee",)
    list_select_related = ("committee",)
    search_fields = ("name", "description")
    fields = ("committee", "name", "description", "mobile", "created_at")
    date_hierarchy = "created_at"


# --- users -----------------------------------------------------------------------------


class RoleRulesMixin:
    """A group leader's account names its group; nobody else's does."""

    def clean(self):
        cleaned = super().clean()
        groups = cleaned.get("groups") or []
        is_leader = any(group.name == roles.GROUP_NAMES[roles.LEADER] for group in groups)
        sector_group = cleaned.get("sector_group")
        if is_leader and sector_group is None:
            self.add_error("sector_group", _("A group leader's account needs a sector group."))
        elif not is_leader and sector_group is not None:
            self.add_error("sector_group", _("Only group leaders' accounts have a sector group."))
        return cleaned


class PortalUserChangeForm(RoleRulesMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"


class PortalUserCreationForm(RoleRulesMixin, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "full_name", "groups", "sector_group", "member")


# The four role groups and their permissions come from portal.roles (the
# single table of who may do what): they are not edited by hand.
admin.site.unregister(Group)
# Sign-ins and failures are in the portal's audit trail (sectors.AuditEvent, page
# "审计日志"); django-axes' own logs would be a second, partial copy. Its
# access attempts stay: deleting one unlocks a locked-out sign-in.
for _axes_log in (AccessLog, AccessFailureLog):
    if admin.site.is_registered(_axes_log):
        admin.site.unregister(_axes_log)


def _name_third_party_models() -> None:
    """Chinese names for the lockouts (django-axes has no Chinese catalogue) and the
    authenticators (django-otp names its TOTP device in plain English)."""
    from axes.models import AccessAttempt
    from django.apps import apps

    apps.get_app_config("axes").verbose_name = _("Sign-in lockouts")
    apps.get_app_config("otp_totp").verbose_name = _("Two-factor sign-in")
    AccessAttempt._meta.verbose_name = _("locked-out sign-in")
    AccessAttempt._meta.verbose_name_plural = _("locked-out sign-ins")
    TOTPDevice._meta.verbose_name = _("authenticator (TOTP device)")
    TOTPDevice._meta.verbose_name_plural = _("authenticators (TOTP devices)")


_name_third_party_models()
admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(OtpTOTPDeviceAdmin):
    """Authenticators: the secret key and QR code are never shown
    (OTP_ADMIN_HIDE_SENSITIVE_DATA), an administrator who is not a superuser
    sees and removes only their own, and every removal is in the audit trail."""

    def get_queryset(self, request) -> QuerySet[TOTPDevice]:
        devices = super().get_queryset(request)
        return devices if request.user.is_superuser else devices.filter(user=request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and not (request.user.is_superuser or obj.user_id == request.user.pk):
            return False
        return super().has_delete_permission(request, obj)

    def _device_or_404(self, request, pk: int) -> TOTPDevice:
        device = self.get_queryset(request).filter(pk=pk).first()
        if device is None:
            raise Http404(_("No such authenticator."))
        return device

    def config_view(self, request, pk):
        self._device_or_404(request, pk)
        return super().config_view(request, pk)

    def qrcode_view(self, request, pk):
        self._device_or_404(request, pk)
        return super().qrcode_view(request, pk)

    def _audit_removal(self, request, devices) -> None:
        for device in devices:
            audit.record(
                action=audit.Action.TWO_FACTOR_RESET,
                request=request,
                model=TOTPDevice,
                object_id=device.pk,
                detail=f"admin: {device.user.get_username()}",
            )

    def delete_model(self, request, obj) -> None:
        self._audit_removal(request, [obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        self._audit_removal(request, queryset.select_related("user"))
        super().delete_queryset(request, queryset)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = PortalUserChangeForm
    add_form = PortalUserCreationForm
    list_display = ("username", "full_name", "role", "sector_group", "member", "is_active", "is_staff", "last_login")
    list_filter = ("groups", "is_active", "is_staff", "is_superuser", "sector_group")
    list_select_related = ("sector_group", "member")
    search_fields = ("username", "full_name", "email", "member__name")
    autocomplete_fields = ("sector_group", "member")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Portal"), {"fields": ("full_name", "groups", "sector_group", "member")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "usable_password", "password1", "password2")}),
        (_("Portal"), {"fields": ("full_name", "groups", "sector_group", "member")}),
    )

    def get_queryset(self, request) -> QuerySet[User]:
        return super().get_queryset(request).prefetch_related("groups")

    # An administrator who is not a superuser grants nothing beyond their own
    # reach: superuser and staff status are read-only to them (staff status,
    # the key to this admin site, follows the 管理员 role), the permissions
    # and roles offered are those within their own permissions, and superusers'
    # accounts are not theirs to change.
    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_superuser", "is_staff"]
        return readonly

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if not request.user.is_superuser and db_field.name in ("user_permissions", "groups"):
            own = own_permissions(request.user)
            if db_field.name == "user_permissions":
                kwargs["queryset"] = own.select_related("content_type")
            else:
                beyond = Permission.objects.exclude(pk__in=own.values("pk"))
                kwargs["queryset"] = Group.objects.exclude(permissions__in=beyond)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        user = form.instance
        if not user.is_superuser:
            is_admin = user.groups.filter(name=roles.GROUP_NAMES[roles.ADMIN]).exists()
            if user.is_staff != is_admin:
                user.is_staff = is_admin
                user.save(update_fields=["is_staff"])

    @admin.display(description=_("role"))
    def role(self, user: User) -> str:
        if user.is_superuser:
            return roles.ROLE_LABELS[roles.ADMIN]
        code = roles.role_from_group_names({group.name for group in user.groups.all()})
        return roles.ROLE_LABELS[code] if code else "—"


# The schedule (django-celery-beat) is edited by administrators; sun-event schedules
# mean nothing for a committee's calendar, so their page is left out.
admin.site.unregister(SolarSchedule)


class PortalPeriodicTaskAdmin(PeriodicTaskAdmin):
    """django-celery-beat's task form picks its schedule with an inline script of the
    package's own template. The portal's Content-Security-Policy forbids inline
    scripts; this one admin form, open to administrators only, is the exception."""

    @method_decorator(csp_update({"script-src": ["'self'", "'unsafe-inline'"]}))
    def changeform_view(self, *args, **kwargs):
        return super().changeform_view(*args, **kwargs)


admin.site.unregister(PeriodicTask)
admin.site.register(PeriodicTask, PortalPeriodicTaskAdmin)
