"""Resource-based policy statements and tags."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import orjson

from triggerfish.aws.providers.base import Call, Reply
from triggerfish.services.lambda_.permissions import FunctionPolicies, Grant
from triggerfish.services.lambda_.service import LambdaService
from triggerfish.services.lambda_.tags import FunctionTags

Operation = Callable[[Call], Awaitable[Reply]]


class AccessOperations:
    def __init__(self, service: LambdaService) -> None:
        self._policies = FunctionPolicies(service)
        self._tags = FunctionTags(service)

    def table(self) -> dict[str, Operation]:
        return {
            "AddPermission": self.add_permission,
            "RemovePermission": self.remove_permission,
            "GetPolicy": self.get_policy,
            "TagResource": self.tag_resource,
            "UntagResource": self.untag_resource,
            "ListTags": self.list_tags,
        }

    async def add_permission(self, call: Call) -> Reply:
        p = call.params
        grant = Grant(
            statement_id=p["StatementId"],
            action=p["Action"],
            principal=p["Principal"],
            source_arn=p.get("SourceArn"),
            source_account=p.get("SourceAccount"),
            event_source_token=p.get("EventSourceToken"),
            principal_org_id=p.get("PrincipalOrgID"),
            function_url_auth_type=p.get("FunctionUrlAuthType"),
        )
        statement = await self._policies.add(
            p["FunctionName"], grant, scope=call.scope, qualifier=p.get("Qualifier"), revision_id=p.get("RevisionId")
        )
        return Reply({"Statement": orjson.dumps(statement).decode()})

    async def remove_permission(self, call: Call) -> Reply:
        p = call.params
        await self._policies.remove(
            p["FunctionName"],
            p["StatementId"],
            scope=call.scope,
            qualifier=p.get("Qualifier"),
            revision_id=p.get("RevisionId"),
        )
        return Reply()

    async def get_policy(self, call: Call) -> Reply:
        p = call.params
        policy, revision_id = self._policies.get(p["FunctionName"], scope=call.scope, qualifier=p.get("Qualifier"))
        return Reply({"Policy": policy, "RevisionId": revision_id})

    async def tag_resource(self, call: Call) -> Reply:
        await self._tags.tag(call.params["Resource"], call.params["Tags"], scope=call.scope)
        return Reply()

    async def untag_resource(self, call: Call) -> Reply:
        await self._tags.untag(call.params["Resource"], call.params["TagKeys"], scope=call.scope)
        return Reply()

    async def list_tags(self, call: Call) -> Reply:
        return Reply({"Tags": self._tags.list(call.params["Resource"], scope=call.scope)})
