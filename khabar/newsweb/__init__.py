"""Offline Persian news web: fictional outlets publishing real articles over loopback.

``NewsWeb(seed=1, rate=6.0, port=0).start()`` serves 15 outlets on
127.0.1.10 ... 127.0.1.24 (one port for all); ``python -m khabar.newsweb.server``
runs it from the command line. Standard library only (no Django here).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from khabar.newsweb.server import NewsWeb

__all__ = ["NewsWeb"]


def __getattr__(name: str) -> Any:
    if name == "NewsWeb":
        from khabar.newsweb.server import NewsWeb

        return NewsWeb
    raise AttributeError(name)
