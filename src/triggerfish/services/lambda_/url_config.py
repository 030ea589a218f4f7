"""A function URL's configuration, as stored and as the gateway reads it (spec §6.6)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class UrlCors:
    allow_credentials: bool = False
    allow_headers: tuple[str, ...] = ()
    allow_methods: tuple[str, ...] = ()
    allow_origins: tuple[str, ...] = ()
    expose_headers: tuple[str, ...] = ()
    max_age: int = 0


@dataclass(frozen=True)
class FunctionUrlConfig:
    url_id: str  # 32 lower-case letters and digits, the first label of the URL's host
    function_name: str
    account: str
    region: str
    qualifier: str | None  # None for $LATEST, else an alias name
    auth_type: str  # NONE | AWS_IAM
    invoke_mode: str = "BUFFERED"  # BUFFERED | RESPONSE_STREAM
    cors: UrlCors | None = None
    creation_time: str = ""
    last_modified_time: str = ""
    #: the URL as AWS would print it; the gateway also answers it at the local forms
    function_url: str = field(default="")

    @property
    def function_arn(self) -> str:
        arn = f"arn:aws:lambda:{self.region}:{self.account}:function:{self.function_name}"
        return f"{arn}:{self.qualifier}" if self.qualifier else arn
