"""The value functions (Fn::Join, Fn::Select, Fn::Cidr, ...) applied to arguments already evaluated.

Each raises ``TemplateError`` with CloudFormation's message and no location; the evaluator adds it.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import re
from collections.abc import Mapping
from typing import Any

from triggerfish.config.cfn import messages
from triggerfish.config.cfn.scalars import scalar_text
from triggerfish.config.errors import TemplateError

#: how many availability zones Fn::GetAZs answers for any region
_ZONES = "abc"


def join(delimiter: Any, items: Any) -> str:
    if not isinstance(delimiter, str) or not isinstance(items, list):
        raise TemplateError(messages.JOIN_ARGUMENTS)
    texts = [scalar_text(item) for item in items]
    if any(text is None for text in texts):
        raise TemplateError(messages.JOIN_ARGUMENTS)
    return delimiter.join(text for text in texts if text is not None)


def select(index: Any, items: Any) -> Any:
    position = _integer(index)
    if position is None or not isinstance(items, list):
        raise TemplateError(messages.SELECT_ARGUMENTS)
    if not 0 <= position < len(items):
        raise TemplateError(messages.select_out_of_range(position))
    return items[position]


def split(delimiter: Any, source: Any) -> list[str]:
    text = scalar_text(source)
    if not isinstance(delimiter, str) or not delimiter or text is None:
        raise TemplateError(messages.SPLIT_ARGUMENTS)
    return text.split(delimiter)


def base64_text(value: Any) -> str:
    text = scalar_text(value)
    if text is None:
        raise TemplateError(messages.BASE64_ARGUMENT)
    return base64.b64encode(text.encode()).decode("ascii")


def availability_zones(region: str) -> list[str]:
    # Fn::GetAZs: the zones of the region; locally every region has three, a to c
    return [f"{region}{zone}" for zone in _ZONES]


def to_json_string(value: Any) -> str:
    if not isinstance(value, Mapping | list):
        raise TemplateError(messages.TO_JSON_STRING_ARGUMENT)
    # Fn::ToJsonString writes compact JSON
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def length(value: Any) -> int:
    if not isinstance(value, list):
        raise TemplateError(messages.LENGTH_ARGUMENT)
    return len(value)


def cidr(block: Any, count: Any, bits: Any) -> list[str]:
    """Fn::Cidr: the first ``count`` subnets of ``block`` with ``bits`` host bits each."""
    subnets, host_bits = _integer(count), _integer(bits)
    text = scalar_text(block)
    if text is None or subnets is None or host_bits is None or not 1 <= subnets <= 256:
        raise TemplateError(messages.CIDR_ARGUMENTS)
    try:
        network = ipaddress.ip_network(text, strict=False)
    except ValueError:
        raise TemplateError(f"Template error: Fn::Cidr ipBlock {text} is not a valid CIDR block") from None
    prefix = network.max_prefixlen - host_bits
    if not 0 < host_bits <= network.max_prefixlen or prefix < network.prefixlen:
        raise TemplateError(messages.CIDR_ARGUMENTS)
    if 2 ** (prefix - network.prefixlen) < subnets:
        raise TemplateError(f"Template error: Fn::Cidr cannot fit {subnets} subnets with {host_bits} bits in {text}")
    result: list[str] = []
    for subnet in network.subnets(new_prefix=prefix):
        result.append(str(subnet))
        if len(result) == subnets:
            break
    return result


def find_in_map(mappings: Mapping[str, Any], name: Any, top: Any, second: Any, default: Any = None) -> Any:
    """Fn::FindInMap; ``default`` is the AWS::LanguageExtensions ``DefaultValue`` (None: none given)."""
    keys = [scalar_text(name), scalar_text(top), scalar_text(second)]
    map_name, top_key, second_key = keys
    if map_name is None or top_key is None or second_key is None:
        raise TemplateError(messages.FIND_IN_MAP_ARGUMENTS)
    mapping = mappings.get(map_name)
    if mapping is None and default is None:
        raise TemplateError(messages.missing_mapping(map_name))
    attributes = mapping.get(top_key) if isinstance(mapping, Mapping) else None
    value = attributes.get(second_key) if isinstance(attributes, Mapping) else None
    if value is not None:
        return list(value) if isinstance(value, list) else value
    if default is not None:
        return default
    raise TemplateError(messages.mapping_lookup_failed(map_name, top_key, second_key))


def _integer(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*-?[0-9]+\s*", value):
        return int(value)
    return None
