"""The footer pages: about, contact (a form stored as ContactMessage), advertising, privacy."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from khabar.public_url import public_url
from khabar.site.forms import ContactForm
from khabar.site.page_cache import cached_page
from khabar.site.visitors import within_rate

STATIC_PAGES = {
    "about": ("site/pages/about.html", "درباره‌ما"),
    "advertising": ("site/pages/advertising.html", "تبلیغات"),
    "privacy": ("site/pages/privacy.html", "حفظ حریم شخصی"),
}
CONTACT_RATE_LIMIT = 3
CONTACT_RATE_SECONDS = 10 * 60
RATE_LIMITED = "شما در چند دقیقهٔ اخیر چند پیام فرستاده‌اید. لطفاً چند دقیقهٔ دیگر دوباره تلاش کنید."


@require_safe
@cached_page
def static_page(request, page: str):
    if page not in STATIC_PAGES:
        raise Http404
    template, title = STATIC_PAGES[page]
    return render(
        request,
        template,
        {
            "page_title": title,
            "page": page,
            "comments_moderated": settings.KHABAR_COMMENTS_MODERATED,
            "canonical_url": public_url(request, reverse(f"site:{page}")),
        },
    )


def _contact(request, form: ContactForm, status: int = 200):
    """The contact page: rarely read, so never cached; it carries the reader's CSRF token itself
    and works without the page script."""
    return render(
        request,
        "site/pages/contact.html",
        {
            "page_title": "تماس با ما",
            "page": "contact",
            "form": form,
            "contact_email": settings.KHABAR_CONTACT_EMAIL,
            "live_csrf": True,
            "canonical_url": public_url(request, reverse("site:contact")),
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def contact(request):
    if request.method != "POST":
        return _contact(request, ContactForm())
    form = ContactForm(request.POST)
    if not form.is_valid():
        return _contact(request, form, status=400)
    if not form.is_spam:
        if not within_rate(request, "contact", CONTACT_RATE_LIMIT, CONTACT_RATE_SECONDS):
            form.add_error(None, RATE_LIMITED)
            return _contact(request, form, status=429)
        form.save()
    return HttpResponseRedirect(reverse("site:contact_thanks"))


@require_safe
@cached_page
def contact_thanks(request):
    return render(
        request,
        "site/pages/contact_thanks.html",
        {
            "page_title": "پیام شما رسید",
            "page": "contact",
            "canonical_url": public_url(request, reverse("site:contact_thanks")),
        },
    )
