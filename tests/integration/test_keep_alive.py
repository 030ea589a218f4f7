"""Idle execution environments are reclaimed after the keep-alive, measured on the clock (spec §8)."""

from __future__ import annotations

import os
import select
from collections.abc import Iterator

import pytest
from invocation_harness import BASICS, unique

import triggerfish
from triggerfish.cloud import Cloud


@pytest.fixture(scope="module")
def cloud() -> Iterator[Cloud]:
    with triggerfish.local(virtual_clock=True, keep_alive=60, port=None) as local_cloud:
        yield local_cloud


def _exits(pid: int, timeout: float = 30.0) -> bool:
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        return bool(select.select([fd], [], [], timeout)[0])
    finally:
        os.close(fd)


def test_idle_environment_is_reclaimed_after_keep_alive(cloud: Cloud) -> None:
    name = unique("idle")
    cloud.create_function(name, handler="app.counter", code_dir=BASICS)
    first = cloud.invoke(name, {}).json()
    assert isinstance(first, dict)
    assert cloud.app.pool.counts() == {"idle": 1, "busy": 0}

    cloud.advance(59)
    assert cloud.app.pool.counts() == {"idle": 1, "busy": 0}
    assert cloud.invoke(name, {}).json()["count"] == 2  # type: ignore[index]  # still warm; idle again from now

    cloud.advance(59)
    assert cloud.app.pool.counts() == {"idle": 1, "busy": 0}
    cloud.advance(2)
    assert cloud.app.pool.counts() == {"idle": 0, "busy": 0}
    assert _exits(first["pid"])

    after = cloud.invoke(name, {}).json()
    assert isinstance(after, dict)
    assert after["pid"] != first["pid"]
    assert after["count"] == 1
    assert [r.cold for r in cloud.invocations_of(name)] == [True, False, True]


def test_every_idle_environment_goes_in_turn(cloud: Cloud) -> None:
    cloud.advance(61)  # whatever earlier tests left idle is gone
    assert cloud.app.pool.counts() == {"idle": 0, "busy": 0}
    older, newer = unique("idle"), unique("idle")
    for name in (older, newer):
        cloud.create_function(name, handler="app.counter", code_dir=BASICS)
    cloud.invoke(older, {})
    cloud.advance(30)
    cloud.invoke(newer, {})
    assert cloud.app.pool.counts()["idle"] == 2
    cloud.advance(31)  # older has idled 61 s, newer 31 s
    assert cloud.app.pool.counts()["idle"] == 1
    assert cloud.invoke(newer, {}).json()["count"] == 2  # type: ignore[index]
    cloud.advance(61)
    assert cloud.app.pool.counts()["idle"] == 0
    cloud.invoke(older, {})
    cloud.invoke(newer, {})
    assert [r.cold for r in cloud.invocations_of(older)] == [True, True]
    assert [r.cold for r in cloud.invocations_of(newer)] == [True, False, True]
