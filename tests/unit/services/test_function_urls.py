"""Function URL configurations in the Lambda service: validation, storage and the gateway's lookups
(spec §6.6). Error codes and messages are the ones AWS answers (recorded Lambda responses)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import cast

import orjson
import pytest

from triggerfish.core.clock import VirtualClock
from triggerfish.core.errors import InvalidParameterValue, ResourceConflict, ResourceNotFound, ValidationError
from triggerfish.services.lambda_.functions import FunctionRegistry
from triggerfish.services.lambda_.models import FunctionConfig
from triggerfish.services.lambda_.permissions import FunctionPolicies, Grant
from triggerfish.services.lambda_.service import LambdaService, Scope
from triggerfish.services.lambda_.url_config import FunctionUrlConfig, UrlCors
from triggerfish.services.lambda_.urls import KIND, FunctionUrls
from triggerfish.services.lambda_.validation import split_function_name
from triggerfish.store.interfaces import Document, RevisionMismatch

ACCOUNT = "000000000000"
OTHER_ACCOUNT = "111122223333"
REGION = "us-east-1"
SCOPE = Scope(ACCOUNT, REGION)
QUALIFIER_RULE = r"Member must satisfy regular expression pattern: ((?!^\d+$)^[0-9a-zA-Z-_]+$)"
URL_FORM = re.compile(r"^http://([a-z0-9]{32})\.lambda-url\.us-east-1\.localhost:4566/$")
STAMP_FORM = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")


class MemoryDocuments:
    """The DocumentStore contract in a dict: enough to test what is written and read back."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str, str], Document] = {}

    def urls(self) -> list[str]:
        """The names of the function URL documents stored."""
        return sorted(name for (kind, _, name) in self.rows if kind == KIND)

    async def put(
        self, kind: str, scope: str, name: str, body: str, *, now: float, expected_revision: int | None = None
    ) -> Document:
        current = self.rows.get((kind, scope, name))
        revision = current.revision if current else 0
        if expected_revision is not None and expected_revision != revision:
            raise RevisionMismatch(f"{kind}/{scope}/{name} is at revision {revision}")
        created = current.created_at if current else now
        document = Document(kind, scope, name, body, revision + 1, created, now)
        self.rows[(kind, scope, name)] = document
        return document

    async def get(self, kind: str, scope: str, name: str) -> Document | None:
        return self.rows.get((kind, scope, name))

    async def delete(self, kind: str, scope: str, name: str) -> bool:
        return self.rows.pop((kind, scope, name), None) is not None

    async def list(
        self, kind: str, scope: str | None = None, *, after: str | None = None, limit: int | None = None
    ) -> Sequence[Document]:
        found = sorted(
            (d for (k, s, _), d in self.rows.items() if k == kind and (scope is None or s == scope)),
            key=lambda d: (d.scope, d.name),
        )
        return found[:limit] if limit is not None else found


class FakeService:
    """The part of LambdaService that function URLs and resource policies use."""

    def __init__(self, documents: MemoryDocuments, clock: VirtualClock) -> None:
        self.functions = FunctionRegistry(documents, clock)

    def get_function(self, function_name: str, qualifier: str | None = None, scope: Scope = SCOPE) -> FunctionConfig:
        name, _, region, account = split_function_name(function_name)
        return self.functions.get(f"{account or scope.account}/{region or scope.region}", name)


class Rig:
    def __init__(self, base_url: str = "http://localhost:4566") -> None:
        self.documents = MemoryDocuments()
        self.clock = VirtualClock(start=1_700_000_000.25)
        self.service = FakeService(self.documents, self.clock)
        self.base_url = base_url
        self.urls = self.fresh_urls()
        self.policies = FunctionPolicies(cast(LambdaService, self.service))

    def fresh_urls(self) -> FunctionUrls:
        return FunctionUrls(cast(LambdaService, self.service), self.documents, self.clock, lambda: self.base_url)

    async def function(self, name: str, *, account: str = ACCOUNT, region: str = REGION) -> FunctionConfig:
        config = FunctionConfig(
            name=name, account=account, region=region, runtime="python3.12", handler="app.handler", code_dir="/code"
        )
        return await self.service.functions.create(config)

    async def grant(
        self,
        function: str,
        sid: str,
        *,
        principal: str,
        action: str = "lambda:InvokeFunctionUrl",
        auth_type: str | None = None,
        source_account: str | None = None,
    ) -> None:
        grant = Grant(sid, action, principal, source_account=source_account, function_url_auth_type=auth_type)
        await self.policies.add(function, grant, scope=SCOPE)

    async def set_policy(self, function: str, statements: Sequence[Mapping[str, object]]) -> None:
        current = self.service.functions.get(f"{ACCOUNT}/{REGION}", function)
        policy = orjson.dumps({"Version": "2012-10-17", "Id": "default", "Statement": statements}).decode()
        await self.service.functions.update(current.evolve(resource_policy=policy))


