"""Django admin: the members' side's rows, and the roster's action that creates
member accounts with their activation codes."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.spreadsheets import workbook_response
from sectors.admin import MemberAdmin

from .accounts import activation_address, member_accounts_issue
from .codes import audit_codes_shown, codes_sheet
from .models import ActivationCode, Feedback, Notice, NoticeRecipient


@admin.action(description=gettext_lazy("Create member accounts and issue activation codes"))
def issue_member_accounts(modeladmin, request, queryset) -> HttpResponse:
    """First a confirmation page; then the codes, once, as a printable list or a workbook."""
    output = request.POST.get("output")
    if output not in ("print", "xlsx"):
        return TemplateResponse(
            request,
            "admin/members/issue_accounts.html",
            {
                **modeladmin.admin_site.each_context(request),
                "members": queryset,
                "opts": modeladmin.model._meta,
                "title": _("Create member accounts"),
            },
        )
    issued = member_accounts_issue(members=list(queryset), by=request.user, request=request)
    audit_codes_shown(issued=issued, request=request, where=f"admin: member accounts ({output})")
    if output == "xlsx":
        stamp = timezone.localdate().strftime("%Y%m%d")
        return workbook_response(f"{_('Activation codes')}-{stamp}.xlsx", [codes_sheet(issued)])
    return TemplateResponse(
        request,
        "members/codes_print.html",
        {"issued": issued, "address": activation_address(), "print_date": timezone.localdate()},
    )


MemberAdmin.actions = (*(MemberAdmin.actions or ()), issue_member_accounts)


@admin.register(ActivationCode)
class ActivationCodeAdmin(admin.ModelAdmin):
    list_display = ("user", "issued_at", "expires_at", "used_at")
    search_fields = ("user__username", "user__full_name")
    readonly_fields = ("user", "code_hash", "issued_at", "expires_at", "used_at")

    def has_add_permission(self, request) -> bool:
        return False


class RecipientInline(admin.TabularInline):
    model = NoticeRecipient
    extra = 0
    readonly_fields = ("member", "read_at")
    can_delete = False


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ("title", "group", "sent_by", "sent_at")
    list_filter = ("group",)
    search_fields = ("title",)
    inlines = [RecipientInline]
    readonly_fields = ("sent_by", "sent_at")


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ("created_at", "member", "text", "page", "handled")
    list_editable = ("handled",)
    list_filter = ("handled",)
    search_fields = ("text", "member__name")
    readonly_fields = ("user", "member", "text", "page", "created_at")
