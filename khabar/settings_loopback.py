"""Settings for crawling the offline news web: ``khabar crawl --allow-private``, ``khabar worker --allow-private``.

The base settings (``khabar.settings``, environment variables included), with loopback,
private and link-local addresses allowed, where the news web's outlets listen.
"""

from khabar.settings import *  # noqa: F403

KHABAR_ALLOW_PRIVATE_ADDRESSES = True
