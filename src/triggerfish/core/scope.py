"""Where a request runs: the caller's account and region, as services take it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from triggerfish.core.ids import DEFAULT_ACCOUNT, DEFAULT_REGION


class Scope(Protocol):
    """Anything with an account and a region (the endpoint's request scope, a :class:`Location`)."""

    @property
    def account(self) -> str: ...

    @property
    def region(self) -> str: ...


@dataclass(frozen=True)
class Location:
    """A scope given directly; the default account and region unless told otherwise."""

    account: str = DEFAULT_ACCOUNT
    region: str = DEFAULT_REGION


def scope_key(scope: Scope) -> str:
    """The DocumentStore scope of anything with an account and a region: ``<account>/<region>``."""
    return f"{scope.account}/{scope.region}"
