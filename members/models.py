"""What the members' side keeps: activation codes for new member accounts,
notices with their recipients' read receipts, and members' feedback."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sectors.models import Committee, Member, SectorGroup


class ActivationCode(models.Model):
    """The one-time code a member types to activate their account: kept as a
    keyed hash only, valid until `expires_at`, spent by `used_at`. Issuing a new
    code replaces the old one (one row per account)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="activation_code", verbose_name=_("user")
    )
    code_hash = models.CharField(_("code (hashed)"), max_length=128)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("activation code")
        verbose_name_plural = _("activation codes")

    def __str__(self) -> str:
        return str(self.user)

    def usable(self, now=None) -> bool:
        return self.used_at is None and (now or timezone.now()) < self.expires_at


class Notice(models.Model):
    """A notice (study material, a meeting notice) sent to one group's members or
    to the whole committee's. Its recipients are fixed when it is sent."""

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="+", verbose_name=_("committee"))
    group = models.ForeignKey(
        SectorGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notices",
        verbose_name=_("sector group"),
        help_text=_("Empty: every member of the committee."),
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    attachment = models.FileField(_("attachment"), upload_to="notices/%Y/", blank=True)
    attachment_name = models.CharField(_("attachment name"), max_length=200, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("sent by")
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return self.title


class NoticeRecipient(models.Model):
    """A member a notice went to; `read_at` is set when they first open it.
    A read receipt is never counted as points (国办函〔2026〕12号)."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="recipients", verbose_name=_("notice"))
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="notices", verbose_name=_("member"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice recipient")
        verbose_name_plural = _("notice recipients")
        constraints = [models.UniqueConstraint(fields=["notice", "member"], name="notice_recipient_once")]

    def __str__(self) -> str:
        return f"{self.notice} → {self.member}"


class Feedback(models.Model):
    """A member's suggestion or complaint about the portal (意见建议), for the administrators."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("user")
    )
    member = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("member"))
    text = models.TextField(_("suggestion"))
    page = models.CharField(_("page"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now, db_index=True)
    handled = models.BooleanField(_("handled"), default=False)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.text[:40]
