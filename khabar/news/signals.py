"""Signals of the news app.

``articles_stored`` is sent once per feed refresh, after new articles are
committed, with ``article_ids`` (the new articles' ids, oldest first). Steps
that follow storage (search indexing, story clustering) connect receivers in
their app's ``ready()``; a receiver's failure is logged and never loses the
stored articles (they are committed before the signal is sent).
"""

import logging

from django.dispatch import Signal

articles_stored = Signal()


def send_logged(signal: Signal, sender, log: logging.Logger, after: str, **kwargs) -> None:
    """Send ``signal`` to every receiver; a receiver's failure is logged (``after``: what was done
    before, e.g. "after storing 3 article(s)") with its traceback and never reaches the sender."""
    for receiver, response in signal.send_robust(sender=sender, **kwargs):
        if isinstance(response, Exception):
            log.error(
                "%s, %s failed: %r", after, getattr(receiver, "__qualname__", receiver), response, exc_info=response
            )
