"""SES v2 with boto3 over real HTTP: the sesv2 and ses providers share one SesService behind the endpoint,
so identities and templates made through one API are seen by the other."""

from __future__ import annotations

import email
import json
from collections.abc import Iterator
from email import policy
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from ses_endpoint import SesEndpoint

from triggerfish.aws.providers.sesv2 import SesV2Provider
from triggerfish.services.ses.service import SesService


@pytest.fixture(scope="module")
def endpoint() -> Iterator[SesEndpoint]:
    served = SesEndpoint(lambda ses: {"sesv2": SesV2Provider(ses)})
    yield served
    served.close()


@pytest.fixture(scope="module")
def ses(endpoint: SesEndpoint) -> SesService:
    return endpoint.service


@pytest.fixture(scope="module")
def v2(endpoint: SesEndpoint) -> Any:
    return endpoint.client("sesv2")


@pytest.fixture(scope="module")
def verified(v2: Any) -> str:
    """A verified domain whose addresses may send and receive (the sandbox needs both ends verified)."""
    v2.create_email_identity(EmailIdentity="example.com")
    return "example.com"


def _error(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str, int]:
    response = excinfo.value.response
    return response["Error"]["Code"], response["Error"]["Message"], response["ResponseMetadata"]["HTTPStatusCode"]


def _parsed(raw: bytes) -> email.message.EmailMessage:
    message = email.message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, email.message.EmailMessage)
    return message


# --- identities -----------------------------------------------------------------------------------------------


def test_create_email_address_identity(v2: Any) -> None:
    created = v2.create_email_identity(EmailIdentity="sender@mail.test")
    assert created["IdentityType"] == "EMAIL_ADDRESS"
    assert created["VerifiedForSendingStatus"] is True
    assert created["DkimAttributes"]["SigningEnabled"] is False
    assert created["DkimAttributes"]["Status"] == "NOT_STARTED"


def test_create_domain_identity_has_easy_dkim_tokens(v2: Any) -> None:
    created = v2.create_email_identity(EmailIdentity="dkim.test")
    assert created["IdentityType"] == "DOMAIN"
    assert created["VerifiedForSendingStatus"] is True
    dkim = created["DkimAttributes"]
    assert dkim["SigningEnabled"] is True
    assert dkim["Status"] == "SUCCESS"
    assert len(dkim["Tokens"]) == 3
    got = v2.get_email_identity(EmailIdentity="dkim.test")
    assert got["DkimAttributes"]["Tokens"] == dkim["Tokens"]


def test_get_email_identity(v2: Any) -> None:
    v2.create_email_identity(EmailIdentity="get@mail.test")
    got = v2.get_email_identity(EmailIdentity="get@mail.test")
    assert got["IdentityType"] == "EMAIL_ADDRESS"
    assert got["VerifiedForSendingStatus"] is True
    assert got["VerificationStatus"] == "SUCCESS"
    assert got["FeedbackForwardingStatus"] is True
    assert got["MailFromAttributes"] == {"BehaviorOnMxFailure": "USE_DEFAULT_VALUE"}
    assert got["Policies"] == {}
    assert got["Tags"] == []


def test_second_create_is_already_exists(v2: Any) -> None:
    v2.create_email_identity(EmailIdentity="twice.test")
    with pytest.raises(ClientError) as excinfo:
        v2.create_email_identity(EmailIdentity="twice.test")
    assert _error(excinfo) == ("AlreadyExistsException", "Email identity twice.test already exist.", 400)