@pytest.fixture
async def rig() -> Rig:
    made = Rig()
    await made.function("fn")
    return made


# -- create --------------------------------------------------------------------------------------


async def test_create_answers_the_configuration_with_a_32_character_url_id(rig: Rig) -> None:
    config = await rig.urls.create("fn", auth_type="NONE", scope=SCOPE)
    match = URL_FORM.match(config.function_url)
    assert match is not None and match.group(1) == config.url_id
    assert config.function_arn == f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:fn"
    assert (config.function_name, config.account, config.region, config.qualifier) == ("fn", ACCOUNT, REGION, None)
    assert (config.auth_type, config.invoke_mode, config.cors) == ("NONE", "BUFFERED", None)
    # ISO-8601 with microseconds, like "2024-05-02T07:23:12.573458Z"
    assert config.creation_time == config.last_modified_time == "2023-11-14T22:13:20.250000Z"
    assert STAMP_FORM.match(config.creation_time)


async def test_create_keeps_the_settings_given(rig: Rig) -> None:
    cors = UrlCors(allow_origins=("https://example.com",), allow_methods=("GET", "POST"), max_age=600)
    config = await rig.urls.create("fn", auth_type="AWS_IAM", scope=SCOPE, cors=cors, invoke_mode="RESPONSE_STREAM")
    assert (config.auth_type, config.invoke_mode, config.cors) == ("AWS_IAM", "RESPONSE_STREAM", cors)


async def test_a_cors_configuration_that_sets_nothing_is_none(rig: Rig) -> None:
    config = await rig.urls.create("fn", auth_type="NONE", scope=SCOPE, cors=UrlCors())
    assert config.cors is None


async def test_the_url_uses_the_endpoints_scheme_and_port() -> None:
    made = Rig(base_url="http://127.0.0.1:54321")
    await made.function("fn", region="eu-west-1")
    config = await made.urls.create("fn", auth_type="NONE", scope=Scope(ACCOUNT, "eu-west-1"))
    assert config.function_url == f"http://{config.url_id}.lambda-url.eu-west-1.localhost:54321/"


async def test_a_function_arn_names_the_function_in_its_own_region(rig: Rig) -> None:
    await rig.function("far", region="ap-southeast-2")
    config = await rig.urls.create(
        f"arn:aws:lambda:ap-southeast-2:{ACCOUNT}:function:far", auth_type="NONE", scope=SCOPE
    )
    assert config.region == "ap-southeast-2"
    assert ".lambda-url.ap-southeast-2.localhost" in config.function_url


async def test_a_second_url_for_the_same_function_conflicts(rig: Rig) -> None:
    await rig.urls.create("fn", auth_type="NONE", scope=SCOPE)
    with pytest.raises(ResourceConflict) as caught:
        await rig.urls.create("fn", auth_type="AWS_IAM", scope=SCOPE)
    assert caught.value.message == (
        f"Failed to create function url config for [functionArn = arn:aws:lambda:{REGION}:{ACCOUNT}:function:fn]. "
        "Error message:  FunctionUrlConfig exists for this Lambda function"
    )
    assert caught.value.status == 409


async def test_url_ids_are_unique(rig: Rig) -> None:
    ids = set()
    for index in range(40):
        await rig.function(f"f{index}")
        ids.add((await rig.urls.create(f"f{index}", auth_type="NONE", scope=SCOPE)).url_id)
    assert len(ids) == 40


