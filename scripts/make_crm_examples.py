#!/usr/bin/env python3
"""Writes examples/crm/ from one table of six contacts (and three Salesforce
leads), byte for byte as committed: the HubSpot contacts export
(UTF-8 with a BOM, CRLF, labels as headers, empty cells), its European
Excel variant (`;`, decimal commas, German dates and booleans,
Windows-1252, CRLF), HubSpot's API as JSON Lines (internal names, every
value a string, times in UTC: the CSV exports' local times are Europe/Berlin) and a Salesforce leads report (US dates, 1/0 checkboxes).

Run from the repository root: python3 scripts/make_crm_examples.py
(`--check` compares instead of writing, exit 1 on a difference).
"""

import datetime
import json
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

OUT = Path("examples/crm")

# Record ID, first, last, email, job title, company, employees, revenue,
# industry, created (YYYY-MM-DD HH:MM, or ""), opted out.
CONTACTS = [
    ("1001", "Anna", "Berg", "anna.berg@northwind.io", "VP Sales", "Northwind",
     "350", "12000000.5", "Computer Software", "2026-10-19 14:03", False),
    ("1002", "Ben", "Ortiz", "ben.ortiz@gmail.com", "Marketing Manager", "Ortiz Bakery",
     "12", "", "Food & Beverages", "2026-10-05 09:30", False),
    ("1003", "Chloé", "Dupont", "chloe.dupont@acme.fr", "Head of Operations", "Acme SAS",
     "1200", "54000000", "Information Technology", "2026-06-01 08:00", True),
    ("1004", "Dmitri", "Volkov", "dvolkov@globex.com", "", "Globex",
     "", "", "", "2026-10-28 17:45", False),
    ("1005", "Eva", "Schäfer", "eva.schaefer@müller-gmbh.de", "Chief Technology Officer",
     "Müller GmbH", "220", "8750000.25", "Computer Software", "2026-09-30 11:15", False),
    ("1006", "Frank", "Li", "frank.li@yahoo.com", "Intern", "",
     "", "", "", "", False),
]

HUBSPOT_HEADER = ["Record ID", "First Name", "Last Name", "Email", "Job Title",
                  "Company Name", "Number of Employees", "Annual Revenue", "Industry",
                  "Create Date", "Marketing emails opted out"]

API_KEYS = ["firstname", "lastname", "email", "jobtitle", "company",
            "numberofemployees", "annualrevenue", "industry", "createdate",
            "hs_email_optout"]

# Lead ID, first, last, title, company, employees, revenue, industry,
# created (MM/DD/YYYY), email, opted out.
SALESFORCE = [
    ("00Q5g00000AbCdE", "Grace", "Hopper", "VP Engineering", "Cobol Systems", "800",
     "25000000", "Computer Software", "10/21/2026", "grace@cobol.example", False),
    ("00Q5g00000AbCdF", "Hal", "Jordan", "Owner", "Jordan Flight School", "8",
     "", "Education", "03/14/2026", "hal.jordan@gmail.com", True),
    ("00Q5g00000AbCdG", "Ines", "Moreno", "Director of Sales", "Moreno y Hijos", "450",
     "", "Information Technology", "", "", False),
]

SALESFORCE_HEADER = ["Lead ID", "First Name", "Last Name", "Title", "Company",
                     "No. of Employees", "Annual Revenue", "Industry", "Created Date",
                     "Email", "Email Opt Out"]


def hubspot_csv():
    lines = [",".join(HUBSPOT_HEADER)]
    for c in CONTACTS:
        lines.append(",".join(list(c[:10]) + [str(c[10]).lower()]))
    return "\ufeff".encode() + ("\r\n".join(lines) + "\r\n").encode()


def european(row):
    """The `;` export: decimal commas, DD.MM.YYYY dates, ja/nein."""
    cells = list(row[:10])
    cells[7] = cells[7].replace(".", ",")
    if cells[9]:
        date, time = cells[9].split(" ")
        y, m, d = date.split("-")
        cells[9] = f"{d}.{m}.{y} {time}"
    return cells + ["ja" if row[10] else "nein"]


def hubspot_eu_csv():
    lines = [";".join(HUBSPOT_HEADER)] + [";".join(european(c)) for c in CONTACTS]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def api_jsonl():
    out = []
    for c in CONTACTS:
        created = utc(c[9]) if c[9] else ""
        values = list(c[1:9]) + [created, str(c[10]).lower()]
        record = {"id": c[0], "hs_object_id": c[0]}
        record.update(zip(API_KEYS, values))
        out.append(json.dumps(record, ensure_ascii=False))
    return ("\n".join(out) + "\n").encode()


def utc(local):
    """A Europe/Berlin `YYYY-MM-DD HH:MM` as RFC 3339 in UTC."""
    t = datetime.datetime.strptime(local, "%Y-%m-%d %H:%M")
    t = t.replace(tzinfo=ZoneInfo("Europe/Berlin")).astimezone(datetime.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def salesforce_csv():
    lines = [",".join(SALESFORCE_HEADER)]
    for lead in SALESFORCE:
        lines.append(",".join(list(lead[:10]) + ["1" if lead[10] else "0"]))
    return ("\n".join(lines) + "\n").encode()


FILES = {
    "hubspot_contacts.csv": hubspot_csv,
    "hubspot_contacts_eu.csv": hubspot_eu_csv,
    "hubspot_contacts.jsonl": api_jsonl,
    "salesforce_leads.csv": salesforce_csv,
}


def main():
    check = "--check" in sys.argv[1:]
    differ = []
    for name, make in FILES.items():
        path = OUT / name
        data = make()
        if check:
            if not path.exists() or path.read_bytes() != data:
                differ.append(name)
        else:
            path.write_bytes(data)
    if differ:
        print("differ from the generator:", ", ".join(differ))
        sys.exit(1)


if __name__ == "__main__":
    main()
