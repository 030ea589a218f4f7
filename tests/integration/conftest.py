"""Integration tests run real execution environments. This directory is on ``sys.path``, so tests
import ``invocation_harness``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from invocation_harness import RecordingDeliverer

import triggerfish
from triggerfish.cloud import Cloud


@pytest.fixture(scope="module")
def cloud() -> Iterator[Cloud]:
    """One real-clock cloud per test module; tests use their own function names."""
    with triggerfish.local() as local_cloud:
        yield local_cloud


@pytest.fixture(scope="module")
def recorder() -> RecordingDeliverer:
    return RecordingDeliverer()


@pytest.fixture(scope="module")
def virtual_cloud(recorder: RecordingDeliverer) -> Iterator[Cloud]:
    """A cloud on the virtual clock with AWS's retry delays (60 s, 120 s), whose SQS, SNS and
    EventBridge deliveries land in ``recorder``."""
    with triggerfish.local(virtual_clock=True, retry_base_delay=60, port=None) as local_cloud:
        for service in ("sqs", "sns", "events"):
            local_cloud.app.deliveries.register(service, recorder)
        yield local_cloud
