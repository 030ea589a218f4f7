"""What is stored: an API and all its parts survive a restart, and contents stay shared."""

from __future__ import annotations

import asyncio

from apigwv2_values import FN, HERE, INVOKE_URI

from triggerfish.core.clock import VirtualClock
from triggerfish.services.apigatewayv2 import HttpApiService
from triggerfish.services.apigatewayv2.documents import decode_state, encode_state
from triggerfish.services.apigatewayv2.inputs import QuickCreate
from triggerfish.services.apigatewayv2.models import Cors, JwtConfiguration
from triggerfish.store.interfaces import Store


async def test_everything_survives_a_restart(service: HttpApiService, store: Store, clock: VirtualClock) -> None:
    cors = Cors(allow_origins=("*",), max_age=5)
    state = await service.create_api(
        {"name": "durable", "cors": cors}, scope=HERE, tags={"a": "1"}, quick=QuickCreate(FN)
    )
    api_id = state.id
    authorizer = await service.authorizers.create(
        api_id,
        {
            "name": "jwt",
            "type": "JWT",
            "identity_source": ("$request.header.Authorization",),
            "jwt": JwtConfiguration("https://issuer.example.com", ("aud",)),
        },
        scope=HERE,
    )
    fn = await service.authorizers.create(
        api_id, {"name": "fn", "type": "REQUEST", "uri": INVOKE_URI, "payload_format_version": "2.0"}, scope=HERE
    )
    integration_id = next(iter(state.content.integrations))
    await service.routes.create(
        api_id,
        {
            "route_key": "GET /a/{id}",
            "target": f"integrations/{integration_id}",
            "authorization_type": "JWT",
            "authorizer_id": authorizer.id,
            "authorization_scopes": ("read",),
            "request_parameters": {"route.request.header.x": True},
        },
        scope=HERE,
    )
    await service.stages.create(api_id, "prod", {"variables": {"v": "1"}}, tags={"s": "t"}, scope=HERE)
    await service.deployments.create(api_id, stage_name="prod", description="first", scope=HERE)
    await service.routes.create(api_id, {"route_key": "POST /b"}, scope=HERE)
    before = service.get_api(api_id, scope=HERE)
    views = {name: service.stage_view(api_id, name) for name in ("$default", "prod")}

    restarted = HttpApiService(store.documents, clock)
    await restarted.start()
    after = restarted.get_api(api_id, scope=HERE)
    assert after == before
    assert {name: restarted.stage_view(api_id, name) for name in ("$default", "prod")} == views
    # the auto-deployed stage's deployment and the live content are one object again
    auto = after.deployments[after.stages["$default"].deployment_id or ""]
    assert auto.content is after.content
    assert after.content.authorizers[fn.id].payload_format_version == "2.0"
    await restarted.routes.create(api_id, {"route_key": "GET /c"}, scope=HERE)
    assert len(restarted.get_api(api_id, scope=HERE).content.routes) == 4
    await restarted.delete_api(api_id, scope=HERE)
    again = HttpApiService(store.documents, clock)
    await again.start()
    assert not again.api_exists(api_id)


async def test_documents_round_trip_and_share_contents(service: HttpApiService) -> None:
    state = await service.create_api({"name": "doc"}, scope=HERE, quick=QuickCreate(FN))
    await service.stages.create(state.id, "a", {}, scope=HERE)
    await service.deployments.create(state.id, stage_name="a", scope=HERE)
    stored = service.get_api(state.id, scope=HERE)
    text = encode_state(stored)
    assert text.count('"routes"') == 1  # live content, auto and manual deployment: one copy
    decoded = decode_state(text)
    assert decoded == stored
    assert all(d.content is decoded.content for d in decoded.deployments.values())


async def test_concurrent_changes_of_one_api_keep_each_other(service: HttpApiService, store: Store) -> None:
    state = await service.create_api({"name": "busy"}, scope=HERE, quick=QuickCreate(FN))
    await asyncio.gather(*(service.routes.create(state.id, {"route_key": f"GET /r{n}"}, scope=HERE) for n in range(10)))
    assert len(service.get_api(state.id, scope=HERE).content.routes) == 11
    stored = await store.documents.get("apigatewayv2.api", "000000000000/us-east-1", state.id)
    assert stored is not None and decode_state(stored.body) == service.get_api(state.id, scope=HERE)
