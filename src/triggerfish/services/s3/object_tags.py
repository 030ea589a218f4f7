"""Object tag sets: the ``x-amz-tagging`` header (a URL query string) and PutObjectTagging's
TagSet, checked against S3's limits (S3 User Guide, "Categorizing your storage using tags")."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from urllib.parse import parse_qsl

from triggerfish.services.s3.errors import InvalidArgument, InvalidTag

MAX_TAGS = 10
MAX_KEY = 128
MAX_VALUE = 256


def tags_from_header(header: str | None) -> dict[str, str]:
    """The tags of an ``x-amz-tagging`` header: ``k1=v1&k2=v2``, URL-encoded."""
    if not header:
        return {}
    try:
        pairs = parse_qsl(header, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        message = (
            "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters "
            "without tag name duplicates."
        )
        raise InvalidArgument(message, "x-amz-tagging", header) from None
    return check_tags(pairs)


def tags_from_set(tag_set: Iterable[Mapping[str, str]]) -> dict[str, str]:
    """The tags of a ``TagSet`` (``[{"Key": k, "Value": v}]``)."""
    return check_tags((tag.get("Key", ""), tag.get("Value", "")) for tag in tag_set)


def check_tags(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    tags: dict[str, str] = {}
    for key, value in pairs:
        if key in tags:
            raise InvalidTag("Cannot provide multiple Tags with the same key", key)
        if not key:
            raise InvalidTag("The TagKey you have provided is invalid", key)
        if len(key) > MAX_KEY:
            raise InvalidTag(f"The TagKey you have provided is too long, max {MAX_KEY}", key)
        if len(value) > MAX_VALUE:
            raise InvalidTag(f"The TagValue you have provided is too long, max {MAX_VALUE}", key, value)
        if key.lower().startswith("aws:"):
            raise InvalidTag("Your TagKey cannot be prefixed with aws:", key, value)
        tags[key] = value
    if len(tags) > MAX_TAGS:
        raise InvalidTag(f"Object tags cannot be greater than {MAX_TAGS}")
    return tags


def tag_set(tags: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"Key": key, "Value": value} for key, value in tags.items()]
