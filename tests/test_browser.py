"""The site in a real browser (Playwright driving Debian's Chromium): layout, fonts, RTL, isolation, flows.

Each page is loaded at 360 px (a small phone) and 1280 px (desktop) from a live server.
Checks: dir=rtl, no horizontal overflow, Vazirmatn really loaded from our static
files, landmarks and heading order, alt text, visible focus, contrast, no console
error, and not one request to a host other than the test server. Screenshots go to
test-artifacts/screenshots/.

Without Chromium or Playwright these tests fail (CI must not pass without a browser);
``KHABAR_SKIP_BROWSER_TESTS=1`` skips them on a machine that cannot have one.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from sitekit import ZWNJ, make_article
from test_site_images import ImageServer

from khabar.site.models import ArticleDailyViews, Comment
from khabar.sources.models import Category, Feed
from khabar.stories.models import Story

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WIDTHS = (360, 1280)
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"

SKIP_VARIABLE = "KHABAR_SKIP_BROWSER_TESTS"

pytestmark = pytest.mark.skipif(
    os.environ.get(SKIP_VARIABLE) == "1", reason=f"{SKIP_VARIABLE}=1: the browser tests are skipped on request"
)


def missing_browser() -> str | None:
    """Why the browser cannot run here, or None."""
    if not shutil.which(CHROMIUM):
        return f"{CHROMIUM} is not installed (make install installs it as root; else: sudo apt-get install chromium)"
    if importlib.util.find_spec("playwright") is None:
        return "Playwright is not installed (make install)"
    return None


# Page checks run in the page: returns a dict the test asserts on.
_INSPECT = """async () => {
  await document.fonts.ready;
  const lum = (c) => {
    const [r, g, b] = c.match(/[\\d.]+/g).slice(0, 3).map(Number).map(v => v / 255)
      .map(v => v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const bgOf = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const bg = getComputedStyle(e).backgroundColor;
      if (bg && !bg.startsWith('rgba(0, 0, 0, 0)') && bg !== 'transparent') return bg;
    }
    return 'rgb(255, 255, 255)';
  };
  const contrast = {};
  for (const sel of ['body', 'main a', '.meta', '.site-search button', '.brand-name', '.box-title', '.pager-current', '.disclaimer']) {
    const el = document.querySelector(sel);
    if (el) contrast[sel] = ratio(getComputedStyle(el).color, bgOf(el));
  }
  const levels = [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].filter(h => h.getClientRects().length || h.closest('.visually-hidden') || h.classList.contains('visually-hidden')).map(h => +h.tagName[1]);
  return {
    dir: document.documentElement.dir,
    lang: document.documentElement.lang,
    overflow: document.documentElement.scrollWidth - window.innerWidth,
    vazirmatnLoaded: [...document.fonts].filter(f => f.family.replace(/["']/g, '') === 'Vazirmatn' && f.status === 'loaded').length,
    fontCheck: document.fonts.check('16px Vazirmatn'),
    bodyFont: getComputedStyle(document.body).fontFamily,
    landmarks: ['header', 'nav', 'main', 'footer'].filter(s => !document.querySelector(s)),
    h1: document.querySelectorAll('h1').length,
    levels,
    imagesWithoutAlt: [...document.images].filter(i => !i.hasAttribute('alt')).length,
    brokenImages: [...document.images].filter(i => i.complete && i.naturalWidth === 0).length,
    contrast,
  };
}"""


class BrowserThread:
    """Chromium driven from one dedicated thread.

    Playwright's sync API runs an asyncio loop in the thread that starts it; kept off the
    test's thread, Django's database code there never sees a running loop.
    """

    def __init__(self):
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="browser")
        self._playwright = self.chromium = None
        self.run(self._start)

    def _start(self, _):
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        self.chromium = self._playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

    def run(self, scenario, *args):
        """Run ``scenario(chromium, *args)`` in the browser thread; its exceptions are raised here."""
        return self._executor.submit(scenario, self.chromium, *args).result(timeout=120)

    def close(self):
        def stop(chromium):
            chromium.close()
            self._playwright.stop()

        self.run(stop)
        self._executor.shutdown()


@pytest.fixture(scope="module")
def browser():
    missing = missing_browser()
    if missing:
        pytest.fail(f"{missing}; set {SKIP_VARIABLE}=1 to skip the browser tests on purpose", pytrace=False)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    thread = BrowserThread()
    yield thread
    thread.close()


class Visit:
    """One browser context at one width; records console errors and every request's host."""

    def __init__(self, browser, server_url: str, width: int, color_scheme: str = "light"):
        self.origin = urlsplit(server_url).netloc
        self.server_url = server_url.rstrip("/")
        self.width = width
        self.context = browser.new_context(
            viewport={"width": width, "height": 800}, locale="fa-IR", color_scheme=color_scheme, service_workers="block"
        )
        self.errors: list[str] = []
        self.foreign: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _route(self, route):
        url = route.request.url
        if url.startswith(("data:", "blob:")) or urlsplit(url).netloc == self.origin:
            route.continue_()
        else:
            self.foreign.append(url)
            route.abort()

    def open(self, path: str):
        response = self.page.goto(self.server_url + path, wait_until="load")
        assert response is not None and response.status == 200, (path, response and response.status)
        return response

    def inspect(self, name: str) -> dict:
        # After a form's answer appeared (wait_for_selector), the new document may still be loading:
        # its fonts would not have been asked for yet, and document.fonts.ready would not wait for them.
        self.page.wait_for_load_state("load")
        report = self.page.evaluate(_INSPECT)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}-{self.width}.png"), full_page=True)
        assert report["dir"] == "rtl" and report["lang"] == "fa", (name, report)
        assert report["overflow"] <= 0, f"{name} at {self.width}px scrolls sideways by {report['overflow']}px"
        assert report["vazirmatnLoaded"] >= 1 and report["fontCheck"], (name, report)
        assert report["bodyFont"].startswith(('"Vazirmatn"', "Vazirmatn")), report["bodyFont"]
        assert not report["landmarks"], f"{name}: missing {report['landmarks']}"
        assert report["h1"] == 1, f"{name}: {report['h1']} h1 elements"
        levels = report["levels"]
        assert levels and levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:])), (name, levels)
        assert report["imagesWithoutAlt"] == 0 and report["brokenImages"] == 0, (name, report)
        low = {sel: round(r, 2) for sel, r in report["contrast"].items() if r < 4.5}
        assert not low, f"{name} at {self.width}px: contrast below 4.5:1 for {low}"
        assert not self.errors, f"{name}: console errors {self.errors}"
        assert not self.foreign, f"{name}: requests to other hosts {self.foreign}"
        return report

    def close(self):
        self.context.close()


