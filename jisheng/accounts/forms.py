from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    """A six-digit TOTP code."""

    token = forms.RegexField(
        label=_("动态验证码"), regex=r"^\d{6}$", max_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        error_messages={"invalid": _("请输入 6 位数字验证码")},
    )
