"""The gateway's view of one deployed stage, built once and kept until that stage or deployment changes."""

from __future__ import annotations

from dataclasses import dataclass

from triggerfish.services.apigateway.models import (
    Authorizer,
    Deployment,
    Integration,
    Method,
    Resource,
    RestApi,
    Stage,
)
from triggerfish.services.apigateway.views import (
    AuthorizerView,
    IntegrationResponseView,
    IntegrationView,
    MethodView,
    ResourceView,
    RestStageView,
)

#: spec §6.5: a Lambda authorizer's result is cached 300 s unless it says otherwise
DEFAULT_AUTHORIZER_TTL = 300


@dataclass(frozen=True)
class _Cached:
    stage: Stage
    deployment: Deployment
    api_name: str
    view: RestStageView


class StageViews:
    """``(api id, stage name)`` -> the view; the same object is returned until its inputs change."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, str], _Cached] = {}

    def view(self, api: RestApi, stage_name: str) -> RestStageView | None:
        key = (api.id, stage_name)
        stage = api.stages.get(stage_name)
        deployment = api.deployments.get(stage.deployment_id) if stage is not None else None
        if stage is None or deployment is None:
            self._cache.pop(key, None)
            return None
        cached = self._cache.get(key)
        # frozen values are replaced on every change, so identity says "unchanged"
        if cached and cached.stage is stage and cached.deployment is deployment and cached.api_name == api.name:
            return cached.view
        view = build_view(api, stage, deployment)
        self._cache[key] = _Cached(stage, deployment, api.name, view)
        return view

    def forget(self, api_id: str) -> None:
        """Drop the views of an API that no longer exists."""
        for key in [key for key in self._cache if key[0] == api_id]:
            del self._cache[key]


def build_view(api: RestApi, stage: Stage, deployment: Deployment) -> RestStageView:
    resources = sorted(deployment.resources.values(), key=lambda r: r.path)
    return RestStageView(
        api_id=api.id,
        api_name=api.name,
        account=api.account,
        region=api.region,
        stage_name=stage.name,
        deployment_id=deployment.id,
        variables=dict(stage.variables),
        binary_media_types=deployment.binary_media_types,
        resources=tuple(_resource(r) for r in resources),
        authorizers={a.id: _authorizer(a) for a in deployment.authorizers.values()},
        disable_execute_api_endpoint=deployment.disable_execute_api_endpoint,
    )


def _resource(resource: Resource) -> ResourceView:
    return ResourceView(resource.id, resource.path, {name: _method(m) for name, m in resource.methods.items()})


def _method(method: Method) -> MethodView:
    return MethodView(
        http_method=method.http_method,
        authorization_type=method.authorization_type,
        authorizer_id=method.authorizer_id,
        api_key_required=method.api_key_required,
        integration=None if method.integration is None else _integration(method.integration),
    )


def _integration(integration: Integration) -> IntegrationView:
    return IntegrationView(
        type=integration.type,
        uri=integration.uri,
        http_method=integration.http_method,
        timeout_ms=integration.timeout_ms,
        request_templates=dict(integration.request_templates),
        responses=tuple(
            IntegrationResponseView(
                r.status_code, r.selection_pattern, dict(r.response_parameters), dict(r.response_templates)
            )
            for r in integration.responses.values()
        ),
    )


def _authorizer(authorizer: Authorizer) -> AuthorizerView:
    return AuthorizerView(
        id=authorizer.id,
        name=authorizer.name,
        type=authorizer.type,
        authorizer_uri=authorizer.authorizer_uri,
        identity_source=authorizer.identity_source,
        identity_validation_expression=authorizer.identity_validation_expression,
        result_ttl=DEFAULT_AUTHORIZER_TTL if authorizer.result_ttl is None else authorizer.result_ttl,
    )