@pytest.fixture
def site(settings, tmp_path, mehr, yjc, world, lavrov, yjc_world):
    """A small but complete site: every box filled, an image behind the proxy, a story, feeds."""
    images = ImageServer()
    settings.KHABAR_ALLOW_PRIVATE_ADDRESSES = True
    settings.DATA_DIR = tmp_path  # the image proxy's disk cache
    now = timezone.now()
    story = Story.objects.create(title="نشست ناتو")
    lavrov.image_url = f"{images.url}/a.png"
    lavrov.story = story
    lavrov.credit_reported_by, lavrov.credit_citing = "خبرگزاری مهر", "اسپوتنیک"  # as the crawler reads its body
    lavrov.save()
    from khabar.crawler.article_images import fetch_images_now

    assert fetch_images_now([lavrov.pk]) == 1  # what the crawler does right after storing the article
    sport = Category.objects.get(slug="sports")
    for i in range(8):
        make_article(
            mehr if i % 2 else yjc,
            sport if i % 2 else world,
            story=story if i < 2 else None,
            title=f"گزارش رسانه{ZWNJ}ها از رویداد شمارهٔ {i}",
            lead=f"لید خبر شمارهٔ {i} با واژهٔ English و عدد 2024",
            body_text="گزارش رسانهها از این رویداد ادامه دارد.",
            published_at=now - timedelta(minutes=5 * i),
        )
    for a in yjc_world:
        ArticleDailyViews.objects.create(article=a, day=now.date(), count=7)
        Comment.objects.create(article=a, name="خواننده", text="نظری تأییدشده", approved=True)
    Feed.objects.create(source=mehr, url="https://www.mehrnews.com/rss", last_success_at=now)
    Feed.objects.create(source=mehr, url="https://www.mehrnews.com/rss/broken", error_streak=2, last_error="HTTP 500")
    Story.objects.filter(pk=story.pk).update(article_count=3, outlet_count=2)  # as refresh_stories counts them
    alone = make_article(
        yjc,
        world,
        story=Story.objects.create(title="خبری که تنها یک منبع منتشر کرده", article_count=1, outlet_count=1),
        title="خبری که تنها یک منبع منتشر کرده",
        body_text="به نقل از خبرگزاری مهر، متن این خبر را فقط یک منبع منتشر کرده است.",
        credit_citing="خبرگزاری مهر",
        published_at=now - timedelta(minutes=90),
    )
    yield {"story": story, "lavrov": lavrov, "alone": alone}
    images.close()


@pytest.mark.django_db(transaction=True)
def test_pages_at_phone_and_desktop_widths(browser, live_server, site):
    pages = {
        "home": "/",
        "category": "/category/world/",
        "article": site["lavrov"].get_absolute_url(),
        "search": "/search/?q=" + "رسانه ها",
        "source": "/source/mehr/",
        "latest": "/latest/",
        "contact": "/contact/",
    }
    image = f"/img/{site['lavrov'].pk}/"

    def scenario(chromium, width):
        visit = Visit(chromium, live_server.url, width)
        try:
            for name, path in pages.items():
                visit.open(path)
                visit.inspect(name)
            # the article's image came through /img/, from our host, and really decoded
            visit.open(pages["article"])
            assert visit.page.get_attribute(".article-image img", "src") == image
            assert visit.page.evaluate("document.querySelector('.article-image img').naturalWidth") == 64
            # search results mark the matches
            visit.open(pages["search"])
            assert visit.page.locator("mark").count() >= 2
            # visible focus: the first Tab lands on the skip link, drawn with an outline
            visit.page.keyboard.press("Tab")
            focus = visit.page.evaluate(
                "(() => { const s = getComputedStyle(document.activeElement);"
                " return [document.activeElement.className, s.outlineStyle, s.outlineWidth]; })()"
            )
            assert focus[0] == "skip-link" and focus[1] != "none" and focus[2] != "0px", focus
        finally:
            visit.close()

    for width in WIDTHS:
        browser.run(scenario, width)


