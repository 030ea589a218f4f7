"""Authorizers, deployments, stages and the gateway's stage views, on the service."""

from __future__ import annotations

import pytest
from apigateway_sam_bodies import LAMBDA_URI

from triggerfish.core.clock import VirtualClock
from triggerfish.services.apigateway import RestApiService
from triggerfish.services.apigateway.apis import NewApi
from triggerfish.services.apigateway.authorizers import NewAuthorizer
from triggerfish.services.apigateway.deployments import NewDeployment
from triggerfish.services.apigateway.errors import BadRequest, Conflict, NotFound
from triggerfish.services.apigateway.integrations import NewIntegration
from triggerfish.services.apigateway.methods import NewMethod
from triggerfish.services.apigateway.models import RestApi
from triggerfish.services.apigateway.stages import NewStage
from triggerfish.services.lambda_.service import Scope


async def _api_with_method(service: RestApiService, scope: Scope) -> tuple[RestApi, str]:
    api = await service.apis.create(scope, NewApi("pets"))
    pets = await service.resources.create(scope, api.id, api.root_id, "pets")
    await service.methods.put(scope, api.id, pets.id, "GET", NewMethod())
    integration = NewIntegration("AWS_PROXY", http_method="POST", uri=LAMBDA_URI)
    await service.integrations.put(scope, api.id, pets.id, "GET", integration)
    return api, pets.id


def _token_authorizer(**overrides: object) -> NewAuthorizer:
    fields: dict[str, object] = {
        "name": "token",
        "type": "TOKEN",
        "authorizer_uri": LAMBDA_URI,
        "identity_source": "method.request.header.Authorization",
    }
    return NewAuthorizer(**{**fields, **overrides})  # type: ignore[arg-type]


async def test_authorizers_are_created_listed_patched_and_deleted(service: RestApiService, scope: Scope) -> None:
    api = await service.apis.create(scope, NewApi("pets"))
    authorizer = await service.authorizers.create(scope, api.id, _token_authorizer(result_ttl=60))
    assert service.authorizers.list(scope, api.id) == [authorizer]
    patched = await service.authorizers.update(
        scope,
        api.id,
        authorizer.id,
        [
            {"op": "replace", "path": "/authorizerResultTtlInSeconds", "value": "0"},
            {"op": "replace", "path": "/identityValidationExpression", "value": "Bearer .*"},
        ],
    )
    assert (patched.result_ttl, patched.identity_validation_expression) == (0, "Bearer .*")
    await service.authorizers.delete(scope, api.id, authorizer.id)
    with pytest.raises(NotFound, match="Invalid Authorizer identifier specified"):
        service.authorizers.get(scope, api.id, authorizer.id)


async def test_authorizer_checks(service: RestApiService, scope: Scope) -> None:
    with pytest.raises(Conflict) as no_api:
        await service.authorizers.create(scope, "nothere123", _token_authorizer())
    # observed: AWS answers CreateAuthorizer on an unknown API with a ConflictException
    assert (
        no_api.value.message == "Unable to complete operation due to concurrent modification. Please try again later."
    )
    api = await service.apis.create(scope, NewApi("pets"))
    with pytest.raises(BadRequest):
        await service.authorizers.create(scope, api.id, _token_authorizer(result_ttl=3601))
    with pytest.raises(BadRequest):
        await service.authorizers.create(scope, api.id, _token_authorizer(authorizer_uri=None))


async def test_an_authorizer_in_use_cannot_be_deleted(service: RestApiService, scope: Scope) -> None:
    api = await service.apis.create(scope, NewApi("pets"))
    authorizer = await service.authorizers.create(scope, api.id, _token_authorizer())
    method = await service.methods.put(
        scope, api.id, api.root_id, "GET", NewMethod(authorization_type="CUSTOM", authorizer_id=authorizer.id)
    )
    assert method.authorizer_id == authorizer.id
    with pytest.raises(Conflict):
        await service.authorizers.delete(scope, api.id, authorizer.id)


async def test_a_deployment_needs_methods_with_integrations(service: RestApiService, scope: Scope) -> None:
    api = await service.apis.create(scope, NewApi("pets"))
    with pytest.raises(BadRequest, match="The REST API doesn't contain any methods"):
        await service.deployments.create(scope, api.id, NewDeployment())
    await service.methods.put(scope, api.id, api.root_id, "GET", NewMethod())
    with pytest.raises(BadRequest, match="No integration defined for method"):
        await service.deployments.create(scope, api.id, NewDeployment())


async def test_deploying_into_a_stage_creates_it_and_moves_it_later(
    service: RestApiService, scope: Scope, clock: VirtualClock
) -> None:
    api, _ = await _api_with_method(service, scope)
    first = await service.deployments.create(
        scope, api.id, NewDeployment(description="one", stage_name="dev", variables={"a": "1"})
    )
    stage = service.stages.get(scope, api.id, "dev")
    assert (stage.deployment_id, stage.variables) == (first.id, {"a": "1"})
    await clock.advance(5)
    second = await service.deployments.create(scope, api.id, NewDeployment(stage_name="dev", variables={"b": "2"}))
    stage = service.stages.get(scope, api.id, "dev")
    assert (stage.deployment_id, stage.variables) == (second.id, {"a": "1", "b": "2"})
    assert stage.updated_at == stage.created_at + 5
    assert [d.id for d in service.deployments.list(scope, api.id)] == [first.id, second.id]
    assert service.stage_names(api.id) == ("dev",)