# -- names, qualifiers and settings refused -------------------------------------------------------


@pytest.mark.parametrize("qualifier", ["1", "42", "$LATEST"])
async def test_a_version_or_latest_qualifier_is_refused(rig: Rig, qualifier: str) -> None:
    with pytest.raises(ValidationError) as caught:
        await rig.urls.create("fn", auth_type="NONE", scope=SCOPE, qualifier=qualifier)
    assert caught.value.message == (
        f"1 validation error detected: Value '{qualifier}' at 'qualifier' failed to satisfy constraint: "
        + QUALIFIER_RULE
    )


async def test_validation_comes_before_the_function_lookup(rig: Rig) -> None:
    with pytest.raises(ValidationError):
        rig.urls.get("doesnotexist", scope=SCOPE, qualifier="1")


async def test_a_version_in_the_function_name_is_refused(rig: Rig) -> None:
    with pytest.raises(ValidationError) as caught:
        await rig.urls.create("fn:1", auth_type="NONE", scope=SCOPE)
    assert "at 'functionName' failed to satisfy constraint" in caught.value.message


async def test_a_qualifier_that_contradicts_the_name_is_refused(rig: Rig) -> None:
    with pytest.raises(InvalidParameterValue) as caught:
        await rig.urls.create("fn:live", auth_type="NONE", scope=SCOPE, qualifier="other")
    assert (
        caught.value.message == "The derived qualifier from the function name does not match the specified qualifier."
    )


async def test_missing_functions_and_aliases_are_named_as_aws_names_them(rig: Rig) -> None:
    # Create, Update and List: "Function does not exist"; Get and Delete: the resource does not exist
    for call in (
        rig.urls.create("nope", auth_type="NONE", scope=SCOPE),
        rig.urls.create("fn", auth_type="NONE", scope=SCOPE, qualifier="live"),
        rig.urls.update("nope", scope=SCOPE, auth_type="NONE"),
        rig.urls.update("fn:live", scope=SCOPE, auth_type="NONE"),
    ):
        with pytest.raises(ResourceNotFound) as caught:
            await call
        assert caught.value.message == "Function does not exist"
    with pytest.raises(ResourceNotFound) as listed:
        rig.urls.list("nope", scope=SCOPE)
    assert listed.value.message == "Function does not exist"
    for missing in ({"function_name": "nope"}, {"function_name": "fn", "qualifier": "live"}):
        with pytest.raises(ResourceNotFound) as got:
            rig.urls.get(**missing, scope=SCOPE)
        assert got.value.message == "The resource you requested does not exist."
        with pytest.raises(ResourceNotFound) as deleted:
            await rig.urls.delete(**missing, scope=SCOPE)
        assert deleted.value.message == "The resource you requested does not exist."


async def test_a_function_without_a_url_has_no_configuration(rig: Rig) -> None:
    for attempt in (rig.urls.update("fn", scope=SCOPE, auth_type="NONE"), rig.urls.delete("fn", scope=SCOPE)):
        with pytest.raises(ResourceNotFound) as caught:
            await attempt
        assert caught.value.message == "The resource you requested does not exist."
    with pytest.raises(ResourceNotFound):
        rig.urls.get("fn", scope=SCOPE)


async def test_auth_type_and_invoke_mode_must_be_known(rig: Rig) -> None:
    with pytest.raises(ValidationError) as auth:
        await rig.urls.create("fn", auth_type="OPEN", scope=SCOPE)
    assert auth.value.message == (
        "1 validation error detected: Value 'OPEN' at 'authType' failed to satisfy constraint: "
        "Member must satisfy enum value set: [NONE, AWS_IAM]"
    )
    with pytest.raises(ValidationError) as mode:
        await rig.urls.create("fn", auth_type="NONE", scope=SCOPE, invoke_mode="UNKNOWN")
    # the wording of a recorded AWS answer, enum order included
    assert mode.value.message == (
        "1 validation error detected: Value 'UNKNOWN' at 'invokeMode' failed to satisfy constraint: "
        "Member must satisfy enum value set: [RESPONSE_STREAM, BUFFERED]"
    )


