"""Signals of the news app.

``articles_stored`` is sent once per feed refresh, after new articles are
committed, with ``article_ids`` (the new articles' ids, oldest first). Steps
that follow storage (search indexing, story clustering) connect receivers in
their app's ``ready()``; a receiver's failure is logged and never loses the
stored articles (they are committed before the signal is sent).
"""

from django.dispatch import Signal

articles_stored = Signal()
