"""/img/<id>/: the article image through a same-origin proxy, fetched once, capped, cached on disk."""

from __future__ import annotations

import struct
import threading
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


class ImageServer:
    """A loopback web server with a few image (and non-image) URLs, counting requests."""

    routes = {
        "/a.png": (200, "image/png", PNG),
        "/b.jpg": (200, "image/jpeg", JPEG),
        "/page.html": (200, "text/html", b"<html>not an image</html>"),
        "/evil.svg": (200, "image/svg+xml", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"),
        "/huge.jpg": (200, "image/jpeg", b"\xff\xd8\xff" + b"\x00" * 50_000),
        "/gone.jpg": (404, "text/plain", b"not found"),
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
    server = ImageServer()
    yield server
    server.close()


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.django_db
def test_image_is_fetched_once_and_served_from_disk(client, images, mehr, world, tmp_path):
    article = make_article(mehr, world, image_url=f"{images.url}/a.png")
    for _ in range(3):
        response = client.get(f"/img/{article.pk}/")
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png" and body_of(response) == PNG
    assert images.hits == ["/a.png"]
    assert "max-age" in response["Cache-Control"] and response["X-Content-Type-Options"] == "nosniff"
    assert list((tmp_path / "images").rglob(f"{article.pk}.img"))


@pytest.mark.django_db
def test_redirects_are_followed(client, images, mehr, world):
    article = make_article(mehr, world, image_url=f"{images.url}/moved")
    response = client.get(f"/img/{article.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg" and body_of(response) == JPEG


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/page.html", "/evil.svg", "/huge.jpg", "/gone.jpg"])
def test_non_images_oversize_and_errors_are_refused_and_remembered(client, images, mehr, world, path):
    article = make_article(mehr, world, image_url=f"{images.url}{path}")
    assert client.get(f"/img/{article.pk}/").status_code == 404
    assert client.get(f"/img/{article.pk}/").status_code == 404
    assert images.hits == [path]  # the failure is remembered: asked once


@pytest.mark.django_db
def test_private_addresses_are_refused_unless_allowed(client, images, mehr, world, settings):
    settings.KHABAR_ALLOW_PRIVATE_ADDRESSES = False
    article = make_article(mehr, world, image_url=f"{images.url}/a.png")
    assert client.get(f"/img/{article.pk}/").status_code == 404
    assert images.hits == []  # never connected


@pytest.mark.django_db
def test_no_image_or_hidden_article_is_404(client, images, mehr, world):
    plain = make_article(mehr, world)
    hidden = make_article(mehr, world, image_url=f"{images.url}/a.png", hidden=True)
    unsafe = make_article(mehr, world, image_url="javascript:alert(1)")
    for article in (plain, hidden, unsafe):
        assert client.get(f"/img/{article.pk}/").status_code == 404
    assert images.hits == []
