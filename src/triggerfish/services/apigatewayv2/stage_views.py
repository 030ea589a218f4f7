"""The gateway's view of one stage (:mod:`.views`), built once and kept until what it shows changes.

An ``AutoDeploy`` stage serves the API's current content, any other stage the content its deployment
captured (nothing before its first deployment). A cached view is handed out again, the same object,
while the content, the stage's variables and the API's name are the same objects as when it was built.
"""

from __future__ import annotations

from dataclasses import dataclass

from triggerfish.services.apigatewayv2.models import EMPTY_CONTENT, ApiState, Authorizer, Content, Integration, Stage
from triggerfish.services.apigatewayv2.views import (
    CorsView,
    HttpAuthorizerView,
    HttpIntegrationView,
    HttpStageView,
    JwtConfigurationView,
    RouteView,
)


def served_content(state: ApiState, stage: Stage) -> Content:
    if stage.auto_deploy:
        return state.content
    deployment = state.deployments.get(stage.deployment_id) if stage.deployment_id else None
    if deployment is None or deployment.content is None:
        return EMPTY_CONTENT
    return deployment.content


@dataclass(frozen=True)
class _Cached:
    content: Content
    variables: object
    api_name: str
    view: HttpStageView


class StageViews:
    def __init__(self) -> None:
        self._cache: dict[tuple[str, str], _Cached] = {}

    def view(self, state: ApiState | None, stage_name: str) -> HttpStageView | None:
        if state is None:
            return None
        key = (state.id, stage_name)
        stage = state.stages.get(stage_name)
        if stage is None:
            self._cache.pop(key, None)
            return None
        content = served_content(state, stage)
        cached = self._cache.get(key)
        if (
            cached is not None
            and cached.content is content
            and cached.variables is stage.variables
            and cached.api_name == state.api.name
        ):
            return cached.view
        view = build_view(state, stage, content)
        self._cache[key] = _Cached(content, stage.variables, state.api.name, view)
        return view

    def forget(self, api_id: str) -> None:
        for key in [key for key in self._cache if key[0] == api_id]:
            del self._cache[key]


def build_view(state: ApiState, stage: Stage, content: Content) -> HttpStageView:
    api = state.api
    routes = tuple(
        RouteView(
            id=route.id,
            route_key=route.route_key,
            authorization_type=route.authorization_type,
            authorizer_id=route.authorizer_id,
            authorization_scopes=route.authorization_scopes,
            integration=_integration(content.integrations.get(route.integration_id or "")),
        )
        for route in sorted(content.routes.values(), key=lambda r: r.route_key)
    )
    cors = content.cors
    return HttpStageView(
        api_id=api.id,
        api_name=api.name,
        account=api.account,
        region=api.region,
        stage_name=stage.name,
        variables=dict(stage.variables),
        routes=routes,
        authorizers={a.id: _authorizer(a) for a in content.authorizers.values()},
        cors=None
        if cors is None
        else CorsView(
            allow_origins=cors.allow_origins,
            allow_methods=cors.allow_methods,
            allow_headers=cors.allow_headers,
            expose_headers=cors.expose_headers,
            max_age=cors.max_age,
            allow_credentials=bool(cors.allow_credentials),
        ),
        disable_execute_api_endpoint=content.disable_execute_api_endpoint,
    )


def _integration(integration: Integration | None) -> HttpIntegrationView | None:
    if integration is None:
        return None
    return HttpIntegrationView(
        id=integration.id,
        type=integration.type,
        uri=integration.uri,
        payload_format_version=integration.payload_format_version or "1.0",
        timeout_ms=integration.timeout_ms,
    )


def _authorizer(authorizer: Authorizer) -> HttpAuthorizerView:
    jwt = authorizer.jwt
    return HttpAuthorizerView(
        id=authorizer.id,
        name=authorizer.name,
        type=authorizer.type,
        authorizer_uri=authorizer.uri,
        identity_sources=authorizer.identity_source,
        payload_format_version=authorizer.payload_format_version or "2.0",
        enable_simple_responses=authorizer.enable_simple_responses,
        result_ttl=authorizer.result_ttl,
        jwt=None if jwt is None else JwtConfigurationView(issuer=jwt.issuer, audience=jwt.audience),
    )
