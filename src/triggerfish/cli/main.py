"""Entry point: parse the command line and hand over to a command module."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from triggerfish import __version__
from triggerfish.cli import events, invoke, logs, serve, ses, up
from triggerfish.cli.output import fail
from triggerfish.core.errors import TriggerfishError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="triggerfish",
        description="Run AWS-Lambda-style Python functions and their triggers locally, without Docker.",
    )
    parser.add_argument("--version", action="version", version=f"triggerfish {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what the server does")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    up.configure(commands.add_parser("up", help="run an app (serverless.yml, SAM or CloudFormation) with its triggers"))
    serve.configure(commands.add_parser("serve", help="run the local cloud and its AWS endpoint"))
    events.configure(commands.add_parser("events", help="print sample events for every trigger type"))
    invoke.configure(commands.add_parser("invoke", help="invoke a function of the running app, or a handler once"))
    logs.configure(commands.add_parser("logs", help="print (and follow) the running app's function logs"))
    ses.configure(commands.add_parser("ses", help="list and read the email SES sent in the running server"))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        result: int = args.run(args)
        return result
    except TriggerfishError as exc:
        return fail(exc.message)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
