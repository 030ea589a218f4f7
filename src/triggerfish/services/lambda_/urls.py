"""Function URLs: a dedicated HTTP endpoint for a function or one of its aliases (spec §6.6).

Configurations are kept in the store (kind ``lambda.url``) and served from memory: the gateway looks
one up by its URL id on every request and gets the same object back until the configuration changes.
"""

from __future__ import annotations

import asyncio
import functools
import secrets
import string
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import orjson

from triggerfish.core.clock import Clock
from triggerfish.core.errors import ResourceConflict, ResourceNotFound
from triggerfish.services.lambda_ import url_validation as checks
from triggerfish.services.lambda_.models import FunctionConfig
from triggerfish.services.lambda_.url_config import FunctionUrlConfig, UrlCors
from triggerfish.services.lambda_.validation import split_function_name
from triggerfish.store.interfaces import DocumentStore, RevisionMismatch

if TYPE_CHECKING:
    from triggerfish.services.lambda_.service import LambdaService, Scope

KIND = "lambda.url"
DEFAULT_BASE_URL = "http://localhost:4566"
URL_ID_LENGTH = 32
_URL_ID_ALPHABET = string.ascii_lowercase + string.digits
# Lambda's two not-found wordings (recorded AWS answers): Create, Update and List name the
# function; Get and Delete speak of the resource, whether the function, alias or config is missing.
NO_FUNCTION = "Function does not exist"
NOT_FOUND = "The resource you requested does not exist."
_Key = tuple[str, str, str | None]  # (scope, function name, alias or None)
AliasCheck = Callable[[FunctionConfig, str], bool]


