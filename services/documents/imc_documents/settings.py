"""Settings of the documents service."""

from imc_shared.settings import ServiceSettings, load_settings


class DocumentsSettings(ServiceSettings, frozen=True, kw_only=True):
    """Documents settings; letterhead data comes from here, not from templates."""

    storage_dir: str = "var/files/documents"
    """Folder where generated files are stored."""
    authority: str = "Информационно-методический центр"
    """Full name of the IMC, heading its letters and council protocols (an order's
    issuing body comes with the order itself)."""
    place: str = ""
    """Place of compilation, e.g. «пгт Яя»."""
    signatory_name: str = ""
    """Who signs the IMC's letters: «Фамилия Имя Отчество» (orders name their own)."""
    signatory_position: str = "Директор"
    """The signatory's position."""
    soffice: str = ""
    """LibreOffice executable; found on PATH when empty."""
    public_url: str = "http://localhost:8000"
    """Public address of this service as people reach it: the QR codes lead to the open
    verification page ``{public_url}/public/verify/{number}``."""
    batch_max_attempts: int = 3
    """Tries of one document of a bulk job before it is reported failed."""
    converter_profile_dir: str = ""
    """LibreOffice user profile reused by every conversion; a private temporary folder
    (removed on shutdown) when empty."""
    converter_timeout: float = 120.0
    """Seconds one LibreOffice run may take (a batch gets 10 s more per document)."""
    converter_instances: int = 1
    """LibreOffice processes converting side by side (each with its own profile); more
    than one pays off with spare CPU cores."""
    converter_batch_size: int = 50
    """At most this many queued documents are converted in one LibreOffice run."""
    converter_batch_window: float = 0.05
    """Seconds the converter waits for more documents before starting a run."""


def get_settings() -> DocumentsSettings:
    """Read the service's settings from the environment."""
    return load_settings(DocumentsSettings, "documents")
