"""DOCX templates of the documents service (docxtpl) and the script that builds them.

The ``.docx`` files here are what the service renders; an operator may edit
them in Word. ``build_templates`` regenerates them from code.
"""

from pathlib import Path

TEMPLATES_DIR = Path(__file__).resolve().parent
"""The folder holding the ``.docx`` templates."""

ORDER_SITE_STATUS = TEMPLATES_DIR / "order_site_status.docx"
"""Order assigning an organisation the status of a support (internship) methodical site."""
