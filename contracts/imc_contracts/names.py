"""Exchange, routing-key and queue names shared by every service and by deploy/.

The same names appear in ``deploy/rabbitmq`` definitions; a test keeps them in step.
"""

from typing import Final

# Every district publishes its integration events on one topic exchange.
EVENTS_EXCHANGE: Final = "imc.events"
# Messages no queue is bound for land here instead of being dropped.
UNROUTABLE_EXCHANGE: Final = "imc.unroutable"
UNROUTABLE_QUEUE: Final = "imc.unroutable"
# A diagnostic sink, not a store: it keeps the newest 100,000 messages only.
UNROUTABLE_QUEUE_ARGUMENTS: Final = {
    "x-queue-type": "quorum",
    "x-max-length": 100_000,
    "x-overflow": "drop-head",
}
# Dead letters: a direct exchange, one ``<queue>.dlq`` per consuming queue.
DEAD_LETTER_EXCHANGE: Final = "imc.dlx"
# At the centre: the exchange federated from every district's ``imc.events``.
DISTRICTS_EXCHANGE: Final = "imc.districts"
# At the centre: inter-municipal work published down to the districts.
CENTRE_EXCHANGE: Final = "imc.centre"

# Routing keys: <service>.<entity>.<event>.v<N>
ORGANISATION_UPSERTED_V1: Final = "registry.organisation.upserted.v1"
SITE_STATUS_CHANGED_V1: Final = "registry.site.status_changed.v1"
APPLICATION_SUBMITTED_V1: Final = "applications.application.submitted.v1"
DECISION_MADE_V1: Final = "applications.decision.made.v1"
DOCUMENT_GENERATED_V1: Final = "documents.document.generated.v1"
ROADMAP_OPENED_V1: Final = "scheduling.roadmap.opened.v1"
NOTIFICATION_SENT_V1: Final = "notifications.notification.sent.v1"

# Delivery attempts before a failing message is dead-lettered.
DELIVERY_LIMIT: Final = 3


def queue_name(service: str, purpose: str) -> str:
    """Name of a consuming queue: ``<service>.<purpose>``."""
    return f"{service}.{purpose}"


def dead_letter_queue(queue: str) -> str:
    """Name of the dead-letter queue that collects what ``queue`` gave up on."""
    return f"{queue}.dlq"
