"""Articles' images: fetched when the article is crawled (capped, deadline, real images only), stored in the
database, and served from there at /img/<id>/: a reader's request never reaches the outlet."""

from __future__ import annotations

import gzip
import io
import struct
import threading
import time
import tracemalloc
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sitekit import make_article


def png(width: int = 64, height: int = 36, rgb: tuple[int, int, int] = (179, 18, 31)) -> bytes:
    """A real (decodable) PNG of one colour."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


PNG = png()
JPEG = b"\xff\xd8\xff\xe0" + b"\x11" * 300


def gzip_bomb(size: int) -> bytes:
    """A JPEG's first bytes, then ``size`` zeros, gzipped: about a thousandth of that on the wire."""
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9) as writer:
        writer.write(b"\xff\xd8\xff\xe0")
        for _ in range(size // (1 << 20)):
            writer.write(b"\0" * (1 << 20))
    return buffer.getvalue()


BOMB = gzip_bomb(200 << 20)


class ImageServer:
    """A loopback web server with a few image (and non-image) URLs, counting requests."""

    routes = {
        "/a.png": (200, "image/png", PNG),
        "/b.jpg": (200, "image/jpeg", JPEG),
        "/page.html": (200, "text/html", b"<html>not an image</html>"),
        "/evil.svg": (200, "image/svg+xml", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"),
        "/huge.jpg": (200, "image/jpeg", b"\xff\xd8\xff" + b"\x00" * 50_000),
        "/gone.jpg": (404, "text/plain", b"not found"),
        "/robots.txt": (200, "text/plain", b"User-agent: *\nDisallow: /private/\n"),
        "/private/c.png": (200, "image/png", PNG),
    }

    def __init__(self):
        self.hits: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.hits.append(self.path)
                if self.path == "/moved":
                    self.send_response(302)
                    self.send_header("Location", "/b.jpg")
                    self.end_headers()
                    return
                if self.path == "/bomb.jpg":  # 200 MiB once inflated
                    self.send_response(200)
                    self.send_header("Content-Type", "image/jpeg")
                    self.send_header("Content-Encoding", "gzip")
                    self.send_header("Content-Length", str(len(BOMB)))
                    self.end_headers()
                    try:
                        self.wfile.write(BOMB)
                    except OSError:  # the client stopped at its cap, as it should
                        pass
                    return
                if self.path == "/drip.jpg":  # every byte in time for the read timeout, the whole far too late
                    self.send_response(200)
                    self.send_header("Content-Type", "image/jpeg")
                    self.send_header("Content-Length", str(len(JPEG)))
                    self.end_headers()
                    try:
                        for byte in JPEG:
                            self.wfile.write(bytes([byte]))
                            self.wfile.flush()
                            time.sleep(0.25)
                    except OSError:  # the client gave up at its deadline
                        pass
                    return
                status, kind, body = server.routes.get(self.path, (404, "text/plain", b"no"))
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def images(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.KHABAR_ALLOW_PRIVATE_ADDRESSES = True
    settings.KHABAR_IMAGE_MAX_BYTES = 10_000
    settings.KHABAR_HOST_MIN_GAP = 0.01  # the crawler's politeness applies; its gap is tested elsewhere
    server = ImageServer()
    yield server
    server.close()


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def crawl_image(article) -> bool:
    """What the crawler does for a new article: fetch its image now; True if one was stored."""
    from khabar.crawler.article_images import fetch_images_now

    return fetch_images_now([article.pk]) == 1


@pytest.mark.django_db
def test_the_image_is_fetched_at_crawl_time_and_served_from_the_database(client, images, mehr, world):
    from khabar.sources.models import Host, RobotsFile

    article = make_article(mehr, world, image_url=f"{images.url}/a.png")
    assert crawl_image(article)
    assert images.hits == ["/robots.txt", "/a.png"]  # robots.txt first, like every request of the crawler
    for _ in range(3):
        response = client.get(f"/img/{article.pk}/")
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png" and body_of(response) == PNG
    assert images.hits == ["/robots.txt", "/a.png"]  # readers never reach the outlet
    assert "max-age" in response["Cache-Control"] and response["X-Content-Type-Options"] == "nosniff"
    # Through the crawler's way out: its robots.txt cache and per-host books, in the database.
    host = images.url.removeprefix("http://")
    assert Host.objects.get(name=host).requests == 2 and RobotsFile.objects.filter(origin=images.url).exists()
    # The article page shows the stored image (and announces it to link previews).
    page = client.get(article.get_absolute_url()).content.decode()
    assert f'src="/img/{article.pk}/"' in page and "og:image" in page


@pytest.mark.django_db
def test_a_reader_never_makes_the_site_fetch_an_image(client, images, mehr, world):
    article = make_article(mehr, world, image_url=f"{images.url}/a.png")  # not crawled: nothing stored
    assert client.get(f"/img/{article.pk}/").status_code == 404
    page = client.get(article.get_absolute_url()).content.decode()
    assert f"/img/{article.pk}/" not in page  # no broken image either
    assert images.hits == []


@pytest.mark.django_db
def test_redirects_are_followed(client, images, mehr, world):
    article = make_article(mehr, world, image_url=f"{images.url}/moved")
    assert crawl_image(article)
    response = client.get(f"/img/{article.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg" and body_of(response) == JPEG


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/page.html", "/evil.svg", "/huge.jpg", "/gone.jpg"])
def test_non_images_oversize_and_errors_are_not_stored(client, images, mehr, world, path):
    article = make_article(mehr, world, image_url=f"{images.url}{path}")
    assert not crawl_image(article)
    assert client.get(f"/img/{article.pk}/").status_code == 404
    assert images.hits == ["/robots.txt", path]


@pytest.mark.django_db
def test_private_addresses_are_refused_unless_allowed(client, images, mehr, world, settings):
    settings.KHABAR_ALLOW_PRIVATE_ADDRESSES = False
    article = make_article(mehr, world, image_url=f"{images.url}/a.png")
    assert not crawl_image(article)
    assert images.hits == []  # never connected


@pytest.mark.django_db
def test_no_image_or_hidden_article_is_404(client, images, mehr, world):
    plain = make_article(mehr, world)
    hidden = make_article(mehr, world, image_url=f"{images.url}/a.png")
    unsafe = make_article(mehr, world, image_url="javascript:alert(1)")
    for article in (plain, hidden, unsafe):
        crawl_image(article)
    hidden.hidden = True
    hidden.save()
    for article in (plain, hidden, unsafe):
        assert client.get(f"/img/{article.pk}/").status_code == 404
    assert images.hits == ["/robots.txt", "/a.png"]  # javascript: is never fetched


@pytest.mark.django_db
def test_robots_txt_of_the_image_host_is_obeyed(client, images, mehr, world):
    article = make_article(mehr, world, image_url=f"{images.url}/private/c.png")
    assert not crawl_image(article)
    assert images.hits == ["/robots.txt"]  # the image itself was never asked for


@pytest.mark.django_db
def test_a_gzip_bomb_is_cut_at_the_cap_at_crawl_time_without_inflating_it(client, images, mehr, world):
    article = make_article(mehr, world, image_url=f"{images.url}/bomb.jpg")
    tracemalloc.start()
    try:
        stored = crawl_image(article)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert not stored and client.get(f"/img/{article.pk}/").status_code == 404
    assert peak < 8_000_000, f"{peak / 1e6:.0f} MB held for a 10 kB cap"  # not the bomb's 200 MiB, nor a chunk's worth
    assert images.hits == ["/robots.txt", "/bomb.jpg"]  # asked once, at crawl time; the reader got a 404 at once


@pytest.mark.django_db
def test_a_dripping_server_is_cut_by_the_total_deadline_at_crawl_time(client, images, mehr, world, settings):
    settings.KHABAR_FETCH_TIMEOUT = 0.6  # reads may wait 0.6 s (a byte comes every 0.25 s); 1.2 s in all
    article = make_article(mehr, world, image_url=f"{images.url}/drip.jpg")
    started = time.monotonic()
    assert not crawl_image(article)
    assert time.monotonic() - started < 10  # not the 76 s the whole answer takes
    assert client.get(f"/img/{article.pk}/").status_code == 404
    assert images.hits == ["/robots.txt", "/drip.jpg"]
