"""Table tags: the ``[{"Key": k, "Value": v}]`` lists of CreateTable and TagResource, checked as
DynamoDB checks them, and the resource ARNs the tag operations accept."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from triggerfish.services.dynamodb.errors import ResourceNotFound, ValidationError
from triggerfish.services.dynamodb.table_checks import invalid, mapping, sequence, text

#: "Tags per resource: 50" (DynamoDB tagging restrictions)
MAX_TAGS = 50
# Letters, digits, white space and + - = . _ : / @ (DynamoDB tagging restrictions)
_ALLOWED = re.compile(r"[\w\s+\-=._:/@]*")


def tags_from_wire(value: Any, member: str = "tags") -> dict[str, str]:
    """A tag list as a dict, refusing what TagResource refuses."""
    result: dict[str, str] = {}
    for index, tag in enumerate(sequence(value, member), 1):
        where = f"{member}.{index}.member"
        tag = mapping(tag, where)
        key = text(tag.get("Key"), f"{where}.key")
        raw_value = tag.get("Value")
        if raw_value is None:
            raise ValidationError("The Tag Value provided is invalid, Value: null")
        tag_value = text(raw_value, f"{where}.value")
        if not key or len(key) > 128 or not _ALLOWED.fullmatch(key):
            raise ValidationError(f"The Tag Key provided is invalid, Key: {key}")
        if len(tag_value) > 256 or not _ALLOWED.fullmatch(tag_value):
            raise ValidationError(f"The Tag Value provided is invalid, Value: {tag_value}")
        # the aws: prefix is reserved for AWS's own tags (DynamoDB tagging restrictions)
        if key.lower().startswith("aws:"):
            raise ValidationError(f"Tag Key cannot be prefixed with aws:, Key: {key}")
        if key in result:
            raise ValidationError(f"Duplicate Tag Keys provided as input: Duplicate Tag Key found {key}")
        result[key] = tag_value
    return result


def tags_to_wire(tags: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"Key": key, "Value": value} for key, value in tags]


def merged(current: Iterable[tuple[str, str]], added: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    result = {**dict(current), **added}
    if len(result) > MAX_TAGS:
        # the 50-tag limit is a ValidationException, not LimitExceeded (observed)
        raise ValidationError("Number of Tags exceed the current limit for the provided ResourceArn")
    return tuple(result.items())


def without(current: Iterable[tuple[str, str]], keys: Iterable[str]) -> tuple[tuple[str, str], ...]:
    unwanted = set(keys)
    return tuple((key, value) for key, value in current if key not in unwanted)


def table_of_resource(arn: str) -> str:
    """The table name a tag operation's ResourceArn names (a table ARN, or one of its streams)."""
    if not arn.startswith("arn:"):
        raise invalid(f"ARNs must start with 'arn:': {arn}")
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[2] != "dynamodb":
        raise invalid(f"Provided Arn is not a DynamoDB resource arn: {arn}")
    path = parts[5].split("/")
    if path[0] != "table" or len(path) < 2 or not path[1] or (len(path) > 2 and path[2] != "stream"):
        raise invalid(f"Invalid resource arn provided, only table or stream is accepted. Provided resource arn: {arn}")
    return path[1]


def resource_not_found(arn: str) -> ResourceNotFound:
    # AWS's own spelling, "ResourcArn" (observed answer of the tag operations)
    return ResourceNotFound(f"Requested resource not found: ResourcArn: {arn} not found")
