"""Timestamps in each event source's own format."""

from __future__ import annotations

import pytest

from triggerfish.core.payloads.timestamps import (
    access_log_time,
    epoch_millis,
    epoch_seconds,
    iso_millis,
    iso_seconds,
    millis_as_seconds,
)


def test_api_gateway_request_time_is_an_access_log_time() -> None:
    assert access_log_time(1428582896.0) == "09/Apr/2015:12:34:56 +0000"
    assert access_log_time(1583349317.135) == "04/Mar/2020:19:15:17 +0000"
    # single-digit days keep their leading zero and the month is always English
    assert access_log_time(1583038800.0) == "01/Mar/2020:05:00:00 +0000"


def test_epoch_millis_round_instead_of_truncating_float_noise() -> None:
    assert epoch_millis(1545082649.183) == 1545082649183
    assert epoch_millis(1583348638.390) == 1583348638390
    assert epoch_millis(1428582896.0) == 1428582896000


def test_iso_times_with_and_without_millis() -> None:
    assert iso_millis(1567539447.192) == "2019-09-03T19:37:27.192Z"
    assert iso_millis(0.0) == "1970-01-01T00:00:00.000Z"
    assert iso_seconds(1513968228.0) == "2017-12-22T18:43:48Z"
    # the envelope's second precision drops the fraction rather than rounding up
    assert iso_seconds(1513968228.999) == "2017-12-22T18:43:48Z"


def test_millis_spilling_into_the_next_second_carry_over() -> None:
    assert iso_millis(1567539447.9996) == "2019-09-03T19:37:28.000Z"


@pytest.mark.parametrize(("epoch", "seconds"), [(1480642020.0, 1480642020), (1480642020.9, 1480642020)])
def test_whole_epoch_seconds(epoch: float, seconds: int) -> None:
    assert epoch_seconds(epoch) == seconds
    assert isinstance(epoch_seconds(epoch), int)


def test_kinesis_arrival_keeps_milliseconds_as_a_float() -> None:
    assert millis_as_seconds(1545084650.98712) == 1545084650.987
    assert isinstance(millis_as_seconds(1545084650), float)
