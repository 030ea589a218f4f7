"""The parameter values a SAM template is translated with, and the few intrinsics resolvable from them alone."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

#: region prefix -> (partition, URL suffix), from botocore's ``data/partitions.json`` (regionRegex, dnsSuffix)
_PARTITIONS: tuple[tuple[str, str, str], ...] = (
    ("cn-", "aws-cn", "amazonaws.com.cn"),
    ("us-gov-", "aws-us-gov", "amazonaws.com"),
    ("us-iso-", "aws-iso", "c2s.ic.gov"),
    ("us-isob-", "aws-iso-b", "sc2s.sgov.gov"),
    ("us-isof-", "aws-iso-f", "csp.hci.ic.gov"),
    ("eu-isoe-", "aws-iso-e", "cloud.adc-e.uk"),
    ("eusc-", "aws-eusc", "amazonaws.eu"),
)

_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")


def partition_of(region: str) -> tuple[str, str]:
    """The partition a region belongs to and its URL suffix; every other region is in ``aws``."""
    for prefix, partition, url_suffix in _PARTITIONS:
        if region.startswith(prefix):
            return partition, url_suffix
    return "aws", "amazonaws.com"


def parameter_values(
    body: Mapping[str, Any],
    overrides: Mapping[str, str],
    *,
    region: str,
    account: str,
    stack_name: str,
) -> dict[str, Any]:
    """Defaults, then the user's overrides, then the pseudo parameters (which overrides cannot replace).

    ``AWS::StackId`` and ``AWS::NotificationARNs`` are left out on purpose: whatever the translator cannot
    resolve stays a ``Ref`` for the deployer, which owns those values.
    """
    values: dict[str, Any] = {}
    declared = body.get("Parameters")
    if isinstance(declared, Mapping):
        for name, definition in declared.items():
            if isinstance(definition, Mapping) and "Default" in definition:
                values[str(name)] = definition["Default"]
    values.update(overrides)
    partition, url_suffix = partition_of(region)
    values.update(
        {
            "AWS::Region": region,
            "AWS::AccountId": account,
            "AWS::StackName": stack_name,
            "AWS::Partition": partition,
            "AWS::URLSuffix": url_suffix,
        }
    )
    return values


def resolve_text(value: Any, values: Mapping[str, Any]) -> str | None:
    """``value`` as a string when it is one or a ``Ref``/``Fn::Sub``/``Fn::Join`` of parameters only; else None."""
    if isinstance(value, str):
        return value
    if not isinstance(value, Mapping) or len(value) != 1:
        return None
    [(function, argument)] = value.items()
    if function == "Ref" and isinstance(argument, str):
        return _scalar_text(values.get(argument))
    if function == "Fn::Sub":
        return _resolve_sub(argument, values)
    if function == "Fn::Join":
        return _resolve_join(argument, values)
    return None


def _scalar_text(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str | int | float):
        return str(value)
    return None


def _resolve_sub(argument: Any, values: Mapping[str, Any]) -> str | None:
    # Fn::Sub takes a string, or [string, {variable: value}] whose variables shadow the parameters
    text: Any
    variables: dict[str, Any]
    if isinstance(argument, str):
        text, variables = argument, {}
    elif isinstance(argument, list) and len(argument) == 2 and isinstance(argument[1], Mapping):
        text, variables = argument[0], dict(argument[1])
    else:
        return None
    if not isinstance(text, str):
        return None
    unresolved = False

    def substitute(match: re.Match[str]) -> str:
        nonlocal unresolved
        name = match.group(1)
        if name.startswith("!"):  # ${!Literal} is written out as ${Literal}
            return "${" + name[1:] + "}"
        resolved = resolve_text(variables[name], values) if name in variables else _scalar_text(values.get(name))
        if resolved is None:
            unresolved = True
            return match.group(0)
        return resolved

    result = _SUB_VARIABLE.sub(substitute, text)
    return None if unresolved else result


def _resolve_join(argument: Any, values: Mapping[str, Any]) -> str | None:
    if not (isinstance(argument, list) and len(argument) == 2 and isinstance(argument[0], str)):
        return None
    delimiter: str = argument[0]
    parts = argument[1]
    if not isinstance(parts, list):
        return None
    texts = [resolve_text(part, values) for part in parts]
    if any(text is None for text in texts):
        return None
    return delimiter.join(text for text in texts if text is not None)
