"""A SAM template in, the CloudFormation template AWS's SAM transform makes of it out."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from triggerfish.config.errors import TemplateError
from triggerfish.config.sam.cache import TranslationCache, translation_key
from triggerfish.config.sam.definitions import inline_local_definitions
from triggerfish.config.sam.local_code import restore_local_code, stage_local_code
from triggerfish.config.sam.parameters import parameter_values

SAM_TRANSFORM = "AWS::Serverless-2016-10-31"

_APPLICATION = "AWS::Serverless::Application"


def is_sam(body: Mapping[str, Any]) -> bool:
    """Whether the template's ``Transform`` (one name or a list of names) includes the SAM transform."""
    transform = body.get("Transform")
    if isinstance(transform, str):
        return transform == SAM_TRANSFORM
    return isinstance(transform, list) and SAM_TRANSFORM in transform


def transform_sam(
    body: Mapping[str, Any],
    *,
    source: Path,
    parameter_overrides: Mapping[str, str],
    region: str = "us-east-1",
    account: str = "000000000000",
    stack_name: str = "stack",
    cache_dir: Path | None = None,
) -> dict[str, Any]:
    """The CloudFormation body for the SAM template ``body`` read from ``source``; ``body`` is not modified.

    Local ``CodeUri``/``ContentUri`` paths come out as ``Code``/``Content`` strings relative to the
    template's folder; local OpenAPI files of APIs are inlined. With ``cache_dir``, a translation made
    before for the same inputs is read back without importing the translator.
    """
    overrides = {str(name): str(value) for name, value in parameter_overrides.items()}
    values = parameter_values(body, overrides, region=region, account=account, stack_name=stack_name)
    staged = _plain(body)
    base_dir = source.parent.absolute()
    _refuse_repository_applications(staged, source)
    code = stage_local_code(staged, base_dir=base_dir, values=values, source=source)
    inline_local_definitions(staged, base_dir=base_dir, values=values, source=source)

    cache = TranslationCache(cache_dir) if cache_dir is not None else None
    key = ""
    if cache is not None:
        # the staged body: the template plus the contents of the OpenAPI files inlined into it
        key = translation_key(staged, overrides, region=region, account=account, stack_name=stack_name)
        if (cached := cache.get(key)) is not None:
            return cached

    from triggerfish.config.sam.translation import translate

    template = translate(staged, values, region=region, source=source)
    restore_local_code(template, code)
    _keep_other_transforms(body, template)
    if cache is not None:
        cache.put(key, template)
    return template


def _plain(value: Any) -> Any:
    """A deep copy made of dicts with string keys (as in JSON) and lists, which the translator may modify."""
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def _refuse_repository_applications(body: Mapping[str, Any], source: Path) -> None:
    # an Application with Location {ApplicationId, SemanticVersion} is fetched from the Serverless
    # Application Repository by the transform itself; a string Location (a template file) is fine
    resources = body.get("Resources")
    for logical_id, resource in resources.items() if isinstance(resources, Mapping) else ():
        if not isinstance(resource, Mapping) or resource.get("Type") != _APPLICATION:
            continue
        properties = resource.get("Properties")
        location = properties.get("Location") if isinstance(properties, Mapping) else None
        if isinstance(location, Mapping) and "ApplicationId" in location:
            raise TemplateError(
                "an application from the Serverless Application Repository (Location.ApplicationId) cannot be "
                "deployed locally; give Location as the path of its template instead",
                file=source,
                where=f"Resources.{logical_id}.Properties.Location",
            )


def _keep_other_transforms(body: Mapping[str, Any], template: dict[str, Any]) -> None:
    # the translator drops the whole Transform section; other transforms listed with SAM's still apply
    transform = body.get("Transform")
    if isinstance(transform, list):
        others = [name for name in transform if name != SAM_TRANSFORM]
        if others:
            template["Transform"] = others
