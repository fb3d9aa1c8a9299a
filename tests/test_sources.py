"""``khabar sources add``: one feed URL registered under its host's source; anything else refused."""

from __future__ import annotations

import pytest

from khabar.sources.catalog import add_feed
from khabar.sources.models import Feed, Source


@pytest.mark.django_db
def test_add_feed_registers_the_feed_under_its_host():
    feed = add_feed("https://www.isna.ir/rss", name="ایسنا")
    again = add_feed("https://www.isna.ir/rss")
    assert again.pk == feed.pk and Feed.objects.count() == 1
    assert (feed.source.slug, feed.source.name, feed.source.homepage) == ("isna-ir", "ایسنا", "https://www.isna.ir/")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/xml,<rss/>", "isna.ir/rss", "//isna.ir/rss", "ftp://isna.ir/rss"]
)
def test_add_feed_refuses_what_is_not_a_web_address(url):
    with pytest.raises(ValueError, match="not a valid http"):
        add_feed(url)
    assert not Feed.objects.exists() and not Source.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url, why",
    [
        ("http://a b.com/", "not a valid http"),  # a space in the host
        ("http://isna.ir:99999/rss", "not a valid http"),  # no such port
        ("http://isna.ir:65536/rss", "not a valid http"),
        ("http://-isna.ir/rss", "not a valid http"),
        ("https://isna.ir/" + "a" * 5000, "too long"),
    ],
)
def test_add_feed_refuses_malformed_addresses(url, why):
    with pytest.raises(ValueError, match=why):
        add_feed(url)
    assert not Feed.objects.exists() and not Source.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["http://a b.com/", "http://isna.ir:99999/", "https://isna.ir/" + "a" * 5000])
@pytest.mark.parametrize("discover", [True, False])
def test_sources_add_refuses_a_malformed_address_in_one_line(capsys, url, discover):
    from khabar.cli import main

    assert main(["sources", "add", url] + ([] if discover else ["--no-discover"])) == 2
    err = capsys.readouterr().err
    assert err.startswith("khabar sources add: ") and err.count("\n") == 1 and len(err) < 300
    assert not Feed.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content, why",
    [
        (None, "خوانده نشد"),  # no such file
        ("{not json", "فهرست درستی از رسانه‌ها نیست"),
        ('{"sources": []}', "فهرست درستی از رسانه‌ها نیست"),
        ('["a list"]', "فهرست درستی از رسانه‌ها نیست"),
        ('{"outlets": [{"name": "x"}]}', "فهرست درستی از رسانه‌ها نیست"),
    ],
)
def test_sources_load_of_a_missing_or_malformed_file_says_so_in_one_line(tmp_path, capsys, content, why):
    from khabar.cli import main

    path = tmp_path / "outlets.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    assert main(["sources", "load", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("khabar sources load: ") and why in err and err.count("\n") == 1, err
    assert "Traceback" not in err and not Source.objects.exists()
