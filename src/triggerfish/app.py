"""The composition root: picks the store, the clock, the runtime and the ports, and wires services."""

from __future__ import annotations

import asyncio
import logging
import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from triggerfish.aws.auth import DEFAULT_CREDENTIALS, Authenticator
from triggerfish.aws.endpoint import AwsApp
from triggerfish.aws.fallback import default_fallback
from triggerfish.aws.internal import InternalApi, ses_routes
from triggerfish.aws.providers.apigateway import ApiGatewayProvider
from triggerfish.aws.providers.apigatewayv2 import ApiGatewayV2Provider
from triggerfish.aws.providers.dynamodb import DynamoDBProvider
from triggerfish.aws.providers.dynamodbstreams import DynamoDBStreamsProvider
from triggerfish.aws.providers.events import EventsProvider
from triggerfish.aws.providers.kinesis import KinesisProvider
from triggerfish.aws.providers.lambda_ import LambdaProvider
from triggerfish.aws.providers.logs import LogsProvider
from triggerfish.aws.providers.s3 import S3Provider
from triggerfish.aws.providers.scheduler import SchedulerProvider
from triggerfish.aws.providers.ses import SesProvider
from triggerfish.aws.providers.sesv2 import SesV2Provider
from triggerfish.aws.providers.sns import SnsProvider
from triggerfish.aws.providers.sqs import SqsProvider
from triggerfish.aws.server import EndpointApp, HttpServer
from triggerfish.config.deploy.engine import Deployer
from triggerfish.config.deploy.resources import Services
from triggerfish.core.arns import parse_arn
from triggerfish.core.clock import Clock, SystemClock, VirtualClock
from triggerfish.core.delivery import DeliveryRegistry
from triggerfish.core.work import WorkTracker
from triggerfish.gateway import AppPortApp, GatewayApp
from triggerfish.runtime.interpreters import host_runtime
from triggerfish.runtime.logs import LogSink
from triggerfish.runtime.pool import DEFAULT_KEEP_ALIVE, EnvironmentPool
from triggerfish.runtime.zygote import DEFAULT_PRELOAD
from triggerfish.services.apigateway import RestApiService
from triggerfish.services.apigatewayv2 import HttpApiService
from triggerfish.services.dynamodb.service import DynamoDBService
from triggerfish.services.events import EventsService
from triggerfish.services.kinesis.service import KinesisService
from triggerfish.services.lambda_.async_invocations import AWS_RETRY_BASE_DELAY, LOCAL_RETRY_BASE_DELAY
from triggerfish.services.lambda_.code import CodeStore
from triggerfish.services.lambda_.concurrency import DEFAULT_ACCOUNT_LIMIT, ConcurrencyGovernor
from triggerfish.services.lambda_.records import InvokeResult
from triggerfish.services.lambda_.service import LambdaService, Scope
from triggerfish.services.logs import LogsService
from triggerfish.services.logs.sink import FanOutSink
from triggerfish.services.s3.blobs import BlobStore
from triggerfish.services.s3.deliverer import S3Deliverer
from triggerfish.services.s3.notifications import Notifier
from triggerfish.services.s3.service import S3Service
from triggerfish.services.scheduler import SchedulerService
from triggerfish.services.ses import SesService
from triggerfish.services.ses.receiving import MailReceiver, ReceiptRules, SmtpListener
from triggerfish.services.ses.relay import SmtpRelay
from triggerfish.services.sns import SnsService
from triggerfish.services.sqs import SqsService
from triggerfish.services.ticker import Ticker
from triggerfish.store.factory import open_store
from triggerfish.store.interfaces import Store
from triggerfish.url_signatures import FunctionUrlSignatures

log = logging.getLogger(__name__)

DEFAULT_PORT = 4566
DEFAULT_SMTP_PORT = 1025
DEFAULT_DATA_DIR = Path(".triggerfish")


