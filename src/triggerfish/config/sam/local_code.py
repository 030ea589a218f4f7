"""Local code paths in a SAM template, hidden from the translator behind placeholder S3 locations.

The translator only accepts ``s3://`` locations for ``CodeUri``/``ContentUri``, because a deployed
template has been through ``sam package`` first. Locally the code stays where it is: each local path is
swapped for a placeholder S3 location before translating, and afterwards the ``Code``/``Content`` that
came from a placeholder becomes the path itself, relative to the template's folder: the string form of
``Code`` that ``aws cloudformation package`` takes and the deployer reads as a local path.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from triggerfish.config.errors import TemplateError
from triggerfish.config.sam.parameters import resolve_text

#: the bucket of every placeholder location; no real bucket can be named like this (no underscores allowed)
PLACEHOLDER_BUCKET = "triggerfish_local_code"

_FUNCTION = "AWS::Serverless::Function"
_LAYER = "AWS::Serverless::LayerVersion"


@dataclass(frozen=True)
class LocalCode:
    """The local paths a staged template refers to, by the S3 key of their placeholder."""

    paths: Mapping[str, str] = field(default_factory=dict)  # placeholder key -> posix path relative to the template


@dataclass
class _Stager:
    base_dir: Path
    values: Mapping[str, Any]
    source: Path
    paths: dict[str, str] = field(default_factory=dict)

    def stage(self, holder: dict[str, Any], key: str, *, where: str) -> None:
        """Swap the local path in ``holder[key]`` for a placeholder; S3 locations and the unresolvable stay."""
        text = resolve_text(holder[key], self.values)
        if text is None:  # {Bucket, Key}, or intrinsics the translator has to judge
            return
        if is_s3_uri(text):
            holder[key] = text
            return
        holder[key] = self.placeholder(text, where=where)

    def placeholder(self, text: str, *, where: str) -> str:
        # a relative path is relative to the template's folder (aws cloudformation package's rule)
        path = Path(os.path.normpath(self.base_dir / text))
        if not path.exists():
            problem = f"local path {text!r} does not exist (looked for {path})"
            raise TemplateError(problem, file=self.source, where=where)
        relative = Path(os.path.relpath(path, self.base_dir)).as_posix()
        key = hashlib.sha256(relative.encode()).hexdigest()[:32]
        self.paths[key] = relative
        return f"s3://{PLACEHOLDER_BUCKET}/{key}"


def is_s3_uri(text: str) -> bool:
    return text[:5].lower() == "s3://"  # the translator parses the scheme case-insensitively


def stage_local_code(body: dict[str, Any], *, base_dir: Path, values: Mapping[str, Any], source: Path) -> LocalCode:
    """Replace, in place, every local ``CodeUri``/``ContentUri`` of ``body`` with a placeholder S3 location."""
    stager = _Stager(base_dir=base_dir, values=values, source=source)
    global_function = _globals_of(body, "Function")
    if global_function is not None and "CodeUri" in global_function:
        stager.stage(global_function, "CodeUri", where="Globals.Function.CodeUri")
    resources = body.get("Resources")
    if not isinstance(resources, dict):
        return LocalCode()  # the translator reports a missing or malformed Resources section
    for logical_id, resource in resources.items():
        if not isinstance(resource, dict):
            continue
        where = f"Resources.{logical_id}.Properties"
        if resource.get("Type") == _FUNCTION:
            properties = resource.setdefault("Properties", {})
            if not isinstance(properties, dict):
                continue
            if "CodeUri" in properties:
                stager.stage(properties, "CodeUri", where=f"{where}.CodeUri")
            elif _takes_template_folder(resource, properties, global_function, values):
                # no code given at all: the template's folder, as aws cloudformation package does
                properties["CodeUri"] = stager.placeholder(".", where=f"{where}.CodeUri")
        elif resource.get("Type") == _LAYER:
            properties = resource.get("Properties")
            if isinstance(properties, dict) and "ContentUri" in properties:
                stager.stage(properties, "ContentUri", where=f"{where}.ContentUri")
    return LocalCode(paths=dict(stager.paths))


def restore_local_code(template: dict[str, Any], code: LocalCode) -> None:
    """Turn, in place, each ``Code``/``Content`` that points at a placeholder into its local path."""
    resources = template.get("Resources")
    if not code.paths or not isinstance(resources, dict):
        return
    for resource in resources.values():
        if not isinstance(resource, dict) or not isinstance(resource.get("Properties"), dict):
            continue
        properties = resource["Properties"]
        for key in ("Code", "Content"):  # AWS::Lambda::Function Code, AWS::Lambda::LayerVersion Content
            location = properties.get(key)
            if isinstance(location, dict) and location.get("S3Bucket") == PLACEHOLDER_BUCKET:
                properties[key] = code.paths[location["S3Key"]]


def _globals_of(body: Mapping[str, Any], section: str) -> dict[str, Any] | None:
    globals_ = body.get("Globals")
    if not isinstance(globals_, dict):
        return None
    found = globals_.get(section)
    return found if isinstance(found, dict) else None


def _takes_template_folder(
    resource: Mapping[str, Any],
    properties: Mapping[str, Any],
    global_function: Mapping[str, Any] | None,
    values: Mapping[str, Any],
) -> bool:
    """A zip function that names no code of its own and inherits none from Globals."""
    if any(key in properties for key in ("InlineCode", "ImageUri")):
        return False
    package_type = resolve_text(properties.get("PackageType", "Zip"), values)
    if package_type != "Zip":
        return False
    if global_function is None or "CodeUri" not in global_function:
        return True
    # IgnoreGlobals: "*" or a list of the property names a resource does not inherit (SAM's Globals rule)
    ignored = resource.get("IgnoreGlobals")
    return ignored == "*" or (isinstance(ignored, list) and "CodeUri" in ignored)
