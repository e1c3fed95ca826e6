"""Russian texts of the notifications."""

from dataclasses import dataclass

from imc_contracts import DocumentGenerated


@dataclass(frozen=True)
class Text:
    """Subject and plain-text body of one email."""

    subject: str
    body: str


def order_issued(
    document: DocumentGenerated, *, organisation: str, portal_url: str, sender: str
) -> Text:
    """The email to a school whose status an order confirmed."""
    subject = f"Приказ № {document.number}: {document.title}"
    body = (
        "Здравствуйте!\n\n"
        f"По решению методического совета издан приказ № {document.number} "
        f"«{document.title}» в отношении {organisation}.\n"
        "Приказ прилагается к письму в формате PDF.\n\n"
        f"Подробности — на портале: {portal_url}\n\n"
        f"С уважением,\n{sender}\n\n"
        "Это письмо отправлено автоматически; отвечать на него не нужно.\n"
    )
    return Text(subject=subject, body=body)


def backoff_seconds(attempt: int) -> float:
    """Wait before the next delivery attempt: 5 s, 10 s, 20 s … up to 10 minutes."""
    return float(min(5 * 2 ** max(attempt - 1, 0), 600))
