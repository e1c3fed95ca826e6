"""A local SMTP server that keeps every message: the demo's and the tests' mail sink."""

import email
import email.policy
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from imc_local.ports import free_port


@dataclass
class Mailbox:
    """Received messages, kept in memory and (optionally) as ``.eml`` files."""

    folder: Path | None = None
    messages: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        """aiosmtpd hook: store the message."""
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)
            (self.folder / f"{len(self.messages):04d}.eml").write_bytes(envelope.content)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        """Messages addressed to ``address``."""
        return [m for m in self.messages if address in str(m["To"])]


def start_mailbox(folder: Path | None = None) -> tuple[Controller, Mailbox]:
    """Start an SMTP server on a free local port in a background thread."""
    mailbox = Mailbox(folder=folder)
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller, mailbox