async def test_a_deployment_in_use_cannot_be_deleted(service: RestApiService, scope: Scope) -> None:
    api, _ = await _api_with_method(service, scope)
    deployment = await service.deployments.create(scope, api.id, NewDeployment(stage_name="dev"))
    with pytest.raises(BadRequest) as refused:
        await service.deployments.delete(scope, api.id, deployment.id)
    assert refused.value.message == "Active stages pointing to this deployment must be moved or deleted"
    await service.stages.delete(scope, api.id, "dev")
    await service.deployments.delete(scope, api.id, deployment.id)
    with pytest.raises(NotFound, match="Invalid Deployment identifier specified"):
        service.deployments.get(scope, api.id, deployment.id)


async def test_stage_lifecycle_and_checks(service: RestApiService, scope: Scope) -> None:
    api, _ = await _api_with_method(service, scope)
    deployment = await service.deployments.create(scope, api.id, NewDeployment())
    with pytest.raises(BadRequest, match="Deployment id does not exist"):
        await service.stages.create(scope, api.id, NewStage("prod", "nope12"))
    with pytest.raises(BadRequest, match="Stage name only allows a-zA-Z0-9_"):
        await service.stages.create(scope, api.id, NewStage("bad name", deployment.id))
    stage = await service.stages.create(scope, api.id, NewStage("prod", deployment.id, variables={"fn": "a"}))
    with pytest.raises(Conflict, match="Stage already exists"):
        await service.stages.create(scope, api.id, NewStage("prod", deployment.id))
    updated = await service.stages.update(
        scope,
        api.id,
        "prod",
        [
            {"op": "replace", "path": "/variables/fn", "value": "b"},
            {"op": "add", "path": "/variables/other", "value": "c"},
            {"op": "replace", "path": "/description", "value": "production"},
        ],
    )
    assert (updated.variables, updated.description) == ({"fn": "b", "other": "c"}, "production")
    removed = await service.stages.update(scope, api.id, "prod", [{"op": "remove", "path": "/variables/other"}])
    assert removed.variables == {"fn": "b"} and removed.created_at == stage.created_at
    assert [s.name for s in service.stages.list(scope, api.id, deployment_id=deployment.id)] == ["prod"]
    await service.stages.delete(scope, api.id, "prod")
    with pytest.raises(NotFound) as missing:
        service.stages.get(scope, api.id, "prod")
    assert missing.value.message == "Invalid stage identifier specified"


async def test_a_stage_serves_its_deployment_snapshot_until_redeployed(service: RestApiService, scope: Scope) -> None:
    api, pets_id = await _api_with_method(service, scope)
    await service.deployments.create(scope, api.id, NewDeployment(stage_name="dev"))
    view = service.stage_view(api.id, "dev")
    assert view is not None
    assert [(r.path, sorted(r.methods)) for r in view.resources] == [("/", []), ("/pets", ["GET"])]
    integration = view.resources[1].methods["GET"].integration
    assert integration is not None and integration.uri == LAMBDA_URI and integration.type == "AWS_PROXY"
    await service.resources.create(scope, api.id, pets_id, "{id}")
    await service.apis.update(scope, api.id, [{"op": "add", "path": "/binaryMediaTypes/image~1png"}])
    assert service.stage_view(api.id, "dev") is view  # changes show only once redeployed
    await service.deployments.create(scope, api.id, NewDeployment(stage_name="dev"))
    fresh = service.stage_view(api.id, "dev")
    assert fresh is not view and fresh is not None
    assert [r.path for r in fresh.resources] == ["/", "/pets", "/pets/{id}"]
    assert fresh.binary_media_types == ("image/png",)


async def test_stage_views_are_cached_until_the_stage_changes(service: RestApiService, scope: Scope) -> None:
    api, _ = await _api_with_method(service, scope)
    await service.deployments.create(scope, api.id, NewDeployment(stage_name="dev", variables={"v": "1"}))
    view = service.stage_view(api.id, "dev")
    assert view is not None and view.variables == {"v": "1"}
    assert (view.account, view.region, view.stage_name, view.api_name) == (scope.account, scope.region, "dev", "pets")
    assert service.stage_view(api.id, "dev") is view
    await service.stages.update(scope, api.id, "dev", [{"op": "replace", "path": "/variables/v", "value": "2"}])
    changed = service.stage_view(api.id, "dev")
    assert changed is not view and changed is not None and changed.variables == {"v": "2"}
    assert service.stage_view(api.id, "missing") is None
    assert service.stage_view("nothere123", "dev") is None
    await service.apis.delete(scope, api.id)
    assert service.stage_view(api.id, "dev") is None and service.stage_names(api.id) == ()


async def test_views_carry_authorizers_with_the_default_ttl(service: RestApiService, scope: Scope) -> None:
    api = await service.apis.create(scope, NewApi("pets"))
    authorizer = await service.authorizers.create(scope, api.id, _token_authorizer())
    await service.methods.put(
        scope, api.id, api.root_id, "GET", NewMethod(authorization_type="CUSTOM", authorizer_id=authorizer.id)
    )
    await service.integrations.put(scope, api.id, api.root_id, "GET", NewIntegration("MOCK"))
    await service.deployments.create(scope, api.id, NewDeployment(stage_name="dev"))
    view = service.stage_view(api.id, "dev")
    assert view is not None
    seen = view.authorizers[authorizer.id]
    assert (seen.type, seen.result_ttl, seen.identity_source) == ("TOKEN", 300, "method.request.header.Authorization")
    method = view.resources[0].methods["GET"]
    assert (method.authorization_type, method.authorizer_id) == ("CUSTOM", authorizer.id)
