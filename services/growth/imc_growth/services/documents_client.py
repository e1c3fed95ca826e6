"""The documents service, as growth calls it: render a transcript."""

from typing import Any

import httpx
import structlog

from imc_shared.errors import DomainError

log = structlog.get_logger(__name__)


class DocumentsUnavailable(DomainError):
    """The documents service did not render the document."""

    status_code = 502
    code = "documents_unavailable"


class DocumentsClient:
    """POST /documents/render on the district's documents service."""

    def __init__(
        self,
        base_url: str,
        *,
        auth: httpx.Auth | None = None,
        timeout: float = 60.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.auth = auth
        self.timeout = timeout
        self.transport = transport

    async def render(self, body: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        """The rendered document's record and whether it was made now (not before)."""
        try:
            async with httpx.AsyncClient(
                timeout=self.timeout, auth=self.auth, transport=self.transport
            ) as client:
                response = await client.post(f"{self.base_url}/documents/render", json=body)
        except httpx.HTTPError as error:
            log.warning("documents service unreachable", error=str(error))
            raise DocumentsUnavailable(
                "Сервис документов недоступен; повторите печать позже"
            ) from error
        if response.status_code not in (200, 201):
            detail = ""
            try:
                detail = str(response.json().get("message", ""))
            except ValueError:
                detail = response.text[:300]
            log.warning(
                "documents service refused to render",
                status=response.status_code,
                detail=detail,
            )
            raise DocumentsUnavailable(
                "Сервис документов не сформировал документ" + (f": {detail}" if detail else "")
            )
        return response.json(), response.status_code == 201
