"""A backend under test: a way to build stores on one database.

``make()`` returns a new, unopened store on that database, so a test can close a store and open
another on the same data. A PostgreSQL backend joins the ``backend`` fixture in ``conftest.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from triggerfish.store.interfaces import Store


@dataclass(frozen=True)
class Backend:
    name: str
    make: Callable[[], Store]
    #: Whether a store made later sees what an earlier one wrote.
    persistent: bool
