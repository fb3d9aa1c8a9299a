"""Adding outlets: by homepage (discovery, preview, confirm) and by OPML (preview, import); OPML export."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from khabar.console import audit
from khabar.console.access import staff_only
from khabar.console.forms import AddOutletForm, OpmlImportForm
from khabar.console.opml import STATE_LABELS, as_session, export_opml, import_lines, read_opml
from khabar.crawler.discovery import discover_outlet
from khabar.pipeline.discovery import DiscoveryReport, PlannedCrawl
from khabar.pipeline.persian import to_persian_digits
from khabar.sources.catalog import register_discovered

DISCOVERY_KEY = "console_discovery"
OPML_KEY = "console_opml"


def _report_from_session(data: dict) -> DiscoveryReport:
    return DiscoveryReport(
        url=data["url"],
        homepage=data["homepage"],
        site_name=data["site_name"],
        plan=[PlannedCrawl(**entry) for entry in data["plan"]],
    )


@staff_only
def add_outlet(request):
    form = AddOutletForm(request.POST or None)
    report = None
    if request.method == "POST" and request.POST.get("step") == "confirm":
        data = request.session.pop(DISCOVERY_KEY, None)
        if not data:
            messages.error(request, "پیش‌نمایش پیدا نشد؛ دوباره کشف کنید.")
            return redirect("console:add_outlet")
        try:
            source, created = register_discovered(
                _report_from_session(data), name=data["name"] or None, category=data["category"] or None
            )
        except ValueError as error:
            messages.error(request, f"افزوده نشد: {error}")
            return redirect("console:add_outlet")
        audit.record(request, "source_add", source, detail=f"{len(created)} خوراک یا صفحه از {data['url']}")
        messages.success(request, to_persian_digits(f"{source.name} افزوده شد: {len(created)} مورد برای خزش."))
        return redirect("console:source", slug=source.slug)
    if request.method == "POST" and form.is_valid():
        report = discover_outlet(form.cleaned_data["url"])
        category = form.cleaned_data["category"]
        request.session[DISCOVERY_KEY] = {
            "url": report.url,
            "homepage": report.homepage,
            "site_name": report.site_name,
            "plan": [vars(entry) for entry in report.plan],
            "name": form.cleaned_data["name"],
            "category": category.slug if category else "",
        }
    return render(request, "console/add_outlet.html", {"form": form, "report": report})


@staff_only
def opml(request):
    lines = None
    error = ""
    form = OpmlImportForm()
    if request.method == "POST" and request.POST.get("step") == "confirm":
        stored = request.session.pop(OPML_KEY, None)
        if not stored:
            messages.error(request, "پیش‌نمایش پیدا نشد؛ پرونده را دوباره بفرستید.")
            return redirect("console:opml")
        feeds, outlets = import_lines(stored)
        audit.record(
            request,
            "opml_import",
            label="OPML",
            detail=f"{feeds} خوراک و {outlets} منبع تازه از {len(stored)} ردیف",
        )
        messages.success(request, to_persian_digits(f"درون‌ریزی شد: {feeds} خوراک، {outlets} منبع تازه."))
        return redirect("console:opml")
    if request.method == "POST":
        form = OpmlImportForm(request.POST, request.FILES)
        if form.is_valid():
            lines, error = read_opml(form.cleaned_data["file"].read())
            request.session[OPML_KEY] = as_session(lines)
    return render(
        request,
        "console/opml.html",
        {
            "form": form,
            "lines": lines,
            "error": error,
            "labels": STATE_LABELS,
            "new_lines": sum(1 for line in lines or [] if line.state == "new"),
        },
    )


@staff_only
def opml_export(request):
    audit.record(request, "opml_export", label="OPML")
    response = HttpResponse(export_opml(), content_type="text/x-opml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="khabar-sources-{timezone.now():%Y%m%d}.opml"'
    return response
