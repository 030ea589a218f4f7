"""SES v1 with boto3 over real HTTP: the ses provider behind the endpoint on 127.0.0.1, every operation
and every sending rule (sandbox, recipients, raw messages, templates), as a client sees them."""

from __future__ import annotations

import email
import json
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage
from typing import Any

import pytest
from botocore.exceptions import ClientError
from ses_endpoint import SesEndpoint

from triggerfish.aws.providers.ses import SesProvider
from triggerfish.services.ses.service import SesService


@pytest.fixture(scope="module")
def endpoint() -> Iterator[SesEndpoint]:
    served = SesEndpoint(lambda ses: {"ses": SesProvider(ses)})
    yield served
    served.close()


@pytest.fixture(scope="module")
def service(endpoint: SesEndpoint) -> SesService:
    return endpoint.service


@pytest.fixture(scope="module")
def ses(endpoint: SesEndpoint) -> Any:
    return endpoint.client("ses")


@pytest.fixture(scope="module")
def domain(ses: Any) -> str:
    """A verified domain: its addresses may send and receive in the sandbox."""
    ses.verify_domain_identity(Domain="wire.test")
    return "wire.test"


def _error(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str, int]:
    response = excinfo.value.response
    return response["Error"]["Code"], response["Error"]["Message"], response["ResponseMetadata"]["HTTPStatusCode"]