def test_unknown_identity_is_not_found(v2: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        v2.get_email_identity(EmailIdentity="nobody@nowhere.test")
    assert _error(excinfo) == ("NotFoundException", "Email identity nobody@nowhere.test does not exist.", 404)
    with pytest.raises(ClientError) as excinfo:
        v2.delete_email_identity(EmailIdentity="nobody@nowhere.test")
    assert _error(excinfo)[0] == "NotFoundException"


def test_delete_email_identity(v2: Any) -> None:
    v2.create_email_identity(EmailIdentity="gone@mail.test")
    v2.delete_email_identity(EmailIdentity="gone@mail.test")
    with pytest.raises(ClientError) as excinfo:
        v2.get_email_identity(EmailIdentity="gone@mail.test")
    assert _error(excinfo)[0] == "NotFoundException"


def test_list_email_identities_pages(v2: Any) -> None:
    names = [f"page{n}@list.test" for n in range(5)]
    for name in names:
        v2.create_email_identity(EmailIdentity=name)
    seen: list[str] = []
    pages = 0
    token: str | None = None
    while True:
        kwargs: dict[str, Any] = {"PageSize": 2}
        if token:
            kwargs["NextToken"] = token
        page = v2.list_email_identities(**kwargs)
        pages += 1
        assert len(page["EmailIdentities"]) <= 2
        seen += [item["IdentityName"] for item in page["EmailIdentities"]]
        token = page.get("NextToken")
        if not token:
            break
    assert [name for name in seen if name.endswith("@list.test")] == names
    assert pages >= 3
    entry = next(item for item in v2.list_email_identities()["EmailIdentities"] if item["IdentityName"] == names[0])
    assert entry == {
        "IdentityType": "EMAIL_ADDRESS",
        "IdentityName": names[0],
        "SendingEnabled": True,
        "VerificationStatus": "SUCCESS",
    }


def test_identity_verified_through_the_service_is_seen_by_v2(v2: Any, endpoint: SesEndpoint, ses: SesService) -> None:
    # the v1 provider calls exactly this; both APIs share the service
    endpoint.run(ses.verify_email("us-east-1", "v1@shared.test"))
    assert v2.get_email_identity(EmailIdentity="v1@shared.test")["VerifiedForSendingStatus"] is True
    v2.create_email_identity(EmailIdentity="v2.shared.test")
    assert ses.is_verified("us-east-1", "anyone@v2.shared.test")


def test_identities_are_per_region(v2: Any, endpoint: SesEndpoint) -> None:
    west = boto3.client(
        "sesv2",
        endpoint_url=endpoint.url,
        region_name="us-west-2",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    v2.create_email_identity(EmailIdentity="east-only.test")
    with pytest.raises(ClientError) as excinfo:
        west.get_email_identity(EmailIdentity="east-only.test")
    assert _error(excinfo)[0] == "NotFoundException"


# --- sending --------------------------------------------------------------------------------------------------


def test_send_simple_email(v2: Any, verified: str, ses: SesService) -> None:
    sent = v2.send_email(
        FromEmailAddress=f"Sender <from@{verified}>",
        Destination={"ToAddresses": [f"to@{verified}"], "CcAddresses": [f"cc@{verified}"]},
        ReplyToAddresses=[f"reply@{verified}"],
        Content={
            "Simple": {
                "Subject": {"Data": "Hello v2", "Charset": "UTF-8"},
                "Body": {"Text": {"Data": "plain body"}, "Html": {"Data": "<p>html body</p>"}},
            }
        },
        EmailTags=[{"Name": "campaign", "Value": "launch"}],
    )
    message = ses.sent_message(sent["MessageId"])
    assert message.subject == "Hello v2"
    assert message.text == "plain body"
    assert message.html == "<p>html body</p>"
    assert message.destination.to == (f"to@{verified}",)
    assert message.destination.cc == (f"cc@{verified}",)
    assert dict(message.tags) == {"campaign": "launch"}
    mime = _parsed(message.raw)
    assert mime["Reply-To"] == f"reply@{verified}"
    assert mime["Subject"] == "Hello v2"


def test_send_simple_email_with_headers_and_attachment(v2: Any, verified: str, ses: SesService) -> None:
    sent = v2.send_email(
        FromEmailAddress=f"from@{verified}",
        Destination={"ToAddresses": [f"to@{verified}"], "BccAddresses": [f"hidden@{verified}"]},
        Content={
            "Simple": {
                "Subject": {"Data": "With extras"},
                "Body": {"Text": {"Data": "see attached"}},
                "Headers": [{"Name": "X-Ticket", "Value": "T-42"}],
                "Attachments": [
                    {"RawContent": b"a,b\n1,2\n", "FileName": "data.csv", "ContentType": "text/csv"},
                ],
            }
        },
    )
    message = ses.sent_message(sent["MessageId"])
    mime = _parsed(message.raw)
    assert mime["X-Ticket"] == "T-42"
    assert mime["Bcc"] is None  # never written into the headers
    assert message.destination.bcc == (f"hidden@{verified}",)
    [attachment] = list(mime.iter_attachments())
    assert attachment.get_filename() == "data.csv"
    assert attachment.get_content() == "a,b\n1,2\n"
    assert message.text is not None and "see attached" in message.text


@pytest.mark.parametrize(
    ("subject", "header", "message"),
    [
        ("Two\nlines", "T-42", "The subject may not contain line breaks."),
        (
            "One line",
            "T-42\r\nBcc: someone@example.org",
            "1 validation error detected: Value 'T-42\r\nBcc: someone@example.org' at "
            "'content.simple.headers.1.member.value' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: [ -~]*",
        ),
    ],
)
def test_a_line_break_in_a_header_is_refused(v2: Any, verified: str, subject: str, header: str, message: str) -> None:
    # a line break would let the caller write headers of its own into the message
    with pytest.raises(ClientError) as excinfo:
        v2.send_email(
            FromEmailAddress=f"from@{verified}",
            Destination={"ToAddresses": [f"to@{verified}"]},
            Content={
                "Simple": {
                    "Subject": {"Data": subject},
                    "Body": {"Text": {"Data": "hi"}},
                    "Headers": [{"Name": "X-Ticket", "Value": header}],
                }
            },
        )
    assert _error(excinfo) == ("BadRequestException", message, 400)


def test_send_raw_email(v2: Any, verified: str, ses: SesService) -> None:
    raw = (
        f"From: raw@{verified}\r\nTo: dest@{verified}\r\nSubject: Raw one\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nraw body\r\n"
    ).encode()
    sent = v2.send_email(Content={"Raw": {"Data": raw}})
    message = ses.sent_message(sent["MessageId"])
    assert message.subject == "Raw one"
    assert message.source == f"raw@{verified}"
    assert message.destination.to == (f"dest@{verified}",)
    assert message.text is not None and message.text.strip() == "raw body"


def test_send_with_stored_template(v2: Any, verified: str, ses: SesService) -> None:
    v2.create_email_template(
        TemplateName="welcome",
        TemplateContent={"Subject": "Hi {{name}}", "Text": "Welcome, {{name}}!", "Html": "<h1>{{name}}</h1>"},
    )
    sent = v2.send_email(
        FromEmailAddress=f"from@{verified}",
        Destination={"ToAddresses": [f"to@{verified}"]},
        Content={"Template": {"TemplateName": "welcome", "TemplateData": json.dumps({"name": "Ada"})}},
    )
    message = ses.sent_message(sent["MessageId"])
    assert (message.subject, message.text, message.html) == ("Hi Ada", "Welcome, Ada!", "<h1>Ada</h1>")
    assert message.template == "welcome"


def test_send_with_template_arn_and_inline_content(v2: Any, verified: str, ses: SesService) -> None:
    v2.create_email_template(TemplateName="by-arn", TemplateContent={"Subject": "ARN {{x}}", "Text": "t"})
    sent = v2.send_email(
        FromEmailAddress=f"from@{verified}",
        Destination={"ToAddresses": [f"to@{verified}"]},
        Content={
            "Template": {
                "TemplateArn": "arn:aws:ses:us-east-1:000000000000:template/by-arn",
                "TemplateData": '{"x": "1"}',
            }
        },
    )
    assert ses.sent_message(sent["MessageId"]).subject == "ARN 1"
    sent = v2.send_email(
        FromEmailAddress=f"from@{verified}",
        Destination={"ToAddresses": [f"to@{verified}"]},
        Content={
            "Template": {"TemplateContent": {"Subject": "Inline {{y}}", "Text": "body"}, "TemplateData": '{"y": 2}'}
        },
    )
    assert ses.sent_message(sent["MessageId"]).subject == "Inline 2"


def test_send_with_unknown_template_is_not_found(v2: Any, verified: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        v2.send_email(
            FromEmailAddress=f"from@{verified}",
            Destination={"ToAddresses": [f"to@{verified}"]},
            Content={"Template": {"TemplateName": "missing", "TemplateData": "{}"}},
        )
    assert _error(excinfo) == ("NotFoundException", "Template missing does not exist.", 404)


def test_unverified_sender_is_rejected(v2: Any, verified: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        v2.send_email(
            FromEmailAddress="stranger@unverified.test",
            Destination={"ToAddresses": [f"to@{verified}"]},
            Content={"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}}},
        )
    assert _error(excinfo) == (
        "MessageRejected",
        "Email address is not verified. The following identities failed the check in region US-EAST-1: "
        "stranger@unverified.test",
        400,
    )


def test_sandbox_rejects_unverified_recipient(v2: Any, verified: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        v2.send_email(
            FromEmailAddress=f"from@{verified}",
            Destination={"ToAddresses": ["someone@elsewhere.test"]},
            Content={"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}}},
        )
    code, message, _ = _error(excinfo)
    assert code == "MessageRejected"
    assert message.endswith("someone@elsewhere.test")


def test_mailbox_simulator_is_accepted_in_the_sandbox(v2: Any, verified: str) -> None:
    sent = v2.send_email(
        FromEmailAddress=f"from@{verified}",
        Destination={"ToAddresses": ["success@simulator.amazonses.com"]},
        Content={"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}}},
    )
    assert sent["MessageId"]


def test_content_needs_exactly_one_kind(v2: Any, verified: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        v2.send_email(FromEmailAddress=f"from@{verified}", Destination={"ToAddresses": [f"to@{verified}"]}, Content={})
    assert _error(excinfo)[0] == "BadRequestException"


def test_simple_content_needs_a_sender(v2: Any, verified: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        v2.send_email(
            Destination={"ToAddresses": [f"to@{verified}"]},
            Content={"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}}},
        )
    assert _error(excinfo)[0] == "BadRequestException"


def test_send_bulk_email(v2: Any, verified: str, ses: SesService) -> None:
    v2.create_email_template(TemplateName="bulk", TemplateContent={"Subject": "Hello {{who}}", "Text": "x"})
    result = v2.send_bulk_email(
        FromEmailAddress=f"from@{verified}",
        DefaultContent={"Template": {"TemplateName": "bulk", "TemplateData": '{"who": "everyone"}'}},
        DefaultEmailTags=[{"Name": "kind", "Value": "bulk"}],
        BulkEmailEntries=[
            {"Destination": {"ToAddresses": [f"a@{verified}"]}},
            {
                "Destination": {"ToAddresses": [f"b@{verified}"]},
                "ReplacementEmailContent": {"ReplacementTemplate": {"ReplacementTemplateData": '{"who": "Bea"}'}},
                "ReplacementTags": [{"Name": "kind", "Value": "personal"}],
            },
            {"Destination": {"ToAddresses": ["c@unverified.test"]}},
        ],
    )
    first, second, third = result["BulkEmailEntryResults"]
    assert first["Status"] == second["Status"] == "SUCCESS"
    assert ses.sent_message(first["MessageId"]).subject == "Hello everyone"
    assert dict(ses.sent_message(first["MessageId"]).tags) == {"kind": "bulk"}
    assert ses.sent_message(second["MessageId"]).subject == "Hello Bea"
    assert dict(ses.sent_message(second["MessageId"]).tags) == {"kind": "personal"}
    assert third["Status"] == "MESSAGE_REJECTED"
    assert "c@unverified.test" in third["Error"]
    assert "MessageId" not in third


def test_send_bulk_email_with_unverified_sender_fails_whole_call(v2: Any, verified: str) -> None:
    v2.create_email_template(TemplateName="bulk-sender", TemplateContent={"Subject": "s", "Text": "x"})
    with pytest.raises(ClientError) as excinfo:
        v2.send_bulk_email(
            FromEmailAddress="nobody@unverified.test",
            DefaultContent={"Template": {"TemplateName": "bulk-sender", "TemplateData": "{}"}},
            BulkEmailEntries=[{"Destination": {"ToAddresses": [f"a@{verified}"]}}],
        )
    assert _error(excinfo)[0] == "MessageRejected"


def test_send_bulk_email_with_unknown_template(v2: Any, verified: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        v2.send_bulk_email(
            FromEmailAddress=f"from@{verified}",
            DefaultContent={"Template": {"TemplateName": "no-such", "TemplateData": "{}"}},
            BulkEmailEntries=[{"Destination": {"ToAddresses": [f"a@{verified}"]}}],
        )
    assert _error(excinfo)[0] == "NotFoundException"


# --- templates ------------------------------------------------------------------------------------------------


def test_template_lifecycle(v2: Any) -> None:
    content = {"Subject": "S {{a}}", "Text": "T {{a}}", "Html": "<i>{{a}}</i>"}
    v2.create_email_template(TemplateName="life", TemplateContent=content)
    got = v2.get_email_template(TemplateName="life")
    assert got["TemplateName"] == "life"
    assert got["TemplateContent"] == content
    v2.update_email_template(TemplateName="life", TemplateContent={"Subject": "new", "Text": "only text"})
    assert v2.get_email_template(TemplateName="life")["TemplateContent"] == {"Subject": "new", "Text": "only text"}
    v2.delete_email_template(TemplateName="life")
    with pytest.raises(ClientError) as excinfo:
        v2.get_email_template(TemplateName="life")
    assert _error(excinfo) == ("NotFoundException", "Template life does not exist.", 404)


def test_template_errors(v2: Any) -> None:
    v2.create_email_template(TemplateName="dup", TemplateContent={"Subject": "s", "Text": "t"})
    with pytest.raises(ClientError) as excinfo:
        v2.create_email_template(TemplateName="dup", TemplateContent={"Subject": "s", "Text": "t"})
    assert _error(excinfo)[0] == "AlreadyExistsException"
    for call in (v2.delete_email_template, v2.get_email_template):
        with pytest.raises(ClientError) as excinfo:
            call(TemplateName="never-made")
        assert _error(excinfo)[0] == "NotFoundException"
    with pytest.raises(ClientError) as excinfo:
        v2.update_email_template(TemplateName="never-made", TemplateContent={"Subject": "s"})
    assert _error(excinfo)[0] == "NotFoundException"


def test_list_email_templates_pages(v2: Any) -> None:
    names = [f"list-{n}" for n in range(4)]
    for name in names:
        v2.create_email_template(TemplateName=name, TemplateContent={"Subject": "s", "Text": "t"})
    seen: list[str] = []
    token: str | None = None
    while True:
        kwargs: dict[str, Any] = {"PageSize": 3}
        if token:
            kwargs["NextToken"] = token
        page = v2.list_email_templates(**kwargs)
        seen += [item["TemplateName"] for item in page["TemplatesMetadata"]]
        assert all("CreatedTimestamp" in item for item in page["TemplatesMetadata"])
        token = page.get("NextToken")
        if not token:
            break
    assert [name for name in seen if name.startswith("list-")] == names
    assert len(seen) == len(set(seen))


def test_test_render_email_template(v2: Any) -> None:
    v2.create_email_template(
        TemplateName="render", TemplateContent={"Subject": "Dear {{n}}", "Text": "Text {{n}}", "Html": "<b>{{n}}</b>"}
    )
    rendered = v2.test_render_email_template(TemplateName="render", TemplateData='{"n": "Grace"}')["RenderedTemplate"]
    mime = _parsed(rendered.encode())
    assert mime["Subject"] == "Dear Grace"
    body = mime.get_body(("plain",))
    html = mime.get_body(("html",))
    assert body is not None and body.get_content().strip() == "Text Grace"
    assert html is not None and html.get_content().strip() == "<b>Grace</b>"
    with pytest.raises(ClientError) as excinfo:
        v2.test_render_email_template(TemplateName="not-there", TemplateData="{}")
    assert _error(excinfo)[0] == "NotFoundException"


# --- account --------------------------------------------------------------------------------------------------


def test_get_account_is_a_sandbox_account(v2: Any, ses: SesService) -> None:
    account = v2.get_account()
    assert account["SendingEnabled"] is True
    assert account["ProductionAccessEnabled"] is False
    assert account["EnforcementStatus"] == "HEALTHY"
    quota = ses.quota("us-east-1")
    assert account["SendQuota"] == {
        "Max24HourSend": quota.max_24_hour_send,
        "MaxSendRate": quota.max_send_rate,
        "SentLast24Hours": quota.sent_last_24_hours,
    }
