"""Services triggerfish does not implement, answered by moto's in-process backends, driven by boto3."""

from __future__ import annotations

import base64
import gc
import json
import threading
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from endpoint_thread import Build, EndpointThread, TableProvider

from triggerfish.aws.auth import Authenticator
from triggerfish.aws.endpoint import AwsApp
from triggerfish.aws.fallback import Fallback, MotoFallback, unavailable_hint
from triggerfish.aws.providers.base import Call, Provider, Reply
from triggerfish.aws.server import HttpServer

pytest.importorskip("moto", reason="the moto fallback needs triggerfish[moto]")

ROLE_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
)
# the smallest PNG (1x1 pixel): Rekognition needs image bytes it can at least look at
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


class FallbackEndpoint(EndpointThread):
    """An endpoint thread whose AwsApp has a fallback (or, with ``fallback=None``, a given 501 hint)."""

    def __init__(
        self, build: Build, fallback: Fallback | None, hint: str | None = None, auth: Authenticator | None = None
    ) -> None:
        self._fallback = fallback
        self._hint = hint
        self._auth = auth
        super().__init__(build)

    async def _start(self, build: Build) -> None:
        providers, self._stop = await build()
        app = AwsApp(providers, fallback=self._fallback, unserved_hint=self._hint, auth=self._auth)
        self.http = HttpServer(app, "127.0.0.1", 0)
        await self.http.start()

    async def _close(self) -> None:
        await super()._close()
        if self._fallback is not None:
            await self._fallback.close()


async def _list_buckets(call: Call) -> Reply:
    return Reply({"Buckets": [{"Name": "served-by-triggerfish"}], "Owner": {"ID": "local"}})


def _s3_only() -> Build:
    async def build() -> tuple[Mapping[str, Provider], Any]:
        async def stop() -> None:
            return None

        return {"s3": TableProvider({"ListBuckets": _list_buckets})}, stop

    return build


@pytest.fixture(scope="module")
def endpoint() -> Iterator[FallbackEndpoint]:
    served = FallbackEndpoint(_s3_only(), MotoFallback())
    yield served
    served.close()


def _client(
    endpoint: FallbackEndpoint, service: str, region: str, *, access_key: str = "test", secret: str = "test"
) -> Any:
    return boto3.client(
        service,
        endpoint_url=endpoint.url,
        region_name=region,
        aws_access_key_id=access_key,
        aws_secret_access_key=secret,
        config=Config(retries={"total_max_attempts": 1}),
    )


def _error(raised: pytest.ExceptionInfo[ClientError]) -> tuple[int, str, str]:
    response = raised.value.response
    return response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"], response["Error"]["Message"]


def test_moto_state_is_shared_while_open_and_forgotten_when_the_last_fallback_closes() -> None:
    # first in this module, before its shared endpoint opens: no other fallback is open in the process
    # (fallbacks that earlier tests dropped without closing stop counting once collected)
    gc.collect()
    first = FallbackEndpoint(_s3_only(), MotoFallback())
    second = FallbackEndpoint(_s3_only(), MotoFallback())
    try:
        try:
            first.client("ssm").put_parameter(Name="/reset/me", Value="v", Type="String")
            assert second.client("ssm").get_parameter(Name="/reset/me")["Parameter"]["Value"] == "v"
        finally:
            first.close()
        assert second.client("ssm").get_parameter(Name="/reset/me")["Parameter"]["Value"] == "v"
    finally:
        second.close()
    third = FallbackEndpoint(_s3_only(), MotoFallback())
    try:
        with pytest.raises(ClientError) as raised:
            third.client("ssm").get_parameter(Name="/reset/me")
        assert _error(raised)[1] == "ParameterNotFound"
    finally:
        third.close()


def test_sts_answers_as_triggerfish_account_whatever_the_key(endpoint: FallbackEndpoint) -> None:
    identity = endpoint.client("sts").get_caller_identity()
    assert identity["Account"] == "000000000000"
    other_key = _client(endpoint, "sts", "eu-west-1", access_key="AKIAOTHERKEY00000000")
    assert other_key.get_caller_identity()["Account"] == "000000000000"


