"""What the gateway reads: stage views, built from the right content and handed out as the same object
until something they show changes."""

from __future__ import annotations

from apigwv2_values import FN, HERE, INVOKE_URI

from triggerfish.services.apigatewayv2 import HttpApiService
from triggerfish.services.apigatewayv2.inputs import QuickCreate
from triggerfish.services.apigatewayv2.models import Cors, JwtConfiguration
from triggerfish.services.apigatewayv2.views import (
    CorsView,
    HttpAuthorizerView,
    HttpIntegrationView,
    JwtConfigurationView,
    RouteView,
)


async def test_a_view_shows_routes_integrations_authorizers_and_cors(service: HttpApiService) -> None:
    cors = Cors(allow_origins=("https://a.example",), allow_methods=("GET",), max_age=10, allow_credentials=True)
    state = await service.create_api({"name": "v", "cors": cors}, scope=HERE, quick=QuickCreate(FN))
    api_id = state.id
    integration = next(iter(state.content.integrations.values()))
    jwt = await service.authorizers.create(
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
        api_id,
        {
            "name": "fn",
            "type": "REQUEST",
            "uri": INVOKE_URI,
            "payload_format_version": "1.0",
            "identity_source": ("$request.header.X",),
            "result_ttl": 30,
        },
        scope=HERE,
    )
    route = await service.routes.create(
        api_id,
        {
            "route_key": "GET /pets/{id}",
            "target": f"integrations/{integration.id}",
            "authorization_type": "JWT",
            "authorizer_id": jwt.id,
            "authorization_scopes": ("read",),
        },
        scope=HERE,
    )
    await service.stages.update(api_id, "$default", {"variables": {"color": "blue"}}, scope=HERE)
    view = service.stage_view(api_id, "$default")
    assert view is not None
    assert (view.api_id, view.api_name, view.account, view.region, view.stage_name) == (
        api_id,
        "v",
        "000000000000",
        "us-east-1",
        "$default",
    )
    assert view.variables == {"color": "blue"}
    lambda_view = HttpIntegrationView(integration.id, "AWS_PROXY", FN, "2.0", 30_000)
    assert view.routes[1] == RouteView(route.id, "GET /pets/{id}", "JWT", jwt.id, ("read",), lambda_view)
    assert view.routes[0].route_key == "$default" and view.routes[0].integration == lambda_view
    assert view.authorizers == {
        jwt.id: HttpAuthorizerView(
            jwt.id,
            "jwt",
            "JWT",
            identity_sources=("$request.header.Authorization",),
            jwt=JwtConfigurationView("https://issuer.example.com", ("aud",)),
        ),
        fn.id: HttpAuthorizerView(fn.id, "fn", "REQUEST", INVOKE_URI, ("$request.header.X",), "1.0", False, 30, None),
    }
    assert view.cors == CorsView(("https://a.example",), ("GET",), (), (), 10, True)
    assert view.disable_execute_api_endpoint is False


async def test_the_same_view_until_something_it_shows_changes(service: HttpApiService) -> None:
    state = await service.create_api({"name": "cache"}, scope=HERE, quick=QuickCreate(FN))
    api_id = state.id
    await service.stages.create(api_id, "manual", {}, scope=HERE)
    await service.deployments.create(api_id, stage_name="manual", scope=HERE)
    auto, manual = service.stage_view(api_id, "$default"), service.stage_view(api_id, "manual")
    assert auto is not None and manual is not None
    assert service.stage_view(api_id, "$default") is auto
    # changes no view shows: tags, another stage's settings, the API's description
    await service.tag_resource(f"arn:aws:apigateway:us-east-1::/apis/{api_id}", {"a": "b"}, scope=HERE)
    await service.update_api(api_id, {"description": "new"}, scope=HERE)
    await service.stages.update(api_id, "manual", {"description": "d"}, scope=HERE)
    assert service.stage_view(api_id, "$default") is auto
    assert service.stage_view(api_id, "manual") is manual
    # a new route: the auto-deployed stage shows it at once, the other one after its next deployment
    integration_id = next(iter(state.content.integrations))
    await service.routes.create(api_id, {"route_key": "GET /b", "target": f"integrations/{integration_id}"}, scope=HERE)
    changed = service.stage_view(api_id, "$default")
    assert changed is not auto and changed is not None and len(changed.routes) == 2
    assert service.stage_view(api_id, "$default") is changed
    assert service.stage_view(api_id, "manual") is manual
    # stage variables and the API's name are in the view
    await service.stages.update(api_id, "manual", {"variables": {"v": "1"}}, scope=HERE)
    with_variables = service.stage_view(api_id, "manual")
    assert with_variables is not manual and with_variables is not None and with_variables.variables == {"v": "1"}
    await service.update_api(api_id, {"name": "renamed"}, scope=HERE)
    renamed = service.stage_view(api_id, "manual")
    assert renamed is not with_variables and renamed is not None and renamed.api_name == "renamed"


async def test_lookups_of_what_does_not_exist(service: HttpApiService) -> None:
    state = await service.create_api({"name": "look"}, scope=HERE)
    assert service.api_exists(state.id) and not service.api_exists("missing123")
    assert service.stage_view("missing123", "$default") is None
    assert service.stage_view(state.id, "$default") is None
    assert service.stage_names(state.id) == () and service.stage_names("missing123") == ()
    await service.stages.create(state.id, "prod", {}, scope=HERE)
    names = service.stage_names(state.id)
    assert names == ("prod",) and service.stage_names(state.id) is names
    view = service.stage_view(state.id, "prod")
    assert view is not None and view.routes == ()  # never deployed: serves nothing
    await service.stages.delete(state.id, "prod", scope=HERE)
    assert service.stage_view(state.id, "prod") is None


async def test_disabling_the_default_endpoint_is_deployed_like_the_rest(service: HttpApiService) -> None:
    state = await service.create_api({"name": "d"}, scope=HERE, quick=QuickCreate(FN))
    await service.stages.create(state.id, "manual", {}, scope=HERE)
    await service.deployments.create(state.id, stage_name="manual", scope=HERE)
    await service.update_api(state.id, {"disable_execute_api_endpoint": True}, scope=HERE)
    auto, manual = service.stage_view(state.id, "$default"), service.stage_view(state.id, "manual")
    assert auto is not None and auto.disable_execute_api_endpoint
    assert manual is not None and not manual.disable_execute_api_endpoint
