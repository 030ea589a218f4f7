"""CreateRestApi, GetRestApi(s), UpdateRestApi, DeleteRestApi and tags, on the service."""

from __future__ import annotations

import pytest

from triggerfish.core.clock import VirtualClock
from triggerfish.services.apigateway import RestApiService
from triggerfish.services.apigateway.apis import NewApi
from triggerfish.services.apigateway.errors import BadRequest, NotFound
from triggerfish.services.lambda_.service import Scope


async def test_a_new_api_has_aws_defaults_and_a_root_resource(service: RestApiService, scope: Scope) -> None:
    api = await service.apis.create(scope, NewApi("pets"))
    assert len(api.id) == 10 and api.id.isalnum() and api.id.islower()
    assert api.endpoint_types == ("EDGE",) and api.ip_address_type == "ipv4"
    assert api.api_key_source == "HEADER" and not api.disable_execute_api_endpoint
    [root] = service.resources.list(scope, api.id)
    assert (root.id, root.path, root.parent_id) == (api.root_id, "/", None)
    assert service.api_exists(api.id) and service.stage_names(api.id) == ()


async def test_private_apis_are_dual_stack(service: RestApiService, scope: Scope) -> None:
    api = await service.apis.create(scope, NewApi("p", endpoint_types=["PRIVATE"]))
    assert api.ip_address_type == "dualstack"
    with pytest.raises(BadRequest, match=r"Only dualstack ipAddressType is supported for Private APIs\."):
        await service.apis.create(scope, NewApi("p", endpoint_types=["PRIVATE"], ip_address_type="ipv4"))


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (NewApi("x", description=""), "Description cannot be an empty string"),
        (NewApi("x", minimum_compression_size=-1), "Invalid minimum compression size, must be between 0 and 10485760"),
        (NewApi("x", endpoint_types=[]), "REGIONAL Configuration and EDGE Configuration cannot be both DISABLED."),
        (NewApi("x", endpoint_types=["EDGE", "REGIONAL"]), "Cannot create an api with multiple Endpoint Types."),
    ],
)
async def test_create_refuses_what_aws_refuses(
    service: RestApiService, scope: Scope, settings: NewApi, message: str
) -> None:
    with pytest.raises(BadRequest) as refused:
        await service.apis.create(scope, settings)
    assert refused.value.message == message


async def test_an_unknown_api_names_the_account(service: RestApiService, scope: Scope) -> None:
    with pytest.raises(NotFound) as missing:
        service.apis.get(scope, "abcde12345")
    assert missing.value.message == "Invalid API identifier specified 000000000000:abcde12345"
    assert missing.value.status == 404 and missing.value.code == "NotFoundException"


async def test_apis_belong_to_their_account_and_region(service: RestApiService, scope: Scope) -> None:
    api = await service.apis.create(scope, NewApi("pets"))
    with pytest.raises(NotFound):
        service.apis.get(Scope(region="eu-west-1"), api.id)
    assert service.apis.list(Scope(account="111111111111")) == []


async def test_list_is_in_creation_order_and_delete_removes(
    service: RestApiService, scope: Scope, clock: VirtualClock
) -> None:
    first = await service.apis.create(scope, NewApi("one"))
    await clock.advance(1)
    second = await service.apis.create(scope, NewApi("two"))
    assert [a.id for a in service.apis.list(scope)] == [first.id, second.id]
    await service.apis.delete(scope, first.id)
    assert [a.id for a in service.apis.list(scope)] == [second.id]
    assert not service.api_exists(first.id)


async def test_binary_media_types_are_patched_by_escaped_path(service: RestApiService, scope: Scope) -> None:
    api = await service.apis.create(scope, NewApi("pets"))
    api = await service.apis.update(
        scope,
        api.id,
        [
            {"op": "add", "path": "/binaryMediaTypes/image~1png"},
            {"op": "add", "path": "/binaryMediaTypes/image~1jpeg"},
        ],
    )
    assert api.binary_media_types == ("image/png", "image/jpeg")
    # a replaced type goes last (observed UpdateRestApi answer)
    api = await service.apis.update(
        scope, api.id, [{"op": "replace", "path": "/binaryMediaTypes/image~1png", "value": "image/gif"}]
    )
    assert api.binary_media_types == ("image/jpeg", "image/gif")
    api = await service.apis.update(scope, api.id, [{"op": "remove", "path": "/binaryMediaTypes/image~1gif"}])
    assert api.binary_media_types == ("image/jpeg",)


async def test_update_replaces_scalar_members(service: RestApiService, scope: Scope) -> None:
    api = await service.apis.create(scope, NewApi("pets", description="old"))
    api = await service.apis.update(
        scope,
        api.id,
        [
            {"op": "replace", "path": "/name", "value": "renamed"},
            {"op": "replace", "path": "/description", "value": "new"},
            {"op": "replace", "path": "/disableExecuteApiEndpoint", "value": "true"},
            {"op": "replace", "path": "/minimumCompressionSize", "value": "10"},
        ],
    )
    assert (api.name, api.description, api.disable_execute_api_endpoint) == ("renamed", "new", True)
    assert api.minimum_compression_size == 10
    assert service.apis.get(scope, api.id) is api


@pytest.mark.parametrize(
    ("operation", "message"),
    [
        ({"op": "add", "path": "/binaryMediaTypes"}, "Invalid patch path /binaryMediaTypes"),
        ({"op": "add", "path": "/name", "value": "x"}, "Invalid patch operation specified. Must be one of: [replace]"),
        ({"op": "replace", "path": "/nonsense", "value": "x"}, "Invalid patch path /nonsense"),
        (
            {"op": "replace", "path": "/minimumCompressionSize", "value": "-3"},
            "Invalid minimum compression size, must be between 0 and 10485760",
        ),
    ],
)
async def test_update_refuses_bad_patches(
    service: RestApiService, scope: Scope, operation: dict[str, str], message: str
) -> None:
    api = await service.apis.create(scope, NewApi("pets"))
    with pytest.raises(BadRequest) as refused:
        await service.apis.update(scope, api.id, [operation])
    assert refused.value.message == message


async def test_tags_on_apis_and_stages(service: RestApiService, scope: Scope) -> None:
    api = await service.apis.create(scope, NewApi("pets", tags={"team": "a"}))
    arn = f"arn:aws:apigateway:us-east-1::/restapis/{api.id}"
    await service.apis.tag(scope, arn, {"env": "dev"})
    await service.apis.untag(scope, arn, ["team"])
    assert service.apis.tags(scope, arn) == {"env": "dev"}
    with pytest.raises(NotFound, match="Invalid stage identifier specified"):
        service.apis.tags(scope, f"{arn}/stages/nope")
    with pytest.raises(BadRequest, match="Invalid ARN specified in the request"):
        service.apis.tags(scope, "arn:aws:sqs:us-east-1:000000000000:q")


async def test_invoke_url_is_the_execute_api_host_on_the_endpoint_port(service: RestApiService) -> None:
    assert service.invoke_url("abc123defg", "prod") == "http://abc123defg.execute-api.localhost:4566/prod/"