def test_our_request_id_is_the_one_answered(endpoint: FallbackEndpoint) -> None:
    identity = endpoint.client("sts").get_caller_identity()
    metadata = identity["ResponseMetadata"]
    assert metadata["HTTPHeaders"]["x-amzn-requestid"] == metadata["RequestId"]


def test_iam_role(endpoint: FallbackEndpoint) -> None:
    iam = endpoint.client("iam")
    created = iam.create_role(RoleName="fallback-role", AssumeRolePolicyDocument=ROLE_POLICY)["Role"]
    assert created["Arn"] == "arn:aws:iam::000000000000:role/fallback-role"
    assert iam.get_role(RoleName="fallback-role")["Role"]["RoleId"] == created["RoleId"]
    with pytest.raises(ClientError) as missing:
        iam.get_role(RoleName="no-such-role")
    assert _error(missing)[:2] == (404, "NoSuchEntity")


def test_ssm_secure_string_parameter(endpoint: FallbackEndpoint) -> None:
    ssm = endpoint.client("ssm")
    ssm.put_parameter(Name="/app/db-password", Value="hunter2", Type="SecureString")
    decrypted = ssm.get_parameter(Name="/app/db-password", WithDecryption=True)["Parameter"]
    assert (decrypted["Value"], decrypted["Type"]) == ("hunter2", "SecureString")
    hidden = ssm.get_parameter(Name="/app/db-password", WithDecryption=False)["Parameter"]
    assert hidden["Value"] != "hunter2"
    assert ":000000000000:parameter/app/db-password" in decrypted["ARN"]


def test_secrets_manager(endpoint: FallbackEndpoint) -> None:
    secrets = endpoint.client("secretsmanager")
    arn = secrets.create_secret(Name="app/api-key", SecretString="s3cr3t")["ARN"]
    assert arn.startswith("arn:aws:secretsmanager:us-east-1:000000000000:secret:app/api-key")
    assert secrets.get_secret_value(SecretId="app/api-key")["SecretString"] == "s3cr3t"


def test_kms_encrypt_and_decrypt(endpoint: FallbackEndpoint) -> None:
    kms = endpoint.client("kms")
    key = kms.create_key(Description="fallback")["KeyMetadata"]
    assert key["Arn"].startswith("arn:aws:kms:us-east-1:000000000000:key/")
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"\x00binary\xff")["CiphertextBlob"]
    assert blob != b"\x00binary\xff"
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"\x00binary\xff"


def test_rekognition_detect_labels_with_bytes(endpoint: FallbackEndpoint) -> None:
    labels = endpoint.client("rekognition").detect_labels(Image={"Bytes": PIXEL}, MaxLabels=5)
    assert isinstance(labels["Labels"], list)


def test_cloudwatch_metrics(endpoint: FallbackEndpoint) -> None:
    cloudwatch = endpoint.client("cloudwatch")
    cloudwatch.put_metric_data(Namespace="App", MetricData=[{"MetricName": "Orders", "Value": 3.0, "Unit": "Count"}])
    metrics = cloudwatch.list_metrics(Namespace="App")["Metrics"]
    assert [m["MetricName"] for m in metrics] == ["Orders"]


def test_rest_json_service_ecr_and_its_region(endpoint: FallbackEndpoint) -> None:
    ecr = _client(endpoint, "ecr", "eu-central-1")
    repository = ecr.create_repository(repositoryName="app")["repository"]
    assert repository["repositoryArn"] == "arn:aws:ecr:eu-central-1:000000000000:repository/app"
    names = [r["repositoryName"] for r in ecr.describe_repositories()["repositories"]]
    assert names == ["app"]
    assert endpoint.client("ecr").describe_repositories()["repositories"] == []  # us-east-1 is another region


def test_rest_json_service_with_path_parameters(endpoint: FallbackEndpoint) -> None:
    efs = endpoint.client("efs")
    system = efs.create_file_system(CreationToken="fallback-token")
    found = efs.describe_file_systems(FileSystemId=system["FileSystemId"])["FileSystems"]
    assert [f["CreationToken"] for f in found] == ["fallback-token"]


