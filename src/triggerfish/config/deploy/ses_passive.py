"""SES resource types accepted with no local behaviour: ``AWS::SES::ConfigurationSet`` (its event
destinations and reputation settings) and ``AWS::SES::ContactList`` (list management). They are recorded
under the names ``Ref`` gives them, so that templates referring to them deploy."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from triggerfish.config.deploy.passive import PassiveHandler
from triggerfish.config.deploy.resources import DeployContext, PhysicalResource, generated_name


def _named(key: str) -> PassiveHandler:
    def describe(context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> PhysicalResource:
        given = properties.get(key)
        return PhysicalResource(str(given) if given else generated_name(context.stack_name, logical_id))

    return PassiveHandler(describe)


HANDLERS: Mapping[str, PassiveHandler] = {
    "AWS::SES::ConfigurationSet": _named("Name"),
    "AWS::SES::ContactList": _named("ContactListName"),
}
