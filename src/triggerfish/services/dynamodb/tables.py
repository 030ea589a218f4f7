"""The live tables of every account and region, and their configurations stored as documents.

A table's configuration is a document of kind ``TABLE_KIND`` (scope ``account/region``, name = the
table name); its items live in the engine. The registry writes the document before it tells the
engine, so what was acknowledged survives a restart: at start every stored table is opened again
with its items loaded from the store.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Protocol

from triggerfish.services.dynamodb.errors import ResourceInUse, ResourceNotFound
from triggerfish.services.dynamodb.models import TABLE_KIND, TableConfig
from triggerfish.store.interfaces import DocumentStore, RevisionMismatch

if TYPE_CHECKING:
    from triggerfish.services.dynamodb.engine import TableEngine
    from triggerfish.services.dynamodb.table_data import TableData

_TABLE_ARN_PREFIX = "arn:aws:dynamodb:"


class _Now(Protocol):
    def now(self) -> float: ...


def table_name_of(name_or_arn: str) -> str:
    """The table name in a TableName member, which may also be the table's ARN (DynamoDB API reference:
    "You can also provide the Amazon Resource Name (ARN) of the table in this parameter")."""
    if name_or_arn.startswith(_TABLE_ARN_PREFIX):
        resource = name_or_arn.split(":", 5)[-1]
        if resource.startswith("table/"):
            return resource[len("table/") :].split("/", 1)[0]
    return name_or_arn


def scope_of_arn(arn: str, default: str) -> str:
    """The ``account/region`` an ARN names, or ``default`` when ``arn`` is a plain name."""
    parts = arn.split(":", 5)
    if len(parts) == 6 and arn.startswith(_TABLE_ARN_PREFIX) and parts[3] and parts[4]:
        return f"{parts[4]}/{parts[3]}"
    return default


def not_found(name: str) -> ResourceNotFound:
    """The table operations' wording (DescribeTable, UpdateTable, DeleteTable, *TimeToLive answer
    "Requested resource not found: Table: <name> not found"); item operations say only the first part."""
    return ResourceNotFound(f"Requested resource not found: Table: {name} not found")


class TableRegistry:
    def __init__(self, documents: DocumentStore, engine: TableEngine, clock: _Now) -> None:
        self._documents = documents
        self._engine = engine
        self._clock = clock
        self._tables: dict[tuple[str, str], TableData] = {}
        self._streams: dict[str, TableData] = {}

    async def load(self) -> None:
        """Open every stored table with its items (at start)."""
        for document in await self._documents.list(TABLE_KIND):
            config = TableConfig.from_json(json.loads(document.body))
            data = await self._engine.open(config, load=True)
            self._remember(data)

    # --- lookups (hot path: plain dict reads) -----------------------------------------------------

    def table(self, name: str, scope: str) -> TableData:
        """The live table named ``name`` (or with that ARN) in ``scope``; item operations' not-found."""
        data = self.find(name, scope)
        if data is None:
            raise ResourceNotFound()
        return data

    def require(self, name: str, scope: str) -> TableData:
        """As :meth:`table`, with the table operations' wording of not-found."""
        data = self.find(name, scope)
        if data is None:
            raise not_found(table_name_of(name))
        return data

    def find(self, name: str, scope: str) -> TableData | None:
        data = self._tables.get((scope, name))
        if data is None and name.startswith(_TABLE_ARN_PREFIX):
            data = self._tables.get((scope_of_arn(name, scope), table_name_of(name)))
        return data

    def configs(self, scope: str) -> list[TableConfig]:
        """The configurations of the tables of ``scope``, by name."""
        return sorted((d.config for (s, _), d in self._tables.items() if s == scope), key=lambda c: c.name)

    def by_stream_arn(self, arn: str) -> TableData | None:
        """The live table whose latest stream has this ARN (enabled or not)."""
        return self._streams.get(arn)

    def all(self) -> list[TableData]:
        return list(self._tables.values())

    # --- changes ----------------------------------------------------------------------------------

    async def add(self, config: TableConfig) -> TableData:
        """Store and open a new, empty table."""
        if (config.scope, config.name) in self._tables:
            raise ResourceInUse(f"Table already exists: {config.name}")
        try:
            await self._documents.put(
                TABLE_KIND, config.scope, config.name, _body(config), now=self._clock.now(), expected_revision=0
            )
        except RevisionMismatch:
            raise ResourceInUse(f"Table already exists: {config.name}") from None
        data = await self._engine.open(config, load=False)
        self._remember(data)
        return data

    async def change(self, data: TableData, config: TableConfig) -> None:
        """Store a table's new configuration and apply it to the live table."""
        await self._documents.put(TABLE_KIND, config.scope, config.name, _body(config), now=self._clock.now())
        self._forget_stream(data)
        self._engine.reconfigure(data, config)
        self._remember(data)

    async def remove(self, data: TableData) -> None:
        """Forget a table and its items (its stream records stay until retention ends)."""
        config = data.config
        self._tables.pop((config.scope, config.name), None)
        self._forget_stream(data)
        await self._documents.delete(TABLE_KIND, config.scope, config.name)
        await self._engine.drop(data)

    def _remember(self, data: TableData) -> None:
        config = data.config
        self._tables[(config.scope, config.name)] = data
        if config.stream_arn is not None:
            self._streams[config.stream_arn] = data

    def _forget_stream(self, data: TableData) -> None:
        for arn in [arn for arn, held in self._streams.items() if held is data]:
            del self._streams[arn]


def _body(config: TableConfig) -> str:
    return json.dumps(config.to_json(), separators=(",", ":"))
