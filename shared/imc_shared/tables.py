"""Tables every service has beside its own: the outbox and the inbox.

They live in their own MetaData; each service's ``env.py`` targets both its own and
this one, so its migrations create and evolve them.
"""

import sqlalchemy as sa

messaging_metadata = sa.MetaData()

outbox = sa.Table(
    "outbox",
    messaging_metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("exchange", sa.String(100), nullable=False),
    sa.Column("routing_key", sa.String(200), nullable=False),
    sa.Column("correlation_id", sa.Uuid, nullable=False),
    sa.Column("body", sa.LargeBinary, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("last_error", sa.Text, nullable=True),
    sa.Index("ix_outbox_pending", "published_at", "id"),
)

inbox = sa.Table(
    "inbox",
    messaging_metadata,
    sa.Column("message_id", sa.Uuid, primary_key=True),
    sa.Column("consumer", sa.String(200), primary_key=True),
    sa.Column("routing_key", sa.String(200), nullable=False),
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
)
