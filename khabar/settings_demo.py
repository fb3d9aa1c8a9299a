"""Settings of ``khabar demo``: the offline news web on loopback, in a database of the demo's own.

The loopback settings, with the demo's database (``<KHABAR_DATA_DIR>/demo.sqlite3`` unless
``KHABAR_DATABASE_URL`` is set), so that demo items never mix with a real instance's, and a
0.1 s gap between two requests to one host (the outlets are the demo's own, on loopback, and each
article costs two requests, its page and its image; unless ``KHABAR_HOST_MIN_GAP`` is set), and one server worker process (one reader on loopback; the CPU
goes to the crawl), unless ``KHABAR_SERVER_WORKERS`` is set.
"""

from khabar.settings import database, env_float
from khabar.settings_loopback import *  # noqa: F403

DATABASES = {"default": database("demo.sqlite3")}
KHABAR_HOST_MIN_GAP = env_float("KHABAR_HOST_MIN_GAP", 0.1)
KHABAR_SERVER_WORKERS = int(env_float("KHABAR_SERVER_WORKERS", 1))