def test_a_service_we_implement_stays_ours(endpoint: FallbackEndpoint) -> None:
    buckets = endpoint.client("s3").list_buckets()["Buckets"]
    assert [b["Name"] for b in buckets] == ["served-by-triggerfish"]


def test_an_operation_our_provider_lacks_is_our_501(endpoint: FallbackEndpoint) -> None:
    with pytest.raises(ClientError) as raised:
        endpoint.client("s3").get_bucket_tagging(Bucket="b")
    status, code, message = _error(raised)
    assert (status, code) == (501, "NotImplemented")
    assert "GetBucketTagging" in message


def test_concurrent_requests_are_served_one_at_a_time_safely(endpoint: FallbackEndpoint) -> None:
    ssm = endpoint.client("ssm")
    names = [f"/concurrent/p{i}" for i in range(40)]
    barrier = threading.Barrier(8)

    def put(name: str) -> str:
        if names.index(name) < 8:
            barrier.wait(10)  # the first eight start together
        ssm.put_parameter(Name=name, Value=name.upper(), Type="String")
        return str(ssm.get_parameter(Name=name)["Parameter"]["Value"])

    with ThreadPoolExecutor(8) as pool:
        values = list(pool.map(put, names))
    assert values == [name.upper() for name in names]
    stored = ssm.get_parameters_by_path(Path="/concurrent", MaxResults=10)
    seen = [p["Name"] for p in stored["Parameters"]]
    while token := stored.get("NextToken"):
        stored = ssm.get_parameters_by_path(Path="/concurrent", MaxResults=10, NextToken=token)
        seen += [p["Name"] for p in stored["Parameters"]]
    assert sorted(seen) == sorted(names)
    moto_threads = [t for t in threading.enumerate() if t.name.startswith("triggerfish-moto")]
    assert len(moto_threads) == 1  # every call went through the one worker thread


def test_without_moto_the_501_names_the_service_and_how_to_enable_it() -> None:
    served = FallbackEndpoint(_s3_only(), None, hint=unavailable_hint(available=False))
    try:
        with pytest.raises(ClientError) as raised:
            served.client("rekognition").detect_labels(Image={"Bytes": PIXEL})
        status, code, message = _error(raised)
        assert (status, code) == (501, "NotImplemented")
        assert "rekognition service" in message and "DetectLabels" in message
        assert "install 'triggerfish[moto]'" in message
        with pytest.raises(ClientError) as query:
            served.client("sts").get_caller_identity()
        assert _error(query)[:2] == (501, "NotImplemented")
        assert "triggerfish[moto]" in _error(query)[2]
    finally:
        served.close()


def test_with_auth_on_the_signature_is_checked_before_moto_answers() -> None:
    served = FallbackEndpoint(_s3_only(), MotoFallback(), auth=Authenticator({"AKIDGOOD": "right"}))
    try:
        good = _client(served, "sts", "us-east-1", access_key="AKIDGOOD", secret="right")
        assert good.get_caller_identity()["Account"] == "000000000000"
        with pytest.raises(ClientError) as query:
            _client(served, "sts", "us-east-1", access_key="AKIDGOOD", secret="wrong").get_caller_identity()
        assert _error(query)[:2] == (403, "SignatureDoesNotMatch")
        with pytest.raises(ClientError) as unknown:
            _client(served, "kms", "us-east-1", access_key="AKIDNOBODY").list_keys()
        assert _error(unknown)[:2] == (403, "UnrecognizedClientException")
        kms = _client(served, "kms", "us-east-1", access_key="AKIDGOOD", secret="right")
        assert isinstance(kms.list_keys()["Keys"], list)  # moto answered (its state is shared in-process)
    finally:
        served.close()


def test_a_service_moto_lacks_is_a_501_naming_it(endpoint: FallbackEndpoint) -> None:
    with pytest.raises(ClientError) as raised:
        endpoint.client("ssm").list_nodes()
    status, code, message = _error(raised)
    assert (status, code) == (501, "NotImplemented")
    assert "ssm service" in message and "ListNodes" in message and "moto" in message