def _mime(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


# --- identities -----------------------------------------------------------------------------------------------


def test_verify_email_identity_is_verified_at_once(ses: Any) -> None:
    ses.verify_email_identity(EmailAddress="alice@identities.test")
    found = ses.get_identity_verification_attributes(Identities=["alice@identities.test", "nobody@else.test"])
    assert found["VerificationAttributes"] == {"alice@identities.test": {"VerificationStatus": "Success"}}


def test_verify_email_address_old_operation(ses: Any) -> None:
    ses.verify_email_address(EmailAddress="old@identities.test")
    assert "old@identities.test" in ses.list_verified_email_addresses()["VerifiedEmailAddresses"]
    ses.delete_verified_email_address(EmailAddress="old@identities.test")
    assert "old@identities.test" not in ses.list_verified_email_addresses()["VerifiedEmailAddresses"]


def test_verify_domain_identity_returns_a_token(ses: Any) -> None:
    token = ses.verify_domain_identity(Domain="tokens.test")["VerificationToken"]
    assert len(token) == 44
    again = ses.verify_domain_identity(Domain="tokens.test")["VerificationToken"]
    assert again == token
    found = ses.get_identity_verification_attributes(Identities=["tokens.test"])["VerificationAttributes"]
    assert found["tokens.test"] == {"VerificationStatus": "Success", "VerificationToken": token}


def test_verify_domain_dkim_and_dkim_attributes(ses: Any) -> None:
    tokens = ses.verify_domain_dkim(Domain="dkim.test")["DkimTokens"]
    assert len(tokens) == 3 and all(len(token) == 32 for token in tokens)
    found = ses.get_identity_dkim_attributes(Identities=["dkim.test"])["DkimAttributes"]["dkim.test"]
    assert found == {"DkimEnabled": True, "DkimVerificationStatus": "Success", "DkimTokens": tokens}
    ses.set_identity_dkim_enabled(Identity="dkim.test", DkimEnabled=False)
    assert (
        ses.get_identity_dkim_attributes(Identities=["dkim.test"])["DkimAttributes"]["dkim.test"]["DkimEnabled"]
        is False
    )


def test_list_identities_by_type_and_pages(ses: Any) -> None:
    for n in range(3):
        ses.verify_email_identity(EmailAddress=f"page{n}@listing.test")
    ses.verify_domain_identity(Domain="listing.test")
    emails = ses.list_identities(IdentityType="EmailAddress")["Identities"]
    assert {"page0@listing.test", "page1@listing.test", "page2@listing.test"} <= set(emails)
    assert "listing.test" not in emails
    assert "listing.test" in ses.list_identities(IdentityType="Domain")["Identities"]
    seen: list[str] = []
    kwargs: dict[str, Any] = {"MaxItems": 2}
    while True:
        page = ses.list_identities(**kwargs)
        assert len(page["Identities"]) <= 2
        seen += page["Identities"]
        if "NextToken" not in page:
            break
        kwargs["NextToken"] = page["NextToken"]
    assert seen == ses.list_identities()["Identities"]


def test_delete_identity(ses: Any) -> None:
    ses.verify_email_identity(EmailAddress="gone@identities.test")
    ses.delete_identity(Identity="gone@identities.test")
    assert "gone@identities.test" not in ses.list_identities()["Identities"]
    ses.delete_identity(Identity="never@identities.test")  # deleting what does not exist succeeds


def test_notification_attributes(ses: Any) -> None:
    ses.verify_domain_identity(Domain="notify.test")
    topic = "arn:aws:sns:us-east-1:000000000000:bounces"
    ses.set_identity_notification_topic(Identity="notify.test", NotificationType="Bounce", SnsTopic=topic)
    ses.set_identity_headers_in_notifications_enabled(Identity="notify.test", NotificationType="Bounce", Enabled=True)
    ses.set_identity_feedback_forwarding_enabled(Identity="notify.test", ForwardingEnabled=False)
    found = ses.get_identity_notification_attributes(Identities=["notify.test"])["NotificationAttributes"]
    assert found["notify.test"] == {
        "BounceTopic": topic,
        "ForwardingEnabled": False,
        "HeadersInBounceNotificationsEnabled": True,
        "HeadersInComplaintNotificationsEnabled": False,
        "HeadersInDeliveryNotificationsEnabled": False,
    }
    ses.set_identity_notification_topic(Identity="notify.test", NotificationType="Bounce")
    found = ses.get_identity_notification_attributes(Identities=["notify.test"])["NotificationAttributes"]
    assert "BounceTopic" not in found["notify.test"]


def test_mail_from_domain_attributes(ses: Any) -> None:
    ses.verify_domain_identity(Domain="mailfrom.test")
    assert ses.get_identity_mail_from_domain_attributes(Identities=["mailfrom.test"])["MailFromDomainAttributes"] == {}
    ses.set_identity_mail_from_domain(
        Identity="mailfrom.test", MailFromDomain="bounce.mailfrom.test", BehaviorOnMXFailure="RejectMessage"
    )
    found = ses.get_identity_mail_from_domain_attributes(Identities=["mailfrom.test"])["MailFromDomainAttributes"]
    assert found["mailfrom.test"] == {
        "MailFromDomain": "bounce.mailfrom.test",
        "MailFromDomainStatus": "Success",
        "BehaviorOnMXFailure": "RejectMessage",
    }


def test_settings_of_an_unknown_identity_are_refused(ses: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        ses.set_identity_dkim_enabled(Identity="unknown.test", DkimEnabled=True)
    assert _error(excinfo)[0] == "InvalidParameterValue"


# --- sending ----------------------------------------------------------------------------------------------------


def test_send_email_stores_the_mime_message(ses: Any, service: SesService, domain: str) -> None:
    sent = ses.send_email(
        Source=f"Sender <sender@{domain}>",
        Destination={
            "ToAddresses": [f"to@{domain}"],
            "CcAddresses": [f"cc@{domain}"],
            "BccAddresses": [f"bcc@{domain}"],
        },
        Message={
            "Subject": {"Data": "Hello"},
            "Body": {"Text": {"Data": "plain body"}, "Html": {"Data": "<p>html body</p>"}},
        },
        ReplyToAddresses=[f"reply@{domain}"],
        Tags=[{"Name": "campaign", "Value": "one"}],
    )
    message_id = sent["MessageId"]
    assert message_id.startswith("0100") and message_id.endswith("-000000")
    stored = service.sent_message(message_id)
    assert stored.destination.bcc == (f"bcc@{domain}",)
    assert stored.tags == {"campaign": "one"}
    parsed = _mime(stored.raw)
    assert parsed["From"] == f"Sender <sender@{domain}>"
    assert parsed["To"] == f"to@{domain}" and parsed["Cc"] == f"cc@{domain}"
    assert parsed["Reply-To"] == f"reply@{domain}"
    assert parsed["Bcc"] is None  # SES never writes Bcc into the headers
    assert parsed["Message-ID"] == f"<{message_id}@email.amazonses.com>"
    assert parsed.get_content_type() == "multipart/alternative"
    body = parsed.get_body(("plain",))
    assert body is not None and body.get_content().strip() == "plain body"


def test_unverified_source_is_rejected(ses: Any, domain: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        ses.send_email(
            Source="Someone <someone@unverified.test>",
            Destination={"ToAddresses": [f"to@{domain}"]},
            Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}},
        )
    assert _error(excinfo) == (
        "MessageRejected",
        "Email address is not verified. The following identities failed the check in region US-EAST-1: "
        "Someone <someone@unverified.test>",
        400,
    )


def test_sandbox_recipients_must_be_verified(ses: Any, domain: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        ses.send_email(
            Source=f"sender@{domain}",
            Destination={"ToAddresses": ["stranger@elsewhere.test", f"ok@{domain}"]},
            Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}},
        )
    code, message, _ = _error(excinfo)
    assert code == "MessageRejected"
    assert message.endswith("in region US-EAST-1: stranger@elsewhere.test")


