"""The REST API service (API Gateway v1): durable API definitions and the gateway's views of them.

Operations are grouped by what they act on (``apis``, ``resources``, ``methods``, ``integrations``,
``authorizers``, ``deployments``, ``stages``, ``imports``); the gateway reads only ``stage_view``,
``stage_names`` and ``api_exists``, which are synchronous, in memory and O(1).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from triggerfish.core.clock import Clock
from triggerfish.services.apigateway.apis import RestApis
from triggerfish.services.apigateway.authorizers import Authorizers
from triggerfish.services.apigateway.deployments import Deployments
from triggerfish.services.apigateway.imports import Imports
from triggerfish.services.apigateway.integrations import Integrations
from triggerfish.services.apigateway.methods import Methods
from triggerfish.services.apigateway.registry import RestApiRegistry
from triggerfish.services.apigateway.resources import Resources
from triggerfish.services.apigateway.stage_views import StageViews
from triggerfish.services.apigateway.stages import Stages
from triggerfish.services.apigateway.views import RestStageView
from triggerfish.store.interfaces import DocumentStore

DEFAULT_BASE_URL = "http://localhost:4566"


class RestApiService:
    def __init__(
        self,
        documents: DocumentStore,
        clock: Clock,
        *,
        base_url_getter: Callable[[], str | None] = lambda: DEFAULT_BASE_URL,
    ) -> None:
        self._registry = RestApiRegistry(documents, clock)
        self._views = StageViews()
        self._registry.on_change = self._changed
        self._base_url = base_url_getter
        self.apis = RestApis(self._registry)
        self.imports = Imports(self._registry)
        self.resources = Resources(self._registry)
        self.methods = Methods(self._registry)
        self.integrations = Integrations(self._registry)
        self.authorizers = Authorizers(self._registry)
        self.deployments = Deployments(self._registry)
        self.stages = Stages(self._registry)

    async def start(self) -> None:
        """Load every stored API (after a restart)."""
        await self._registry.load()

    async def close(self) -> None:
        """Nothing runs in the background; every change was written when it was made."""

    # --- what the gateway reads ----------------------------------------------------------------

    def stage_view(self, api_id: str, stage_name: str) -> RestStageView | None:
        api = self._registry.get(api_id)
        return None if api is None else self._views.view(api, stage_name)

    def stage_names(self, api_id: str) -> tuple[str, ...]:
        api = self._registry.get(api_id)
        return () if api is None else tuple(sorted(api.stages))

    def api_exists(self, api_id: str) -> bool:
        return self._registry.get(api_id) is not None

    def invoke_url(self, api_id: str, stage_name: str) -> str:
        """Where a stage is served: ``http://<api-id>.execute-api.localhost:<port>/<stage>/``."""
        base = urlsplit(self._base_url() or DEFAULT_BASE_URL)
        port = f":{base.port}" if base.port else ""
        return f"{base.scheme or 'http'}://{api_id}.execute-api.localhost{port}/{stage_name}/"

    def _changed(self, api_id: str) -> None:
        if self._registry.get(api_id) is None:
            self._views.forget(api_id)
