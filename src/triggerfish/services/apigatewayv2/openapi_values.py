"""The API Gateway extensions of an OpenAPI definition, read into the fields our values take.

``x-amazon-apigateway-integration``, ``x-amazon-apigateway-authorizer`` and ``x-amazon-apigateway-cors``
(developer guide, "OpenAPI extensions to API Gateway"). A value of the wrong type is a
:class:`BadRequest` naming where it is; YAML's numbers and booleans are taken where text is meant.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from triggerfish.services.apigatewayv2.errors import BadRequest
from triggerfish.services.apigatewayv2.inputs import AuthorizerFields, IntegrationFields
from triggerfish.services.apigatewayv2.models import Cors, JwtConfiguration


def invalid(where: str, problem: str) -> BadRequest:
    # the heading AWS gives import failures ("Errors found during import: ...")
    return BadRequest(f"Errors found during import:\n\t{where}: {problem}")


def mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise invalid(where, "expected an object")
    return value


def text(value: Any, where: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise invalid(where, "expected a string")


def integer(value: Any, where: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise invalid(where, "expected an integer")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise invalid(where, "expected an integer") from None


def boolean(value: Any, where: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise invalid(where, "expected true or false")


def strings(value: Any, where: str) -> tuple[str, ...]:
    """A list of strings, or one string of comma-separated items (how identitySource is documented)."""
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    if isinstance(value, list):
        return tuple(text(item, where) or "" for item in value)
    raise invalid(where, "expected a list of strings")


def integration_fields(raw: Mapping[str, Any], where: str) -> IntegrationFields:
    kind = (text(raw.get("type"), f"{where}.type") or "").upper()
    fields: IntegrationFields = {
        "type": kind,
        "uri": text(raw.get("uri"), f"{where}.uri"),
        "method": text(raw.get("httpMethod"), f"{where}.httpMethod"),
        # AWS imports a Lambda proxy integration without payloadFormatVersion as 1.0
        "payload_format_version": text(raw.get("payloadFormatVersion"), f"{where}.payloadFormatVersion")
        or ("1.0" if kind == "AWS_PROXY" else None),
        "credentials_arn": text(raw.get("credentials"), f"{where}.credentials"),
        "description": text(raw.get("description"), f"{where}.description"),
        "subtype": text(raw.get("integrationSubtype"), f"{where}.integrationSubtype"),
        "connection_id": text(raw.get("connectionId"), f"{where}.connectionId"),
    }
    timeout = integer(raw.get("timeoutInMillis"), f"{where}.timeoutInMillis")
    if timeout is not None:
        fields["timeout_ms"] = timeout
    if raw.get("connectionType") is not None:
        fields["connection_type"] = (text(raw["connectionType"], f"{where}.connectionType") or "").upper()
    if raw.get("requestParameters") is not None:
        parameters = mapping(raw["requestParameters"], f"{where}.requestParameters")
        fields["request_parameters"] = {
            str(k): text(v, f"{where}.requestParameters.{k}") or "" for k, v in parameters.items()
        }
    tls = raw.get("tlsConfig")
    if tls is not None:
        fields["tls_server_name"] = text(mapping(tls, f"{where}.tlsConfig").get("serverNameToVerify"), where)
    return fields


def authorizer_fields(name: str, raw: Mapping[str, Any], where: str) -> AuthorizerFields:
    kind = (text(raw.get("type"), f"{where}.type") or "").upper()
    fields: AuthorizerFields = {
        "name": name,
        "type": kind,
        "uri": text(raw.get("authorizerUri"), f"{where}.authorizerUri"),
        "identity_source": strings(raw.get("identitySource"), f"{where}.identitySource"),
        "payload_format_version": text(
            raw.get("authorizerPayloadFormatVersion"), f"{where}.authorizerPayloadFormatVersion"
        ),
        "enable_simple_responses": bool(boolean(raw.get("enableSimpleResponses"), f"{where}.enableSimpleResponses")),
        "result_ttl": integer(raw.get("authorizerResultTtlInSeconds"), f"{where}.authorizerResultTtlInSeconds") or 0,
        "credentials_arn": text(raw.get("authorizerCredentials"), f"{where}.authorizerCredentials"),
        "identity_validation_expression": text(
            raw.get("identityValidationExpression"), f"{where}.identityValidationExpression"
        ),
    }
    jwt = raw.get("jwtConfiguration")
    if jwt is not None:
        config = mapping(jwt, f"{where}.jwtConfiguration")
        fields["jwt"] = JwtConfiguration(
            issuer=text(config.get("issuer"), f"{where}.jwtConfiguration.issuer"),
            audience=strings(config.get("audience"), f"{where}.jwtConfiguration.audience"),
        )
    return fields


def cors(raw: Any, where: str) -> Cors:
    config = mapping(raw, where)
    return Cors(
        allow_origins=strings(config.get("allowOrigins"), f"{where}.allowOrigins"),
        allow_methods=strings(config.get("allowMethods"), f"{where}.allowMethods"),
        allow_headers=strings(config.get("allowHeaders"), f"{where}.allowHeaders"),
        expose_headers=strings(config.get("exposeHeaders"), f"{where}.exposeHeaders"),
        max_age=integer(config.get("maxAge"), f"{where}.maxAge"),
        allow_credentials=boolean(config.get("allowCredentials"), f"{where}.allowCredentials"),
    )
