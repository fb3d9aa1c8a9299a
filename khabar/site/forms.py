"""The comment and contact forms: short limits, Persian messages, a honeypot, at most one link.

Text is stored as written (normalized) and always shown escaped: HTML in a comment is
displayed as text, never rendered, and links are never made clickable.
"""

from __future__ import annotations

import re

from django import forms
from django.conf import settings

from khabar.pipeline.persian import normalize_display, to_persian_digits
from khabar.site.models import CONTACT_TEXT_MAX_LENGTH, NAME_MAX_LENGTH, TEXT_MAX_LENGTH, Comment, ContactMessage

MAX_LINKS = 1
# Anything a reader would take for a link: a scheme, www., or a name with a common top-level domain.
_LINK_RE = re.compile(
    r"(?:[a-z][a-z0-9+.-]*://|www\.)\S+"
    r"|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:ir|com|net|org|info|io|me|co|xyz|top|site|online|app|link|ly|to|tk)\b",
    re.I,
)
TOO_MANY_LINKS = f"هر نظر حداکثر {to_persian_digits(MAX_LINKS)} پیوند می‌تواند داشته باشد."
LINK_IN_NAME = "نام نباید پیوند داشته باشد."


def count_links(text: str) -> int:
    return len(_LINK_RE.findall(text or ""))


def _required(field: str, value: str, message: str) -> str:
    value = normalize_display(value)
    if not value:
        raise forms.ValidationError(message)
    return value


class HoneypotMixin:
    """A field hidden from people by CSS; bots that fill every field reveal themselves."""

    @property
    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))


def honeypot_field() -> forms.CharField:
    return forms.CharField(
        required=False, label="وب‌سایت", widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"})
    )


class CommentForm(HoneypotMixin, forms.Form):
    name = forms.CharField(
        label="نام",
        max_length=NAME_MAX_LENGTH,
        error_messages={
            "required": "لطفاً نام خود را بنویسید.",
            "max_length": f"نام نباید بیش از {to_persian_digits(NAME_MAX_LENGTH)} نویسه باشد.",
        },
        widget=forms.TextInput(attrs={"autocomplete": "name", "dir": "auto"}),
    )
    text = forms.CharField(
        label="متن نظر",
        max_length=TEXT_MAX_LENGTH,
        error_messages={
            "required": "لطفاً متن نظر را بنویسید.",
            "max_length": f"متن نظر نباید بیش از {to_persian_digits(TEXT_MAX_LENGTH)} نویسه باشد.",
        },
        widget=forms.Textarea(attrs={"rows": 5, "dir": "auto"}),
    )
    website = honeypot_field()

    def clean_name(self) -> str:
        name = _required("name", self.cleaned_data["name"], self.fields["name"].error_messages["required"]).replace(
            "\n", " "
        )
        if count_links(name):
            raise forms.ValidationError(LINK_IN_NAME)
        return name

    def clean_text(self) -> str:
        text = _required("text", self.cleaned_data["text"], self.fields["text"].error_messages["required"])
        if count_links(text) > MAX_LINKS:
            raise forms.ValidationError(TOO_MANY_LINKS)
        return text

    def save(self, article) -> Comment:
        return Comment.objects.create(
            article=article,
            name=self.cleaned_data["name"],
            text=self.cleaned_data["text"],
            approved=not settings.KHABAR_COMMENTS_MODERATED,
        )


class ContactForm(HoneypotMixin, forms.ModelForm):
    website = honeypot_field()

    class Meta:
        model = ContactMessage
        fields = ["name", "email", "subject", "text"]
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name", "dir": "auto"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email", "dir": "ltr"}),
            "text": forms.Textarea(attrs={"rows": 7, "dir": "auto"}),
        }
        error_messages = {
            "name": {
                "required": "لطفاً نام خود را بنویسید.",
                "max_length": f"نام نباید بیش از {to_persian_digits(NAME_MAX_LENGTH)} نویسه باشد.",
            },
            "email": {"invalid": "نشانی رایانامه درست نیست؛ مانند name@example.com بنویسید."},
            "subject": {
                "required": "لطفاً موضوع پیام را انتخاب کنید.",
                "invalid_choice": "لطفاً موضوع پیام را انتخاب کنید.",
            },
            "text": {
                "required": "لطفاً متن پیام را بنویسید.",
                "max_length": f"متن پیام نباید بیش از {to_persian_digits(CONTACT_TEXT_MAX_LENGTH)} نویسه باشد.",
            },
        }

    def clean_name(self) -> str:
        return _required("name", self.cleaned_data["name"], self._meta.error_messages["name"]["required"]).replace(
            "\n", " "
        )

    def clean_text(self) -> str:
        return _required("text", self.cleaned_data["text"], self._meta.error_messages["text"]["required"])