def test_mailbox_simulator_recipients_are_accepted(ses: Any, domain: str) -> None:
    simulator = [f"{box}@simulator.amazonses.com" for box in ("success", "bounce", "ooto", "complaint")]
    sent = ses.send_email(
        Source=f"sender@{domain}",
        Destination={"ToAddresses": simulator, "BccAddresses": ["suppressionlist@simulator.amazonses.com"]},
        Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}},
    )
    assert sent["MessageId"]


def test_more_than_fifty_recipients_is_refused(ses: Any, domain: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        ses.send_email(
            Source=f"sender@{domain}",
            Destination={"ToAddresses": [f"r{n}@{domain}" for n in range(51)]},
            Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}},
        )
    assert _error(excinfo) == ("InvalidParameterValue", "Recipient count exceeds 50.", 400)


def test_malformed_address_is_refused(ses: Any, domain: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        ses.send_email(
            Source=f"sender@{domain}",
            Destination={"ToAddresses": ["not-an-address"]},
            Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}},
        )
    assert _error(excinfo) == ("InvalidParameterValue", "Missing final '@domain'", 400)


def test_send_raw_email_takes_recipients_from_headers(ses: Any, service: SesService, domain: str) -> None:
    raw = (
        f"From: Raw Sender <raw@{domain}>\r\nTo: a@{domain}\r\nCc: b@{domain}\r\nBcc: hidden@{domain}\r\n"
        "Subject: raw subject\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nraw body\r\n"
    ).encode()
    message_id = ses.send_raw_email(RawMessage={"Data": raw})["MessageId"]
    stored = service.sent_message(message_id)
    assert stored.source == f"Raw Sender <raw@{domain}>"
    assert (stored.destination.to, stored.destination.cc, stored.destination.bcc) == (
        (f"a@{domain}",),
        (f"b@{domain}",),
        (f"hidden@{domain}",),
    )
    assert stored.subject == "raw subject" and stored.text is not None and stored.text.strip() == "raw body"
    parsed = _mime(stored.raw)
    assert parsed["Bcc"] is None and parsed["Message-ID"] == f"<{message_id}@email.amazonses.com>"


def test_send_raw_email_destinations_override_headers(ses: Any, service: SesService, domain: str) -> None:
    raw = f"From: raw@{domain}\r\nTo: a@{domain}\r\nSubject: x\r\n\r\nbody\r\n".encode()
    message_id = ses.send_raw_email(RawMessage={"Data": raw}, Destinations=[f"only@{domain}"])["MessageId"]
    assert service.sent_message(message_id).destination.to == (f"only@{domain}",)


