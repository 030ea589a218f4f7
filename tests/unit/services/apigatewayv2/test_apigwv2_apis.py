"""CreateApi (plain and quick create), GetApi(s), UpdateApi, DeleteApi, CORS and tags, on the service."""

from __future__ import annotations

import pytest
from apigwv2_values import FN, HERE

from triggerfish.services.apigatewayv2 import HttpApiService
from triggerfish.services.apigatewayv2.errors import BadRequest, NotFound
from triggerfish.services.apigatewayv2.inputs import QuickCreate
from triggerfish.services.apigatewayv2.models import ROUTE_SELECTION, Cors
from triggerfish.services.lambda_.service import Scope


async def test_a_plain_api_has_aws_defaults_and_nothing_else(service: HttpApiService) -> None:
    state = await service.create_api({"name": "plain", "description": "d"}, scope=HERE, tags={"team": "a"})
    api = state.api
    assert len(api.id) == 10 and api.id.isalnum() and api.id.lower() == api.id
    assert (api.name, api.description, api.protocol_type, api.route_selection_expression) == (
        "plain",
        "d",
        "HTTP",
        ROUTE_SELECTION,
    )
    assert api.api_key_selection_expression == "$request.header.x-api-key"
    assert api.tags == {"team": "a"}
    assert not state.content.routes and not state.stages and not state.deployments
    assert service.api_endpoint(api.id) == f"http://{api.id}.execute-api.localhost:4566"
    assert service.get_api(api.id, scope=HERE) is state


async def test_quick_create_with_a_function_makes_managed_parts_and_deploys(service: HttpApiService) -> None:
    state = await service.create_api({"name": "quick"}, scope=HERE, quick=QuickCreate(FN))
    (integration,) = state.content.integrations.values()
    assert (integration.type, integration.uri, integration.payload_format_version, integration.method) == (
        "AWS_PROXY",
        FN,
        "2.0",
        "POST",
    )
    (route,) = state.content.routes.values()
    assert (route.route_key, route.target, route.managed) == ("$default", f"integrations/{integration.id}", True)
    stage = state.stages["$default"]
    assert stage.auto_deploy and stage.managed
    deployment = state.deployments[stage.deployment_id or ""]
    assert deployment.auto_deployed and deployment.content is state.content
    assert stage.last_deployment_message == f"Successfully deployed stage with deployment ID '{deployment.id}'"


async def test_quick_create_with_a_url_and_a_route_key(service: HttpApiService) -> None:
    quick = QuickCreate("https://example.com/backend", "GET /items")
    state = await service.create_api({"name": "proxy"}, scope=HERE, quick=quick)
    (integration,) = state.content.integrations.values()
    assert (integration.type, integration.method, integration.payload_format_version) == ("HTTP_PROXY", "ANY", "1.0")
    assert [route.route_key for route in state.content.routes.values()] == ["GET /items"]


async def test_quick_update_retargets_the_managed_parts(service: HttpApiService) -> None:
    state = await service.create_api({"name": "quick"}, scope=HERE, quick=QuickCreate(FN))
    other = FN.replace("hello", "other")
    updated = await service.update_api(state.id, {}, scope=HERE, quick=QuickCreate(other, "ANY /x"))
    (integration,) = updated.content.integrations.values()
    (route,) = updated.content.routes.values()
    assert (integration.uri, route.route_key) == (other, "ANY /x")
    assert updated.stages["$default"].deployment_id != state.stages["$default"].deployment_id


@pytest.mark.parametrize(
    ("protocol", "problem"),
    [("WEBSOCKET", "WebSocket APIs are not supported locally"), ("GRPC", "Invalid protocol type GRPC")],
)
async def test_only_http_apis(service: HttpApiService, protocol: str, problem: str) -> None:
    with pytest.raises(BadRequest, match=problem):
        await service.create_api({"name": "ws"}, scope=HERE, protocol_type=protocol)


