"""The members' side's forms: activation, notices, feedback."""

from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from activities.uploads import validate_upload
from sectors.scope import is_leader, visible_groups

from .models import Feedback, Notice

BIG = {"class": "form-control form-control-lg"}


class ActivationForm(forms.Form):
    identifier = forms.CharField(
        label=_("Mobile or member number"),
        max_length=20,
        widget=forms.TextInput(attrs={**BIG, "autocomplete": "username", "inputmode": "tel", "autofocus": True}),
    )
    code = forms.CharField(
        label=_("Activation code"),
        max_length=20,
        widget=forms.TextInput(attrs={**BIG, "autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={**BIG, "autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={**BIG, "autocomplete": "new-password"}),
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        return cleaned


class NoticeForm(forms.ModelForm):
    class Meta:
        model = Notice
        fields = ["group", "title", "body", "attachment"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        group = self.fields["group"]
        group.queryset = visible_groups(user).filter(is_active=True).order_by("sort_order", "id")
        if is_leader(user):
            group.required = True
            group.empty_label = None
        else:
            group.empty_label = _("The whole committee")

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if isinstance(upload, UploadedFile):
            validate_upload(upload)
        return upload


class FeedbackForm(forms.ModelForm):
    class Meta:
        model = Feedback
        fields = ["text"]
        labels = {"text": _("Your suggestion")}
        widgets = {"text": forms.Textarea(attrs={"rows": 6, "maxlength": 2000, "class": "form-control"})}

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if len(text) < 5:
            raise forms.ValidationError(_("Please write at least a few words."))
        if len(text) > 2000:
            raise forms.ValidationError(_("Please keep it under 2,000 characters."))
        return text
