"""Comparing what we build or deliver with what AWS recorded: the same keys at every level, values of the
same JSON types and, when asked, equal values. ``<placeholders>`` stand for values a recording hid; inside a
longer string (``arn:<partition>:sqs:<region>:…``) each one matches any run of characters."""

from __future__ import annotations

import re
from typing import Any


def assert_same_shape(built: Any, sample: Any, *, values: bool = False, where: str = "$") -> None:
    """Same keys at every level and values of the same JSON types; with ``values``, equal values too."""
    if is_placeholder(sample):
        return
    if isinstance(sample, dict):
        assert isinstance(built, dict), f"{where}: expected an object, built {built!r}"
        assert set(built) == set(sample), f"{where}: keys differ: built {sorted(built)}, sample {sorted(sample)}"
        for key, value in sample.items():
            assert_same_shape(built[key], value, values=values, where=f"{where}.{key}")
    elif isinstance(sample, list):
        assert isinstance(built, list), f"{where}: expected a list, built {built!r}"
        assert len(built) == len(sample), f"{where}: {len(built)} items built, {len(sample)} in the sample"
        for index, (built_item, sample_item) in enumerate(zip(built, sample, strict=True)):
            assert_same_shape(built_item, sample_item, values=values, where=f"{where}[{index}]")
    else:
        assert type(built) is type(sample), f"{where}: built {built!r}, sample {sample!r}"
        if values and isinstance(sample, str) and _HOLE.search(sample):
            assert matches_template(built, sample), f"{where}: built {built!r}, sample {sample!r}"
        else:
            assert not values or built == sample, f"{where}: built {built!r}, sample {sample!r}"


# the SQS recordings hid two attributes behind bare words rather than <placeholders>
_BARE_PLACEHOLDERS = frozenset({"sent-timestamp", "sender-id"})


def is_placeholder(value: Any) -> bool:
    return isinstance(value, str) and ((value.startswith("<") and value.endswith(">")) or value in _BARE_PLACEHOLDERS)


_HOLE = re.compile(r"<[^<>]+>")


def matches_template(built: str, sample: str) -> bool:
    """Whether ``built`` is ``sample`` with each embedded ``<placeholder>`` filled in."""
    pattern = ".+".join(re.escape(part) for part in _HOLE.split(sample))
    return re.fullmatch(pattern, built, flags=re.DOTALL) is not None