def test_send_raw_email_without_from_is_refused(ses: Any, domain: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        ses.send_raw_email(RawMessage={"Data": f"To: a@{domain}\r\nSubject: x\r\n\r\nbody\r\n".encode()})
    assert _error(excinfo) == ("InvalidParameterValue", "Missing required header 'From'.", 400)


def test_send_raw_email_checks_the_from_header_too(ses: Any, domain: str) -> None:
    raw = f"From: Spoof <spoof@unverified.test>\r\nTo: a@{domain}\r\nSubject: x\r\n\r\nbody\r\n".encode()
    with pytest.raises(ClientError) as excinfo:
        ses.send_raw_email(RawMessage={"Data": raw}, Source=f"raw@{domain}")
    assert _error(excinfo)[1].endswith(": Spoof <spoof@unverified.test>")


def test_send_raw_email_over_ten_megabytes_is_refused(ses: Any, domain: str) -> None:
    raw = f"From: raw@{domain}\r\nTo: a@{domain}\r\n\r\n".encode() + b"x" * (10 * 1024 * 1024)
    with pytest.raises(ClientError) as excinfo:
        ses.send_raw_email(RawMessage={"Data": raw})
    code, message, _ = _error(excinfo)
    assert code == "InvalidParameterValue" and message.startswith("Message length is more than 10485760 bytes long")


# --- templates ------------------------------------------------------------------------------------------------


def test_template_lifecycle(ses: Any) -> None:
    template = {"TemplateName": "Life", "SubjectPart": "Hi {{name}}", "TextPart": "t", "HtmlPart": "<b>h</b>"}
    ses.create_template(Template=template)
    assert ses.get_template(TemplateName="Life")["Template"] == template
    with pytest.raises(ClientError) as excinfo:
        ses.create_template(Template=template)
    assert _error(excinfo) == ("AlreadyExists", "Template Life already exists.", 400)
    ses.update_template(Template={"TemplateName": "Life", "SubjectPart": "Bye {{name}}"})
    assert ses.get_template(TemplateName="Life")["Template"] == {"TemplateName": "Life", "SubjectPart": "Bye {{name}}"}
    names = [entry["Name"] for entry in ses.list_templates()["TemplatesMetadata"]]
    assert "Life" in names
    ses.delete_template(TemplateName="Life")
    with pytest.raises(ClientError) as excinfo:
        ses.get_template(TemplateName="Life")
    assert _error(excinfo) == ("TemplateDoesNotExist", "Template Life does not exist.", 400)
    ses.delete_template(TemplateName="Life")  # deleting a missing template succeeds (v1)


def test_update_of_a_missing_template_is_refused(ses: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        ses.update_template(Template={"TemplateName": "Nope", "SubjectPart": "s"})
    assert _error(excinfo)[0] == "TemplateDoesNotExist"


def test_list_templates_pages(ses: Any) -> None:
    for n in range(3):
        ses.create_template(Template={"TemplateName": f"Paged{n}", "SubjectPart": "s"})
    first = ses.list_templates(MaxItems=2)
    assert len(first["TemplatesMetadata"]) == 2 and "NextToken" in first
    assert "CreatedTimestamp" in first["TemplatesMetadata"][0]
    rest = ses.list_templates(MaxItems=100, NextToken=first["NextToken"])
    names = [entry["Name"] for entry in first["TemplatesMetadata"] + rest["TemplatesMetadata"]]
    assert {"Paged0", "Paged1", "Paged2"} <= set(names)


def test_test_render_template(ses: Any) -> None:
    ses.create_template(
        Template={
            "TemplateName": "Render",
            "SubjectPart": "Order {{order.id}}",
            "TextPart": "{{#each items}}{{this}};{{/each}}{{#if vip}} VIP{{else}} regular{{/if}}",
        }
    )
    data = json.dumps({"order": {"id": 7}, "items": ["a", "b"], "vip": False})
    rendered = ses.test_render_template(TemplateName="Render", TemplateData=data)["RenderedTemplate"]
    parsed = email.message_from_string(rendered, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    assert parsed["Subject"] == "Order 7"
    assert parsed.get_content().strip() == "a;b; regular"


def test_test_render_with_bad_json_is_refused(ses: Any) -> None:
    ses.create_template(Template={"TemplateName": "BadData", "SubjectPart": "{{x}}"})
    with pytest.raises(ClientError) as excinfo:
        ses.test_render_template(TemplateName="BadData", TemplateData="{not json")
    assert _error(excinfo)[0] == "InvalidRenderingParameter"


def test_send_templated_email(ses: Any, service: SesService, domain: str) -> None:
    ses.create_template(
        Template={"TemplateName": "Welcome", "SubjectPart": "Welcome {{name}}", "HtmlPart": "<h1>{{name}}</h1>"}
    )
    message_id = ses.send_templated_email(
        Source=f"sender@{domain}",
        Destination={"ToAddresses": [f"new@{domain}"]},
        Template="Welcome",
        TemplateData=json.dumps({"name": "Ana"}),
    )["MessageId"]
    stored = service.sent_message(message_id)
    assert stored.subject == "Welcome Ana" and stored.html == "<h1>Ana</h1>" and stored.template == "Welcome"
    assert _mime(stored.raw).get_content_type() == "text/html"


def test_send_templated_email_with_missing_template(ses: Any, domain: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        ses.send_templated_email(
            Source=f"sender@{domain}",
            Destination={"ToAddresses": [f"x@{domain}"]},
            Template="Missing",
            TemplateData="{}",
        )
    assert _error(excinfo) == ("TemplateDoesNotExist", "Template Missing does not exist.", 400)


def test_send_bulk_templated_email(ses: Any, service: SesService, domain: str) -> None:
    ses.create_template(Template={"TemplateName": "Bulk", "SubjectPart": "{{greeting}} {{name}}", "TextPart": "x"})
    answer = ses.send_bulk_templated_email(
        Source=f"sender@{domain}",
        Template="Bulk",
        DefaultTemplateData=json.dumps({"greeting": "Hello", "name": "friend"}),
        Destinations=[
            {"Destination": {"ToAddresses": [f"one@{domain}"]}, "ReplacementTemplateData": json.dumps({"name": "One"})},
            {"Destination": {"ToAddresses": [f"two@{domain}"]}},
            {"Destination": {"ToAddresses": ["stranger@elsewhere.test"]}},
        ],
    )
    first, second, third = answer["Status"]
    assert first["Status"] == "Success" and second["Status"] == "Success"
    assert service.sent_message(first["MessageId"]).subject == "Hello One"
    assert service.sent_message(second["MessageId"]).subject == "Hello friend"
    assert third["Status"] == "MessageRejected" and "stranger@elsewhere.test" in third["Error"]


# --- quota ----------------------------------------------------------------------------------------------------


def test_send_quota_and_statistics(ses: Any, domain: str) -> None:
    before = ses.get_send_quota()
    assert (before["Max24HourSend"], before["MaxSendRate"]) == (200.0, 1.0)
    ses.send_email(
        Source=f"sender@{domain}",
        Destination={"ToAddresses": [f"q1@{domain}", "bounce@simulator.amazonses.com"]},
        Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}},
    )
    after = ses.get_send_quota()
    assert after["SentLast24Hours"] == before["SentLast24Hours"] + 2
    points = ses.get_send_statistics()["SendDataPoints"]
    assert sum(point["DeliveryAttempts"] for point in points) == after["SentLast24Hours"]
    assert sum(point["Bounces"] for point in points) >= 1


def test_account_sending_enabled(ses: Any) -> None:
    assert ses.get_account_sending_enabled()["Enabled"] is True


def test_unoffered_operation_is_not_implemented(ses: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        ses.list_configuration_sets()
    assert _error(excinfo)[2] == 501