class FunctionUrls:
    """CreateFunctionUrlConfig and its siblings, and the lookups the gateway makes per request."""

    def __init__(
        self,
        service: LambdaService,
        documents: DocumentStore,
        clock: Clock,
        base_url: Callable[[], str],
        *,
        alias_exists: AliasCheck | None = None,
    ) -> None:
        self._service = service
        #: whether a function has an alias of that name; none exist until aliases are published
        self.alias_exists: AliasCheck = alias_exists or _no_aliases
        self._documents = documents
        self._clock = clock
        self._base_url = base_url  # the AWS endpoint's URL, known once the app listens
        self._by_id: dict[str, FunctionUrlConfig] = {}
        self._by_key: dict[_Key, FunctionUrlConfig] = {}
        self._lock = asyncio.Lock()

    async def load(self) -> None:
        for document in await self._documents.list(KIND):
            self._remember(self._from_json(orjson.loads(document.body)))

    # -- the API -------------------------------------------------------------------------------

    async def create(
        self,
        function_name: str,
        *,
        auth_type: str,
        scope: Scope,
        qualifier: str | None = None,
        cors: UrlCors | None = None,
        invoke_mode: str | None = None,
    ) -> FunctionUrlConfig:
        checks.check_auth_type(auth_type)
        invoke_mode = invoke_mode or "BUFFERED"
        checks.check_invoke_mode(invoke_mode)
        if cors is not None:
            checks.check_cors(cors)
        function, alias = self._target(function_name, qualifier, scope, NO_FUNCTION)
        async with self._lock:
            existing = self._by_key.get((function.scope, function.name, alias))
            if existing is not None:
                raise _exists(existing.function_arn)
            now = _timestamp(self._clock.now())
            config = FunctionUrlConfig(
                url_id=self._new_id(),
                function_name=function.name,
                account=function.account,
                region=function.region,
                qualifier=alias,
                auth_type=auth_type,
                invoke_mode=invoke_mode,
                cors=_effective(cors),
                creation_time=now,
                last_modified_time=now,
            )
            config = replace(config, function_url=self._url(config))
            try:
                await self._save(config, expected_revision=0)
            except RevisionMismatch:
                raise _exists(config.function_arn) from None
            return config

    def get(self, function_name: str, *, scope: Scope, qualifier: str | None = None) -> FunctionUrlConfig:
        function, alias = self._target(function_name, qualifier, scope, NOT_FOUND)
        return self._config(function, alias)

    async def update(
        self,
        function_name: str,
        *,
        scope: Scope,
        qualifier: str | None = None,
        auth_type: str | None = None,
        cors: UrlCors | None = None,
        invoke_mode: str | None = None,
    ) -> FunctionUrlConfig:
        """Change the settings given; ``cors`` replaces the whole CORS configuration, and an empty
        ``UrlCors()`` removes it."""
        if auth_type is not None:
            checks.check_auth_type(auth_type)
        if invoke_mode is not None:
            checks.check_invoke_mode(invoke_mode)
        if cors is not None:
            checks.check_cors(cors)
        function, alias = self._target(function_name, qualifier, scope, NO_FUNCTION)
        async with self._lock:
            current = self._config(function, alias)
            changed = replace(
                current,
                auth_type=auth_type or current.auth_type,
                invoke_mode=invoke_mode or current.invoke_mode,
                cors=current.cors if cors is None else _effective(cors),
                last_modified_time=_timestamp(self._clock.now()),
            )
            changed = replace(changed, function_url=self._url(changed))
            await self._save(changed)
            return changed

    async def delete(self, function_name: str, *, scope: Scope, qualifier: str | None = None) -> None:
        function, alias = self._target(function_name, qualifier, scope, NOT_FOUND)
        async with self._lock:
            await self._drop(self._config(function, alias))

    def list(self, function_name: str, *, scope: Scope) -> list[FunctionUrlConfig]:
        """Every URL of a function (its own and its aliases'), in ARN order."""
        # ListFunctionUrlConfigs takes any function name form; a qualifier in it does not narrow the list
        name, _, region, account = split_function_name(function_name)
        key_scope = f"{account or scope.account}/{region or scope.region}"
        if self._service.functions.find(key_scope, name) is None:
            raise ResourceNotFound(NO_FUNCTION)
        found = [c for (s, n, _), c in self._by_key.items() if s == key_scope and n == name]
        return sorted(found, key=lambda c: c.function_arn)

    async def drop_function(self, scope: str, name: str) -> None:
        """The function is deleted: its URLs (and their ids) go with it."""
        async with self._lock:
            for config in [c for (s, n, _), c in self._by_key.items() if s == scope and n == name]:
                await self._drop(config)

    # -- lookups for the gateway ---------------------------------------------------------------

    def lookup(self, url_id: str) -> FunctionUrlConfig | None:
        return self._by_id.get(url_id)

    def allows_unauthenticated(self, config: FunctionUrlConfig) -> bool:
        """Whether the function's resource policy lets anyone call this URL (spec §6.6: even with
        AuthType NONE the policy must grant ``lambda:InvokeFunctionUrl`` to ``*``)."""
        return self._granted(config, None)

    def allows_caller(self, config: FunctionUrlConfig, account: str) -> bool:
        """AWS_IAM: a signed caller of the function's own account is authorised by its identity
        policy (taken as granted locally); another account needs a statement in the function's policy."""
        return account == config.account or self._granted(config, account)

    def _granted(self, config: FunctionUrlConfig, account: str | None) -> bool:
        function = self._service.functions.find(f"{config.account}/{config.region}", config.function_name)
        if function is None or not function.resource_policy:
            return False
        allowed = False
        for statement in _statements(function.resource_policy):
            if statement.covers(config, account):
                if statement.effect == "Deny":
                    return False  # IAM: an explicit deny overrides every allow
                allowed = statement.effect == "Allow" or allowed
        return allowed

    # -- internals -----------------------------------------------------------------------------

    def _target(
        self, function_name: str, qualifier: str | None, scope: Scope, missing: str
    ) -> tuple[FunctionConfig, str | None]:
        """The function a request names and the alias (``None`` for the unqualified function)."""
        checks.check_function_name(function_name)
        name, in_name, region, account = split_function_name(function_name)
        alias = checks.resolve_qualifier(in_name, qualifier)
        function = self._service.functions.find(f"{account or scope.account}/{region or scope.region}", name)
        if function is None:
            raise ResourceNotFound(missing)
        # Lambda: a URL belongs to the unqualified function or to an alias that exists
        if alias is not None and not self.alias_exists(function, alias):
            raise ResourceNotFound(missing)
        return function, alias

    def _config(self, function: FunctionConfig, alias: str | None) -> FunctionUrlConfig:
        config = self._by_key.get((function.scope, function.name, alias))
        if config is None:
            raise ResourceNotFound(NOT_FOUND)
        return config

    def _new_id(self) -> str:
        while True:
            url_id = "".join(secrets.choice(_URL_ID_ALPHABET) for _ in range(URL_ID_LENGTH))
            if url_id not in self._by_id:  # ids are unique across accounts and regions
                return url_id

    def _url(self, config: FunctionUrlConfig) -> str:
        return function_url(self._base_url(), config.url_id, config.region)

    async def _save(self, config: FunctionUrlConfig, *, expected_revision: int | None = None) -> None:
        body = orjson.dumps(_to_json(config)).decode()
        await self._documents.put(
            KIND, _scope(config), _name(config), body, now=self._clock.now(), expected_revision=expected_revision
        )
        self._remember(config)

    async def _drop(self, config: FunctionUrlConfig) -> None:
        await self._documents.delete(KIND, _scope(config), _name(config))
        self._by_key.pop((_scope(config), config.function_name, config.qualifier), None)
        self._by_id.pop(config.url_id, None)

    def _remember(self, config: FunctionUrlConfig) -> None:
        self._by_key[(_scope(config), config.function_name, config.qualifier)] = config
        self._by_id[config.url_id] = config

    def _from_json(self, data: Mapping[str, Any]) -> FunctionUrlConfig:
        values = dict(data)
        cors = values.pop("cors", None)
        config = FunctionUrlConfig(**values, cors=_cors_from_json(cors) if cors else None)
        return replace(config, function_url=self._url(config))


def _no_aliases(function: FunctionConfig, alias: str) -> bool:
    return False


