"""Template operations: create, read, update, delete, list and test-render stored templates."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NotRequired, TypedDict

from triggerfish.aws.providers.base import Call, Reply
from triggerfish.aws.providers.ses import shapes
from triggerfish.aws.providers.ses.shapes import Operation
from triggerfish.services.ses.errors import InvalidParameterValue
from triggerfish.services.ses.models import Template
from triggerfish.services.ses.service import SesService

#: "If you do not specify a value, 10 is the default page size"; more than 100 is cut to 100 (ListTemplates)
DEFAULT_PAGE = 10
MAX_PAGE = 100


class TemplateShape(TypedDict):
    TemplateName: str
    SubjectPart: NotRequired[str]
    TextPart: NotRequired[str]
    HtmlPart: NotRequired[str]


class TemplateOperations:
    def __init__(self, service: SesService) -> None:
        self._service = service

    def table(self) -> dict[str, Operation]:
        return {
            "CreateTemplate": self.create_template,
            "GetTemplate": self.get_template,
            "UpdateTemplate": self.update_template,
            "DeleteTemplate": self.delete_template,
            "ListTemplates": self.list_templates,
            "TestRenderTemplate": self.test_render_template,
        }

    async def create_template(self, call: Call) -> Reply:
        await self._service.create_template(call.scope.region, _template(call.params.get("Template")))
        return Reply()

    async def get_template(self, call: Call) -> Reply:
        found = self._service.get_template(call.scope.region, call.params["TemplateName"])
        shape: TemplateShape = {"TemplateName": found.name}
        if found.subject is not None:
            shape["SubjectPart"] = found.subject
        if found.text is not None:
            shape["TextPart"] = found.text
        if found.html is not None:
            shape["HtmlPart"] = found.html
        return Reply({"Template": shape})

    async def update_template(self, call: Call) -> Reply:
        await self._service.update_template(call.scope.region, _template(call.params.get("Template")))
        return Reply()

    async def delete_template(self, call: Call) -> Reply:
        # DeleteTemplate answers success for a template that does not exist (SES API v1)
        await self._service.delete_template(call.scope.region, call.params["TemplateName"])
        return Reply()

    async def list_templates(self, call: Call) -> Reply:
        p = call.params
        size = min(p.get("MaxItems") or DEFAULT_PAGE, MAX_PAGE)
        if size < 1:
            raise InvalidParameterValue("MaxItems must be at least 1.")
        found = {template.name: template for template in self._service.list_templates(call.scope.region)}
        names, token = shapes.page(list(found), p.get("NextToken"), size)
        shape: dict[str, object] = {
            "TemplatesMetadata": [{"Name": name, "CreatedTimestamp": found[name].created} for name in names]
        }
        if token:
            shape["NextToken"] = token
        return Reply(shape)

    async def test_render_template(self, call: Call) -> Reply:
        p = call.params
        rendered = self._service.preview(p["TemplateName"], p["TemplateData"], region=call.scope.region)
        return Reply({"RenderedTemplate": rendered})


def _template(raw: Mapping[str, Any] | None) -> Template:
    raw = raw or {}
    return Template(
        name=raw.get("TemplateName") or "",
        subject=raw.get("SubjectPart"),
        text=raw.get("TextPart"),
        html=raw.get("HtmlPart"),
        created=0.0,
    )
