"""Generators of messy workbooks, written with openpyxl into a test's tmp_path."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl


def save(wb: openpyxl.Workbook, path: Path) -> Path:
    wb.save(path)
    return path


def title_rows(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Report"
    ws["A1"] = "Quarterly Sales Report"
    ws["A2"] = "Prepared by Finance"
    ws.append([])
    ws.append(["Region", "Sales", "Units"])
    for r in [["East", 100.5, 3], ["West", 200.25, 4], ["North", 50, 1]]:
        ws.append(r)
    return save(wb, path)


def two_tables(path: Path) -> Path:
    """Two tables stacked (blank rows between) and a third beside the first."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Dash"
    rows = [["Product", "Revenue"], ["Shoes", 10], ["Hats", 20], ["Bags", 30]]
    for i, r in enumerate(rows, start=1):
        ws.cell(i, 1, r[0]); ws.cell(i, 2, r[1])
    side = [["Manager", "Team size"], ["Ann", 4], ["Bob", 7]]
    for i, r in enumerate(side, start=1):
        ws.cell(i, 5, r[0]); ws.cell(i, 6, r[1])
    ws.cell(7, 1, "Costs by month")
    below = [["Month", "Cost", "Paid"], [dt.date(2023, 1, 1), 5.5, True], [dt.date(2023, 2, 1), 6.5, False]]
    for i, r in enumerate(below, start=8):
        for j, v in enumerate(r, start=1):
            ws.cell(i, j, v)
    return save(wb, path)


def two_row_header(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Plan"
    ws["A1"] = "Region"; ws.merge_cells("A1:A2")
    ws["B1"] = "Sales"; ws.merge_cells("B1:C1")
    ws["D1"] = "Profit"; ws.merge_cells("D1:E1")
    for col, v in zip("BCDE", ["Q1", "Q2", "Q1", "Q2"], strict=False):
        ws[f"{col}2"] = v
    ws.append(["East", 1, 2, 3, 4])
    ws.append(["West", 5, 6, 7, 8])
    return save(wb, path)


def subtotals(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Orders"
    ws.append(["Team", "Name", "Amount"])
    ws.append(["A", "Ann", 10]); ws.append(["A", "Al", 20])
    ws.append(["Subtotal A", None, 30])
    ws.append(["B", "Bea", 5]); ws.append(["B", "Bo", 7]); ws.append(["B", "Bill", 8])
    ws.append(["Subtotal B", None, 20])
    ws.append(["Grand Total", None, 50])
    return save(wb, path)


def sparse_subtotals(path: Path) -> Path:
    """Like the employee file: subtotal rows blank in the key columns, a stray word in a number column."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["ID", "Name", "Dept", "Salary", "Bonus"])
    for i in range(6):
        ws.append([f"E{i:03d}", f"N{i}", "IT", 100 + i, 0.1])
    ws.append([None, None, None, 615, "count"])
    for i in range(6, 10):
        ws.append([f"E{i:03d}", f"N{i}", "HR", 100 + i, 0.2])
    ws.append([None, None, None, 430, "count"])
    return save(wb, path)


def pivot(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Pivot"
    ws["A1"] = "Sum of Sales"; ws["B1"] = "Column Labels"
    ws.append(["Row Labels", "East", "West", "Grand Total"])
    ws.append(["Hats", 1, 2, 3])
    ws.append(["Shoes", 4, 5, 9])
    ws.append(["Grand Total", 5, 7, 12])
    return save(wb, path)


def values_kept(path: Path) -> Path:
    """'None'/'NA' as categories, leading-zero codes, numbers stored as text, a mixed date column."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["Code", "Category", "Qty as text", "Mixed", "When"])
    ws.append(["00123", "None", "10", "5", dt.date(2019, 1, 3)])
    ws.append(["00456", "NA", "20", "x", "2019-02-04"])
    ws.append(["07890", "Food", "30.5", "7", "2/30/2019"])
    ws.append(["01000", "None", "40", "8", dt.datetime(2019, 3, 5, 0, 0)])
    return save(wb, path)


def bad_headers(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Name", "Name", None, "  Sales ", "Sales"])
    ws.append(["a", "b", "c", 1, 2])
    ws.append(["d", "e", "f", 3, 4])
    return save(wb, path)


def sheets_mix(path: Path) -> Path:
    """An empty sheet, a hidden sheet and a visible one."""
    wb = openpyxl.Workbook()
    wb.active.title = "Empty"
    ws = wb.create_sheet("Secret")
    ws.sheet_state = "hidden"
    ws.append(["k", "v"]); ws.append(["x", 1]); ws.append(["y", 2])
    ws = wb.create_sheet("Main")
    ws.append(["k", "v"]); ws.append(["z", 3])
    return save(wb, path)


def empty_workbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    wb.active.title = "Nothing"
    return save(wb, path)


def big(path: Path, rows: int = 200_000) -> Path:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Big")
    ws.append(["id", "region", "amount", "day"])
    regions = ["East", "West", "North", "South"]
    base = dt.date(2020, 1, 1)
    for i in range(rows):
        ws.append([i, regions[i % 4], (i % 100) * 1.5, base + dt.timedelta(days=i % 365)])
    wb.save(path)
    return path


def same_shape_files(folder: Path) -> list[Path]:
    """Two workbooks with the same columns (a question about either fits both equally): Quantity 3+4 and 5+6."""
    out = []
    for name, qty in (("north_2022.xlsx", [3, 4]), ("north_2023.xlsx", [5, 6])):
        wb = openpyxl.Workbook()
        wb.active.append(["Region", "Quantity"])
        for q in qty:
            wb.active.append(["North", q])
        out.append(save(wb, folder / name))
    return out