@pytest.mark.django_db(transaction=True)
def test_dark_mode(browser, live_server, site):
    def scenario(chromium):
        visit = Visit(chromium, live_server.url, 1280, color_scheme="dark")
        try:
            visit.open("/")
            visit.inspect("home-dark")
            background = visit.page.evaluate("getComputedStyle(document.body).backgroundColor")
            assert background == "rgb(18, 20, 24)", background  # the dark palette, from prefers-color-scheme
            visit.open(site["lavrov"].get_absolute_url())
            visit.inspect("article-dark")
        finally:
            visit.close()

    browser.run(scenario)


@pytest.mark.django_db(transaction=True)
def test_search_from_the_header_box(browser, live_server, site):
    def scenario(chromium):
        visit = Visit(chromium, live_server.url, 360)
        try:
            visit.open("/")
            visit.page.fill("#site-search-q", "رسانهها")
            visit.page.press("#site-search-q", "Enter")
            visit.page.wait_for_url("**/search/**")
            assert visit.page.locator(".search-results > li").count() == 8
            visit.page.select_option("#search-category", "sports")
            visit.page.fill("#search-from", "۱۴۰۰/۰۱/۰۱")
            visit.page.click(".search-form button[type=submit]")
            visit.page.wait_for_load_state("load")
            assert visit.page.locator(".search-results > li").count() == 4
            visit.inspect("search-filtered")
        finally:
            visit.close()

    browser.run(scenario)


@pytest.mark.django_db(transaction=True)
def test_comment_flow(browser, live_server, site):
    article = site["lavrov"]

    def scenario(chromium, width):
        visit = Visit(chromium, live_server.url, width)
        try:
            with visit.page.expect_request(f"**/news/{article.pk}/seen/") as beacon:  # the view is counted
                visit.open(article.get_absolute_url())
            assert beacon.value.method == "POST"
            visit.page.fill("#id_name", f"خواننده {width}")
            visit.page.fill("#id_text", "نظر من دربارهٔ این خبر: به‌نظرم گزارش دقیقی است.")
            visit.page.click(".comment-form button[type=submit]")
            visit.page.wait_for_url("**?comment=sent#comments")
            assert "نظر شما پس از تأیید نمایش داده می‌شود" in visit.page.inner_text("#comments")
            visit.inspect("comment-sent")
            # an empty form is refused with Persian messages (sent once the script has the form's token)
            with visit.page.expect_navigation():
                visit.page.click(".comment-form button[type=submit]")
            assert "لطفاً نام خود را بنویسید." in visit.page.inner_text(".comment-form")
        finally:
            visit.close()

    for width in WIDTHS:
        browser.run(scenario, width)
    stored = Comment.objects.filter(article=article, approved=False).order_by("id")
    assert [c.name for c in stored] == ["خواننده 360", "خواننده 1280"]


@pytest.mark.django_db(transaction=True)
def test_story_page(browser, live_server, site):
    path = site["story"].get_absolute_url()  # a renamed or missing route fails here

    def scenario(chromium, width):
        visit = Visit(chromium, live_server.url, width)
        try:
            visit.open(path)
            visit.inspect("story")
        finally:
            visit.close()

    for width in WIDTHS:
        browser.run(scenario, width)


@pytest.mark.django_db(transaction=True)
def test_coverage_box_only_with_coverage_and_the_credit_line(browser, live_server, site):
    """An article alone in its story shows no empty «پوشش این خبر» box (seen at 1280 px); one with coverage does.
    The credit line links a cited outlet we crawl to its page here."""

    def scenario(chromium, width):
        visit = Visit(chromium, live_server.url, width)
        try:
            visit.open(site["alone"].get_absolute_url())
            visit.inspect("article-alone")
            assert visit.page.locator(".story-block").count() == 0
            assert "پوشش این خبر" not in visit.page.inner_text("main")
            credit = visit.page.locator(".credit-chain")
            assert credit.inner_text().strip() == "به نقل از «خبرگزاری مهر»"
            assert credit.locator("a").get_attribute("href") == "/source/mehr/" and credit.is_visible()
            visit.open(site["lavrov"].get_absolute_url())
            block = visit.page.locator(".story-block")
            assert block.count() == 1 and block.is_visible() and "پوشش کامل این خبر" in block.inner_text()
            assert visit.page.inner_text(".credit-chain").strip() == "به نقل از «اسپوتنیک»"
        finally:
            visit.close()

    for width in WIDTHS:
        browser.run(scenario, width)
