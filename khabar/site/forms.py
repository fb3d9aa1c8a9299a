"""The comment form: short limits, Persian messages, a honeypot against simple spam bots."""

from __future__ import annotations

from django import forms

from khabar.pipeline.persian import normalize_display, to_persian_digits
from khabar.site.models import NAME_MAX_LENGTH, TEXT_MAX_LENGTH, Comment


class CommentForm(forms.Form):
    name = forms.CharField(
        label="نام",
        max_length=NAME_MAX_LENGTH,
        error_messages={
            "required": "لطفاً نام خود را بنویسید.",
            "max_length": f"نام نباید بیش از {to_persian_digits(NAME_MAX_LENGTH)} نویسه باشد.",
        },
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    text = forms.CharField(
        label="متن نظر",
        max_length=TEXT_MAX_LENGTH,
        error_messages={
            "required": "لطفاً متن نظر را بنویسید.",
            "max_length": f"متن نظر نباید بیش از {to_persian_digits(TEXT_MAX_LENGTH)} نویسه باشد.",
        },
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    # Hidden from people by CSS; bots that fill every field reveal themselves.
    website = forms.CharField(required=False, label="وب‌سایت", widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))

    def clean_name(self) -> str:
        name = normalize_display(self.cleaned_data["name"]).replace("\n", " ")
        if not name:
            raise forms.ValidationError(self.fields["name"].error_messages["required"])
        return name

    def clean_text(self) -> str:
        text = normalize_display(self.cleaned_data["text"])
        if not text:
            raise forms.ValidationError(self.fields["text"].error_messages["required"])
        return text

    @property
    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))

    def save(self, article) -> Comment:
        return Comment.objects.create(article=article, name=self.cleaned_data["name"], text=self.cleaned_data["text"])
