"""Official Russian titles of the coded values in the contracts, as the regulations
spell them; every service that shows a code to people uses these."""

from typing import Final

SITE_KIND_TITLES: Final = {"osmp": "опорная (стажировочная) методическая площадка"}
SITE_STATUS_TITLES: Final = {
    "active": "действует",
    "extended": "продлена",
    "terminated": "прекращена",
    "expired": "срок истёк",
}
