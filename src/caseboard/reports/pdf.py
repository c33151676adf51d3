"""PDF from a report's HTML page with WeasyPrint, laid out for A4 by the stylesheet's @page rules.

WeasyPrint writes the page's ``dcterms.created`` / ``dcterms.modified`` meta tags as the PDF's dates, and those
are the load's time (``reports.provenance``), not the clock; the document identifier is derived from the page
itself, so the same data gives the same PDF.
"""

from __future__ import annotations

import hashlib
from pathlib import Path


def write_pdf(html: str, out: Path) -> Path:
    """Render ``html`` to ``out``; fonts are the system's (DejaVu Sans on Debian, named first in the CSS)."""
    from weasyprint import HTML  # imported here: it loads Pango, which the other formats never need

    out.parent.mkdir(parents=True, exist_ok=True)
    identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode()
    HTML(string=html, base_url=str(out.parent)).write_pdf(out, pdf_identifier=identifier)
    return out
