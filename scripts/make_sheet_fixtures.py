#!/usr/bin/env python3
"""Writes the spreadsheet fixtures of tests/crm_sheets.rs, byte for byte the
same on every run: tests/data/sheets/contacts.xlsx and contacts.ods.

Both hold the sheet "Contacts" (first) and the sheet "Other"; "Contacts"
has the columns of examples/crm/hubspot_contacts.csv with numbers, dates
and booleans stored as the spreadsheet's own cell types, an empty cell, a
blank row, and (xlsx only: OpenDocument has no error cells) a #N/A cell.

Needs openpyxl and odfpy (pip install openpyxl==3.1.5 odfpy==1.4.1).
Run from the repository root: python3 scripts/make_sheet_fixtures.py
"""

import datetime
import io
import re
import zipfile
from pathlib import Path

import openpyxl
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P

OUT = Path("tests/data/sheets")
FIXED = (2026, 1, 1, 0, 0, 0)

HEADER = ["Record ID", "Email", "Job Title", "Number of Employees",
          "Annual Revenue", "Create Date", "Marketing emails opted out"]
D = datetime.datetime
ROWS = [
    [1001, "anna.berg@northwind.io", "VP Sales", 350, 12000000.5,
     D(2026, 10, 19, 14, 3), False],
    [1002, "=cmd|' /C calc'!A0", "Marketing Manager", 12, None,
     D(2026, 10, 5, 9, 30), True],
    None,  # a blank row: not a lead
    [1003, "chloe.dupont@acme.fr", "Head of Operations", "#N/A", 54000000,
     D(2026, 6, 1, 8, 0), False],
]
OTHER = [["id", "Job Title"], ["X1", "Chief Executive Officer"]]


def xlsx(path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Contacts"
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append(row or [])
    for cell in sheet["F"][1:]:
        cell.number_format = "yyyy-mm-dd hh:mm"
    sheet["B3"].data_type = "s"  # text that looks like a formula, not one
    other = book.create_sheet("Other")
    for row in OTHER:
        other.append(row)
    book.properties.created = D(2026, 1, 1)
    book.properties.modified = D(2026, 1, 1)
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(fixed_zip(buffer.getvalue()))


def ods_cell(value):
    if value is None:
        return TableCell()
    if isinstance(value, bool):
        cell = TableCell(valuetype="boolean", booleanvalue=str(value).lower())
        text = "TRUE" if value else "FALSE"
    elif isinstance(value, D):
        cell = TableCell(valuetype="date", datevalue=value.isoformat())
        text = value.strftime("%Y-%m-%d %H:%M")
    elif isinstance(value, (int, float)):
        cell = TableCell(valuetype="float", value=repr(value))
        text = repr(value)
    else:
        cell = TableCell(valuetype="string")
        text = value
    cell.addElement(P(text=text))
    return cell


def ods_table(name, rows):
    table = Table(name=name)
    for row in rows:
        tr = TableRow()
        for value in row or []:
            tr.addElement(ods_cell(value))
        table.addElement(tr)
    return table


def ods(path):
    doc = OpenDocumentSpreadsheet()
    rows = [HEADER] + [r if r is None or "#N/A" not in r else
                       [v if v != "#N/A" else None for v in r] for r in ROWS]
    doc.spreadsheet.addElement(ods_table("Contacts", rows))
    doc.spreadsheet.addElement(ods_table("Other", OTHER))
    buffer = io.BytesIO()
    doc.write(buffer)
    path.write_bytes(fixed_zip(buffer.getvalue()))


def fixed_zip(data):
    """The same zip with fixed entry times and without the writer's dates
    in its metadata, so the bytes do not depend on when this ran."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename in ("meta.xml", "docProps/core.xml"):
                body = strip_dates(body)
            entry = zipfile.ZipInfo(info.filename, FIXED)
            entry.compress_type = info.compress_type
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, body)
    return out.getvalue()


def strip_dates(xml):
    xml = re.sub(rb"<meta:(creation-date|generator)>[^<]*</meta:\1>", b"", xml)
    return re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2026-01-01T00:00:00Z", xml)


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    xlsx(OUT / "contacts.xlsx")
    ods(OUT / "contacts.ods")