async def test_bad_targets_and_names_are_refused(service: HttpApiService) -> None:
    with pytest.raises(BadRequest, match="Invalid target"):
        await service.create_api({"name": "x"}, scope=HERE, quick=QuickCreate("not-a-target"))
    with pytest.raises(BadRequest, match="Name is required"):
        await service.create_api({"name": ""}, scope=HERE)
    with pytest.raises(BadRequest, match="RouteSelectionExpression"):
        await service.create_api({"name": "x", "route_selection_expression": "$request.body.action"}, scope=HERE)
    assert service.list_apis(scope=HERE) == []


async def test_apis_live_in_their_account_and_region(service: HttpApiService) -> None:
    state = await service.create_api({"name": "here"}, scope=HERE)
    elsewhere = Scope(region="eu-west-1")
    with pytest.raises(NotFound) as missing:
        service.get_api(state.id, scope=elsewhere)
    assert missing.value.message == f"Invalid API identifier specified 000000000000:{state.id}"
    assert missing.value.fields == {"ResourceType": "Api"}
    assert service.list_apis(scope=elsewhere) == []
    assert [s.id for s in service.list_apis(scope=HERE)] == [state.id]


async def test_update_changes_only_what_is_given_and_cors_redeploys(service: HttpApiService) -> None:
    state = await service.create_api({"name": "a", "version": "1"}, scope=HERE, quick=QuickCreate(FN))
    renamed = await service.update_api(state.id, {"name": "b"}, scope=HERE)
    assert (renamed.api.name, renamed.api.version) == ("b", "1")
    assert renamed.content is state.content  # nothing a stage serves changed: no redeployment
    assert renamed.stages["$default"].deployment_id == state.stages["$default"].deployment_id
    cors = Cors(allow_origins=("https://a.example",), allow_methods=("GET",), max_age=60)
    with_cors = await service.update_api(state.id, {"cors": cors}, scope=HERE)
    assert with_cors.content.cors == cors
    assert with_cors.stages["$default"].deployment_id != state.stages["$default"].deployment_id
    await service.delete_cors(state.id, scope=HERE)
    assert service.get_api(state.id, scope=HERE).content.cors is None


async def test_cors_rules(service: HttpApiService) -> None:
    state = await service.create_api({"name": "a"}, scope=HERE)
    for cors, problem in [
        (Cors(allow_origins=("*",), allow_credentials=True), "AllowCredentials"),
        (Cors(allow_methods=("FETCH",)), "Invalid CORS method"),
        (Cors(max_age=90_000), "MaxAge"),
    ]:
        with pytest.raises(BadRequest, match=problem):
            await service.update_api(state.id, {"cors": cors}, scope=HERE)


async def test_delete_api(service: HttpApiService) -> None:
    state = await service.create_api({"name": "gone"}, scope=HERE, quick=QuickCreate(FN))
    await service.delete_api(state.id, scope=HERE)
    assert not service.api_exists(state.id)
    assert service.stage_view(state.id, "$default") is None
    with pytest.raises(NotFound):
        await service.delete_api(state.id, scope=HERE)


async def test_tags_of_apis_and_stages(service: HttpApiService) -> None:
    state = await service.create_api({"name": "t"}, scope=HERE, tags={"a": "1"}, quick=QuickCreate(FN))
    api_arn = f"arn:aws:apigateway:us-east-1::/apis/{state.id}"
    await service.tag_resource(api_arn, {"b": "2"}, scope=HERE)
    await service.untag_resource(api_arn, ["a"], scope=HERE)
    assert service.get_tags(api_arn, scope=HERE) == {"b": "2"}
    stage_arn = f"{api_arn}/stages/$default"
    await service.tag_resource(stage_arn, {"s": "x"}, scope=HERE)
    assert service.get_tags(stage_arn, scope=HERE) == {"s": "x"}
    with pytest.raises(BadRequest, match="Invalid resource ARN"):
        service.get_tags("arn:aws:sqs:us-east-1:000000000000:q", scope=HERE)
    with pytest.raises(BadRequest, match="reserved"):
        await service.tag_resource(api_arn, {"aws:x": "1"}, scope=HERE)
    with pytest.raises(BadRequest, match="at most 50"):
        await service.tag_resource(api_arn, {f"k{n}": "v" for n in range(50)}, scope=HERE)
    with pytest.raises(NotFound):
        service.get_tags(f"{api_arn}/stages/nope", scope=HERE)
