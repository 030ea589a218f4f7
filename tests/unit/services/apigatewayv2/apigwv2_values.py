"""Values the HTTP API service tests beside this file share."""

from __future__ import annotations

from triggerfish.services.lambda_.service import Scope

FN = "arn:aws:lambda:us-east-1:000000000000:function:hello"
INVOKE_URI = f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{FN}/invocations"
HERE = Scope()
