"""Log group tags: named by the group's ARN (TagResource) or its name (the older TagLogGroup)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from triggerfish.services.logs.errors import InvalidParameter

# up to 50 tags per log group (TagResource)
MAX_TAGS = 50
_GROUP_RESOURCE = "log-group:"


def resolve_group_name(arn_or_name: str) -> str:
    """The group an ARN names (``...:log-group:<name>``, with or without the trailing ``:*``), or the name."""
    if not arn_or_name.startswith("arn:"):
        return arn_or_name
    parts = arn_or_name.split(":", 5)
    if len(parts) != 6 or parts[2] != "logs" or not parts[5].startswith(_GROUP_RESOURCE):
        raise InvalidParameter(f"Invalid ARN: {arn_or_name}")
    name = parts[5][len(_GROUP_RESOURCE) :]
    return name.removesuffix(":*")


def tagged(current: Mapping[str, str], tags: Mapping[str, str]) -> dict[str, str]:
    merged = {**current, **tags}
    if len(merged) > MAX_TAGS:
        # worded as Logs answers a 51st tag (TagResource, "TooManyTagsException" is for the new API)
        raise InvalidParameter(f"A resource can have no more than {MAX_TAGS} tags.")
    return merged


def untagged(current: Mapping[str, str], keys: Sequence[str]) -> dict[str, str]:
    return {key: value for key, value in current.items() if key not in keys}
