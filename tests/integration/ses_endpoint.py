"""An SES endpoint for wire tests: SES providers over one real SesService on an in-memory store, behind the
AWS endpoint on 127.0.0.1 (see ``endpoint_thread``), with triggerfish's own ``/_triggerfish/`` API when
``internal`` is given."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from endpoint_thread import Build, EndpointThread, Stop

from triggerfish.aws.endpoint import AwsApp
from triggerfish.aws.internal import InternalApi
from triggerfish.aws.providers.base import Provider
from triggerfish.aws.server import EndpointApp, HttpServer
from triggerfish.core.clock import SystemClock
from triggerfish.services.ses.service import SesService
from triggerfish.store.factory import open_store


class SesEndpoint(EndpointThread):
    def __init__(
        self,
        providers: Callable[[SesService], Mapping[str, Provider]],
        *,
        internal: Callable[[SesService], InternalApi] | None = None,
    ) -> None:
        self._providers = providers
        self._internal = internal
        super().__init__(self._build)

    async def _build(self) -> tuple[Mapping[str, Provider], Stop]:
        store = open_store(None)
        await store.open()
        self.service = SesService(store, SystemClock())
        await self.service.start()

        async def stop() -> None:
            await self.service.close()
            await store.close()

        return self._providers(self.service), stop

    async def _start(self, build: Build) -> None:
        if self._internal is None:
            await super()._start(build)
            return
        providers, self._stop = await build()
        app = EndpointApp(aws=AwsApp(providers), internal=self._internal(self.service))
        app.ready = True
        self.http = HttpServer(app, "127.0.0.1", 0)
        await self.http.start()
