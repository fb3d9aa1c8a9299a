"""The scale-out benchmark's news web: ``bench/freshness/newsweb_process.py`` with a slower idle poll.

Each outlet's server runs ``serve_forever(poll_interval=0.1)`` in a thread of its own
(``khabar/newsweb/server.py``). With 1,000 outlets that is 10,000 idle wake-ups a second, each
taking the GIL: the idle news web alone kept both CPUs busy (load average > 200, 70 % system
time) before any request. A request wakes ``select`` at once whatever the interval, so here it is
``IDLE_POLL`` seconds; only stopping waits longer (the outlets stop in parallel).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from khabar.newsweb.handler import OutletServer  # noqa: E402

IDLE_POLL = 2.0
_serve_forever = OutletServer.serve_forever


def serve_forever(self, poll_interval: float = IDLE_POLL) -> None:
    _serve_forever(self, poll_interval=max(poll_interval, IDLE_POLL))


OutletServer.serve_forever = serve_forever

if __name__ == "__main__":
    spec = importlib.util.spec_from_file_location(
        "freshness_newsweb", ROOT / "bench" / "freshness" / "newsweb_process.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    raise SystemExit(module.main())
