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


def get_settings() -> DocumentsSettings:
    """Read the service's settings from the environment."""
    return load_settings(DocumentsSettings, "documents")
