"""The console's forms (Django forms: validation and Persian error messages in one place)."""

from __future__ import annotations

from django import forms

from khabar.sources.models import Category


class OutletEditForm(forms.Form):
    weight = forms.FloatField(label="وزن در رتبه‌بندی", min_value=0, max_value=10)
    category = forms.ModelChoiceField(
        label="دستهٔ خوراک‌ها", queryset=Category.objects.all(), required=False, empty_label="بدون تغییر"
    )
    reason = forms.CharField(label="دلیل", required=False, max_length=500)


class AddOutletForm(forms.Form):
    url = forms.URLField(label="نشانی صفحهٔ اصلی رسانه", max_length=500, assume_scheme="https")
    name = forms.CharField(label="نام (اختیاری)", required=False, max_length=200)
    category = forms.ModelChoiceField(
        label="دسته (اختیاری)", queryset=Category.objects.all(), required=False, empty_label="از روی خوراک‌ها"
    )


class OpmlImportForm(forms.Form):
    file = forms.FileField(label="پروندهٔ OPML")
