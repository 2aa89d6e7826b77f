"""A one-sheet XLSX workbook written as a stream of bytes, never through a file on disk.

openpyxl writes each worksheet to a temporary file in clear while saving, in write-only mode and
in normal mode alike (openpyxl/writer/excel.py `write_worksheet`), and XlsxWriter's `in_memory`
keeps every cell as a Python object until the end. A workbook is a zip of a few XML parts, and
zipfile writes to a stream that cannot seek: so the rows go straight into the zip, which goes to
the HTTP response or into the export vault's encrypted file, in constant memory. Cells are inline
strings, numbers and booleans: what an export holds. Pure Python: no Django.
"""

import re
import zipfile
from collections.abc import Iterable, Iterator
from xml.sax.saxutils import escape

from openpyxl.utils import get_column_letter

# Characters XML 1.0 cannot carry; Excel would refuse the file.
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
FLUSH_ROWS = 200

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_PKG_TYPE = "application/vnd.openxmlformats-package"
STATIC_PARTS = {
    "[Content_Types].xml": f'{_HEAD}<Types xmlns="{_PKG}/content-types">'
    f'<Default Extension="rels" ContentType="{_PKG_TYPE}.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPE}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_TYPE}.worksheet+xml"/>'
    f'<Override PartName="/xl/styles.xml" ContentType="{_TYPE}.styles+xml"/></Types>',
    "_rels/.rels": f'{_HEAD}<Relationships xmlns="{_PKG}/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>",
    "xl/_rels/workbook.xml.rels": f'{_HEAD}<Relationships xmlns="{_PKG}/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/></Relationships>',
    # The smallest style sheet Excel accepts without offering to "repair" the file.
    "xl/styles.xml": f'{_HEAD}<styleSheet xmlns="{_MAIN}">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>",
    "xl/workbook.xml": f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
    '<sheet name="Passage" sheetId="1" r:id="rId1"/></sheets></workbook>',
}


def _cell(ref: str, value) -> str:
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    text = escape(ILLEGAL.sub("", "" if value is None else str(value)))
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def row_xml(number: int, values: Iterable) -> str:
    cells = "".join(_cell(f"{get_column_letter(i)}{number}", v) for i, v in enumerate(values, 1))
    return f'<row r="{number}">{cells}</row>'


class _Sink:
    """Where zipfile writes: it keeps the bytes until they are taken. It has no tell(), so
    zipfile treats it as a stream and never seeks back."""

    def __init__(self):
        self.parts: list[bytes] = []

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        return data


def chunks(header: list, rows: Iterable[list]) -> Iterator[bytes]:
    """The workbook's bytes, a piece every FLUSH_ROWS rows: the header row, then `rows`."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as book:
        for name, body in STATIC_PARTS.items():
            book.writestr(name, body)
        with book.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(f'{_HEAD}<worksheet xmlns="{_MAIN}"><sheetData>'.encode())
            sheet.write(row_xml(1, header).encode())
            for number, row in enumerate(rows, start=2):
                sheet.write(row_xml(number, row).encode())
                if number % FLUSH_ROWS == 0:
                    yield sink.take()
            sheet.write(b"</sheetData></worksheet>")
    yield sink.take()