@pytest.mark.parametrize(
    ("cors", "member", "rule"),
    [
        (UrlCors(allow_methods=("GET", "PUT", "HEAD", "POST", "PATCH", "DELETE", "*")), "cors.allowMethods", "6"),
        (UrlCors(allow_methods=("OPTIONS",)), "cors.allowMethods.1.member", "6"),
        (UrlCors(allow_origins=tuple(f"https://{i}.example" for i in range(101))), "cors.allowOrigins", "100"),
        (UrlCors(allow_origins=("https://ok.example", "")), "cors.allowOrigins.2.member", "greater than or equal to 1"),
        (UrlCors(allow_headers=("x" * 1025,)), "cors.allowHeaders.1.member", "1024"),
        (UrlCors(expose_headers=tuple(f"x-{i}" for i in range(101))), "cors.exposeHeaders", "100"),
        (UrlCors(max_age=86_401), "cors.maxAge", "less than or equal to 86400"),
        (UrlCors(max_age=-1), "cors.maxAge", "greater than or equal to 0"),
    ],
)
async def test_cors_limits_of_the_lambda_model(rig: Rig, cors: UrlCors, member: str, rule: str) -> None:
    with pytest.raises(ValidationError) as caught:
        await rig.urls.create("fn", auth_type="NONE", scope=SCOPE, cors=cors)
    assert f"at '{member}' failed to satisfy constraint" in caught.value.message
    assert rule in caught.value.message
    assert rig.urls.list("fn", scope=SCOPE) == []


async def test_the_largest_cors_configuration_allowed_is_kept(rig: Rig) -> None:
    cors = UrlCors(
        allow_credentials=True,
        allow_methods=("GET", "PUT", "HEAD", "POST", "PATCH", "DELETE"),
        allow_origins=tuple(f"https://{i}.example" for i in range(100)),
        allow_headers=("x" * 1024,),
        max_age=86_400,
    )
    assert (await rig.urls.create("fn", auth_type="NONE", scope=SCOPE, cors=cors)).cors == cors


# -- get, update, delete, list ---------------------------------------------------------------------


async def test_update_changes_only_what_is_given(rig: Rig) -> None:
    cors = UrlCors(allow_origins=("*",))
    created = await rig.urls.create("fn", auth_type="NONE", scope=SCOPE, cors=cors)
    await rig.clock.advance(90)
    updated = await rig.urls.update("fn", scope=SCOPE, auth_type="AWS_IAM")
    assert (updated.auth_type, updated.invoke_mode, updated.cors) == ("AWS_IAM", "BUFFERED", cors)
    assert (updated.url_id, updated.function_url, updated.creation_time) == (
        created.url_id,
        created.function_url,
        created.creation_time,
    )
    assert updated.last_modified_time == "2023-11-14T22:14:50.250000Z"
    assert rig.urls.get("fn", scope=SCOPE) is updated


async def test_update_replaces_cors_and_an_empty_one_removes_it(rig: Rig) -> None:
    await rig.urls.create("fn", auth_type="NONE", scope=SCOPE, cors=UrlCors(allow_origins=("*",), max_age=5))
    replaced = await rig.urls.update("fn", scope=SCOPE, cors=UrlCors(allow_methods=("GET",)))
    assert replaced.cors == UrlCors(allow_methods=("GET",))
    moded = await rig.urls.update("fn", scope=SCOPE, invoke_mode="RESPONSE_STREAM")
    assert (moded.invoke_mode, moded.cors) == ("RESPONSE_STREAM", UrlCors(allow_methods=("GET",)))
    cleared = await rig.urls.update("fn", scope=SCOPE, cors=UrlCors())
    assert cleared.cors is None


async def test_update_validates_before_changing(rig: Rig) -> None:
    created = await rig.urls.create("fn", auth_type="NONE", scope=SCOPE)
    with pytest.raises(ValidationError):
        await rig.urls.update("fn", scope=SCOPE, auth_type="AWS_IAM", cors=UrlCors(max_age=90_000))
    assert rig.urls.get("fn", scope=SCOPE) is created


