"""Wire contracts of the IMC network: the envelope, message payloads and names."""

from imc_contracts import names
from imc_contracts.envelope import Envelope, MessageType, encode, new_message_id
from imc_contracts.messages import (
    ALL_MESSAGES,
    APPLICATION_SUBMITTED,
    BY_ROUTING_KEY,
    DECISION_MADE,
    DOCUMENT_GENERATED,
    ORGANISATION_UPSERTED,
    ROADMAP_OPENED,
    SITE_STATUS_CHANGED,
    ApplicationSubmitted,
    DecisionMade,
    DocumentGenerated,
    GeneratedFile,
    Leader,
    OrganisationUpserted,
    RoadmapOpened,
    SiteStatusChanged,
    SubmittedDocument,
)

__all__ = [
    "ALL_MESSAGES",
    "APPLICATION_SUBMITTED",
    "BY_ROUTING_KEY",
    "DECISION_MADE",
    "DOCUMENT_GENERATED",
    "ORGANISATION_UPSERTED",
    "ROADMAP_OPENED",
    "SITE_STATUS_CHANGED",
    "ApplicationSubmitted",
    "DecisionMade",
    "DocumentGenerated",
    "Envelope",
    "GeneratedFile",
    "Leader",
    "MessageType",
    "OrganisationUpserted",
    "RoadmapOpened",
    "SiteStatusChanged",
    "SubmittedDocument",
    "encode",
    "names",
    "new_message_id",
]
