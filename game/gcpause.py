"""A context manager that pauses Python's cyclic garbage collector while bulk-building objects.

Loading a scenario and building its machine plan allocate hundreds of thousands of long-lived
objects; every allocation burst triggers collections that walk the whole growing heap, which
made both grow faster than the scene count (figures in docs/performance.md). Almost nothing
made there is cyclic garbage, and what is gets collected as soon as the collector runs again.
A leaf module with no imports of the project, so the scenario package and the engine can both
use it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Disable the cyclic collector inside the block; restore its previous state afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
