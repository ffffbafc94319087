"""After a process's start-up: what it built kept out of the garbage collector's way."""

from __future__ import annotations

import gc

# Container objects allocated (net) between two collections of the youngest generation;
# Python's default is 2,000.
YOUNG_THRESHOLD = 20_000


def settle() -> None:
    """Collect once, then freeze what is left (``gc.freeze``): the modules, templates, URL
    tables and translation catalogues a worker builds at start-up (≈ 75,000 objects) live as
    long as the process. Every full collection walked them all — 15–20 ms, paid by whichever
    request set it off (one report of 150 in the national benchmark's sweep: 43 ms against
    8 ms); frozen, a full collection walks only what the requests made since. A frozen object is
    still freed when its last reference goes; only a cycle among frozen objects is never
    collected — start-up's live as long as the process anyway.

    Then the youngest generation is collected every ``YOUNG_THRESHOLD`` allocations instead
    of 2,000: a request's objects are freed by their reference counts when its response is
    sent, so a young collection mostly walks the live objects of the request in hand — a
    211-child report (≈ 10,000 of them) paid five such walks, ≈ 5 % of its time; now one at
    most. The cycles a request leaves wait at most that many allocations longer."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
