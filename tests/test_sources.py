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
    with pytest.raises(ValueError, match="not an http"):
        add_feed(url)
    assert not Feed.objects.exists() and not Source.objects.exists()
