"""Ready for the public internet: HTTPS behind a proxy, the secret key, the CSP, admin sign-in throttling,
and `khabar manage check --deploy` with the production settings of docs/configuration.md."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from khabar.site.models import Comment
from khabar.site.security import SIGN_IN_BLOCKED, ForwardedForMiddleware

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_PROBE = """
import json
from khabar.cli import setup_django
setup_django()
from django.conf import settings as s
print(json.dumps({name: getattr(s, name, None) for name in (
    "CSRF_TRUSTED_ORIGINS", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS",
    "SECURE_PROXY_SSL_HEADER", "SECURE_SSL_REDIRECT", "SECRET_KEY", "KHABAR_BEHIND_PROXY")}))
"""


def production_environment() -> dict[str, str]:
    """The variables of the production block of docs/configuration.md (the test and the docs cannot drift)."""
    text = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    block = re.search(r"## Production settings.*?```sh\n(.*?)```", text, re.S).group(1)
    pairs = re.findall(r"^(?:export )?(KHABAR_\w+)=(\S+)", block, re.M)
    assert len(pairs) >= 5, block
    return dict(pairs)


def khabar(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("KHABAR_") and k != "DJANGO_SETTINGS_MODULE"}
    environment.update(KHABAR_DATA_DIR=str(tmp_path), **env)
    return subprocess.run(
        [sys.executable, *args], env=environment, capture_output=True, text=True, timeout=120, cwd=tmp_path
    )


def probe_settings(tmp_path: Path, **env: str) -> dict:
    import json

    done = khabar(tmp_path, "-c", SETTINGS_PROBE, **env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.slow  # fresh khabar processes
def test_check_deploy_is_clean_with_the_documented_production_settings(tmp_path):
    production = production_environment()
    done = khabar(tmp_path, "-m", "khabar.cli", "manage", "check", "--deploy", "--fail-level", "WARNING", **production)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


@pytest.mark.slow  # fresh khabar processes
def test_check_deploy_notices_a_public_secret_key(tmp_path):
    done = khabar(
        tmp_path,
        "-m",
        "khabar.cli",
        "manage",
        "check",
        "--deploy",
        **{**production_environment(), "KHABAR_SECRET_KEY": "khabar-insecure-development-key-set-KHABAR_SECRET_KEY"},
    )
    assert "khabar.W001" in done.stdout + done.stderr


@pytest.mark.slow  # fresh khabar processes
def test_without_a_configured_key_a_random_one_is_kept_in_the_data_directory(tmp_path):
    first = probe_settings(tmp_path)["SECRET_KEY"]
    key_file = tmp_path / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(first) >= 50 and "insecure" not in first
    assert probe_settings(tmp_path)["SECRET_KEY"] == first  # the same key in every process, every start
    (tmp_path / "other").mkdir()
    assert probe_settings(tmp_path / "other")["SECRET_KEY"] != first
    assert probe_settings(tmp_path, KHABAR_SECRET_KEY="k" * 60)["SECRET_KEY"] == "k" * 60
    # A key file others can read is reported.
    key_file.chmod(0o644)
    done = khabar(tmp_path, "-m", "khabar.cli", "manage", "check", "--deploy", **production_environment())
    assert "khabar.W002" in done.stdout + done.stderr


@pytest.mark.slow  # fresh khabar processes
def test_an_https_site_url_derives_trusted_origins_secure_cookies_and_hsts(tmp_path):
    plain = probe_settings(tmp_path)
    assert plain["CSRF_TRUSTED_ORIGINS"] == [] and not plain["SESSION_COOKIE_SECURE"]
    assert plain["SECURE_HSTS_SECONDS"] == 0 and plain["SECURE_PROXY_SSL_HEADER"] is None
    https = probe_settings(tmp_path, KHABAR_SITE_URL="https://khabar.example/", KHABAR_BEHIND_PROXY="1")
    assert https["CSRF_TRUSTED_ORIGINS"] == ["https://khabar.example"]
    assert https["SESSION_COOKIE_SECURE"] and https["CSRF_COOKIE_SECURE"]
    assert https["SECURE_HSTS_SECONDS"] >= 30 * 86400
    assert https["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


# What the settings derive from KHABAR_SITE_URL=https://khabar.example and KHABAR_BEHIND_PROXY=1 (probed above).
BEHIND_TLS_PROXY = {
    "ALLOWED_HOSTS": ["khabar.example"],
    "CSRF_TRUSTED_ORIGINS": ["https://khabar.example"],
    "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
    "SECURE_HSTS_SECONDS": 31536000,
    "SECURE_SSL_REDIRECT": True,
}
FROM_PROXY = {
    "HTTP_HOST": "khabar.example",
    "HTTP_X_FORWARDED_PROTO": "https",
    "HTTP_ORIGIN": "https://khabar.example",
    "HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
}


def post_comment_through_proxy(article) -> object:
    reader = Client(enforce_csrf_checks=True)
    page = reader.get(article.get_absolute_url(), **FROM_PROXY)
    assert page.status_code == 200, page.status_code
    token = reader.get("/csrf/", **FROM_PROXY).json()["token"]  # as the page script fetches it
    return reader.post(
        reverse("site:comment", args=[article.pk]),
        {"name": "مریم", "text": "نظری از پشت پراکسی", "csrfmiddlewaretoken": token},
        **FROM_PROXY,
    )


@pytest.mark.django_db
def test_a_comment_posted_over_https_through_the_proxy_is_accepted(lavrov):
    with override_settings(**BEHIND_TLS_PROXY):
        response = post_comment_through_proxy(lavrov)
        assert response.status_code == 302, response.status_code
        assert Comment.objects.filter(text="نظری از پشت پراکسی").exists()
        # The page was served as https: HSTS, no redirect loop.
        page = Client().get(lavrov.get_absolute_url(), **FROM_PROXY)
        assert page.status_code == 200 and "max-age=31536000" in page["Strict-Transport-Security"]
        # Without the proxy's header the same request is plain http: redirected to https.
        plain = Client().get(lavrov.get_absolute_url(), HTTP_HOST="khabar.example")
        assert plain.status_code == 301 and plain["Location"].startswith("https://khabar.example/")


@pytest.mark.django_db
def test_without_the_https_settings_the_proxied_post_fails_csrf(lavrov):
    with override_settings(ALLOWED_HOSTS=["khabar.example"]):
        assert post_comment_through_proxy(lavrov).status_code == 403


def test_the_readers_address_comes_from_the_proxy_only_when_trusted():
    seen = {}

    def view(request):
        seen["address"] = request.META["REMOTE_ADDR"]

    factory = RequestFactory()
    request = factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7")
    with override_settings(KHABAR_BEHIND_PROXY=False):
        ForwardedForMiddleware(view)(request)
    assert seen["address"] == "127.0.0.1"
    with override_settings(KHABAR_BEHIND_PROXY=True):
        ForwardedForMiddleware(view)(
            factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7")
        )
        assert seen["address"] == "198.51.100.7"  # the entry our proxy appended, not the client's claim
        ForwardedForMiddleware(view)(factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="junk"))
        assert seen["address"] == "127.0.0.1"


# --- Content-Security-Policy --------------------------------------------------------


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_that_allows_no_inline_code(client, lavrov):
    for url in ("/", lavrov.get_absolute_url(), "/search/?q=لاوروف"):
        policy = client.get(url)["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy
    # The text-only page's one inline <style> is allowed by its hash, and nothing else inline.
    text_page = client.get(reverse("site:article_text", args=[lavrov.pk]))
    style = re.search(r"<style>(.*?)</style>", text_page.content.decode(), re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in text_page["Content-Security-Policy"]
    assert "unsafe-inline" not in text_page["Content-Security-Policy"]


# --- admin sign-in throttling ------------------------------------------------------------


def sign_in(address: str, password: str) -> bool:
    browser = Client(REMOTE_ADDR=address)
    answer = browser.post("/admin/login/?next=/admin/", {"username": "editor", "password": password})
    signed_in = browser.get("/admin/").status_code == 200
    # A refused address is told why, in Persian; a wrong password alone is not called a block.
    assert (SIGN_IN_BLOCKED in answer.content.decode()) == (not signed_in and password == "the right password")
    return signed_in


@pytest.mark.django_db
@override_settings(KHABAR_LOGIN_FAILURES=5, KHABAR_LOGIN_FAILURE_WINDOW=900)
def test_admin_sign_in_is_refused_after_five_failures_from_one_address():
    User.objects.create_superuser("editor", "editor@example.com", "the right password")
    for _ in range(5):
        assert not sign_in("203.0.113.9", "a guess")
    assert not sign_in("203.0.113.9", "the right password")  # even the right one, while blocked
    assert sign_in("203.0.113.10", "the right password")  # another address is not affected
    # An IPv6 client is one /64: rotating the last bits does not help.
    for suffix in range(5):
        assert not sign_in(f"2001:db8:1:2::{suffix + 1}", "a guess")
    assert not sign_in("2001:db8:1:2::ff", "the right password")
    assert sign_in("2001:db8:1:3::1", "the right password")


@pytest.mark.django_db
@override_settings(KHABAR_LOGIN_FAILURES=5, KHABAR_LOGIN_FAILURE_WINDOW=900)
def test_a_successful_sign_in_clears_the_failures():
    User.objects.create_superuser("editor", "editor@example.com", "the right password")
    for _ in range(4):
        assert not sign_in("203.0.113.9", "a guess")
    assert sign_in("203.0.113.9", "the right password")
    for _ in range(4):
        assert not sign_in("203.0.113.9", "a guess")
    assert sign_in("203.0.113.9", "the right password")
