"""Rendering of documents: DOCX templates (docxtpl) and PDF conversion (LibreOffice)."""
