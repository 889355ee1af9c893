"""Deterministic (seeded) benchmark data, cached under bench/.data/ (gitignored).

* `big_xlsx(rows)`: one sheet, 12 mixed columns (text ids, dates, categories, ints, floats with
  blanks, booleans, short free text), written with openpyxl write_only.
* `big_csv(target_mb)`: the same columns as CSV, as many rows as make `target_mb`.
* `workspace_files(n, rows_lo, rows_hi)`: n files of varied schemas (six domains, columns renamed
  and dropped per file); every 8th file is a two-sheet .xlsx, the rest CSV. Returns paths and the
  schema of each table, from which `questions()` builds a question mix.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent
DATA = Path(os.environ.get("BENCH_DATA", ROOT / ".data"))
VERSION = 1  # bump when a generator changes, so cached files are rebuilt

REGIONS = ["North", "South", "East", "West", "Central"]
CATEGORIES = ["Furniture", "Office Supplies", "Technology", "Apparel", "Footwear", "Grocery"]
SHIP = ["Standard Class", "Second Class", "First Class", "Same Day"]
WORDS = ("late damaged missing great fast slow refund replacement color size quality price box label "
         "courier warehouse return exchange invoice").split()


@contextlib.contextmanager
def locked(name: str):
    """An exclusive file lock under DATA, so concurrent benchmark runs never build the same file twice."""
    DATA.mkdir(parents=True, exist_ok=True)
    with open(DATA / f".{name}.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _done(path: Path) -> bool:
    return path.exists() and path.with_name(path.name + ".ok").exists()


def _mark(path: Path) -> None:
    path.with_name(path.name + ".ok").write_text("ok")


def big_frame(rows: int, seed: int = 7) -> pd.DataFrame:
    """The 12 mixed columns of the large read/ingest file."""
    rng = np.random.default_rng(seed)
    base = np.datetime64("2019-01-01")
    products = np.array([f"{c[:4].upper()}-{i:04d}" for c in CATEGORIES for i in range(60)])
    customers = np.array([f"Customer {i:05d}" for i in range(5000)])
    qty = rng.integers(1, 50, rows)
    price = np.round(rng.gamma(2.0, 40.0, rows) + 1, 2)
    disc = np.round(rng.choice([0, 0.05, 0.1, 0.2], rows), 2).astype(float)
    disc[rng.random(rows) < 0.05] = np.nan  # blanks
    notes = np.array([" ".join(rng.choice(WORDS, 3)) for _ in range(997)])
    return pd.DataFrame({
        "Order ID": np.char.add("O", np.char.zfill(np.arange(1, rows + 1).astype(str), 7)),
        "Order Date": (base + rng.integers(0, 6 * 365, rows).astype("timedelta64[D]")).astype("datetime64[s]"),
        "Region": rng.choice(REGIONS, rows),
        "Category": rng.choice(CATEGORIES, rows),
        "Product": rng.choice(products, rows),
        "Customer": rng.choice(customers, rows),
        "Ship Mode": rng.choice(SHIP, rows),
        "Quantity": qty,
        "Unit Price": price,
        "Discount": disc,
        "Returned": rng.random(rows) < 0.07,
        "Notes": notes[rng.integers(0, len(notes), rows)],
    })


def _write_xlsx(path: Path, sheets: dict[str, pd.DataFrame]) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    for name, df in sheets.items():
        ws = wb.create_sheet(name)
        ws.append(list(df.columns))
        cols = []
        for c in df.columns:
            s = df[c]
            if pd.api.types.is_datetime64_any_dtype(s):
                vals = [None if pd.isna(v) else v for v in s.dt.to_pydatetime().tolist()]
            else:
                vals = [None if (isinstance(v, float) and v != v) else v for v in s.tolist()]
            cols.append(vals)
        for row in zip(*cols, strict=False):
            ws.append(row)
    tmp = path.with_suffix(".part")
    wb.save(tmp)
    os.replace(tmp, path)


def big_xlsx(rows: int) -> Path:
    DATA.mkdir(parents=True, exist_ok=True)
    p = DATA / f"big-v{VERSION}-{rows}.xlsx"
    with locked(p.name):
        if not _done(p):
            _write_xlsx(p, {"Orders": big_frame(rows)})
            _mark(p)
    return p


def big_csv(target_mb: int) -> Path:
    DATA.mkdir(parents=True, exist_ok=True)
    p = DATA / f"big-v{VERSION}-{target_mb}mb.csv"
    with locked(p.name):
        return _big_csv(p, target_mb)


def _big_csv(p: Path, target_mb: int) -> Path:
    if not _done(p):
        sample = big_frame(20000, seed=11).to_csv(index=False)
        per_row = len(sample.encode()) / 20000
        rows = int(target_mb * 1_000_000 / per_row)
        tmp = p.with_suffix(".part")
        big_frame(rows, seed=11).to_csv(tmp, index=False, date_format="%Y-%m-%d")
        os.replace(tmp, p)
        _mark(p)
    return p


# --- the generated workspace ----------------------------------------------------------
@dataclass
class TableSpec:
    file: str
    sheet: str | None
    rows: int
    measures: list[str]
    groups: dict[str, list[str]]  # column -> its values
    date: str | None
    years: list[int] = field(default_factory=list)


DOMAINS = {
    "sales": {"groups": {"Region": REGIONS, "Category": CATEGORIES, "Ship Mode": SHIP,
                         "Segment": ["Consumer", "Corporate", "Home Office"]},
              "measures": {"Sales": (200.0, 150.0), "Profit": (30.0, 60.0), "Quantity": (5, 0)},
              "date": "Order Date", "id": "Order ID"},
    "hr": {"groups": {"Department": ["IT", "Finance", "Marketing", "Sales", "Operations", "Legal"],
                      "Country": ["United States", "China", "Brazil", "Germany", "India"],
                      "Gender": ["Female", "Male"]},
           "measures": {"Annual Salary": (90000.0, 25000.0), "Bonus": (5000.0, 3000.0), "Age": (40, 0)},
           "date": "Hire Date", "id": "Employee ID"},
    "inventory": {"groups": {"Warehouse": ["Rotterdam", "Denver", "Osaka", "Lagos", "Lima"],
                             "Supplier": ["Acme Corp", "Globex", "Initech", "Umbrella", "Hooli", "Stark"],
                             "Bin Type": ["Pallet", "Shelf", "Cold"]},
                  "measures": {"Stock Level": (300, 0), "Unit Cost": (12.5, 6.0), "Reorder Qty": (80, 0)},
                  "date": "Received Date", "id": "SKU"},
    "web": {"groups": {"Channel": ["Organic", "Paid Search", "Email", "Social", "Referral"],
                       "Device": ["Desktop", "Mobile", "Tablet"],
                       "Landing Page": ["Home", "Pricing", "Blog", "Docs", "Signup"]},
            "measures": {"Sessions": (120, 0), "Bounce Rate": (0.45, 0.15), "Conversions": (4, 0)},
            "date": "Visit Date", "id": "Visit ID"},
    "support": {"groups": {"Priority": ["Low", "Medium", "High", "Urgent"],
                           "Team": ["Billing", "Tech", "Onboarding", "Returns"],
                           "Reason": ["Late Delivery", "Damaged Item", "Wrong Size", "Refund", "Other"]},
                "measures": {"Resolution Hours": (20.0, 15.0), "Satisfaction": (4, 0), "Replies": (3, 0)},
                "date": "Opened Date", "id": "Ticket ID"},
    "ledger": {"groups": {"Account": ["Travel", "Rent", "Payroll", "Software", "Marketing Spend", "Utilities"],
                          "Cost Center": ["CC-100", "CC-200", "CC-300", "CC-400"],
                          "Currency": ["USD", "EUR", "GBP"]},
               "measures": {"Amount": (1500.0, 900.0), "Tax": (150.0, 90.0), "Lines": (6, 0)},
               "date": "Posting Date", "id": "Entry ID"},
}


def _table(rng: np.random.Generator, domain: str, rows: int, drop: int) -> tuple[pd.DataFrame, dict]:
    d = DOMAINS[domain]
    groups = dict(list(d["groups"].items())[: len(d["groups"]) - drop])
    start = 2018 + int(rng.integers(0, 3))
    n_years = int(rng.integers(2, 5))
    base = np.datetime64(f"{start}-01-01")
    cols: dict[str, object] = {d["id"]: np.char.add(d["id"][:2].upper(), np.arange(1, rows + 1).astype(str))}
    cols[d["date"]] = (base + rng.integers(0, 365 * n_years, rows).astype("timedelta64[D]")).astype("datetime64[s]")
    for g, vals in groups.items():
        w = rng.dirichlet(np.ones(len(vals)) * 3)
        cols[g] = rng.choice(vals, rows, p=w)
    for m, (mu, sd) in d["measures"].items():
        if sd:  # float measure
            cols[m] = np.round(np.abs(rng.normal(mu, sd, rows)), 2)
        else:
            cols[m] = rng.poisson(mu, rows) + 1
    spec = {"measures": list(d["measures"]), "groups": groups, "date": d["date"],
            "years": list(range(start, start + n_years))}
    return pd.DataFrame(cols), spec


def workspace_files(n: int, rows_lo: int, rows_hi: int, seed: int = 42) -> tuple[list[Path], list[TableSpec]]:
    """n files of varied schemas; cached. Returns (paths, table specs)."""
    folder = DATA / f"ws-v{VERSION}-{n}-{rows_lo}-{rows_hi}" if seed == 42 else DATA / f"ws-v{VERSION}-{n}-{rows_lo}-{rows_hi}-s{seed}"
    manifest = folder / "manifest.json"
    with locked(folder.name):
        if not manifest.exists():
            _build_workspace_files(folder, manifest, n, rows_lo, rows_hi, seed)
    m = json.loads(manifest.read_text())
    return [folder / f for f in m["files"]], [TableSpec(**s) for s in m["specs"]]


def _build_workspace_files(folder: Path, manifest: Path, n: int, rows_lo: int, rows_hi: int, seed: int) -> None:
    if True:
        folder.mkdir(parents=True, exist_ok=True)
        rng = np.random.default_rng(seed)
        specs, paths = [], []
        names = list(DOMAINS)
        for i in range(n):
            domain = names[i % len(names)]
            rows = int(rng.integers(rows_lo, rows_hi + 1))
            drop = int(rng.integers(0, 2))
            if i % 8 == 7:  # a two-sheet workbook: this domain plus the next one, half size each
                other = names[(i + 1) % len(names)]
                r2 = max(rows_lo // 2, 1000)
                df1, s1 = _table(rng, domain, r2, drop)
                df2, s2 = _table(rng, other, r2, drop)
                p = folder / f"{i:03d}-{domain}-{other}.xlsx"
                _write_xlsx(p, {domain.title(): df1, other.title(): df2})
                specs += [TableSpec(p.name, domain.title(), r2, **s1), TableSpec(p.name, other.title(), r2, **s2)]
            else:
                df, s = _table(rng, domain, rows, drop)
                p = folder / f"{i:03d}-{domain}.csv"
                df.to_csv(p, index=False, date_format="%Y-%m-%d")
                specs.append(TableSpec(p.name, None, rows, **s))
            paths.append(p)
        manifest.write_text(json.dumps({"files": [p.name for p in paths],
                                        "specs": [s.__dict__ for s in specs]}))


def questions(specs: list[TableSpec], per_table: int = 5, seed: int = 3) -> list[tuple[str, str]]:
    """(file name, question) pairs: totals, averages by group, top-k, counts with a value filter, year filters."""
    rng = np.random.default_rng(seed)
    out = []
    for s in specs:
        m = s.measures[int(rng.integers(0, len(s.measures)))]
        m2 = s.measures[int(rng.integers(0, len(s.measures)))]
        gs = list(s.groups)
        g = gs[int(rng.integers(0, len(gs)))]
        g2 = gs[int(rng.integers(0, len(gs)))]
        v = s.groups[g2][int(rng.integers(0, len(s.groups[g2])))]
        y = s.years[int(rng.integers(0, len(s.years)))]
        qs = [f"What is the total {m}?",
              f"What is the average {m2} by {g}?",
              f"What are the top 3 {g} by total {m}?",
              f"How many rows have {g2} {v}?",
              f"What was the total {m2} in {y}?"]
        out += [(s.file, q) for q in qs[:per_table]]
    return out


def messy_frame(rows: int, seed: int = 13) -> pd.DataFrame:
    """CSV-shaped columns as people export them: codes with leading zeros, dates as text, money with
    thousands separators and missing markers ('N/A', '-'), quoted text with commas."""
    rng = np.random.default_rng(seed)
    base = np.datetime64("2018-01-01")
    days = (base + rng.integers(0, 7 * 365, rows).astype("timedelta64[D]")).astype(str)
    amount = np.round(rng.gamma(2.0, 900.0, rows), 2)
    money = np.array([f"{v:,.2f}" for v in rng.choice(amount, 5000)])[rng.integers(0, 5000, rows)]
    money[rng.random(rows) < 0.01] = "N/A"
    qty = rng.integers(1, 500, rows).astype(str).astype(object)
    qty[rng.random(rows) < 0.02] = "-"
    notes = np.array([", ".join(rng.choice(WORDS, 2)) for _ in range(997)])
    return pd.DataFrame({
        "Account Code": np.char.zfill(rng.integers(1, 99999, rows).astype(str), 6),
        "Posting Date": days,
        "Region": rng.choice(REGIONS, rows),
        "Customer": np.char.add("Customer ", rng.integers(0, 50000, rows).astype(str)),
        "Amount": money,
        "Quantity": qty,
        "Unit Price": np.round(rng.gamma(2.0, 40.0, rows) + 1, 2),
        "Discount": np.where(rng.random(rows) < 0.05, "", rng.choice(["0", "0.05", "0.1"], rows)),
        "Notes": notes[rng.integers(0, len(notes), rows)],
    })


def messy_csv(target_mb: int) -> Path:
    """`messy_frame` as a CSV of about `target_mb` MB (the columnar CSV reader's benchmark file)."""
    DATA.mkdir(parents=True, exist_ok=True)
    p = DATA / f"messy-v{VERSION}-{target_mb}mb.csv"
    with locked(p.name):
        if not _done(p):
            per_row = len(messy_frame(20000).to_csv(index=False).encode()) / 20000
            tmp = p.with_suffix(".part")
            messy_frame(int(target_mb * 1_000_000 / per_row)).to_csv(tmp, index=False)
            os.replace(tmp, p)
            _mark(p)
    return p
