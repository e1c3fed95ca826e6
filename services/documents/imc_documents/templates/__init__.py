"""DOCX templates of the documents service (docxtpl) and the script that builds them.

The ``.docx`` files here are what the service renders; an operator may edit
them in Word. ``build_templates`` regenerates them from code.
"""

from pathlib import Path

TEMPLATES_DIR = Path(__file__).resolve().parent
"""The folder holding the ``.docx`` templates."""

ORDER_SITE_STATUS = TEMPLATES_DIR / "order_site_status.docx"
"""Order assigning an organisation the status of a methodical site (any kind)."""
ORDER_SITE_EXTENSION = TEMPLATES_DIR / "order_site_extension.docx"
"""Order extending the term of a site."""
ORDER_SITE_TERMINATION = TEMPLATES_DIR / "order_site_termination.docx"
"""Order terminating a site."""
REFUSAL_LETTER = TEMPLATES_DIR / "refusal_letter.docx"
"""Letter to a school refused a status."""
COUNCIL_PROTOCOL = TEMPLATES_DIR / "council_protocol.docx"
"""Protocol of a methodical council meeting."""
COUNCIL_EXTRACT = TEMPLATES_DIR / "council_extract.docx"
"""Extract of one agenda item from the protocol."""

CERTIFICATE = TEMPLATES_DIR / "certificate.docx"
"""Certificate of participation in an event (with a QR code and a verification number)."""
INTERNSHIP_STATEMENT = TEMPLATES_DIR / "internship_statement.docx"
"""Statement that a teacher completed an internship (with a QR code and a number)."""
LETTER_OF_THANKS = TEMPLATES_DIR / "letter_of_thanks.docx"
"""Letter of thanks."""

ORDER_REGULATION = TEMPLATES_DIR / "order_regulation.docx"
"""Order approving a regulation, with the regulation as its appendix (seed 001)."""
ORDER_SITE_LEADERS = TEMPLATES_DIR / "order_site_leaders.docx"
"""Order appointing the leaders and co-leaders of methodical sites."""

ROAD_MAP = TEMPLATES_DIR / "road_map.docx"
"""Road map (plan of events) of a methodical site, a landscape table (001 §4.6)."""
WORK_PLAN = TEMPLATES_DIR / "work_plan.docx"
"""Annual work plan of the IMC, a landscape table of sections and items."""
INFORMATION_NOTE = TEMPLATES_DIR / "information_note.docx"
"""Information note (информационная справка): sections of text and tables."""
ANNUAL_REPORT = TEMPLATES_DIR / "annual_report.docx"
"""Analysis of the year's work: sections of text and numbered tables of figures."""
TEACHER_TRANSCRIPT = TEMPLATES_DIR / "teacher_transcript.docx"
"""The teacher's transcript (справка о профессиональном развитии педагогического
работника): tables of events, courses, mentoring and closed deficits, with a QR code."""

ALL_TEMPLATES = (
    ORDER_SITE_STATUS,
    ORDER_SITE_EXTENSION,
    ORDER_SITE_TERMINATION,
    REFUSAL_LETTER,
    COUNCIL_PROTOCOL,
    COUNCIL_EXTRACT,
    CERTIFICATE,
    INTERNSHIP_STATEMENT,
    LETTER_OF_THANKS,
    ORDER_REGULATION,
    ORDER_SITE_LEADERS,
    ROAD_MAP,
    WORK_PLAN,
    INFORMATION_NOTE,
    ANNUAL_REPORT,
    TEACHER_TRANSCRIPT,
)
