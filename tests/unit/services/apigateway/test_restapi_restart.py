"""REST APIs survive a restart: everything is in the file-backed store when an operation returns."""

from __future__ import annotations

from pathlib import Path

from apigateway_sam_bodies import LAMBDA_URI

from triggerfish.core.clock import VirtualClock
from triggerfish.services.apigateway import RestApiService
from triggerfish.services.apigateway.apis import NewApi
from triggerfish.services.apigateway.authorizers import NewAuthorizer
from triggerfish.services.apigateway.deployments import NewDeployment
from triggerfish.services.apigateway.integrations import NewIntegration
from triggerfish.services.apigateway.methods import NewMethod
from triggerfish.services.lambda_.service import Scope
from triggerfish.store.factory import open_store


async def test_apis_deployments_and_stages_survive_close_and_reopen(tmp_path: Path) -> None:
    scope = Scope()
    store = open_store(tmp_path)
    await store.open()
    service = RestApiService(store.documents, VirtualClock())
    await service.start()
    api = await service.apis.create(scope, NewApi("pets", tags={"team": "a"}))
    authorizer = await service.authorizers.create(
        scope,
        api.id,
        NewAuthorizer("auth", "TOKEN", LAMBDA_URI, identity_source="method.request.header.Authorization"),
    )
    pets = await service.resources.create(scope, api.id, api.root_id, "pets")
    await service.methods.put(
        scope, api.id, pets.id, "GET", NewMethod(authorization_type="CUSTOM", authorizer_id=authorizer.id)
    )
    await service.integrations.put(
        scope, api.id, pets.id, "GET", NewIntegration("AWS_PROXY", http_method="POST", uri=LAMBDA_URI, timeout_ms=5000)
    )
    await service.deployments.create(scope, api.id, NewDeployment(stage_name="dev", variables={"v": "1"}))
    await service.resources.create(scope, api.id, pets.id, "{id}")  # after the deployment: not deployed
    before = service.stage_view(api.id, "dev")
    await service.close()
    await store.close()

    reopened = open_store(tmp_path)
    await reopened.open()
    again = RestApiService(reopened.documents, VirtualClock())
    await again.start()
    try:
        assert again.apis.get(scope, api.id) == service.apis.get(scope, api.id)
        assert again.stage_view(api.id, "dev") == before
        assert [r.path for r in again.resources.list(scope, api.id)] == ["/", "/pets", "/pets/{id}"]
        assert again.stage_names(api.id) == ("dev",)
        await again.apis.delete(scope, api.id)
    finally:
        await again.close()
        await reopened.close()

    emptied = open_store(tmp_path)
    await emptied.open()
    last = RestApiService(emptied.documents, VirtualClock())
    await last.start()
    assert not last.api_exists(api.id)
    await emptied.close()