def function_url(base_url: str, url_id: str, region: str) -> str:
    """``http://<url-id>.lambda-url.<region>.localhost:<port>/`` on the endpoint's port."""
    parts = urlsplit(base_url)
    try:
        port = parts.port
    except ValueError:
        port = None
    suffix = f":{port}" if port else ""
    return f"{parts.scheme or 'http'}://{url_id}.lambda-url.{region}.localhost{suffix}/"


def _timestamp(epoch: float) -> str:
    """ISO-8601 with microseconds, as Lambda writes CreationTime: ``2024-05-02T07:23:12.573458Z``."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _exists(function_arn: str) -> ResourceConflict:
    # Lambda's wording, two spaces after "Error message:" included (real CreateFunctionUrlConfig answers).
    return ResourceConflict(
        f"Failed to create function url config for [functionArn = {function_arn}]. "
        "Error message:  FunctionUrlConfig exists for this Lambda function"
    )


def _effective(cors: UrlCors | None) -> UrlCors | None:
    """A CORS configuration that sets nothing is no configuration."""
    return None if cors is None or cors == UrlCors() else cors


def _scope(config: FunctionUrlConfig) -> str:
    return f"{config.account}/{config.region}"


def _name(config: FunctionUrlConfig) -> str:
    # ":" never appears in a function name, so "name:alias" cannot collide with another function
    return config.function_name if config.qualifier is None else f"{config.function_name}:{config.qualifier}"


def _to_json(config: FunctionUrlConfig) -> dict[str, Any]:
    data = asdict(config)
    del data["function_url"]  # rebuilt from the endpoint's current address when loaded
    return data


def _cors_from_json(data: Mapping[str, Any]) -> UrlCors:
    return UrlCors(
        allow_credentials=bool(data.get("allow_credentials", False)),
        allow_headers=tuple(data.get("allow_headers", ())),
        allow_methods=tuple(data.get("allow_methods", ())),
        allow_origins=tuple(data.get("allow_origins", ())),
        expose_headers=tuple(data.get("expose_headers", ())),
        max_age=int(data.get("max_age", 0)),
    )


# -- resource policy statements -------------------------------------------------------------------

_ACTION = "lambda:invokefunctionurl"
_AUTH_TYPE_KEY = "lambda:functionurlauthtype"


@dataclass(frozen=True)
class _Statement:
    """One statement of a function's resource policy, reduced to what a URL request is judged by."""

    effect: str
    actions: tuple[str, ...]  # lower case, IAM wildcards allowed
    principals: tuple[str, ...]  # "*", account ids and IAM ARNs
    resources: tuple[str, ...]
    conditions: tuple[tuple[str, str, tuple[str, ...]], ...]  # (operator, key in lower case, values)

    def covers(self, config: FunctionUrlConfig, account: str | None) -> bool:
        return (
            any(fnmatchcase(_ACTION, action) for action in self.actions)
            and any(_principal_matches(p, account) for p in self.principals)
            and any(fnmatchcase(config.function_arn, resource) for resource in self.resources)
            and all(_condition_holds(op, key, values, config.auth_type) for op, key, values in self.conditions)
        )


def _principal_matches(principal: str, account: str | None) -> bool:
    if principal == "*":
        return True
    if account is None:
        return False  # an unsigned request matches only the anonymous principal
    return principal in (account, f"arn:aws:iam::{account}:root")


def _condition_holds(operator: str, key: str, values: tuple[str, ...], auth_type: str) -> bool:
    """A URL request carries one condition key, ``lambda:FunctionUrlAuthType``; a condition on any
    other key has nothing to compare and fails, as IAM's string operators do on missing keys."""
    if key != _AUTH_TYPE_KEY:
        return False
    if operator == "StringEquals":
        return auth_type in values
    if operator == "StringLike":
        return any(fnmatchcase(auth_type, value) for value in values)
    return False


@functools.lru_cache(maxsize=256)
def _statements(policy: str) -> tuple[_Statement, ...]:
    """The statements of a policy document; cached, since the gateway asks on every request."""
    try:
        document = orjson.loads(policy)
        raw = document.get("Statement", []) if isinstance(document, dict) else []
    except orjson.JSONDecodeError:
        return ()
    return tuple(_statement(s) for s in (raw if isinstance(raw, list) else [raw]) if isinstance(s, dict))


def _statement(data: Mapping[str, Any]) -> _Statement:
    conditions = tuple(
        (operator, key.lower(), _strings(value))
        for operator, block in (data.get("Condition") or {}).items()
        if isinstance(block, dict)
        for key, value in block.items()
    )
    return _Statement(
        effect=str(data.get("Effect", "")),
        actions=tuple(a.lower() for a in _strings(data.get("Action"))),
        principals=_principals(data.get("Principal")),
        resources=_strings(data.get("Resource", "*")),
        conditions=conditions,
    )


def _principals(value: Any) -> tuple[str, ...]:
    if value == "*":
        return ("*",)
    if isinstance(value, dict):
        return _strings(value.get("AWS"))  # service principals never sign a URL request
    return ()


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    return ()
