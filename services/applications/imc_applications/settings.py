"""Settings of the applications service."""

import msgspec

from imc_shared.settings import ServiceSettings, load_settings


class IssuerSettings(msgspec.Struct, frozen=True, kw_only=True):
    """A body that issues orders, its signatory and how its journal numbers them."""

    name: str
    """Full name in the nominative case, as an order's heading shows it."""
    signatory_name: str
    signatory_position: str
    number_format: str = "{seq}"
    """E.g. ``{seq}-од`` gives «45-од»; ``{seq}`` and ``{year}`` are available."""


DEFAULT_ISSUERS = msgspec.json.encode(
    {
        "imc": IssuerSettings(
            name="Муниципальное бюджетное учреждение «Информационно-методический центр»",
            signatory_name="Директор ИМЦ",
            signatory_position="директор",
            number_format="{seq}-од",
        ),
        "education_department": IssuerSettings(
            name="Управление образования администрации муниципального округа",
            signatory_name="Начальник управления образования",
            signatory_position="начальник управления образования",
        ),
        "centre_department": IssuerSettings(
            name="Управление образованием администрации города — центра ММЦ",
            signatory_name="Начальник управления образованием",
            signatory_position="начальник управления образованием",
        ),
    }
).decode()


class ApplicationsSettings(ServiceSettings, frozen=True, kw_only=True):
    """Applications settings; everything comes from ``IMC_*`` variables."""

    registry_url: str = "http://127.0.0.1:8001"
    """Base URL of the district's registry (organisations, people, the council)."""
    storage_dir: str = "var/files/applications"
    """Folder where uploaded application documents and reports are stored."""
    max_upload_bytes: int = 10 * 1024 * 1024
    """Largest accepted document."""
    issuers: str = DEFAULT_ISSUERS
    """JSON ``{"imc" | "education_department" | "centre_department": {name,
    signatory_name, signatory_position, number_format}}``: who signs the orders."""
    time_zone: str = "Asia/Novokuznetsk"
    """The district's time zone: what «today» is for terms and reminders."""
    report_interval_months: int = 6
    """A site's monitoring report is due every this many months of its term."""
    report_reminder_days: str = "14,3"
    """Days before a report's due date when its leaders are reminded."""
    expiry_warning_days: str = "30,7"
    """Days before a term's end when the site is warned."""
    lifecycle_interval_seconds: float = 3600.0
    """How often the daily checks (expiry, reminders) run."""

    def issuer_table(self) -> dict[str, IssuerSettings]:
        """The issuers, parsed."""
        return msgspec.json.decode(self.issuers, type=dict[str, IssuerSettings])

    def reminder_days(self) -> tuple[int, ...]:
        """Report reminder offsets, parsed."""
        return tuple(sorted({int(part) for part in self.report_reminder_days.split(",") if part}))

    def warning_days(self) -> tuple[int, ...]:
        """Expiry warning offsets, parsed."""
        return tuple(sorted({int(part) for part in self.expiry_warning_days.split(",") if part}))


def get_settings() -> ApplicationsSettings:
    """Read the service's settings from the environment."""
    return load_settings(ApplicationsSettings, "applications")
