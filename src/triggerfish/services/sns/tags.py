"""Topic tags: the ``[{"Key": k, "Value": v}]`` lists of the API, checked as SNS checks them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from triggerfish.services.sns.errors import TagLimitExceeded, invalid

# "Tags per topic: 50" (Amazon SNS quotas)
MAX_TAGS = 50


def tags_from_wire(tags: Iterable[Mapping[str, str]] | None) -> dict[str, str]:
    """A tag list as a dict; a key given twice is refused (recorded TagResource answer)."""
    result: dict[str, str] = {}
    for tag in tags or ():
        key = tag.get("Key", "")
        if key in result:
            raise invalid("Duplicated keys are not allowed.")
        result[key] = tag.get("Value", "")
    return result


def tags_to_wire(tags: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"Key": key, "Value": value} for key, value in tags.items()]


def merged(current: Mapping[str, str], added: Mapping[str, str]) -> dict[str, str]:
    """``current`` with ``added`` set over it, within the per-topic quota."""
    result = {**current, **added}
    if len(result) > MAX_TAGS:
        raise TagLimitExceeded("Could not complete request: tag quota of per resource exceeded")
    return result


def without(current: Mapping[str, str], keys: Iterable[str]) -> dict[str, str]:
    unwanted = set(keys)
    return {key: value for key, value in current.items() if key not in unwanted}
