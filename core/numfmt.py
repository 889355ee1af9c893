"""Excel number formats per column ('0.0%', '$#,##0.00'), read from the xlsx package itself.

The fast reader (calamine) returns values without their formats, so a 13% cell arrives as 0.13. The format
says what the number means; this reads it from styles.xml and the first cells of each sheet's XML (a bounded
prefix, so a large sheet costs no more than a small one) without loading the workbook again.
"""
from __future__ import annotations

import logging
import posixpath
import re
import zipfile
from collections import Counter
from pathlib import Path

log = logging.getLogger(__name__)

# built-in format ids that carry a meaning (ECMA-376 18.8.30); the rest are General, plain numbers or dates
BUILTIN = {5: "$#,##0", 6: "$#,##0", 7: "$#,##0.00", 8: "$#,##0.00", 9: "0%", 10: "0.00%", 42: "$#,##0", 44: "$#,##0.00"}
PREFIX_BYTES = 1_000_000  # of each sheet's XML (some thousands of rows): the first rows say a column's format
_ATTR = re.compile(r'(\w+)="([^"]*)"')
_CELL = re.compile(r"<c\b([^>]*)>")
_REF = re.compile(r"^([A-Z]+)\d+$")


def _attrs(tag: str) -> dict[str, str]:
    return dict(_ATTR.findall(tag))


def _style_formats(z: zipfile.ZipFile) -> list[str | None]:
    """Each cell style (cellXfs index) -> its number format code."""
    try:
        with z.open("xl/styles.xml") as f:  # bounded: the declared size may lie
            xml = f.read(50_000_000).decode("utf-8", "replace")
    except KeyError:
        return []
    custom = {int(a["numFmtId"]): a.get("formatCode", "").replace("&quot;", '"')
              for a in map(_attrs, re.findall(r"<(?:\w+:)?numFmt\b([^>]*)/?>", xml)) if "numFmtId" in a}
    m = re.search(r"<(?:\w+:)?cellXfs\b[^>]*>(.*?)</(?:\w+:)?cellXfs>", xml, re.S)
    if not m:
        return []
    out = []
    for a in map(_attrs, re.findall(r"<(?:\w+:)?xf\b([^>]*)>", m.group(1))):
        fid = int(a.get("numFmtId", 0) or 0)
        out.append(custom.get(fid) or BUILTIN.get(fid))
    return out


def _sheet_paths(z: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its part's path in the package."""
    wb = z.read("xl/workbook.xml").decode("utf-8", "replace")
    rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    targets = {a.get("Id"): a.get("Target", "") for a in map(_attrs, re.findall(r"<Relationship\b([^>]*)/?>", rels))}
    out = {}
    for a in map(_attrs, re.findall(r"<(?:\w+:)?sheet\b([^>]*)/?>", wb)):
        rid = next((v for k, v in a.items() if k == "id"), None)
        target = targets.get(rid)
        if target and a.get("name"):
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            out[a["name"].replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
                .replace("&apos;", "'")] = path
    return out


def _column_formats(xml: str, styles: list[str | None]) -> dict[str, str]:
    """Column letter -> the format most of its number cells carry (when one is set at all)."""
    seen: dict[str, Counter] = {}
    for tag in _CELL.findall(xml):
        a = _attrs(tag)
        if a.get("t", "n") != "n" or "s" not in a:
            continue
        ref = _REF.match(a.get("r", ""))
        s = int(a["s"]) if a["s"].isdigit() else -1
        if ref and 0 <= s < len(styles):
            seen.setdefault(ref.group(1), Counter())[styles[s]] += 1
    out = {}
    for col, counts in seen.items():
        best, n = counts.most_common(1)[0]
        if best and n >= 0.5 * sum(counts.values()):
            out[col] = best
    return out


def xlsx_column_formats(path: Path | str) -> dict[str, dict[str, str]]:
    """Sheet name -> column letter -> number format, for an xlsx/xlsm package; {} when it cannot be read (the
    formats are a help to reading the numbers, never a requirement)."""
    try:
        with zipfile.ZipFile(path) as z:
            styles = _style_formats(z)
            if not any(styles):
                return {}
            out = {}
            for name, part in _sheet_paths(z).items():
                try:
                    with z.open(part) as f:
                        xml = f.read(PREFIX_BYTES).decode("utf-8", "replace")
                except KeyError:
                    continue
                out[name] = _column_formats(xml, styles)
            return out
    except Exception:  # a package the readers accepted but this cannot parse: no formats, same numbers
        log.info("number formats could not be read from %s", path, exc_info=True)
        return {}
