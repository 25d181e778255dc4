"""cache.collector_paused: the collector is off while a run makes many long-lived
objects, and afterwards it is on again without owing a pass over all of them."""
from __future__ import annotations

import gc
import weakref

from feedsite.cache import collector_paused


class Node:
    def __init__(self):
        self.me = self  # a reference cycle: only the collector frees it


def test_what_was_made_while_paused_is_not_walked_at_once_yet_still_collectable():
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        kept = [[i] for i in range(200_000)]  # the loaded cache, say
        garbage = Node()
        gone = weakref.ref(garbage)
        del garbage
    assert gc.isenabled()
    # Left in the youngest generation, the next allocation would walk all 200,000.
    assert gc.get_count()[0] < 1_000, gc.get_count()
    assert gc.get_freeze_count() == 0  # promoted, not frozen for good
    assert gone() is not None
    gc.collect()
    assert gone() is None, "a cycle made while paused is still collected later"
    assert len(kept) == 200_000


def test_a_frozen_heap_stays_frozen():
    """A caller's frozen objects (the build freezes its loaded state) stay frozen."""
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with collector_paused():
            [[i] for i in range(1_000)]
        assert gc.get_freeze_count() >= frozen > 0
    finally:
        gc.unfreeze()
