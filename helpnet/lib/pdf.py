"""PDF documents from simple HTML, for printable pages (invitations, minutes, reports).

fpdf2 renders a small HTML subset (h1–h6, p, b/strong, i/em, ul/ol/li, table, br, hr, a) in pure Python.
We embed DejaVu Sans (shipped in lib/fonts) so that č, ž, š, ø, æ and å come out right on any machine.
Keep the HTML plain: no CSS classes, no nested tables; render it from a template made for the PDF.
"""

from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

FONT_DIR = Path(__file__).parent / "fonts"
FAMILY = "DejaVu"


class _Document(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FAMILY, size=8)
        self.cell(0, 8, f"{self.footer_text}  {self.page_no()}/{{nb}}".strip(), align="C")


def html_to_pdf(html: str, *, title: str = "", author: str = "", footer: str = "") -> bytes:
    """Render a fragment of simple HTML to PDF bytes (A4, DejaVu Sans, page numbers in the footer)."""
    pdf = _Document(format="A4")
    pdf.footer_text = footer
    pdf.add_font(FAMILY, "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font(FAMILY, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.add_font(FAMILY, "I", str(FONT_DIR / "DejaVuSans-Oblique.ttf"))
    pdf.add_font(FAMILY, "BI", str(FONT_DIR / "DejaVuSans-BoldOblique.ttf"))
    pdf.set_title(title)
    pdf.set_author(author)
    pdf.set_creator("helpnet")
    pdf.set_margins(18, 18, 18)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    pdf.set_font(FAMILY, size=10)
    pdf.write_html(
        html,
        font_family=FAMILY,
        tag_styles={
            "h1": FontFace(family=FAMILY, emphasis="BOLD", size_pt=18),
            "h2": FontFace(family=FAMILY, emphasis="BOLD", size_pt=14),
            "h3": FontFace(family=FAMILY, emphasis="BOLD", size_pt=12),
        },
    )
    return bytes(pdf.output())