async def test_delete_removes_the_url_and_a_new_one_gets_a_new_id(rig: Rig) -> None:
    first = await rig.urls.create("fn", auth_type="NONE", scope=SCOPE)
    await rig.urls.delete("fn", scope=SCOPE)
    assert rig.urls.lookup(first.url_id) is None
    assert rig.documents.urls() == []
    second = await rig.urls.create("fn", auth_type="NONE", scope=SCOPE)
    assert second.url_id != first.url_id


async def test_list_holds_the_functions_own_urls(rig: Rig) -> None:
    await rig.function("other")
    assert rig.urls.list("fn", scope=SCOPE) == []
    mine = await rig.urls.create("fn", auth_type="NONE", scope=SCOPE)
    await rig.urls.create("other", auth_type="NONE", scope=SCOPE)
    assert rig.urls.list("fn", scope=SCOPE) == [mine]
    assert rig.urls.list(f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:fn", scope=SCOPE) == [mine]


async def test_alias_urls_once_the_alias_exists(rig: Rig) -> None:
    rig.urls.alias_exists = lambda function, alias: alias in {"live", "beta"}
    own = await rig.urls.create("fn", auth_type="NONE", scope=SCOPE)
    live = await rig.urls.create("fn", auth_type="AWS_IAM", scope=SCOPE, qualifier="live")
    beta = await rig.urls.create("fn:beta", auth_type="NONE", scope=SCOPE)
    assert live.function_arn == f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:fn:live"
    assert rig.urls.list("fn", scope=SCOPE) == [own, beta, live]
    assert rig.urls.get("fn", scope=SCOPE, qualifier="live") is live
    with pytest.raises(ResourceConflict) as caught:
        await rig.urls.create("fn:live", auth_type="NONE", scope=SCOPE)
    assert f"[functionArn = {live.function_arn}]" in caught.value.message
    with pytest.raises(ResourceNotFound):
        await rig.urls.create("fn", auth_type="NONE", scope=SCOPE, qualifier="gone")


async def test_deleting_the_function_drops_its_urls(rig: Rig) -> None:
    await rig.function("other")
    rig.urls.alias_exists = lambda function, alias: True
    own = await rig.urls.create("fn", auth_type="NONE", scope=SCOPE)
    aliased = await rig.urls.create("fn", auth_type="NONE", scope=SCOPE, qualifier="live")
    kept = await rig.urls.create("other", auth_type="NONE", scope=SCOPE)
    await rig.urls.drop_function(f"{ACCOUNT}/{REGION}", "fn")
    assert rig.urls.lookup(own.url_id) is None and rig.urls.lookup(aliased.url_id) is None
    assert rig.urls.lookup(kept.url_id) is kept
    assert rig.documents.urls() == ["other"]


# -- durability and lookups ------------------------------------------------------------------------


async def test_configurations_are_stored_and_reloaded(rig: Rig) -> None:
    cors = UrlCors(allow_credentials=True, allow_headers=("x-a",), allow_origins=("https://a.example",), max_age=30)
    created = await rig.urls.create("fn", auth_type="AWS_IAM", scope=SCOPE, cors=cors, invoke_mode="RESPONSE_STREAM")
    assert rig.documents.urls() == ["fn"]
    assert (KIND, f"{ACCOUNT}/{REGION}", "fn") in rig.documents.rows

    rig.base_url = "http://127.0.0.1:7000"  # the app listens elsewhere after a restart
    reloaded = rig.fresh_urls()
    await reloaded.load()
    found = reloaded.lookup(created.url_id)
    assert found is not None
    assert found.function_url == f"http://{created.url_id}.lambda-url.{REGION}.localhost:7000/"
    assert _without_url(found) == _without_url(created)
    assert reloaded.get("fn", scope=SCOPE) is found


async def test_lookup_answers_the_same_object_until_the_configuration_changes(rig: Rig) -> None:
    created = await rig.urls.create("fn", auth_type="NONE", scope=SCOPE)
    assert rig.urls.lookup(created.url_id) is created
    assert rig.urls.lookup(created.url_id) is rig.urls.lookup(created.url_id)
    updated = await rig.urls.update("fn", scope=SCOPE, invoke_mode="RESPONSE_STREAM")
    assert rig.urls.lookup(created.url_id) is updated is not created
    assert rig.urls.lookup("0" * 32) is None


# -- resource policy: who may call -----------------------------------------------------------------


async def test_auth_none_needs_a_public_grant_for_that_auth_type(rig: Rig) -> None:
    config = await rig.urls.create("fn", auth_type="NONE", scope=SCOPE)
    assert not rig.urls.allows_unauthenticated(config)
    await rig.grant("fn", "public", principal="*", auth_type="NONE")
    assert rig.urls.allows_unauthenticated(config)
    statement = orjson.loads(rig.service.get_function("fn").resource_policy or "{}")["Statement"][0]
    assert statement["Condition"] == {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}


async def test_a_grant_for_the_other_auth_type_does_not_open_the_url(rig: Rig) -> None:
    config = await rig.urls.create("fn", auth_type="AWS_IAM", scope=SCOPE)
    await rig.grant("fn", "public", principal="*", auth_type="NONE")
    assert not rig.urls.allows_unauthenticated(config)


@pytest.mark.parametrize(
    ("principal", "action", "auth_type", "source_account"),
    [
        ("*", "lambda:InvokeFunction", None, None),
        (OTHER_ACCOUNT, "lambda:InvokeFunctionUrl", "NONE", None),
        ("*", "lambda:InvokeFunctionUrl", "NONE", OTHER_ACCOUNT),
        ("apigateway.amazonaws.com", "lambda:InvokeFunctionUrl", "NONE", None),
    ],
)
async def test_grants_that_do_not_reach_anonymous_url_callers(
    rig: Rig, principal: str, action: str, auth_type: str | None, source_account: str | None
) -> None:
    config = await rig.urls.create("fn", auth_type="NONE", scope=SCOPE)
    await rig.grant(
        "fn", "grant", principal=principal, action=action, auth_type=auth_type, source_account=source_account
    )
    assert not rig.urls.allows_unauthenticated(config)


async def test_wildcard_actions_and_an_explicit_deny(rig: Rig) -> None:
    config = await rig.urls.create("fn", auth_type="NONE", scope=SCOPE)
    arn = config.function_arn
    condition = {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}
    allow = {"Effect": "Allow", "Principal": "*", "Action": "lambda:*", "Resource": arn, "Condition": condition}
    await rig.set_policy("fn", [allow])
    assert rig.urls.allows_unauthenticated(config)
    deny = {"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": ["lambda:InvokeFunctionUrl"], "Resource": arn}
    await rig.set_policy("fn", [allow, deny])
    assert not rig.urls.allows_unauthenticated(config)
    elsewhere = {**allow, "Resource": f"{arn}-other"}
    await rig.set_policy("fn", [elsewhere])
    assert not rig.urls.allows_unauthenticated(config)


async def test_aws_iam_callers_of_the_functions_account_and_granted_accounts(rig: Rig) -> None:
    config = await rig.urls.create("fn", auth_type="AWS_IAM", scope=SCOPE)
    assert rig.urls.allows_caller(config, ACCOUNT)
    assert not rig.urls.allows_caller(config, OTHER_ACCOUNT)
    await rig.grant("fn", "cross", principal=OTHER_ACCOUNT, auth_type="AWS_IAM")
    assert rig.urls.allows_caller(config, OTHER_ACCOUNT)
    assert not rig.urls.allows_caller(config, "999988887777")
    assert not rig.urls.allows_unauthenticated(config)


async def test_a_deleted_function_allows_nobody(rig: Rig) -> None:
    config = await rig.urls.create("fn", auth_type="NONE", scope=SCOPE)
    await rig.grant("fn", "public", principal="*", auth_type="NONE")
    await rig.service.functions.delete(f"{ACCOUNT}/{REGION}", "fn")
    assert not rig.urls.allows_unauthenticated(config)


def _without_url(config: FunctionUrlConfig) -> tuple[object, ...]:
    return (
        config.url_id,
        config.function_name,
        config.account,
        config.region,
        config.qualifier,
        config.auth_type,
        config.invoke_mode,
        config.cors,
        config.creation_time,
        config.last_modified_time,
    )
