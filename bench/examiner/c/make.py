#!/usr/bin/env python3
"""Examiner set c: 8 messy tables (.xlsx and .csv) in books/ and heldout.jsonl.

Domains: CRM deals, timesheets, warehouse shipments, school enrolment, hospital wards,
project tasks, product reviews, real estate listings. The files carry a title row above
the header, totals rows, blanks, ties, numbers stored as text with units or currency signs,
dates as text, a header over two rows and repeated entities. Every expected answer is
computed with plain pandas from the numeric frame, and each file is read back from disk
and checked against that frame, so the answers hold for what is written."""
import csv
import json
import random
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
B = HERE / "books"
B.mkdir(exist_ok=True)
rng = random.Random(20261207)
nrng = np.random.default_rng(20261207)
Q = []


def q(qid, f, text, expect):
    Q.append({"id": qid, "files": ["books/" + f], "question": text, "expect": expect})


def one(s):
    """The expectation for a superlative: a text, or the set of all tied labels."""
    s = list(dict.fromkeys(s))
    return {"text": s[0]} if len(s) == 1 else {"set": s}


def argext(df, col, label, asc=False):
    v = df[col].min() if asc else df[col].max()
    return one(df.loc[df[col] == v, label])


def idaddr(df, col, asc=False):
    v = df[col].min() if asc else df[col].max()
    hit = df[df[col] == v]
    assert len(hit) == 1
    return {"text_any": [hit.ID.iloc[0], hit.Address.iloc[0]]}


def grpext(series, asc=False):
    v = series.min() if asc else series.max()
    return one(series[series == v].index)


def cellv(v):
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating,)):
        return float(v)
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    return v


