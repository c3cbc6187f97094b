"""Keep credentials out of logs.

Slack clients may pass `token=` in the query string, webhook URLs carry their secret in the
path, upload URLs and public file links are capabilities, and WebSocket tickets ride in the
query string: the server's access and error logs print request lines verbatim, so every log
record is scrubbed of those before it is written.
"""

from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"

_SECRET_QUERY = re.compile(
    r"(?i)([?&;](?:token|ticket|code|client_secret|password|refresh_token|secret)=)[^&;\s\"']*"
)
_PATH_SECRETS = re.compile(
    r"(/services/[^/\s\"']+/[^/\s\"']+/)[^/?\s\"']+"  # incoming webhook secret
    r"|(/files-upload/)[^/?\s\"']+"  # single-use upload URL
    r"|(/files-pub/[^-/\s\"']+-[^-/\s\"']+-)[^/?\s\"']+"  # public link secret
)
_TOKENS = re.compile(r"\b(xox[abpre]|xapp)-[A-Za-z0-9._-]{6,}")


def redact(text: str) -> str:
    """`text` with every credential-looking part replaced by "[redacted]"."""
    text = _SECRET_QUERY.sub(lambda m: m.group(1) + REDACTED, text)
    text = _PATH_SECRETS.sub(
        lambda m: next(g for g in m.groups() if g is not None) + REDACTED, text
    )
    return _TOKENS.sub(lambda m: m.group(1) + "-" + REDACTED, text)


class RedactingFilter(logging.Filter):
    """Rewrites a record's message and string arguments through `redact` (never drops it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {
                k: redact(v) if isinstance(v, str) else v for k, v in record.args.items()
            }
        return True


# Loggers that print request lines or URLs: uvicorn's access and error logs, and Parley's.
LOGGERS = ("uvicorn.access", "uvicorn.error", "parley")


def install_log_redaction() -> None:
    """Attach the filter to uvicorn's and Parley's loggers (idempotent; survives uvicorn's
    logging dictConfig, which keeps existing logger filters). A logger's filter sees only
    records logged on that very logger, so every `parley.*` logger gets one: call this
    after the modules are imported (create_app does, after loading every method)."""
    known = [
        name
        for name in list(logging.Logger.manager.loggerDict)
        if name.split(".")[0] in {"parley", "uvicorn"}
    ]
    for name in {*LOGGERS, *known}:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactingFilter) for f in logger.filters):
            logger.addFilter(RedactingFilter())
