"""The site's defences that are not a page: the reader's address behind a proxy, the Content-Security-Policy,
admin sign-in throttling and the deployment checks of ``khabar manage check --deploy``.

Settings: ``KHABAR_BEHIND_PROXY``, ``KHABAR_CONTENT_SECURITY_POLICY``, ``KHABAR_LOGIN_FAILURES``,
``KHABAR_LOGIN_FAILURE_WINDOW`` (docs/configuration.md, docs/deployment.md).
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import logging
import os
import time
from pathlib import Path

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.backends import ModelBackend
from django.core import checks
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError

log = logging.getLogger(__name__)


class ForwardedForMiddleware:
    """Behind a trusted proxy (``KHABAR_BEHIND_PROXY``), ``REMOTE_ADDR`` becomes the reader's address.

    The last X-Forwarded-For entry is the one our own proxy appended (nginx's
    ``$proxy_add_x_forwarded_for``); earlier ones are whatever the client claimed and are ignored.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.enabled = settings.KHABAR_BEHIND_PROXY

    def __call__(self, request):
        if self.enabled:
            forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 1)[-1].strip()
            try:
                request.META["REMOTE_ADDR"] = str(ipaddress.ip_address(forwarded))
            except ValueError:
                pass  # none, or not an address: keep the proxy's
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """``KHABAR_CONTENT_SECURITY_POLICY`` on every response that has no policy of its own."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.KHABAR_CONTENT_SECURITY_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy:
            response.headers.setdefault("Content-Security-Policy", self.policy)
        return response


def policy_allowing_style(style: str) -> str:
    """The site's policy, with one inline ``<style>`` element allowed by its hash."""
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    directives = [d.strip() for d in settings.KHABAR_CONTENT_SECURITY_POLICY.split(";") if d.strip()]
    source = f"'sha256-{digest}'"
    for index, directive in enumerate(directives):
        if directive.split()[0] == "style-src":
            directives[index] = f"{directive} {source}"
            break
    else:
        directives.append(f"style-src 'self' {source}")
    return "; ".join(directives)


# --- admin sign-in throttling ------------------------------------------------------


def _address_key(request) -> str:
    """The client's address (an IPv6 client's /64: one subscriber usually has the whole block)."""
    raw = request.META.get("REMOTE_ADDR") or ""
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return raw or "unknown"
    if address.version == 6:
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _failures_key(request) -> str:
    return f"khabar:login-failures:{_address_key(request)}"


def recent_failures(request, now: float | None = None) -> list[float]:
    now = time.time() if now is None else now
    window = settings.KHABAR_LOGIN_FAILURE_WINDOW
    return [t for t in cache.get(_failures_key(request), []) if now - t < window]


SIGN_IN_BLOCKED = "از این نشانی بارها با گذرواژهٔ نادرست تلاش شده است. چند دقیقهٔ دیگر دوباره تلاش کنید."


def sign_in_blocked(request) -> bool:
    return len(recent_failures(request)) >= settings.KHABAR_LOGIN_FAILURES


class ThrottledAdminLoginForm(AdminAuthenticationForm):
    """The admin's sign-in form, saying in Persian why a blocked address is refused."""

    def clean(self):
        if self.request is not None and sign_in_blocked(self.request):
            raise ValidationError(SIGN_IN_BLOCKED, code="throttled")
        return super().clean()


class ThrottledModelBackend(ModelBackend):
    """Django's user/password sign-in, refused for an address after ``KHABAR_LOGIN_FAILURES`` failures.

    Failures are counted per address (an IPv6 /64) in the cache for ``KHABAR_LOGIN_FAILURE_WINDOW``
    seconds; while an address is over the limit even the right password is refused, so guessing
    gets nowhere. A successful sign-in clears the address's count.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:  # not a sign-in over the web (a command, a test's client.login)
            return super().authenticate(request, username=username, password=password, **kwargs)
        failures = recent_failures(request)
        if len(failures) >= settings.KHABAR_LOGIN_FAILURES:
            log.warning("sign-in refused: %d failures from %s", len(failures), _address_key(request))
            raise PermissionDenied("too many failed sign-ins from this address")
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            failures.append(time.time())
            cache.set(_failures_key(request), failures, int(settings.KHABAR_LOGIN_FAILURE_WINDOW) + 1)
        elif failures:
            cache.delete(_failures_key(request))
        return user


# --- deployment checks (khabar manage check --deploy) ------------------------------------

# Keys that were ever a default or an example: public, so never secret.
KNOWN_KEYS = {"khabar-insecure-development-key-set-KHABAR_SECRET_KEY", "change-me", "changeme", "secret"}


@checks.register(checks.Tags.security, deploy=True)
def check_secret_key(app_configs, **kwargs):
    problems = []
    key = settings.SECRET_KEY
    if key in KNOWN_KEYS or "insecure" in key.lower():
        problems.append(
            checks.Warning(
                "SECRET_KEY is a public development or example value.",
                hint="Unset KHABAR_SECRET_KEY (a random key is then kept in <KHABAR_DATA_DIR>/secret_key) "
                "or set it to a long random value.",
                id="khabar.W001",
            )
        )
    key_file = Path(settings.DATA_DIR) / "secret_key"
    if not os.environ.get("KHABAR_SECRET_KEY", "").strip() and key_file.exists() and key_file.stat().st_mode & 0o077:
        problems.append(
            checks.Warning(
                f"{key_file} can be read by other users.",
                hint=f"chmod 600 {key_file}",
                id="khabar.W002",
            )
        )
    return problems