def write(name, rows, header, sheet, title=None, top=None, merges=(), blank_after_title=False):
    """Write name.xlsx and name.csv: optional title row, optional group header row `top`, header, rows."""
    lines = []
    if title:
        lines.append([title] + [None] * (len(header) - 1))
        if blank_after_title:
            lines.append([None] * len(header))
    if top:
        lines.append(top)
    lines.append(header)
    lines += [[cellv(v) for v in r] for r in rows]
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for ln in lines:
        ws.append(ln)
    off = len(lines) - len(rows) - (2 if top else 1)
    for rng_ in merges:
        ws.merge_cells(rng_.format(r1=off + 1, r2=off + 2))
    wb.save(B / f"{name}.xlsx")
    with open(B / f"{name}.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        for ln in lines:
            w.writerow(["" if v is None else (v.date().isoformat() if hasattr(v, "date") and not isinstance(v, str)
                                               else v) for v in ln])
    return off


def money(x, sym="$", dec=2):
    return f"{sym}{x:,.{dec}f}"


def num(s):
    """Parse a text number with units/currency back to float (for the read-back check)."""
    if s is None or (isinstance(s, float) and np.isnan(s)) or s == "":
        return np.nan
    t = str(s)
    for junk in ("$", "€", "£", ",", "kg", "sq ft", "h", "%", "days", "day"):
        t = t.replace(junk, "")
    return float(t.strip())


def readback(name, skip, n, cols, frame):
    """Read the file back with pandas and check the given text columns parse to the frame's numbers."""
    for ext in ("xlsx", "csv"):
        p = B / f"{name}.{ext}"
        d = pd.read_excel(p, engine="openpyxl", skiprows=skip, dtype=str) if ext == "xlsx" else pd.read_csv(p, skiprows=skip, dtype=str)
        d = d.iloc[:n]
        for disk, mine in cols.items():
            a = d[disk].map(num).to_numpy(dtype=float)
            b = frame[mine].to_numpy(dtype=float)
            assert np.allclose(np.nan_to_num(a, nan=-1), np.nan_to_num(b, nan=-1)), (name, ext, disk)


# ==================================================================== 1 crm_deals
accounts = ["Acme Corp", "Brightwave", "Cobalt Health", "Dunmore Logistics", "Everlane Foods", "Fjord Energy",
            "Granite Bank", "Helix Labs", "Ironbark Mining", "Juniper Retail"]
owners = ["Sofia Marin", "Raj Patel", "Owen Brooks", "Lena Hoffmann", "Tariq Aziz"]
stages = ["Prospecting", "Qualification", "Proposal", "Negotiation", "Closed Won", "Closed Lost"]
prob = {"Prospecting": 10, "Qualification": 25, "Proposal": 50, "Negotiation": 75, "Closed Won": 100, "Closed Lost": 0}
kinds = ["Renewal", "Expansion", "New licence", "Pilot", "Support plan", "Upgrade"]
rows = []
for i in range(32):
    acc = accounts[nrng.integers(len(accounts))] if i >= 10 else accounts[i]
    st = stages[int(nrng.choice(6, p=[.15, .15, .2, .15, .2, .15]))]
    amt = int(round(nrng.lognormal(10.3, 0.7), -2))
    d = date(2025, 7, 1) + timedelta(days=int(nrng.integers(0, 150)))
    rows.append([f"D-{1001 + i}", acc, f"{acc.split()[0]} {kinds[i % 6]}", owners[i % 5], st, amt, d, prob[st]])
dl = pd.DataFrame(rows, columns=["ID", "Account", "Deal", "Owner", "Stage", "Amount", "Close", "Prob"])
dl.loc[[6, 19], "Owner"] = None                 # unassigned deals
dl.loc[12, "Amount"] = dl.Amount.max() + 5000   # a clear biggest deal
dl.loc[27, "Amount"] = dl.loc[3, "Amount"]      # a tie somewhere
dl["Close"] = pd.to_datetime(dl.Close)
disp = [[r.ID, r.Account, r.Deal, r.Owner, r.Stage, money(r.Amount, dec=0), r.Close.strftime("%b %d, %Y"), f"{r.Prob}%"]
        for r in dl.itertuples()]
disp.append(["Total", None, None, None, None, money(dl.Amount.sum(), dec=0), None, None])
off = write("crm_deals", disp, ["Deal ID", "Account", "Deal Name", "Owner", "Stage", "Amount", "Close Date", "Probability"],
            "Pipeline", title="Sales pipeline - export 2025-06-30 (all regions)")
readback("crm_deals", off, len(dl), {"Amount": "Amount", "Probability": "Prob"}, dl)
F, G = "crm_deals.xlsx", "crm_deals.csv"
won, lost = dl[dl.Stage == "Closed Won"], dl[dl.Stage == "Closed Lost"]
opend = dl[~dl.Stage.isin(["Closed Won", "Closed Lost"])]
q("crm-01", F, "How many deals are in the pipeline?", {"number": len(dl)})
q("crm-02", F, "What is the total value of closed won deals?", {"number": float(won.Amount.sum())})
q("crm-03", G, "Which account has the biggest single deal?", argext(dl, "Amount", "Account"))
q("crm-04", F, "What's the average deal size?", {"number": float(dl.Amount.mean())})
q("crm-05", F, "How many deals are in Negotiation?", {"number": int((dl.Stage == "Negotiation").sum())})
ow = won.groupby("Owner").Amount.sum()
q("crm-06", F, "Which sales rep has won the most revenue?", grpext(ow))
q("crm-07", G, "How many deals are expected to close in September 2025?",
  {"number": int(((dl.Close.dt.year == 2025) & (dl.Close.dt.month == 9)).sum())})
q("crm-08", F, "What is our win rate (won deals out of all closed deals)?", {"share": len(won) / (len(won) + len(lost))})
q("crm-09", F, "What share of the total pipeline value is in the Proposal stage?",
  {"share": float(dl[dl.Stage == "Proposal"].Amount.sum() / dl.Amount.sum())})
q("crm-10", F, "What's the weighted pipeline value, amount times probability, summed over all deals?",
  {"number": float((dl.Amount * dl.Prob / 100).sum())})
ac = dl.Account.value_counts()
q("crm-11", G, "Which account has the most deals?", grpext(ac))
q("crm-12", F, "What is the total amount of all Granite Bank deals?", {"number": float(dl[dl.Account == "Granite Bank"].Amount.sum())})
q("crm-13", F, "How many deals have no owner assigned?", {"number": int(dl.Owner.isna().sum())})
q("crm-14", F, "List the deals owned by Raj Patel worth more than $30,000.",
  {"set": list(dl[(dl.Owner == "Raj Patel") & (dl.Amount > 30000)].Deal)})
a_, b_ = dl.iloc[4], dl.iloc[9]
q("crm-15", F, f"Which is worth more, {a_.ID} or {b_.ID}?", {"text": a_.ID if a_.Amount > b_.Amount else b_.ID})
q("crm-16", G, "How much open pipeline (not closed won or lost) does Lena Hoffmann have?",
  {"number": float(opend[opend.Owner == "Lena Hoffmann"].Amount.sum())})
x = dl[dl.ID == "D-1010"].iloc[0]
nxt = dl[dl.Close > x.Close].sort_values("Close")
q("crm-17", F, "Which deal is due to close right after D-1010?",
  one(nxt[nxt.Close == nxt.Close.min()].ID))
q("crm-18", F, "Did Sofia Marin win more deals than Owen Brooks?",
  {"bool": bool((won.Owner == "Sofia Marin").sum() > (won.Owner == "Owen Brooks").sum())})
q("crm-19", F, "What is the smallest deal amount?", {"number": float(dl.Amount.min())})
q("crm-20", G, "How many deals over $50,000 are still open?", {"number": int((opend.Amount > 50000).sum())})
assert (dl.Close == dl.Close.max()).sum() == 1
q("crm-21", F, "Which deal closes last?", {"text_any": list(dl.loc[dl.Close.idxmax(), ["ID", "Deal"]])})
q("crm-22", F, "What is the phone number of the Helix Labs contact?", {"refuse": True})
q("crm-23", F, "How much commission will Tariq Aziz earn this quarter?", {"refuse": True})
q("crm-24", G, "Which lead source produced the most won deals?", {"refuse": True})
so = dl.groupby("Stage").Amount.sum()
q("crm-25", F, "Which stage holds the most value?", grpext(so))

# ==================================================================== 2 timesheets
emps = [("Hannah Kim", "Design", 48.0), ("Marcus Reid", "Engineering", 62.5), ("Priya Nair", "Engineering", 62.5),
        ("Diego Alvarez", "Support", 35.0), ("Olivia Grant", "Design", 52.0), ("Tomasz Nowak", "Engineering", 58.0),
        ("Amara Okeke", "Support", 38.0)]
projects = ["Atlas", "Beacon", "Cascade", "Internal"]
weeks = pd.date_range("2025-03-07", periods=6, freq="W-FRI")
rows = []
for w in weeks:
    for name, dept, rate in emps:
        if (name, w.day) in (("Diego Alvarez", 21), ("Olivia Grant", 4)):
            rows.append([name, dept, w, "Leave", np.nan, rate, 0.0])
            continue
        hrs = float(rng.choice([32, 36, 37.5, 38, 40, 40, 40, 42, 44, 45]))
        ot = max(0.0, hrs - 40)
        rows.append([name, dept, w, projects[int(nrng.integers(4))], hrs, rate, ot])
ts = pd.DataFrame(rows, columns=["Employee", "Dept", "Week", "Project", "Hours", "Rate", "OT"])
ts["Pay"] = ts.Hours.fillna(0) * ts.Rate + ts.OT * ts.Rate * 0.5
disp = [[r.Employee, r.Dept, r.Week, r.Project, None if np.isnan(r.Hours) else f"{r.Hours:g} h", money(r.Rate), r.OT]
        for r in ts.itertuples()]
disp.append(["TOTAL", None, None, None, f"{ts.Hours.sum():g} h", None, ts.OT.sum()])
off = write("timesheets", disp, ["Employee", "Department", "Week Ending", "Project", "Hours", "Hourly Rate", "Overtime Hours"],
            "Timesheets")
readback("timesheets", off, len(ts), {"Hours": "Hours", "Hourly Rate": "Rate", "Overtime Hours": "OT"}, ts)
F, G = "timesheets.xlsx", "timesheets.csv"
eh = ts.groupby("Employee").Hours.sum()
q("ts-01", F, "How many hours did Marcus Reid log in total?", {"number": float(eh["Marcus Reid"])})
q("ts-02", F, "Who worked the most hours overall?", grpext(eh))
q("ts-03", G, "Who worked the fewest hours?", grpext(eh, asc=True))
q("ts-04", F, "What's the average number of hours per timesheet entry?", {"number": float(ts.Hours.mean())})
q("ts-05", F, "How many overtime hours were worked in total?", {"number": float(ts.OT.sum())})
wk = weeks[2]
q("ts-06", F, f"How many hours were logged in the week ending {wk.strftime('%d %B %Y')}?",
  {"number": float(ts[ts.Week == wk].Hours.sum())})
ph = ts[ts.Project != "Leave"].groupby("Project").Hours.sum()
q("ts-07", G, "Which project got the most hours?", grpext(ph))
q("ts-08", F, "How many hours were booked to Beacon?", {"number": float(ph["Beacon"])})
q("ts-09", F, "How many employees are on the timesheet?", {"number": int(ts.Employee.nunique())})
q("ts-10", F, "In how many weeks did Priya Nair work overtime?", {"number": int((ts[ts.Employee == "Priya Nair"].OT > 0).sum())})
q("ts-11", F, "Who has the highest hourly rate?", argext(ts.drop_duplicates("Employee"), "Rate", "Employee"))
q("ts-12", G, "What is the total hours worked by the Support department?", {"number": float(ts[ts.Dept == "Support"].Hours.sum())})
q("ts-13", F, "How many timesheet entries are for leave?", {"number": int((ts.Project == "Leave").sum())})
q("ts-14", F, "What's the total labour cost, hours times hourly rate, with no overtime premium?",
  {"number": float((ts.Hours.fillna(0) * ts.Rate).sum())})
q("ts-15", F, "How much did Hannah Kim earn at her hourly rate over the period (hours times rate)?",
  {"number": float((ts[ts.Employee == "Hannah Kim"].Hours * ts[ts.Employee == "Hannah Kim"].Rate).sum())})
q("ts-16", G, "How many entries have more than 40 hours?", {"number": int((ts.Hours > 40).sum())})
q("ts-17", F, "Did Tomasz Nowak work more hours than Priya Nair?", {"bool": bool(eh["Tomasz Nowak"] > eh["Priya Nair"])})
dh = ts.groupby("Dept").Hours.mean()
q("ts-18", F, "Which department has the highest average hours per entry?", grpext(dh))
q("ts-19", F, "How many hours did Olivia Grant work on Atlas?",
  {"number": float(ts[(ts.Employee == "Olivia Grant") & (ts.Project == "Atlas")].Hours.sum())})
q("ts-20", F, "What is Amara Okeke's employee number?", {"refuse": True})
q("ts-21", G, "How many vacation days does Diego Alvarez have left?", {"refuse": True})
q("ts-22", F, "What's the overtime rate for Engineering?", {"refuse": True})
assert ts[ts.Employee == "Marcus Reid"].Hours.notna().all()
q("ts-23", F, "What's the average hours per week for Marcus Reid?",
  {"number": float(ts[ts.Employee == "Marcus Reid"].Hours.mean())})

# ==================================================================== 3 shipments
carriers = ["DHL", "UPS", "FedEx", "PostNL"]
dests = ["Berlin", "Madrid", "Milan", "Warsaw", "Lyon", "Vienna", "Prague"]
whs = ["Rotterdam", "Antwerp"]
rows = []
for i in range(42):
    sd = date(2025, 1, 6) + timedelta(days=int(nrng.integers(0, 85)))
    c = carriers[int(nrng.choice(4, p=[.35, .25, .25, .15]))]
    wgt = round(float(nrng.gamma(2.0, 60)), 1)
    cost = round(25 + wgt * float(nrng.uniform(0.35, 0.6)), 2)
    stt = str(nrng.choice(["Delivered", "Delivered", "Delivered", "In transit", "Returned"]))
    dd = sd + timedelta(days=int(nrng.integers(1, 7))) if stt != "In transit" else None
    rows.append([f"SH-{2201 + i}", sd, whs[i % 2], dests[int(nrng.integers(7))], c, wgt, cost, stt, dd])
sh = pd.DataFrame(rows, columns=["ID", "Ship", "WH", "Dest", "Carrier", "Kg", "Cost", "Status", "Deliv"])
sh.loc[sh.index[-1], "Ship"] = date(2025, 3, 31)
sh["Ship"] = pd.to_datetime(sh.Ship)
sh["Deliv"] = pd.to_datetime(sh.Deliv)
sh.loc[5, "Kg"] = sh.Kg.max() + 40.0                       # one clear heaviest
disp = [[r.ID, r.Ship.strftime("%Y-%m-%d"), r.WH, r.Dest, r.Carrier, f"{r.Kg:.1f} kg", money(r.Cost, "€"), r.Status,
         None if pd.isna(r.Deliv) else r.Deliv.strftime("%Y-%m-%d")] for r in sh.itertuples()]
off = write("shipments", disp, ["Shipment", "Ship Date", "Warehouse", "Destination", "Carrier", "Weight", "Freight Cost",
                                 "Status", "Delivered On"], "Q1 2025", title="Outbound shipments Q1 2025",
            blank_after_title=True)
readback("shipments", off, len(sh), {"Weight": "Kg", "Freight Cost": "Cost"}, sh)
F, G = "shipments.xlsx", "shipments.csv"
q("sh-01", F, "How many shipments went out with DHL?", {"number": int((sh.Carrier == "DHL").sum())})
q("sh-02", F, "What was the total freight cost?", {"number": float(sh.Cost.sum())})
q("sh-03", G, "Which shipment was the heaviest?", argext(sh, "Kg", "ID"))
q("sh-04", F, "What is the average weight of shipments to Berlin?", {"number": float(sh[sh.Dest == "Berlin"].Kg.mean())})
q("sh-05", F, "How many shipments are still in transit?", {"number": int((sh.Status == "In transit").sum())})
ck = sh.groupby("Carrier").Kg.sum()
q("sh-06", F, "Which carrier moved the most weight?", grpext(ck))
q("sh-07", G, "How many shipments were sent in February 2025?", {"number": int((sh.Ship.dt.month == 2).sum())})
dv = sh[sh.Status == "Delivered"]
q("sh-08", F, "On average, how many days did delivered shipments take from ship date to delivery?",
  {"number": float((dv.Deliv - dv.Ship).dt.days.mean())})
q("sh-09", F, "What share of shipments were returned?", {"share": float((sh.Status == "Returned").mean())})
dc = sh.Dest.value_counts()
q("sh-10", F, "Which destination received the most shipments?", grpext(dc))
q("sh-11", G, "What was the total freight cost for UPS shipments to Madrid?",
  {"number": float(sh[(sh.Carrier == "UPS") & (sh.Dest == "Madrid")].Cost.sum())})
q("sh-12", F, "How many shipments weighed over 150 kg?", {"number": int((sh.Kg > 150).sum())})
wc = sh.groupby("WH").Cost.sum()
q("sh-13", F, "Which warehouse spent more on freight, Rotterdam or Antwerp?", {"text": wc.idxmax()})
q("sh-14", F, "What was the most expensive shipment to Vienna?",
  argext(sh[sh.Dest == "Vienna"], "Cost", "ID") if (sh.Dest == "Vienna").any() else {"refuse": True})
q("sh-15", F, "When was the last shipment sent?", {"text": sh.Ship.max().strftime("%Y-%m-%d")})
q("sh-16", G, "Was SH-2210 delivered?", {"bool": bool(sh[sh.ID == "SH-2210"].Status.iloc[0] == "Delivered")})
q("sh-17", F, "What is the average freight cost per shipment for FedEx?", {"number": float(sh[sh.Carrier == "FedEx"].Cost.mean())})
q("sh-18", F, "How many shipments shipped after March 15, 2025?", {"number": int((sh.Ship > "2025-03-15").sum())})
q("sh-19", F, "What is the tracking number for SH-2215?", {"refuse": True})
q("sh-20", G, "Which driver delivered the most shipments?", {"refuse": True})
q("sh-21", F, "What was the CO2 footprint of the PostNL shipments?", {"refuse": True})
q("sh-22", F, "What is the total weight shipped from Antwerp?", {"number": float(sh[sh.WH == "Antwerp"].Kg.sum())})
q("sh-23", F, "Which carrier is the cheapest?", {"refuse": True})  # per shipment, per kg, in total: ambiguous

# ==================================================================== 4 enrolment (long, title row, text numbers)
schools = [("Northgate Primary", "North"), ("Riverside Academy", "East"), ("St Columba's", "North"),
           ("Westfield High", "West"), ("Oakridge College", "East"), ("Hillcrest School", "West")]
rows = []
for s, dist in schools:
    base, cap = int(nrng.integers(380, 1300)), None
    cap = int(round(base * float(nrng.uniform(1.0, 1.2)), -1))
    for y in range(2020, 2025):
        base = int(base * float(nrng.uniform(0.94, 1.09)))
        t = int(round(base / float(nrng.uniform(14, 19))))
        rows.append([s, dist, y, base, cap, t])
en = pd.DataFrame(rows, columns=["School", "District", "Year", "Enrolled", "Capacity", "Teachers"])
en.loc[(en.School == "Hillcrest School") & (en.Year == 2024), "Teachers"] = np.nan   # not reported yet
en.loc[(en.School == "St Columba's") & (en.Year == 2021), "Teachers"] = np.nan
disp = [[r.School, r.District, r.Year, f"{r.Enrolled:,}", f"{r.Capacity:,}", None if np.isnan(r.Teachers) else int(r.Teachers)]
        for r in en.itertuples()]
off = write("enrolment", disp, ["School", "District", "School Year", "Students Enrolled", "Capacity", "Teaching Staff (FTE)"],
            "Enrolment", title="District enrolment census 2020-2024")
readback("enrolment", off, len(en), {"Students Enrolled": "Enrolled", "Capacity": "Capacity", "Teaching Staff (FTE)": "Teachers"}, en)
F, G = "enrolment.xlsx", "enrolment.csv"
e24, e23 = en[en.Year == 2024], en[en.Year == 2023]
q("en-01", F, "How many students were enrolled across all schools in 2024?", {"number": int(e24.Enrolled.sum())})
q("en-02", F, "Which school had the most students in 2023?", argext(e23, "Enrolled", "School"))
ng = en[en.School == "Northgate Primary"].set_index("Year").Enrolled
q("en-03", G, "What was the change in enrolment at Northgate Primary from 2020 to 2024?", {"number": int(ng[2024] - ng[2020])})
q("en-04", F, "What was the percentage change in enrolment at Westfield High between 2020 and 2024?",
  {"share": float(en[en.School == "Westfield High"].set_index("Year").Enrolled.pipe(lambda s: s[2024] / s[2020] - 1))})
yt = en.groupby("Year").Enrolled.sum()
assert (yt == yt.max()).sum() == 1
q("en-05", F, "Which year had the highest total enrolment?", {"text_any": [str(yt.idxmax())]})
q("en-06", F, "How many schools were over capacity in 2024?", {"number": int((e24.Enrolled > e24.Capacity).sum())})
oc24 = e24.set_index("School")
r_ = oc24.loc["Oakridge College"]
q("en-07", G, "What was the student to teacher ratio at Oakridge College in 2024?", {"number": float(r_.Enrolled / r_.Teachers)})
q("en-08", F, "Did Riverside Academy grow between 2023 and 2024?",
  {"bool": bool(en[(en.School == "Riverside Academy") & (en.Year == 2024)].Enrolled.iloc[0]
                > en[(en.School == "Riverside Academy") & (en.Year == 2023)].Enrolled.iloc[0])})
q("en-09", F, "What share of 2024 students attended Hillcrest School?",
  {"share": float(oc24.loc["Hillcrest School"].Enrolled / e24.Enrolled.sum())})
q("en-10", F, "What's the average enrolment per school in 2022?", {"number": float(en[en.Year == 2022].Enrolled.mean())})
d24 = e24.groupby("District").Enrolled.sum()
q("en-11", G, "Which district had the most students in 2024?", grpext(d24))
q("en-12", F, "How many teachers did Westfield High have in 2021?",
  {"number": int(en[(en.School == "Westfield High") & (en.Year == 2021)].Teachers.iloc[0])})
q("en-13", F, "How many school-year records are missing a teacher count?", {"number": int(en.Teachers.isna().sum())})
q("en-14", F, "Which school has the smallest capacity?", argext(en.drop_duplicates("School"), "Capacity", "School", asc=True))
q("en-15", F, "List the schools with more than 1,000 students in 2024.", {"set": list(e24[e24.Enrolled > 1000].School)})
q("en-16", G, "What was the total enrolment in the East district in 2020?",
  {"number": int(en[(en.District == "East") & (en.Year == 2020)].Enrolled.sum())})
q("en-17", F, "How many students graduated from St Columba's in 2023?", {"refuse": True})
q("en-18", F, "What will enrolment at Northgate Primary be in 2026?", {"refuse": True})
q("en-19", F, "What is the average class size at Riverside Academy?", {"refuse": True})
q("en-20", F, "How many students did Oakridge College have in 2021?",
  {"number": int(en[(en.School == "Oakridge College") & (en.Year == 2021)].Enrolled.iloc[0])})
q("en-21", G, "What is the total capacity across all schools?", {"number": int(en.drop_duplicates("School").Capacity.sum())})
q("en-22", F, "How many schools are in the North district?", {"number": int(en[en.District == "North"].School.nunique())})
q("en-23", F, "Which school performed best?", {"refuse": True})

# ==================================================================== 5 wards (two-row header, totals row)
wards = [("Cardiology", 3), ("Oncology", 4), ("Maternity", 2), ("Paediatrics", 2), ("Orthopaedics", 3),
         ("General Surgery", 3), ("Respiratory", 4), ("Neurology", 5), ("Geriatrics", 1), ("ICU", 1),
         ("Renal", 5), ("Stroke Unit", 4)]
rows = []
for w, fl in wards:
    beds = int(rng.choice([12, 16, 20, 24, 28, 30, 32]))
    occ = min(beds, int(round(beds * float(nrng.uniform(0.65, 1.05)))))
    nurses = max(2, int(round(beds / float(nrng.uniform(3, 6)))))
    docs = int(rng.choice([1, 2, 2, 3, 4]))
    stay = round(float(nrng.uniform(2.0, 11.0)), 1)
    rows.append([w, fl, beds, occ, nurses, docs, stay])
wd = pd.DataFrame(rows, columns=["Ward", "Floor", "Beds", "Occ", "Nurses", "Doctors", "Stay"])
wd.loc[wd.Ward == "ICU", ["Beds", "Occ", "Nurses", "Doctors"]] = [12, 12, 12, 4]
wd.loc[wd.Ward == "Maternity", ["Beds", "Occ"]] = [24, 24]
wd.loc[wd.Ward == "Renal", "Stay"] = np.nan                # not recorded
wd["Free"] = wd.Beds - wd.Occ
disp = [[r.Ward, r.Floor, r.Beds, r.Occ, r.Nurses, r.Doctors, None if np.isnan(r.Stay) else f"{r.Stay} days"]
        for r in wd.itertuples()]
disp.append(["Hospital total", None, wd.Beds.sum(), wd.Occ.sum(), wd.Nurses.sum(), wd.Doctors.sum(), None])
off = write("wards", disp, ["Ward", "Floor", "Total", "Occupied", "Nurses", "Doctors", "Avg Length of Stay"], "Census",
            title="Bed census - 14 May 2025, 08:00", top=["Ward", "Floor", "Beds", None, "Staff on shift", None, "Avg Length of Stay"],
            merges=("A{r1}:A{r2}", "B{r1}:B{r2}", "C{r1}:D{r1}", "E{r1}:F{r1}", "G{r1}:G{r2}"))
# read back: data starts after title + two header rows
for ext in ("xlsx", "csv"):
    p = B / f"wards.{ext}"
    d = (pd.read_excel(p, engine="openpyxl", skiprows=off + 2, header=None) if ext == "xlsx" else pd.read_csv(p, skiprows=off + 2, header=None))
    assert list(d.iloc[:len(wd), 2].astype(float)) == list(wd.Beds.astype(float)), ext
    assert list(d.iloc[:len(wd), 3].astype(float)) == list(wd.Occ.astype(float)), ext
F, G = "wards.xlsx", "wards.csv"
q("wd-01", F, "How many beds does the hospital have in total?", {"number": int(wd.Beds.sum())})
q("wd-02", F, "What is the overall bed occupancy rate?", {"share": float(wd.Occ.sum() / wd.Beds.sum())})
q("wd-03", G, "Which ward has the most free beds?", argext(wd, "Free", "Ward"))
q("wd-04", F, "How many wards are completely full?", {"number": int((wd.Free == 0).sum())})
q("wd-05", F, "Which wards are on floor 3?", {"set": list(wd[wd.Floor == 3].Ward)})
q("wd-06", F, "How many nurses are on shift across the hospital?", {"number": int(wd.Nurses.sum())})
q("wd-07", F, "How many occupied beds are there in Oncology?", {"number": int(wd[wd.Ward == "Oncology"].Occ.iloc[0])})
q("wd-08", G, "Which ward has the longest average length of stay?", argext(wd.dropna(subset=["Stay"]), "Stay", "Ward"))
q("wd-09", F, "What is the average length of stay across wards?", {"number": float(wd.Stay.mean())})
q("wd-10", F, "How many free beds are there in the whole hospital?", {"number": int(wd.Free.sum())})
q("wd-11", F, "Which ward has the fewest doctors on shift?", argext(wd, "Doctors", "Ward", asc=True))
q("wd-12", F, "Does Cardiology have more beds than Neurology?",
  {"bool": bool(wd[wd.Ward == "Cardiology"].Beds.iloc[0] > wd[wd.Ward == "Neurology"].Beds.iloc[0])})
fb_ = wd.groupby("Floor").Beds.sum()
assert (fb_ == fb_.max()).sum() == 1
q("wd-13", F, "Which floor has the most beds?", {"text_any": [str(fb_.idxmax())]})
q("wd-14", G, "How many beds are on floor 4?", {"number": int(fb_[4])})
q("wd-15", F, "What is the occupancy rate of the Respiratory ward?",
  {"share": float(wd[wd.Ward == "Respiratory"].Occ.iloc[0] / wd[wd.Ward == "Respiratory"].Beds.iloc[0])})
q("wd-16", F, "How many patients per nurse are there in General Surgery?",
  {"number": float(wd[wd.Ward == "General Surgery"].Occ.iloc[0] / wd[wd.Ward == "General Surgery"].Nurses.iloc[0])})
q("wd-17", F, "How many wards have more than 25 beds?", {"number": int((wd.Beds > 25).sum())})
q("wd-18", F, "How many patients were admitted to Cardiology yesterday?", {"refuse": True})
q("wd-19", G, "Who is the consultant in charge of the Stroke Unit?", {"refuse": True})
q("wd-20", F, "What is the average waiting time in A&E?", {"refuse": True})
q("wd-21", F, "Which ward has the most doctors?", argext(wd, "Doctors", "Ward"))
q("wd-22", F, "How many doctors are on shift in total?", {"number": int(wd.Doctors.sum())})
q("wd-23", F, "Which ward is the busiest?", {"refuse": True})  # occupied beds, occupancy rate or patients per nurse

# ==================================================================== 6 tasks (title row, text dates, units)
people = ["Priya", "Jon", "Mei", "Carlos", "Fatima"]
verbs = ["Design", "Build", "Test", "Review", "Document", "Deploy", "Migrate", "Refactor"]
things = ["login page", "billing API", "search index", "onboarding emails", "audit log", "mobile layout", "CSV export",
          "SSO", "rate limiter", "dashboard"]
rows = []
for i in range(28):
    st = str(nrng.choice(["Done", "In Progress", "Not Started", "Blocked"], p=[.35, .3, .25, .1]))
    pr = str(nrng.choice(["High", "Medium", "Low"], p=[.3, .45, .25]))
    due = date(2025, 3, 3) + timedelta(days=int(nrng.integers(0, 75)))
    est = float(rng.choice([2, 4, 4, 6, 8, 8, 12, 16, 24]))
    done = 100 if st == "Done" else (0 if st == "Not Started" else int(rng.choice([10, 25, 40, 50, 60, 75, 90])))
    rows.append([f"T-{i + 1:02d}", f"{verbs[i % 8]} {things[i % 10]}", people[int(nrng.integers(5))], st, pr, due, est, done])
tk = pd.DataFrame(rows, columns=["ID", "Task", "Who", "Status", "Priority", "Due", "Est", "Done"])
tk.loc[[8, 21], "Who"] = None
tk["Due"] = pd.to_datetime(tk.Due)
disp = [[r.ID, r.Task, r.Who, r.Status, r.Priority, r.Due.strftime("%d %b %Y"), f"{r.Est:g}h", f"{r.Done}%"]
        for r in tk.itertuples()]
off = write("tasks", disp, ["Task ID", "Task", "Assignee", "Status", "Priority", "Due", "Estimate", "% Complete"], "Sprint board",
            title="Platform team - task tracker")
readback("tasks", off, len(tk), {"Estimate": "Est", "% Complete": "Done"}, tk)
F, G = "tasks.xlsx", "tasks.csv"
q("tk-01", F, "How many tasks are done?", {"number": int((tk.Status == "Done").sum())})
q("tk-02", F, "How many high priority tasks are not done yet?", {"number": int(((tk.Priority == "High") & (tk.Status != "Done")).sum())})
assert (tk.Due == tk.Due.min()).sum() == 1
q("tk-03", G, "Which task is due first?", {"text_any": list(tk.loc[tk.Due.idxmin(), ["Task", "ID"]])})
q("tk-04", F, "How many tasks are due in April 2025?", {"number": int(((tk.Due.dt.month == 4) & (tk.Due.dt.year == 2025)).sum())})
q("tk-05", F, "What's the total estimated hours for Mei's tasks?", {"number": float(tk[tk.Who == "Mei"].Est.sum())})
wc_ = tk.Who.value_counts()
q("tk-06", F, "Who has the most tasks assigned?", grpext(wc_))
# % Complete is a percentage: 40 and 0.40 (40%) are both right
q("tk-07", G, "What is the average % complete of tasks in progress?", {"share": float(tk[tk.Status == "In Progress"].Done.mean() / 100)})
q("tk-08", F, "Which tasks are blocked?", {"set": list(tk[tk.Status == "Blocked"].Task)})
q("tk-09", F, "How many tasks have no assignee?", {"number": int(tk.Who.isna().sum())})
x = tk[tk.ID == "T-07"].iloc[0]
nx = tk[tk.Due > x.Due]
q("tk-10", F, "Which task is due right after T-07?", one(nx[nx.Due == nx.Due.min()].ID))
q("tk-11", F, "What is the total estimate of all tasks not started?", {"number": float(tk[tk.Status == "Not Started"].Est.sum())})
q("tk-12", G, "How many tasks are due before 15 March 2025?", {"number": int((tk.Due < "2025-03-15").sum())})
q("tk-13", F, "What's the biggest task by estimate?", argext(tk, "Est", "Task"))
q("tk-14", F, "What share of tasks are high priority?", {"share": float((tk.Priority == "High").mean())})
q("tk-15", F, "When is T-12 due?", {"text": tk[tk.ID == "T-12"].Due.iloc[0].strftime("%Y-%m-%d")})
q("tk-16", F, "Is the Test CSV export task done?", {"bool": bool(tk[tk.Task == "Test CSV export"].Status.iloc[0] == "Done")})
q("tk-17", G, "How many hours of estimated work does Carlos have left on unfinished tasks?",
  {"number": float(tk[(tk.Who == "Carlos") & (tk.Status != "Done")].Est.sum())})
q("tk-18", F, "Who created T-03?", {"refuse": True})
q("tk-19", F, "How many hours were actually spent on T-05?", {"refuse": True})
q("tk-20", F, "Which sprint is T-10 in?", {"refuse": True})
assert (tk.Due == tk.Due.max()).sum() == 1
q("tk-21", F, "Which task is due last?", {"text_any": list(tk.loc[tk.Due.idxmax(), ["Task", "ID"]])})
q("tk-22", G, "How many tasks does Jon have?", {"number": int((tk.Who == "Jon").sum())})
q("tk-23", F, "How many low priority tasks are there?", {"number": int((tk.Priority == "Low").sum())})

# ==================================================================== 7 reviews (text dates, currency, blanks, repeats)
prods = [("Aurora Desk Lamp", "Home", 39.99), ("Breeze Fan 3000", "Home", 59.0), ("Cirrus Earbuds", "Audio", 79.99),
         ("Drift Speaker", "Audio", 129.0), ("Ember Kettle", "Kitchen", 45.5), ("Frost Blender", "Kitchen", 89.0),
         ("Glide Mouse", "Computing", 24.99), ("Halo Webcam", "Computing", 64.0)]
rows = []
for i in range(56):
    p, cat, price = prods[int(nrng.integers(8))]
    r = int(nrng.choice([1, 2, 3, 4, 5], p=[.08, .1, .2, .32, .3]))
    d = date(2025, 4, 1) + timedelta(days=int(nrng.integers(0, 90)))
    rows.append([f"R{5001 + i}", p, cat, price, r, d, str(nrng.choice(["Yes", "Yes", "No"])), int(nrng.poisson(3))])
rv = pd.DataFrame(rows, columns=["ID", "Product", "Cat", "Price", "Rating", "Date", "Verified", "Helpful"]).astype({"Rating": float})
rv.loc[[10, 33, 47], "Rating"] = np.nan              # review text only, no stars
rv.loc[22, "Helpful"] = rv.Helpful.max() + 9          # one clear most helpful
rv["Date"] = pd.to_datetime(rv.Date)
disp = [[r.ID, r.Product, r.Cat, money(r.Price), None if np.isnan(r.Rating) else int(r.Rating), r.Date.strftime("%B %d, %Y"),
         r.Verified, r.Helpful] for r in rv.itertuples()]
off = write("reviews", disp, ["Review ID", "Product", "Category", "Price", "Stars", "Review Date", "Verified Purchase",
                               "Helpful Votes"], "Reviews")
readback("reviews", off, len(rv), {"Price": "Price", "Stars": "Rating", "Helpful Votes": "Helpful"}, rv)
F, G = "reviews.xlsx", "reviews.csv"
pa = rv.groupby("Product").Rating.mean()
q("rv-01", F, "What is the average star rating for the Drift Speaker?", {"number": float(pa["Drift Speaker"])})
q("rv-02", F, "Which product has the highest average rating?", grpext(pa))
q("rv-03", G, "Which product has the lowest average rating?", grpext(pa, asc=True))
q("rv-04", F, "How many 5-star reviews are there?", {"number": int((rv.Rating == 5).sum())})
q("rv-05", F, "What percentage of reviews are from verified purchases?", {"share": float((rv.Verified == "Yes").mean())})
q("rv-06", F, "How many reviews were posted in May 2025?", {"number": int((rv.Date.dt.month == 5).sum())})
pc = rv.Product.value_counts()
q("rv-07", G, "Which product has the most reviews?", grpext(pc))
q("rv-08", F, "What's the average rating of verified reviews?", {"number": float(rv[rv.Verified == "Yes"].Rating.mean())})
q("rv-09", F, "How many reviews have no star rating?", {"number": int(rv.Rating.isna().sum())})
q("rv-10", F, "Which product got the most helpful review?", {"text": rv.loc[rv.Helpful.idxmax(), "Product"]})
ca = rv.groupby("Cat").Rating.mean()
q("rv-11", F, "Which category is rated best on average?", grpext(ca))
q("rv-12", G, "How many reviews gave 2 stars or fewer?", {"number": int((rv.Rating <= 2).sum())})
q("rv-13", F, "How many reviews did the Glide Mouse get?", {"number": int((rv.Product == "Glide Mouse").sum())})
q("rv-14", F, "Is the Ember Kettle rated higher on average than the Frost Blender?", {"bool": bool(pa["Ember Kettle"] > pa["Frost Blender"])})
q("rv-15", F, "What is the price of the Halo Webcam?", {"number": 64.0})
q("rv-16", F, "How many helpful votes did Cirrus Earbuds reviews get in total?", {"number": int(rv[rv.Product == "Cirrus Earbuds"].Helpful.sum())})
q("rv-17", G, "List the products that got at least one 1-star review.", {"set": sorted(set(rv[rv.Rating == 1].Product))})
q("rv-18", F, "What was the date of the most recent review?", {"text": rv.Date.max().strftime("%Y-%m-%d")})
q("rv-19", F, "What do customers complain about most for the Breeze Fan 3000?", {"refuse": True})
q("rv-20", F, "How many units of the Aurora Desk Lamp were sold?", {"refuse": True})
q("rv-21", G, "Which reviewer wrote the most reviews?", {"refuse": True})
q("rv-22", F, "What share of Kitchen reviews are 4 stars or more?",
  {"share": float((rv[rv.Cat == "Kitchen"].Rating >= 4).sum() / (rv.Cat == "Kitchen").sum())})
q("rv-23", F, "How many reviews in June 2025 were not verified?",
  {"number": int(((rv.Date.dt.month == 6) & (rv.Verified == "No")).sum())})

# ==================================================================== 8 listings (two-row header in csv too, $ text, sq ft)
suburbs = ["Bayview", "Elm Park", "Kingsley", "Maple Heights", "Southbank"]
types = ["House", "Townhouse", "Apartment"]
rows = []
for i in range(36):
    t = types[int(nrng.choice(3, p=[.45, .25, .3]))]
    beds = int(nrng.integers(1, 3)) if t == "Apartment" else int(nrng.integers(2, 6))
    baths = max(1, beds - int(nrng.integers(0, 2)))
    sqft = int(round(nrng.normal({"House": 1900, "Townhouse": 1400, "Apartment": 850}[t], 200), -1))
    sub = suburbs[int(nrng.integers(5))]
    price = int(round(sqft * float(nrng.uniform(240, 420)) * (1.25 if sub == "Southbank" else 1), -3))
    listed = date(2025, 1, 10) + timedelta(days=int(nrng.integers(0, 140)))
    st = str(nrng.choice(["Active", "Under Offer", "Sold"], p=[.5, .2, .3]))
    rows.append([f"L{301 + i}", f"{int(nrng.integers(2, 199))} {rng.choice(['Oak', 'Pine', 'Harbour', 'Hill', 'Station', 'Park'])} "
                 f"{rng.choice(['St', 'Rd', 'Ave', 'Lane'])}", sub, t, beds, baths, sqft, price, listed, st])
ls = pd.DataFrame(rows, columns=["ID", "Address", "Suburb", "Type", "Beds", "Baths", "Sqft", "Price", "Listed", "Status"])
ls.loc[14, "Price"] = ls.Price.max() + 150000     # one clear most expensive
ls.loc[30, "Sqft"] = np.nan                       # floor area not given
ls["Listed"] = pd.to_datetime(ls.Listed)
disp = [[r.ID, r.Address, r.Suburb, r.Type, r.Beds, r.Baths, None if np.isnan(r.Sqft) else f"{int(r.Sqft):,} sq ft",
         money(r.Price, dec=0), r.Listed.strftime("%d/%m/%Y"), r.Status] for r in ls.itertuples()]
off = write("listings", disp, ["Listing", "Address", "Suburb", "Type", "Bedrooms", "Bathrooms", "Floor Area", "Asking Price",
                               "Listed", "Status"], "Listings",
            top=["Listing", "Address", "Suburb", "Property", None, None, None, "Asking Price", "Listed", "Status"],
            merges=("A{r1}:A{r2}", "B{r1}:B{r2}", "C{r1}:C{r2}", "D{r1}:G{r1}", "H{r1}:H{r2}", "I{r1}:I{r2}", "J{r1}:J{r2}"))
for ext in ("xlsx", "csv"):
    p = B / f"listings.{ext}"
    d = (pd.read_excel(p, engine="openpyxl", skiprows=2, header=None, dtype=str) if ext == "xlsx" else pd.read_csv(p, skiprows=2, header=None, dtype=str))
    assert np.allclose(d.iloc[:, 7].map(num).astype(float), ls.Price.astype(float)), ext
F, G = "listings.xlsx", "listings.csv"
act = ls[ls.Status == "Active"]
q("ls-01", F, "How many listings are active?", {"number": len(act)})
q("ls-02", F, "What is the average asking price of houses?", {"number": float(ls[ls.Type == "House"].Price.mean())})
q("ls-03", G, "Which listing has the highest asking price?", idaddr(ls, "Price"))
q("ls-04", F, "What's the median asking price in Southbank?", {"number": float(ls[ls.Suburb == "Southbank"].Price.median())})
sp = ls.groupby("Suburb").Price.mean()
q("ls-05", F, "Which suburb has the highest average asking price?", grpext(sp))
q("ls-06", F, "How many 3-bedroom properties are listed?", {"number": int((ls.Beds == 3).sum())})
q("ls-07", G, "How many apartments are there under $300,000?", {"number": int(((ls.Type == "Apartment") & (ls.Price < 300000)).sum())})
q("ls-08", F, "What is the cheapest house?", idaddr(ls[ls.Type == "House"], "Price", asc=True))
q("ls-09", F, "How many properties were listed in March 2025?", {"number": int((ls.Listed.dt.month == 3).sum())})
q("ls-10", F, "What is the total asking price of all sold listings?", {"number": float(ls[ls.Status == "Sold"].Price.sum())})
q("ls-11", F, "Which suburb has the most listings?", grpext(ls.Suburb.value_counts()))
q("ls-12", G, "What's the average floor area of townhouses?", {"number": float(ls[ls.Type == "Townhouse"].Sqft.mean())})
q("ls-13", F, "What share of listings are sold?", {"share": float((ls.Status == "Sold").mean())})
q("ls-14", F, "How many listings have at least 4 bedrooms and 2 bathrooms?", {"number": int(((ls.Beds >= 4) & (ls.Baths >= 2)).sum())})
q("ls-15", F, "What's the largest property by floor area?", idaddr(ls.dropna(subset=["Sqft"]), "Sqft"))
a_, b_ = ls.iloc[2], ls.iloc[7]
q("ls-16", F, f"Which is cheaper, {a_.ID} or {b_.ID}?", {"text": a_.ID if a_.Price < b_.Price else b_.ID})
q("ls-17", G, "How many listings don't show a floor area?", {"number": int(ls.Sqft.isna().sum())})
q("ls-18", F, "What is the asking price of L310?", {"number": float(ls[ls.ID == "L310"].Price.iloc[0])})
q("ls-19", F, "What was the final sale price of L305?", {"refuse": True})
q("ls-20", F, "Which listing has the best school zone?", {"refuse": True})
q("ls-21", G, "How many days has L320 been on the market?", {"refuse": True})
q("ls-22", F, "Which listing was listed most recently?", idaddr(ls, "Listed"))
q("ls-23", F, "What is the average number of bedrooms of active listings?", {"number": float(act.Beds.mean())})
q("ls-24", F, "What is the price per square foot in Kingsley?", {"refuse": True})  # mean of ratios or ratio of sums

# ----------------------------------------------------------------------------------------------------
with open(HERE / "heldout.jsonl", "w") as fh:
    for x in Q:
        fh.write(json.dumps(x, ensure_ascii=False, default=str) + "\n")
print(len(Q), "questions,", sum("refuse" in x["expect"] for x in Q), "refusals")
