"""Email templates (v2): the shared service's templates, so one made through v1 CreateTemplate is seen here."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from email import policy
from email.message import EmailMessage
from typing import Any

from triggerfish.aws.providers.base import Call, Reply
from triggerfish.aws.providers.sesv2.errors import BadRequest
from triggerfish.aws.providers.sesv2.paging import page
from triggerfish.aws.providers.sesv2.shapes import template_content
from triggerfish.services.ses.models import Template
from triggerfish.services.ses.service import SesService

Operation = Callable[[Call], Awaitable[Reply]]

_POLICY = policy.SMTP.clone(max_line_length=998)

#: ListEmailTemplates' PageSize: 1 to 100, 10 when not given (SES API v2 reference)
_MAX_PAGE = 100
_DEFAULT_PAGE = 10


class TemplateOperations:
    def __init__(self, service: SesService) -> None:
        self._service = service

    def table(self) -> dict[str, Operation]:
        return {
            "CreateEmailTemplate": self.create_email_template,
            "GetEmailTemplate": self.get_email_template,
            "UpdateEmailTemplate": self.update_email_template,
            "DeleteEmailTemplate": self.delete_email_template,
            "ListEmailTemplates": self.list_email_templates,
            "TestRenderEmailTemplate": self.test_render_email_template,
        }

    async def create_email_template(self, call: Call) -> Reply:
        p = call.params
        await self._service.create_template(call.scope.region, _template(p["TemplateName"], p["TemplateContent"]))
        return Reply()

    async def get_email_template(self, call: Call) -> Reply:
        template = self._service.get_template(call.scope.region, call.params["TemplateName"])
        return Reply({"TemplateName": template.name, "TemplateContent": template_content(template), "Tags": []})

    async def update_email_template(self, call: Call) -> Reply:
        p = call.params
        await self._service.update_template(call.scope.region, _template(p["TemplateName"], p["TemplateContent"]))
        return Reply()

    async def delete_email_template(self, call: Call) -> Reply:
        # unlike v1's DeleteTemplate, v2 refuses a template it does not have (NotFoundException)
        await self._service.delete_template(call.scope.region, call.params["TemplateName"], missing_ok=False)
        return Reply()

    async def list_email_templates(self, call: Call) -> Reply:
        p = call.params
        size = p.get("PageSize")
        if size is not None and not 1 <= size <= _MAX_PAGE:
            raise BadRequest(f"PageSize must be between 1 and {_MAX_PAGE}.")
        templates = sorted(self._service.list_templates(call.scope.region), key=lambda template: template.name)
        shown, token = page(templates, lambda template: template.name, p.get("NextToken"), size or _DEFAULT_PAGE)
        shape: dict[str, object] = {
            "TemplatesMetadata": [
                {"TemplateName": template.name, "CreatedTimestamp": template.created} for template in shown
            ]
        }
        if token:
            shape["NextToken"] = token
        return Reply(shape)

    async def test_render_email_template(self, call: Call) -> Reply:
        p = call.params
        subject, text, html = self._service.render(p["TemplateName"], p["TemplateData"], region=call.scope.region)
        return Reply({"RenderedTemplate": rendered_mime(subject, text, html)})


def rendered_mime(subject: str | None, text: str | None, html: str | None) -> str:
    """A rendered template as TestRenderEmailTemplate gives it: the MIME message, headers and parts."""
    message = EmailMessage(policy=_POLICY)
    message["Subject"] = subject or ""
    message["MIME-Version"] = "1.0"
    if text is not None and html is not None:
        message.set_content(text, charset="utf-8")
        message.add_alternative(html, subtype="html", charset="utf-8")
    elif html is not None:
        message.set_content(html, subtype="html", charset="utf-8")
    else:
        message.set_content(text or "", charset="utf-8")
    return message.as_string()


def _template(name: str, content: Mapping[str, Any]) -> Template:
    return Template(name, content.get("Subject"), content.get("Text"), content.get("Html"), 0.0)
