"""The AsyncAPI document, built from the msgspec Structs themselves.

FastStream's own generator fails on msgspec Structs, so the schemas come from
``msgspec.json.schema_components``. Regenerate with
``uv run python -m imc_contracts.asyncapi``; a test keeps the file current.
"""

from pathlib import Path
from typing import Any

import msgspec

from imc_contracts import names
from imc_contracts.messages import ALL_MESSAGES

DOCUMENT_PATH = Path(__file__).resolve().parent.parent / "asyncapi.json"


def build() -> dict[str, Any]:
    """Build the AsyncAPI 3.0 document of every message type."""
    envelope_types = [m.envelope_type() for m in ALL_MESSAGES]
    schemas, components = msgspec.json.schema_components(
        envelope_types, ref_template="#/components/schemas/{name}"
    )
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for message, schema in zip(ALL_MESSAGES, schemas, strict=True):
        key = message.routing_key
        messages[key] = {
            "name": key,
            "title": key,
            "summary": message.summary,
            "contentType": "application/json",
            "payload": schema,
        }
        channels[key] = {
            "address": key,
            "messages": {key: {"$ref": f"#/components/messages/{key}"}},
            "bindings": {
                "amqp": {
                    "is": "routingKey",
                    "exchange": {"name": names.EVENTS_EXCHANGE, "type": "topic", "durable": True},
                }
            },
        }
        operations[f"publish.{key}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{key}"},
            "bindings": {"amqp": {"deliveryMode": 2, "mandatory": True}},
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "IMC network integration events",
            "version": "1.0.0",
            "description": "Messages exchanged by the services of a district instance "
            "and federated to the inter-municipal centre. Every message is an Envelope.",
        },
        "defaultContentType": "application/json",
        "channels": channels,
        "operations": operations,
        "components": {"schemas": components, "messages": messages},
    }


def render() -> bytes:
    """The document as formatted JSON bytes."""
    return msgspec.json.format(msgspec.json.encode(build()), indent=2) + b"\n"


if __name__ == "__main__":
    DOCUMENT_PATH.write_bytes(render())
