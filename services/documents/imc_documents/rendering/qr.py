"""QR codes of the verification links (segno, PNG)."""

import io

import segno

from imc_documents.rendering.docx import Image

QR_WIDTH_MM = 25.0


def qr_image(url: str, *, width_mm: float = QR_WIDTH_MM) -> Image:
    """A PNG QR code of ``url`` (error correction M), ``width_mm`` wide in the document."""
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=8, border=2)
    return Image(png=buffer.getvalue(), width_mm=width_mm)
