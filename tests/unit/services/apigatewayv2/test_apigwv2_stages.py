"""Stages and deployments: AutoDeploy, manual deployments and what each stage serves."""

from __future__ import annotations

import pytest
from apigwv2_values import FN, HERE

from triggerfish.core.clock import VirtualClock
from triggerfish.services.apigatewayv2 import HttpApiService
from triggerfish.services.apigatewayv2.errors import BadRequest, Conflict, NotFound
from triggerfish.services.apigatewayv2.inputs import QuickCreate


async def _api_with_route(service: HttpApiService) -> tuple[str, str]:
    api_id = (await service.create_api({"name": "stages"}, scope=HERE)).id
    integration = await service.integrations.create(
        api_id, {"type": "AWS_PROXY", "uri": FN, "payload_format_version": "2.0"}, scope=HERE
    )
    await service.routes.create(api_id, {"route_key": "GET /a", "target": f"integrations/{integration.id}"}, scope=HERE)
    return api_id, integration.id


async def test_stage_names_and_variables(service: HttpApiService, clock: VirtualClock) -> None:
    api_id = (await service.create_api({"name": "s"}, scope=HERE)).id
    stage = await service.stages.create(
        api_id, "prod", {"variables": {"fn": "hello", "url": "https://x.example/a?b=c"}}, tags={"t": "1"}, scope=HERE
    )
    assert (stage.created_at, stage.auto_deploy, stage.deployment_id, stage.tags) == (
        clock.now(),
        False,
        None,
        {"t": "1"},
    )
    await service.stages.create(api_id, "$default", {}, scope=HERE)
    with pytest.raises(Conflict, match="Stage prod already exists"):
        await service.stages.create(api_id, "prod", {}, scope=HERE)
    for name in ("has space", "$other", "x" * 129):
        with pytest.raises(BadRequest, match="Stage name"):
            await service.stages.create(api_id, name, {}, scope=HERE)
    with pytest.raises(BadRequest, match="Stage variable name"):
        await service.stages.create(api_id, "dev", {"variables": {"a-b": "x"}}, scope=HERE)
    with pytest.raises(BadRequest, match="Stage variable value"):
        await service.stages.create(api_id, "dev", {"variables": {"a": "spa ce"}}, scope=HERE)
    await clock.advance(5)
    updated = await service.stages.update(api_id, "prod", {"variables": {"fn": "other"}}, scope=HERE)
    assert (updated.variables, updated.updated_at, updated.created_at) == (
        {"fn": "other"},
        clock.now(),
        stage.created_at,
    )
    assert [s.name for s in service.stages.list(api_id, scope=HERE)] == ["$default", "prod"]
    assert service.stage_names(api_id) == ("$default", "prod")
    await service.stages.delete(api_id, "prod", scope=HERE)
    with pytest.raises(NotFound, match="Invalid stage identifier specified prod"):
        service.stages.get(api_id, "prod", scope=HERE)


async def test_deployments_need_routes(service: HttpApiService) -> None:
    api_id = (await service.create_api({"name": "empty"}, scope=HERE)).id
    with pytest.raises(BadRequest, match="Unable to deploy API because no routes exist in this API"):
        await service.deployments.create(api_id, scope=HERE)
    stage = await service.stages.create(api_id, "$default", {"auto_deploy": True}, scope=HERE)
    assert stage.deployment_id is None
    assert stage.last_deployment_message == (
        "Deployment attempt failed: Unable to deploy API because no routes exist in this API"
    )


async def test_a_manual_stage_serves_its_deployment(service: HttpApiService) -> None:
    api_id, integration_id = await _api_with_route(service)
    await service.stages.create(api_id, "prod", {}, scope=HERE)
    undeployed = service.stage_view(api_id, "prod")
    assert undeployed is not None and undeployed.routes == ()
    first = await service.deployments.create(api_id, description="one", stage_name="prod", scope=HERE)
    assert (first.description, first.auto_deployed) == ("one", False)
    assert service.stages.get(api_id, "prod", scope=HERE).deployment_id == first.id
    await service.routes.create(api_id, {"route_key": "GET /b", "target": f"integrations/{integration_id}"}, scope=HERE)
    view = service.stage_view(api_id, "prod")
    assert view is not None and [r.route_key for r in view.routes] == ["GET /a"]
    second = await service.deployments.create(api_id, scope=HERE)
    assert service.stage_view(api_id, "prod") is view
    await service.stages.update(api_id, "prod", {"deployment_id": second.id}, scope=HERE)
    view = service.stage_view(api_id, "prod")
    assert view is not None and [r.route_key for r in view.routes] == ["GET /a", "GET /b"]
    with pytest.raises(BadRequest, match="Active stages pointing to this deployment"):
        await service.deployments.delete(api_id, second.id, scope=HERE)
    await service.deployments.delete(api_id, first.id, scope=HERE)
    assert [d.id for d in service.deployments.list(api_id, scope=HERE)] == [second.id]
    with pytest.raises(NotFound, match=f"Invalid Deployment identifier specified {first.id}"):
        service.deployments.get(api_id, first.id, scope=HERE)
    with pytest.raises(NotFound, match="Invalid stage identifier specified nope"):
        await service.deployments.create(api_id, stage_name="nope", scope=HERE)
    with pytest.raises(NotFound):
        await service.stages.update(api_id, "prod", {"deployment_id": "missing"}, scope=HERE)


async def test_auto_deploy_follows_every_change(service: HttpApiService) -> None:
    state = await service.create_api({"name": "auto"}, scope=HERE, quick=QuickCreate(FN))
    first = state.stages["$default"].deployment_id
    integration_id = next(iter(state.content.integrations))
    await service.routes.create(
        state.id, {"route_key": "GET /b", "target": f"integrations/{integration_id}"}, scope=HERE
    )
    stage = service.stages.get(state.id, "$default", scope=HERE)
    assert stage.deployment_id != first
    deployments = {d.id: d for d in service.deployments.list(state.id, scope=HERE)}
    assert set(deployments) == {first, stage.deployment_id}
    assert all(d.auto_deployed for d in deployments.values())
    # a superseded automatic deployment is listed but no longer kept whole
    assert deployments[first or ""].content is None
    with pytest.raises(BadRequest, match="replaced by a later automatic deployment"):
        await service.stages.create(state.id, "old", {"deployment_id": first}, scope=HERE)
    await service.stages.update(state.id, "$default", {"variables": {"a": "b"}}, scope=HERE)
    assert service.stages.get(state.id, "$default", scope=HERE).deployment_id == stage.deployment_id


async def test_turning_auto_deploy_on_deploys_and_off_keeps_the_last_deployment(service: HttpApiService) -> None:
    api_id, integration_id = await _api_with_route(service)
    await service.stages.create(api_id, "dev", {}, scope=HERE)
    on = await service.stages.update(api_id, "dev", {"auto_deploy": True}, scope=HERE)
    assert on.deployment_id is not None
    off = await service.stages.update(api_id, "dev", {"auto_deploy": False}, scope=HERE)
    await service.routes.create(api_id, {"route_key": "GET /b", "target": f"integrations/{integration_id}"}, scope=HERE)
    view = service.stage_view(api_id, "dev")
    assert off.deployment_id == on.deployment_id
    assert view is not None and [r.route_key for r in view.routes] == ["GET /a"]
