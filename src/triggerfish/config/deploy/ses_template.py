"""``AWS::SES::Template``: an email template (``Template``: ``TemplateName``, ``SubjectPart``, ``TextPart``,
``HtmlPart``). ``Ref`` and ``GetAtt Id`` are its name, made up from the stack and logical id when not given.
A new name replaces the template (CloudFormation: "Update requires: Replacement"); new parts update it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from triggerfish.config.deploy.resources import DeployContext, PhysicalResource, generated_name, require
from triggerfish.config.deploy.ses_identity import ses_service
from triggerfish.config.errors import TemplateError
from triggerfish.services.ses import Template

#: SES template names: up to 64 letters, digits, "_" and "-"
_NAME_LIMIT = 64


def _template(context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> Template:
    shape = require(properties, "Template", dict)
    name = shape.get("TemplateName") or generated_name(context.stack_name, logical_id, limit=_NAME_LIMIT)
    return Template(
        name=str(name),
        subject=_part(shape, "SubjectPart"),
        text=_part(shape, "TextPart"),
        html=_part(shape, "HtmlPart"),
        created=0.0,  # set when stored
    )


def _part(shape: Mapping[str, Any], key: str) -> str | None:
    value = shape.get(key)
    if value is not None and not isinstance(value, str):
        raise TemplateError(f"Value of property Template.{key} must be of type String")
    return value


class EmailTemplateHandler:
    async def create(self, context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> PhysicalResource:
        template = _template(context, logical_id, properties)
        await ses_service(context).create_template(context.scope.region, template)
        return PhysicalResource(template.name, {"Id": template.name})

    async def update(
        self,
        context: DeployContext,
        logical_id: str,
        properties: Mapping[str, Any],
        previous: PhysicalResource,
        previous_properties: Mapping[str, Any],
    ) -> PhysicalResource:
        template = _template(context, logical_id, properties)
        if template.name != previous.physical_id:
            return await self.create(context, logical_id, properties)
        await ses_service(context).update_template(context.scope.region, template)
        return previous

    async def delete(self, context: DeployContext, resource: PhysicalResource, properties: Mapping[str, Any]) -> None:
        await ses_service(context).delete_template(context.scope.region, resource.physical_id, missing_ok=True)
