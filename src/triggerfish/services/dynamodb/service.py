"""The DynamoDB service: tables (:mod:`.table_api`), items (:mod:`.items`) and streams (:mod:`.streams_api`)
over one storage engine.

The wire provider and the app deployer call the same methods with the same parameters (the botocore
input members), so a table made from a template behaves as one made with ``CreateTable``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from triggerfish.core.clock import Clock
from triggerfish.core.stream_port import StreamSource
from triggerfish.core.work import WorkTracker
from triggerfish.services.dynamodb.engine import TableEngine
from triggerfish.services.dynamodb.items import ItemOperations
from triggerfish.services.dynamodb.streams_api import StreamsApi
from triggerfish.services.dynamodb.table_api import TableOperations
from triggerfish.services.dynamodb.tables import TableRegistry
from triggerfish.store.interfaces import DocumentStore
from triggerfish.store.streams import StreamLogStore, TableItemStore

Params = Mapping[str, Any]


class TableStore(Protocol):
    """What DynamoDB needs of the store: documents for table configurations, the item store and the
    stream log."""

    @property
    def documents(self) -> DocumentStore: ...

    @property
    def table_items(self) -> TableItemStore: ...

    @property
    def streams(self) -> StreamLogStore: ...


class DynamoDBService:
    def __init__(
        self,
        store: TableStore,
        clock: Clock,
        tracker: WorkTracker,
        *,
        endpoint_address: Callable[[], str] = lambda: "localhost:4566",
    ) -> None:
        self.clock = clock
        self.engine = TableEngine(store.table_items, store.streams, clock, tracker)
        self.tables = TableRegistry(store.documents, self.engine, clock)
        #: DescribeEndpoints answers ``endpoint_address()`` (host:port of the AWS endpoint)
        self.admin = TableOperations(self.tables, clock, endpoint_address=endpoint_address)
        self.items = ItemOperations(self.tables, self.engine, clock)
        self.streams = StreamsApi(self.tables, self.engine, clock)

    @property
    def source(self) -> StreamSource:
        """DynamoDB Streams as the Lambda stream event source mapping reads them."""
        return self.streams.source

    async def start(self) -> None:
        await self.tables.load()
        self.engine.start_ttl()

    async def close(self) -> None:
        await self.engine.close()

    # --- tables: ``scope`` is ``account/region``, ``params`` the operation's input members --------

    async def create_table(self, scope: str, params: Params) -> dict[str, Any]:
        return await self.admin.create_table(scope, params)

    async def describe_table(self, scope: str, params: Params) -> dict[str, Any]:
        return self.admin.describe_table(scope, params)

    async def list_tables(self, scope: str, params: Params) -> dict[str, Any]:
        return self.admin.list_tables(scope, params)

    async def update_table(self, scope: str, params: Params) -> dict[str, Any]:
        return await self.admin.update_table(scope, params)

    async def delete_table(self, scope: str, params: Params) -> dict[str, Any]:
        return await self.admin.delete_table(scope, params)

    async def update_time_to_live(self, scope: str, params: Params) -> dict[str, Any]:
        return await self.admin.update_time_to_live(scope, params)

    async def describe_time_to_live(self, scope: str, params: Params) -> dict[str, Any]:
        return self.admin.describe_time_to_live(scope, params)

    async def tag_resource(self, scope: str, params: Params) -> dict[str, Any]:
        return await self.admin.tag_resource(scope, params)

    async def untag_resource(self, scope: str, params: Params) -> dict[str, Any]:
        return await self.admin.untag_resource(scope, params)

    async def list_tags_of_resource(self, scope: str, params: Params) -> dict[str, Any]:
        return self.admin.list_tags_of_resource(scope, params)

    async def describe_continuous_backups(self, scope: str, params: Params) -> dict[str, Any]:
        return self.admin.describe_continuous_backups(scope, params)

    async def update_continuous_backups(self, scope: str, params: Params) -> dict[str, Any]:
        return await self.admin.update_continuous_backups(scope, params)

    async def describe_limits(self, scope: str, params: Params) -> dict[str, Any]:
        return self.admin.describe_limits()

    async def describe_endpoints(self, scope: str, params: Params) -> dict[str, Any]:
        return self.admin.describe_endpoints(scope)
