"""Building blocks of a Vietnamese administrative document (Nghị định 30/2020/NĐ-CP layout).

A4, margins 20/20/30/15 mm, Times New Roman, the national motto header in a borderless two-column
table, the signature block and 'Nơi nhận:' in another. python-docx does the writing.
"""

from __future__ import annotations

import io
from typing import Sequence

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

FONT = "Times New Roman"
BODY_PT = 14
TABLE_PT = 13
CENTER, RIGHT, LEFT, JUSTIFY = (WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT,
                                WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.JUSTIFY)


def new_document() -> DocumentType:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)
    return document


def text_width(document: DocumentType) -> int:
    section = document.sections[0]
    return section.page_width - section.left_margin - section.right_margin


def paragraph(container, text: str = "", *, size: float = BODY_PT, bold: bool = False,
              italic: bool = False, align=JUSTIFY, indent: bool = False, after: float = 0,
              before: float = 0, keep: bool = False) -> Paragraph:
    """Add a paragraph of one run with direct formatting (administrative documents avoid styles).

    ``keep`` keeps it on the page of what follows (headings, captions).
    """
    para = container.add_paragraph()
    para.alignment = align
    fmt = para.paragraph_format
    fmt.space_after, fmt.space_before = Pt(after), Pt(before)
    fmt.keep_with_next = keep or None
    if indent:
        fmt.first_line_indent = Mm(10)
    if text:
        run(para, text, size=size, bold=bold, italic=italic)
    return para


def run(para: Paragraph, text: str, *, size: float = BODY_PT, bold: bool = False,
        italic: bool = False) -> None:
    piece = para.add_run(text)
    piece.font.name, piece.font.size = FONT, Pt(size)
    piece.font.bold, piece.font.italic = bold, italic
    piece.font.color.rgb = RGBColor(0, 0, 0)


_AFTER_PBDR = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
               "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
               "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
               "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection",
               "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
               "w:rPr", "w:sectPr", "w:pPrChange")
_AFTER_TBLBORDERS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption",
                     "w:tblDescription", "w:tblPrChange")


def rule(container, width_mm: float, column_mm: float) -> Paragraph:
    """A short centered horizontal line: the bottom border of an empty, indented paragraph."""
    para = container.add_paragraph()
    side = Mm(max(0.0, (column_mm - width_mm) / 2))
    para.paragraph_format.left_indent = para.paragraph_format.right_indent = side
    para.paragraph_format.space_after = Pt(6)
    para.paragraph_format.line_spacing = Pt(4)  # the empty line itself stays low
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    para._p.get_or_add_pPr().insert_element_before(borders, *_AFTER_PBDR)  # schema order matters
    return para


def _no_borders(table: Table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.insert_element_before(borders, *_AFTER_TBLBORDERS)


def _widths(table: Table, widths_mm: Sequence[float]) -> None:
    """Set widths on the grid (LibreOffice reads it) and on every cell (Word reads those)."""
    for column, width in zip(table.columns, widths_mm):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm):
            cell.width = Mm(width)


def layout_table(document: DocumentType, widths_mm: Sequence[float]) -> list[_Cell]:
    """A one-row borderless table used for layout; returns its cells, each emptied."""
    table = document.add_table(rows=1, cols=len(widths_mm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _no_borders(table)
    _widths(table, widths_mm)
    cells = list(table.rows[0].cells)
    for cell in cells:  # callers add their own paragraphs; a cell needs one at the end, added below
        cell._tc.remove(cell.paragraphs[0]._p)
    return cells


def motto_header(document: DocumentType, authority: Sequence[str], number_line: str,
                 place_date: str) -> None:
    """The header: issuing authority and number on the left, the national motto on the right."""
    left, right = layout_table(document, (62, 103))
    for line in authority:
        paragraph(left, line, size=13, bold=True, align=CENTER)
    rule(left, 22, 62)
    paragraph(left, number_line, size=13, align=CENTER)
    paragraph(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=12, bold=True, align=CENTER)
    paragraph(right, "Độc lập - Tự do - Hạnh phúc", size=13, bold=True, align=CENTER)
    rule(right, 56, 103)
    paragraph(right, place_date, size=14, italic=True, align=CENTER)


def signature(document: DocumentType, recipients: Sequence[str], on_behalf: str,
              titles: Sequence[str], signer: str) -> None:
    """'Nơi nhận:' with its list on the left; TM., the signer's title and name on the right."""
    left, right = layout_table(document, (80, 85))
    paragraph(left, "Nơi nhận:", size=12, bold=True, italic=True, align=LEFT, before=12)
    for index, name in enumerate(recipients):
        end = "." if index == len(recipients) - 1 else ";"
        paragraph(left, f"- {name.rstrip(';.')}{end}", size=11, align=LEFT)
    paragraph(right, on_behalf, size=14, bold=True, align=CENTER, before=12)
    for title in titles:
        paragraph(right, title, size=14, bold=True, align=CENTER)
    for _ in range(4):
        paragraph(right, "", align=CENTER)
    paragraph(right, signer, size=14, bold=True, align=CENTER)


def grid_table(document: DocumentType, headers: Sequence[str], rows: Sequence[Sequence[str]],
               widths_mm: Sequence[float], numeric: Sequence[bool],
               bold_last: bool = False) -> Table:
    """A bordered data table: centered bold header, numbers right-aligned, text at 13 pt."""
    table = document.add_table(rows=1 + len(rows), cols=len(headers))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _widths(table, widths_mm)
    for r, values in enumerate([headers, *rows]):
        cells = table.rows[r].cells
        for c, value in enumerate(values):
            cell = cells[c]
            para = cell.paragraphs[0]
            header = r == 0
            para.alignment = CENTER if header else (RIGHT if numeric[c] else LEFT)
            bold = header or (bold_last and r == len(rows))
            para.paragraph_format.keep_with_next = header or None
            run(para, str(value), size=TABLE_PT, bold=bold)
    header_row = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")  # the header row repeats on every page of a long table
    header_row.append(repeat)
    return table


def picture(document: DocumentType, png: bytes, width_mm: float, caption: str) -> None:
    document.add_picture(io.BytesIO(png), width=Mm(width_mm))
    document.paragraphs[-1].alignment = CENTER
    document.paragraphs[-1].paragraph_format.keep_with_next = True
    paragraph(document, caption, size=13, italic=True, align=CENTER, after=6)


def save(document: DocumentType) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
