"""The HTTP side of a deployed app as ``up`` prints it: which APIs it has, and each route with its URL."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from triggerfish.config.deploy.engine import DeployReport
from triggerfish.gateway.integration_uri import function_arn
from triggerfish.services.apigateway import RestApiService
from triggerfish.services.apigatewayv2 import HttpApiService

API_TYPES = ("AWS::ApiGateway::RestApi", "AWS::ApiGatewayV2::Api")
_DEFAULT_STAGE = "$default"


@dataclass(frozen=True)
class Route:
    label: str  # "POST /orders", "GET /dev/pets/{id}", "function URL"
    url: str
    function: str  # the function's ARN, or "" when the route does not invoke one


def api_ids(report: DeployReport) -> list[str]:
    """The app's REST and HTTP API ids, in the order the template declares them."""
    return [
        resource.physical_id
        for resource in report.resources.values()
        if resource.type in API_TYPES and not resource.skipped
    ]


def app_routes(
    report: DeployReport, rest_apis: RestApiService, http_apis: HttpApiService, http_url: str | None
) -> list[Route]:
    """Every route the app port serves, then every function URL."""
    routes: list[Route] = []
    base = http_url or ""
    for api_id in api_ids(report):
        if http_apis.api_exists(api_id):
            routes += _http_routes(http_apis, api_id, base)
        elif rest_apis.api_exists(api_id):
            routes += _rest_routes(rest_apis, api_id, base)
    for resource in report.resources.values():
        if resource.type == "AWS::Lambda::Url" and not resource.skipped:
            url = str(resource.attributes.get("FunctionUrl", ""))
            routes.append(Route("function URL", url, str(resource.attributes.get("FunctionArn", ""))))
    return routes


def _http_routes(http_apis: HttpApiService, api_id: str, base: str) -> list[Route]:
    names = http_apis.stage_names(api_id)
    if not names:
        return []
    stage = _DEFAULT_STAGE if _DEFAULT_STAGE in names else names[0]
    view = http_apis.stage_view(api_id, stage)
    if view is None:
        return []
    prefix = "" if stage == _DEFAULT_STAGE else f"/{stage}"
    routes = []
    for route in sorted(view.routes, key=lambda r: r.route_key):
        path = route.route_key.partition(" ")[2]
        label = route.route_key if path else f"{route.route_key} (any other request)"
        function = function_arn(route.integration.uri if route.integration else None, view.variables) or ""
        routes.append(Route(label, f"{base}{prefix}{path}", function))
    return routes


def _rest_routes(rest_apis: RestApiService, api_id: str, base: str) -> list[Route]:
    names = rest_apis.stage_names(api_id)
    if not names:
        return []
    view = rest_apis.stage_view(api_id, names[0])
    if view is None:
        return []
    routes = []
    for resource in sorted(view.resources, key=lambda r: r.path):
        for verb, method in sorted(resource.methods.items()):
            integration = method.integration
            if integration is None or integration.type == "MOCK":  # CORS preflights answer themselves
                continue
            path = f"/{view.stage_name}{'' if resource.path == '/' else resource.path}"
            function = function_arn(integration.uri, view.variables) or ""
            routes.append(Route(f"{verb} {path}", f"{base}{path}", function))
    return routes


def short_function(arn: str, names: Mapping[str, str]) -> str:
    return names.get(arn, arn.rsplit(":", 1)[-1] if arn else "")
