"""What the API Gateway resource handlers share: the services, property values, tags and API definitions."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from triggerfish.config.deploy.resources import DeployContext, as_int
from triggerfish.config.errors import TemplateError
from triggerfish.core.errors import TriggerfishError
from triggerfish.services.apigateway import RestApiService
from triggerfish.services.apigatewayv2 import HttpApiService

#: an OpenAPI definition as a handler hands it to a service: parsed, or the text of a local file
Definition = Mapping[str, Any] | str


def rest_apis(context: DeployContext) -> RestApiService:
    if context.services.rest_apis is None:
        raise TemplateError("API Gateway REST APIs are not available in this cloud")
    return context.services.rest_apis


def http_apis(context: DeployContext) -> HttpApiService:
    if context.services.http_apis is None:
        raise TemplateError("API Gateway HTTP APIs are not available in this cloud")
    return context.services.http_apis


def rest_changed(context: DeployContext, api_id: Any) -> None:
    """Note that the REST API's resources, methods or authorizers changed (its deployments follow)."""
    context.changed_apis.add(f"restapis/{api_id}")


def http_changed(context: DeployContext, api_id: Any) -> None:
    """Note that the HTTP API's routes, integrations or authorizers changed (its deployments follow)."""
    context.changed_apis.add(f"apis/{api_id}")


@contextlib.contextmanager
def already_gone() -> Iterator[None]:
    """Deleting what is not there any more succeeds: its API (and so it) may have gone first."""
    try:
        yield
    except TriggerfishError as exc:
        if exc.code != "NotFoundException":
            raise


def text(properties: Mapping[str, Any], key: str) -> str | None:
    value = properties.get(key)
    return None if value is None else str(value)


def flag(properties: Mapping[str, Any], key: str, default: bool = False) -> bool:
    """A Boolean property; parameters hand them over as ``"true"``/``"false"``."""
    value = properties.get(key)
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if str(value).lower() in ("true", "false"):
        return str(value).lower() == "true"
    raise TemplateError(f"Value of property {key} must be of type Boolean")


def optional_int(properties: Mapping[str, Any], key: str) -> int | None:
    value = properties.get(key)
    return None if value is None else as_int(value, key)


def strings(properties: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = properties.get(key)
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list):
        raise TemplateError(f"Value of property {key} must be of type List of String")
    return tuple(str(item) for item in value)


def mapping(properties: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = properties.get(key)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise TemplateError(f"Value of property {key} must be an object")
    return value


def string_map(properties: Mapping[str, Any], key: str) -> dict[str, str]:
    return {str(name): str(value) for name, value in mapping(properties, key).items()}


def tag_list(properties: Mapping[str, Any], key: str = "Tags") -> dict[str, str]:
    """``Tags: [{Key, Value}]``, the form of the REST API resources."""
    value = properties.get(key) or []
    if not isinstance(value, list) or not all(isinstance(tag, Mapping) and "Key" in tag for tag in value):
        raise TemplateError(f"Value of property {key} must be a list of {{Key, Value}}")
    return {str(tag["Key"]): str(tag.get("Value", "")) for tag in value}


def policy_text(value: Any) -> str | None:
    """A resource policy given as a JSON object or as its text."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"))


def definition(context: DeployContext, properties: Mapping[str, Any]) -> Definition | None:
    """The API's OpenAPI definition: ``Body`` as written, or the local file ``BodyS3Location`` names.

    ``aws cloudformation package`` uploads a REST API's local ``BodyS3Location`` path and writes the S3
    location in its place; locally the file is read instead (an HTTP API's too). A real S3 location
    cannot be reached here.
    """
    body = properties.get("Body")
    location = properties.get("BodyS3Location")
    if body is not None and location is not None:
        raise TemplateError("Body and BodyS3Location cannot both be specified")
    if body is not None:
        if not isinstance(body, Mapping | str):
            raise TemplateError("Value of property Body must be an object")
        return body
    if location is None:
        return None
    if isinstance(location, Mapping):
        bucket, key = location.get("Bucket"), location.get("Key")
        raise TemplateError(
            f"BodyS3Location s3://{bucket}/{key}: definitions in S3 cannot be read locally; "
            "give the path of a local OpenAPI file or the definition inline in Body"
        )
    # a relative path is relative to the template's folder (aws cloudformation package's rule)
    path = Path(os.path.normpath(context.base_dir / str(location)))
    if not path.is_file():
        raise TemplateError(f"BodyS3Location: local OpenAPI file {location!r} does not exist (looked for {path})")
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"BodyS3Location: cannot read {path}: {exc}") from None


def definition_text(body: Definition) -> str:
    return body if isinstance(body, str) else json.dumps(body)
