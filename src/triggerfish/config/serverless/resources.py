"""The ``resources`` section: deep-merged over the template the framework generated.

Follows the Serverless Framework v3 (``package/lib/merge-custom-provider-resources.js``): ``resources`` (or a
list of them, e.g. several ``${file()}`` includes, merged in order first) is merged key by key, lists
element by element, so a resource written with a generated logical id extends the generated resource;
``resources.extensions`` then changes single attributes of generated resources.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from triggerfish.config.errors import TemplateError

#: the ``resources.extensions`` attributes that replace the generated value
_EXTENSION_ATTRIBUTES = ("Condition", "CreationPolicy", "DeletionPolicy", "UpdatePolicy", "UpdateReplacePolicy")


def merge_resources(template: dict[str, Any], resources: Any, file: Path) -> None:
    """``resources`` (or a list of them, merged in order) deep-merged over the generated template."""
    if resources is None:
        return
    if isinstance(resources, list):
        merged: dict[str, Any] = {}
        for index, part in enumerate(resources):
            if part is None:
                continue
            merge_into(merged, expect_mapping(part, f"resources[{index}]", file, required=True))
        resources = merged
    given = dict(expect_mapping(resources, "resources", file))
    for section in ("Resources", "Outputs", "Conditions", "Parameters", "Mappings"):
        expect_mapping(given.get(section), f"resources.{section}", file)
    extensions = expect_mapping(given.pop("extensions", None), "resources.extensions", file)
    merge_into(template, given)
    for logical_id, extension in extensions.items():
        _extend(
            template["Resources"],
            str(logical_id),
            expect_mapping(extension, f"resources.extensions.{logical_id}", file),
            file,
        )


def _extend(resources: dict[str, Any], logical_id: str, extension: Mapping[str, Any], file: Path) -> None:
    """``resources.extensions``: change one attribute of a generated resource without replacing it."""
    where = f"resources.extensions.{logical_id}"
    resource = resources.get(logical_id)
    if not isinstance(resource, dict):
        raise TemplateError(
            f'Cannot extend "{logical_id}" resource, as it\'s not found in generated stack', file=file, where=where
        )
    for attribute, value in extension.items():
        if attribute in _EXTENSION_ATTRIBUTES:
            resource[attribute] = copy.deepcopy(value)
        elif attribute in ("Properties", "Metadata"):
            resource.setdefault(attribute, {}).update(
                copy.deepcopy(dict(expect_mapping(value, f"{where}.{attribute}", file)))
            )
        elif attribute == "DependsOn":
            current = resource.get("DependsOn") or []
            resource["DependsOn"] = [*([current] if isinstance(current, str) else current), *_string_list(value)]
        else:
            raise TemplateError(
                f'extending the "{attribute}" attribute is not supported', file=file, where=f"{where}.{attribute}"
            )


def merge_into(target: dict[str, Any], source: Mapping[str, Any]) -> dict[str, Any]:
    """The framework's deep merge: objects merged key by key, lists element by element, the rest replaced."""
    for key, value in source.items():
        current = target.get(key)
        if isinstance(current, dict) and isinstance(value, Mapping):
            merge_into(current, value)
        elif isinstance(current, list) and isinstance(value, list):
            target[key] = _merge_lists(current, value)
        else:
            target[key] = copy.deepcopy(value)
    return target


def _merge_lists(current: list[Any], incoming: list[Any]) -> list[Any]:
    merged = copy.deepcopy(current)
    for index, value in enumerate(incoming):
        if index >= len(merged):
            merged.append(copy.deepcopy(value))
        elif isinstance(merged[index], dict) and isinstance(value, Mapping):
            merge_into(merged[index], value)
        elif isinstance(merged[index], list) and isinstance(value, list):
            merged[index] = _merge_lists(merged[index], value)
        else:
            merged[index] = copy.deepcopy(value)
    return merged


def expect_mapping(value: Any, where: str, file: Path, *, required: bool = False) -> Mapping[str, Any]:
    if value is None and not required:
        return {}
    if not isinstance(value, Mapping):
        problem = "missing" if value is None else f"must be an object, not {type(value).__name__}"
        raise TemplateError(problem, file=file, where=where)
    return value


def _string_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(item) for item in value] if isinstance(value, list) else [str(value)]