@dataclass(frozen=True)
class Settings:
    """Everything that can be set for one local cloud. ``data_dir=None`` keeps state in memory."""

    data_dir: Path | None = DEFAULT_DATA_DIR
    host: str = "127.0.0.1"
    port: int | None = DEFAULT_PORT  # None: no HTTP endpoint at all
    keep_alive: float = DEFAULT_KEEP_ALIVE
    account_concurrency: int = DEFAULT_ACCOUNT_LIMIT
    retry_base_delay: float = LOCAL_RETRY_BASE_DELAY
    virtual_clock: bool = False
    preload: str = DEFAULT_PRELOAD
    auth: bool = False  # verify SigV4 signatures on the AWS endpoint
    #: access key id -> secret access key; ``test``/``test`` (what functions are given) always works
    credentials: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_CREDENTIALS))
    #: where email for verified domains is received (SES receipt rules); None: no SMTP listener
    smtp_port: int | None = None
    #: SES in the sandbox, as a new AWS account is: recipients must be verified identities too
    ses_sandbox: bool = True
    #: ``host:port`` of an SMTP server that gets a copy of every email SES sends
    ses_relay: str | None = None


class App:
    """One local cloud: store, clock, execution environments, services and the endpoint."""

    def __init__(self, settings: Settings, *, sink: LogSink | None = None, clock: Clock | None = None) -> None:
        self.settings = settings
        self.clock: Clock = clock or (VirtualClock() if settings.virtual_clock else SystemClock())
        self.store: Store = open_store(settings.data_dir)
        self.tracker = WorkTracker()
        self.deliveries = DeliveryRegistry()
        self.sqs = SqsService(self.store, self.clock, self.deliveries)
        # every function's output goes to CloudWatch Logs, and to the terminal when there is one
        self.logs = LogsService(self.store, self.clock, self.deliveries, self.tracker)
        pool_sink = FanOutSink(sink, self.logs.sink) if sink is not None else self.logs.sink
        self.pool = EnvironmentPool(
            self.clock, keep_alive=settings.keep_alive, sink=pool_sink, preload=settings.preload
        )
        self.lambda_ = LambdaService(
            self.store,
            self.clock,
            self.pool,
            self.deliveries,
            self.tracker,
            governor=ConcurrencyGovernor(settings.account_concurrency),
            retry_base_delay=settings.retry_base_delay,
        )
        self.lambda_.mappings.attach("sqs", self.sqs.source)
        # one timer task for every schedule: scheduled rules and Scheduler schedules
        self.ticker = Ticker(self.clock, self.tracker)
        retry_delay = settings.retry_base_delay
        self.events = EventsService(
            self.store.documents,
            self.clock,
            self.deliveries,
            self.tracker,
            self.ticker,
            self.store.pending("events"),
            retry_base_delay=retry_delay,
        )
        self.scheduler = SchedulerService(
            self.store.documents,
            self.clock,
            self.deliveries,
            self.tracker,
            self.ticker,
            self.store.pending("scheduler"),
            retry_base_delay=retry_delay,
        )
        self.sns = SnsService(
            self.store.documents,
            self.clock,
            self.deliveries,
            self.tracker,
            self.store.pending("sns"),
            # SNS's delivery retries run on the same local time scale as Lambda's async retries
            delay_scale=retry_delay / AWS_RETRY_BASE_DELAY,
            endpoint_url=self._endpoint_base,
        )
        self.deliveries.register("sns", self.sns.deliverer)
        # object contents live under the data directory (or a temporary one for an in-memory cloud)
        self._scratch: Path | None = None
        if settings.data_dir is None:
            blob_root = self._scratch = Path(tempfile.mkdtemp(prefix="triggerfish-s3-"))
        else:
            blob_root = settings.data_dir / "s3"
        self.s3_notifier = Notifier(self.deliveries)
        self.s3 = S3Service(self.store.documents, self.clock, BlobStore(blob_root), events=self.s3_notifier)
        # buckets take stream mappings' on-failure records
        self.deliveries.register("s3", S3Deliverer(self.s3))
        self.dynamodb = DynamoDBService(self.store, self.clock, self.tracker, endpoint_address=self._endpoint_address)
        self.kinesis = KinesisService(self.store, self.clock, self.tracker)
        self.lambda_.mappings.attach("dynamodb", self.dynamodb.source)
        self.lambda_.mappings.attach("kinesis", self.kinesis.source)
        self.ses = SesService(self.store, self.clock, relay=_relay(settings.ses_relay), sandbox=settings.ses_sandbox)
        self.receipt_rules = ReceiptRules(self.store, self.clock)
        self.mail = MailReceiver(
            self.receipt_rules, self.ses, self.deliveries, _LambdaInvoker(self.lambda_), self.clock, self.tracker
        )
        self.smtp = (
            SmtpListener(self.mail, self.ses, host=settings.host, port=settings.smtp_port)
            if settings.smtp_port is not None
            else None
        )
        self.rest_apis = RestApiService(self.store.documents, self.clock, base_url_getter=self._base_url)
        self.http_apis = HttpApiService(self.store.documents, self.clock, base_url_getter=self._base_url)
        code = CodeStore(settings.data_dir / "lambda" / "code" if settings.data_dir else None)
        signatures = Authenticator(settings.credentials)
        self.gateway = GatewayApp(
            rest_apis=self.rest_apis,
            http_apis=self.http_apis,
            function_urls=self.lambda_.urls,
            functions=self.lambda_,
            clock=self.clock,
            # AWS_IAM function URLs are always checked, whether or not the AWS endpoint checks signatures
            verifier=FunctionUrlSignatures(signatures),
        )
        # every other service is answered by moto when it is installed (triggerfish[moto])
        self.fallback = default_fallback()
        self.endpoint = EndpointApp(
            aws=AwsApp(
                {
                    "lambda": LambdaProvider(self.lambda_, code),
                    "sqs": SqsProvider(self.sqs),
                    "sns": SnsProvider(self.sns),
                    "s3": S3Provider(self.s3, self.s3_notifier),
                    "dynamodb": DynamoDBProvider(self.dynamodb),
                    "dynamodbstreams": DynamoDBStreamsProvider(self.dynamodb.streams),
                    "kinesis": KinesisProvider(self.kinesis),
                    "apigateway": ApiGatewayProvider(self.rest_apis),
                    "apigatewayv2": ApiGatewayV2Provider(self.http_apis),
                    "events": EventsProvider(self.events),
                    "scheduler": SchedulerProvider(self.scheduler),
                    "logs": LogsProvider(self.logs),
                    "ses": SesProvider(self.ses, self.receipt_rules),
                    "sesv2": SesV2Provider(self.ses),
                },
                auth=signatures if settings.auth else None,
                fallback=self.fallback,
            ),
            front=self.gateway,
            internal=InternalApi(ses_routes(self.ses)),
        )
        self.deployer = Deployer(
            Services(
                self.lambda_,
                code,
                self.sqs,
                rest_apis=self.rest_apis,
                http_apis=self.http_apis,
                events=self.events,
                scheduler=self.scheduler,
                sns=self.sns,
                s3=self.s3,
                s3_notifier=self.s3_notifier,
                dynamodb=self.dynamodb,
                kinesis=self.kinesis,
                logs=self.logs,
                ses=self.ses,
                receipt_rules=self.receipt_rules,
            ),
            self.store.documents,
            self.clock,
        )
        self.http: HttpServer | None = None
        self.app_port: HttpServer | None = None
        #: what could not be started without stopping the rest, for the command to tell its user
        self.problems: list[str] = []

    @property
    def endpoint_url(self) -> str | None:
        return self.http.url if self.http else None

    @property
    def smtp_address(self) -> str | None:
        """``host:port`` of the SMTP listener once it is started."""
        return f"{self.settings.host}:{self.smtp.port}" if self.smtp is not None and self.smtp.port else None

    def _endpoint_base(self) -> str:
        """The AWS endpoint's own address, for links services hand out (SNS's SubscribeURL)."""
        return self.http.url if self.http else f"http://localhost:{DEFAULT_PORT}"

    def _endpoint_address(self) -> str:
        """``host:port`` of the AWS endpoint, for DescribeEndpoints."""
        return self._endpoint_base().removeprefix("http://")

    def _base_url(self) -> str:
        """Where the gateway's addresses point: the endpoint's port under ``localhost``."""
        return f"http://localhost:{self.http.port}" if self.http else f"http://localhost:{DEFAULT_PORT}"

    async def start(self) -> None:
        await self.store.open()
        # before anything can run a function: loading the stored logs must not race new output
        await self.logs.start()
        if self.settings.port is not None:
            self.http = HttpServer(self.endpoint, self.settings.host, self.settings.port)
            await self.http.start()
            self.lambda_.invoker.endpoint_url = self.http.url
            self.sqs.base_url = self.http.url
        await self.sqs.start()
        await self.rest_apis.start()
        await self.http_apis.start()
        await self.pool.prewarm(host_runtime())
        # streams load before Lambda resumes the mappings that read them
        await self.dynamodb.start()
        await self.kinesis.start()
        await self.lambda_.start()
        await self.sns.start()
        await self.s3.start()
        await self.ses.start()
        await self.receipt_rules.start()
        await self.mail.start()
        if self.smtp is not None:
            try:
                await self.smtp.start()
            except OSError as exc:
                # the rest of the cloud is still worth having (another instance may hold the port)
                self.problems.append(
                    f"cannot receive email on {self.settings.host}:{self.settings.smtp_port} "
                    f"({exc.strerror or exc}); use --smtp-port"
                )
                self.smtp = None
        # after the targets: a schedule's missed tick may fire as soon as it starts
        await self.ticker.start()
        await self.events.start()
        await self.scheduler.start()
        self.endpoint.ready = True

    async def serve_apis(self, port: int, api_ids: Callable[[], Sequence[str]]) -> str:
        """Serve the APIs ``api_ids`` names at the root of their own port (``triggerfish up --http-port``)."""
        self.app_port = HttpServer(AppPortApp(self.gateway, api_ids), self.settings.host, port)
        await self.app_port.start()
        return self.app_port.url

    async def stop(self) -> None:
        self.endpoint.ready = False
        for server in (self.app_port, self.http):
            if server is not None:
                await server.stop()
        if self.fallback is not None:
            await self.fallback.close()
        await self.scheduler.close()
        await self.events.close()
        await self.ticker.close()
        if self.smtp is not None:
            await self.smtp.stop()
        await self.mail.close()
        await self.ses.close()
        await self.s3.close()
        await self.sns.close()
        await self.lambda_.close()
        await self.logs.close()
        await self.kinesis.close()
        await self.dynamodb.close()
        await self.sqs.close()
        await self.rest_apis.close()
        await self.http_apis.close()
        await self.pool.close()
        await self.store.close()
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)

    async def settle(self, timeout: float = 30.0, *, include_future: bool | None = None) -> bool:
        """Wait until no triggered work is running or due. With the real clock, work due later
        (a retry in a second) is waited for too; with the virtual clock only work due now."""
        if include_future is None:
            include_future = not self.clock.is_virtual
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            due = self.tracker.next_due()
            now = self.clock.now()
            busy = self.tracker.in_flight > 0 or (due is not None and (include_future or due <= now))
            if not busy:
                # let anything those tasks scheduled get going before we trust the quiet
                await asyncio.sleep(0)
                if self.tracker.in_flight == 0 and self.tracker.next_due() == due:
                    return True
                continue
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            wait = remaining if due is None or due <= now else min(remaining, max(0.001, due - now))
            await self.tracker.wait_changed(min(wait, 0.25))


class _LambdaInvoker:
    """What SES receipt rules need of Lambda: a RequestResponse or Event invoke by function ARN."""

    def __init__(self, functions: LambdaService) -> None:
        self._functions = functions

    async def invoke(self, function_arn: str, payload: bytes, *, invocation_type: str) -> InvokeResult:
        arn = parse_arn(function_arn)
        scope = Scope(arn.account, arn.region)
        return await self._functions.invoke(function_arn, payload, invocation_type=invocation_type, scope=scope)


def _relay(address: str | None) -> SmtpRelay | None:
    """The SMTP relay ``host:port`` names, if any."""
    if address is None:
        return None
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise ValueError(f"an SMTP relay is given as HOST:PORT, not {address!r}")
    return SmtpRelay(host, int(port))
