"""Servers the notification tests talk to, in the test process: an SMTP server whose
answers can be scripted, and an HTTP server that records every request (the MAX Bot API,
a webhook receiver, the documents service)."""

from __future__ import annotations

import email
import email.policy
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from aiosmtpd.controller import Controller

from imc_local.ports import free_port


@dataclass
class ScriptedMailbox:
    """An aiosmtpd handler: answers DATA with the scripted replies, then ``250``."""

    answers: list[str] = field(default_factory=list)
    messages: list[EmailMessage] = field(default_factory=list)
    refused: int = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        answer = self.answers.pop(0) if self.answers else "250 Message accepted for delivery"
        if not answer.startswith("250"):
            self.refused += 1
            return answer
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return answer

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in str(m["To"])]


def start_smtp(*answers: str, **options: Any) -> tuple[Controller, ScriptedMailbox]:
    """A real SMTP server on a free local port (``options`` go to aiosmtpd: TLS, AUTH)."""
    mailbox = ScriptedMailbox(answers=list(answers))
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port(), **options)
    controller.start()
    return controller, mailbox


@dataclass
class Recorded:
    """One request the HTTP stub received."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class HttpStub:
    """A local HTTP server: records requests, answers with scripted (status, body)."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.answers: list[tuple[int, bytes, str]] = []
        self.files: dict[str, bytes] = {}
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _answer(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                stub.requests.append(
                    Recorded(
                        method=self.command,
                        path=parts.path,
                        query=parse_qs(parts.query),
                        headers={k.lower(): v for k, v in self.headers.items()},
                        body=body,
                    )
                )
                if self.command == "GET" and parts.path in stub.files:
                    status, payload, kind = 200, stub.files[parts.path], "application/pdf"
                elif stub.answers:
                    status, payload, kind = stub.answers.pop(0)
                else:
                    status, payload, kind = 200, b'{"message": {}}', "application/json"
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = _answer  # noqa: N815
            do_POST = _answer  # noqa: N815

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def answer(self, status: int, body: dict[str, Any] | None = None) -> None:
        """Script the next answer."""
        self.answers.append((status, json.dumps(body or {}).encode(), "application/json"))

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def http_stub() -> Iterator[HttpStub]:
    """A recording HTTP server (the MAX Bot API, a webhook receiver, documents)."""
    stub = HttpStub()
    yield stub
    stub.stop()


@pytest.fixture
def smtp() -> Iterator[Callable[..., tuple[Controller, ScriptedMailbox]]]:
    """Start real SMTP servers with scripted answers; stopped after the test."""
    started: list[Controller] = []

    def start(*answers: str, **options: Any) -> tuple[Controller, ScriptedMailbox]:
        controller, mailbox = start_smtp(*answers, **options)
        started.append(controller)
        return controller, mailbox

    yield start
    for controller in started:
        controller.stop()
