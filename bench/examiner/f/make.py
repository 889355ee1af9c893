# ruff: noqa: UP031, B905, E501
"""Examiner set f: 8 messy business tables and held-out questions, answers computed with pandas.

Run from the project root: python bench/examiner/f/make.py
"""
import csv
import json
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
BOOKS = HERE / "books"
RNG = np.random.default_rng(20261201)
QUESTIONS = []

FIRST = ["Amara", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hugo", "Isla", "Jonas", "Kira", "Liam",
         "Maya", "Noah", "Olga", "Priya", "Quinn", "Rosa", "Sami", "Tara", "Umar", "Vera", "Wes", "Xena",
         "Yusuf", "Zoe", "Aidan", "Bea", "Cyril", "Dina", "Emil", "Fay", "Gus", "Hana", "Ivo", "Jade"]
LAST = ["Okafor", "Lindqvist", "Moreau", "Patel", "Novak", "Haddad", "Brennan", "Costa", "Fischer", "Kowalski",
        "Nguyen", "Reyes", "Schmidt", "Tanaka", "Walsh", "Yilmaz", "Abbott", "Byrne", "Dubois", "Eriksen",
        "Ferreira", "Gallo", "Horvat", "Ivanova", "Jensen", "Kaur", "Larsen", "Mendes", "Olsen", "Price"]


def pick(options, n, p=None):
    return list(RNG.choice(options, size=n, p=p))


def unique_names(n):
    names = set()
    while len(names) < n:
        names.add("%s %s" % (RNG.choice(FIRST), RNG.choice(LAST)))
    names = sorted(names)  # sets iterate in hash order, which varies per run
    return [names[i] for i in RNG.permutation(len(names))]


def rand_dates(start, end, n):
    span = (end - start).days
    return [start + timedelta(days=int(d)) for d in RNG.integers(0, span + 1, size=n)]


def money(x, sym="£", dec=2):
    return ("%s%s" % (sym, format(x, ",.%df" % dec))) if pd.notna(x) else None


def num(x):
    """A plain Python number (JSON-friendly), rounded for the expectation."""
    return round(float(x), 6)


# ---------------------------------------------------------------- expectations
def top(series, largest=True):
    """Label(s) holding the max (or min) of a series; several when tied."""
    s = series.dropna()
    best = s.max() if largest else s.min()
    hits = sorted(str(k) for k in s[np.isclose(s, best)].index)
    return {"text": hits[0]} if len(hits) == 1 else {"text_any": hits}


def topn(series, n, largest=True):
    s = series.sort_values(ascending=not largest)
    vals = list(s.values[: n + 1])
    if np.isclose(vals[n - 1], vals[n]):
        raise ValueError("tie across the top-%d boundary: %s" % (n, s.head(n + 1)))
    names = [str(k) for k in s.index[:n]]
    # ties inside the top n leave the order open, so only the members are expected
    return {"list": names} if len(set(np.round(vals, 6))) == len(vals) else {"set": names}


def pairs(series):
    return {"pairs": {str(k): num(v) for k, v in series.items()}}


def add(tbl, files, question, expect):
    QUESTIONS.append({"id": "%s-%02d" % (tbl, sum(q["id"].startswith(tbl + "-") for q in QUESTIONS) + 1),
                      "files": ["books/" + f for f in files], "question": question, "expect": expect})


# ---------------------------------------------------------------- writers
def write_xlsx(path, titles, header, rows, total=None, sheet="Sheet1", date_fmt="dd/mm/yyyy"):
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for t in titles:
        ws.append([t])
    if titles:
        ws.append([])
    ws.append(header)
    for r in rows:
        ws.append([None if (isinstance(v, float) and np.isnan(v)) else v for v in r])
        for c in ws[ws.max_row]:
            if isinstance(c.value, (datetime, date)):
                c.number_format = date_fmt
    if total is not None:
        ws.append(total)
    wb.save(path)


def write_csv(path, titles, header, rows, total=None, date_fmt="%d/%m/%Y"):
    def cell(v):
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return ""
        if isinstance(v, (datetime, date)):
            return v.strftime(date_fmt)
        return v

    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        for t in titles:
            w.writerow([t])
        w.writerow(header)
        for r in rows:
            w.writerow([cell(v) for v in r])
        if total is not None:
            w.writerow([cell(v) for v in total])


def records(messy):
    return [list(r) for r in messy.itertuples(index=False)]


def total_row(messy, sums, label="Total"):
    """A totals line: label in the first column, the given sums under their columns."""
    row = [None] * len(messy.columns)
    row[0] = label
    for col, val in sums.items():
        row[list(messy.columns).index(col)] = val
    return row


# ---------------------------------------------------------------- 1 subscriptions
def subscriptions():
    n = 260
    adj = ["Blue", "Nova", "Apex", "Cedar", "Quartz", "Harbor", "Summit", "Lumen", "Iron", "Velvet", "Pine",
           "Orbit", "Coral", "Delta", "Echo", "Falcon", "Granite", "Maple", "Nimbus", "Onyx"]
    noun = ["Labs", "Foods", "Logistics", "Studio", "Dental", "Legal", "Systems", "Media", "Motors", "Health",
            "Analytics", "Bakery", "Builders", "Travel", "Works"]
    names = set()
    while len(names) < n:
        names.add("%s %s %s" % (RNG.choice(adj), RNG.choice(noun), RNG.choice(["Ltd", "Inc", "GmbH", "LLC"])))
    names = sorted(names)
    names = [names[i] for i in RNG.permutation(len(names))]
    plan = pick(["Basic", "Pro", "Enterprise"], n, [0.45, 0.38, 0.17])
    seats = [int(RNG.integers(1, 12)) if p == "Basic" else int(RNG.integers(5, 40)) if p == "Pro" else int(RNG.integers(30, 150)) for p in plan]
    per = {"Basic": 9.0, "Pro": 19.0, "Enterprise": 32.0}
    fee = [round(per[p] * s * (1 - 0.1 * (s > 50)), 2) for p, s in zip(plan, seats)]
    country = pick(["UK", "Germany", "France", "USA", "Canada", "Spain", "Netherlands", "Ireland"], n,
                   [0.22, 0.16, 0.11, 0.2, 0.08, 0.08, 0.08, 0.07])
    country = [None if RNG.random() < 0.03 else c for c in country]
    start = rand_dates(date(2022, 1, 1), date(2024, 12, 31), n)
    churned = [bool(RNG.random() < (0.35 if p == "Basic" else 0.2)) for p in plan]
    churn_date = [s + timedelta(days=int(RNG.integers(40, 500))) if c else None for s, c in zip(start, churned)]
    churn_date = [min(d, date(2025, 6, 30)) if d else None for d in churn_date]
    df = pd.DataFrame({"customer": names, "plan": plan, "country": country, "start": pd.to_datetime(start),
                       "seats": seats, "fee": fee, "churned": churned, "churn_date": pd.to_datetime(churn_date)})
    messy = pd.DataFrame({
        "Customer": df.customer, "Plan": df.plan, "Country": df.country,
        "Start Date": [d.date() for d in df.start], "Seats": df.seats,
        "Monthly Fee": [money(x) for x in df.fee], "Churned?": ["Yes" if c else "No" for c in df.churned],
        "Churn Date": [d.date() if pd.notna(d) else None for d in df.churn_date]})
    titles = ["Subscription register", "Exported from billing system - amounts in GBP per month"]
    tot = total_row(messy, {"Seats": int(df.seats.sum()), "Monthly Fee": money(df.fee.sum())}, "TOTAL")
    write_xlsx(BOOKS / "subscriptions.xlsx", titles, list(messy.columns), records(messy), tot, "Subscriptions")
    write_csv(BOOKS / "subscriptions.csv", titles, list(messy.columns), records(messy), tot)
    X, C = ["subscriptions.xlsx"], ["subscriptions.csv"]
    add("sub", X, "how many customers are on the Pro plan?", {"number": int((df.plan == "Pro").sum())})
    add("sub", C, "Total monthly fee across all churned customers", {"number": num(df.fee[df.churned].sum())})
    add("sub", X, "what percentage of customers have churned?", {"share": num(df.churned.mean())})
    add("sub", C, "Which plan has the highest average monthly fee?", top(df.groupby("plan").fee.mean()))
    add("sub", X, "which country has the most subscriptions", top(df.groupby("country").size()))
    add("sub", C, "how many subscriptions started in 2024", {"number": int((df.start.dt.year == 2024).sum())})
    add("sub", X, "total seats for enterprise customers in germany",
        {"number": int(df.seats[(df.plan == "Enterprise") & (df.country == "Germany")].sum())})
    add("sub", X, "average number of seats per subscription?", {"number": num(df.seats.mean())})
    add("sub", C, "does any basic plan customer have more than 10 seats?",
        {"bool": bool((df.seats[df.plan == "Basic"] > 10).any())})
    row = df.iloc[17]
    add("sub", X, "What's the monthly fee for %s?" % row.customer, {"number": num(row.fee)})
    add("sub", C, "how many different countries are our customers in", {"number": int(df.country.nunique())})
    add("sub", X, "top 3 countries by total monthly fee", topn(df.groupby("country").fee.sum(), 3))
    q1 = (df.start >= "2023-01-01") & (df.start <= "2023-03-31")
    add("sub", X, "How many subscriptions started in Q1 2023?", {"number": int(q1.sum())})
    m = df.groupby("plan").fee.mean()
    add("sub", C, "difference between the average monthly fee on Pro vs Basic", {"number": num(m["Pro"] - m["Basic"])})
    add("sub", X, "how many pro customers churned in 2024?",
        {"number": int(((df.plan == "Pro") & (df.churn_date.dt.year == 2024)).sum())})
    add("sub", X, "median seats on the enterprise plan", {"number": num(df.seats[df.plan == "Enterprise"].median())})
    add("sub", C, "what is our total monthly recurring revenue from customers who haven't churned",
        {"number": num(df.fee[~df.churned].sum())})
    big = df.nlargest(4, "seats")
    assert df.seats.nlargest(5).iloc[3] > df.seats.nlargest(5).iloc[4]
    add("sub", X, "list the customers with more than %d seats" % (df.seats.nlargest(5).iloc[4]),
        {"set": list(big.customer)})
    add("sub", X, "how many subscriptions started in march 2023?",
        {"number": int(((df.start.dt.year == 2023) & (df.start.dt.month == 3)).sum())})
    add("sub", X, "why do basic plan customers churn more?", {"refuse": True})
    add("sub", C, "what is the average customer satisfaction score", {"refuse": True})
    add("sub", X, "how many subscriptions did we sign in 2019?", {"refuse": True})


# ---------------------------------------------------------------- 2 purchase orders
def purchase_orders():
    cats = {"Office Supplies": [("Printer paper A4", 4.5, "reams"), ("Toner cartridge", 62.0, "pcs"), ("Ballpoint pens", 0.8, "pcs")],
            "IT Equipment": [("Laptop", 845.0, "units"), ("Monitor 27in", 210.0, "units"), ("USB-C dock", 129.0, "units")],
            "Facilities": [("Cleaning contract", 1450.0, "months"), ("LED tubes", 7.25, "pcs"), ("Hand soap 5L", 11.9, "pcs")],
            "Catering": [("Coffee beans 1kg", 18.5, "bags"), ("Milk 2L", 1.65, "bottles"), ("Water bottles", 0.45, "pcs")]}
    suppliers = {"Office Supplies": ["Staples Direct", "PaperCo", "OfficeHub"], "IT Equipment": ["Dell Partner", "TechSource", "OfficeHub"],
                 "Facilities": ["CleanPro Services", "BrightBuild", "PaperCo"], "Catering": ["BeanWorks", "FreshFarm Dairy", "CleanPro Services"]}
    buyers = ["J. Patel", "M. Novak", "S. Reyes", "A. Walsh", "K. Tanaka"]
    rows, po = [], 10001
    while len(rows) < 300:
        cat = str(RNG.choice(list(cats)))
        sup = str(RNG.choice(suppliers[cat]))
        d = rand_dates(date(2024, 1, 2), date(2024, 12, 20), 1)[0]
        buyer = str(RNG.choice(buyers))
        approved = bool(RNG.random() < 0.88)
        items = RNG.permutation(len(cats[cat]))[: int(RNG.integers(1, 4))]
        for i in items:
            name, price, unit = cats[cat][i]
            price = round(price * float(RNG.uniform(0.9, 1.1)), 2)
            qty = int(RNG.integers(1, 6)) if price > 100 else int(RNG.integers(5, 400))
            rows.append(dict(po="PO-%d" % po, date=d, supplier=sup, category=cat, item=name, unit=unit, qty=qty,
                             price=price, total=round(qty * price, 2), approved=approved, buyer=buyer))
        po += 1
    df = pd.DataFrame(rows)
    df["date"] = pd.to_datetime(df.date)
    fmts = ["%d/%m/%Y", "%Y-%m-%d", "%d %b %Y"]
    datefmt = {p: fmts[int(RNG.integers(0, 3))] for p in df.po.unique()}
    messy = pd.DataFrame({
        "PO Number": df.po, "Order Date": [d.strftime(datefmt[p]) for d, p in zip(df.date, df.po)],
        "Supplier": df.supplier, "Category": df.category, "Item": df["item"],
        "Qty": ["%d %s" % (q, u) for q, u in zip(df.qty, df.unit)], "Unit Price": [money(x, "$") for x in df.price],
        "Line Total": [money(x, "$") for x in df.total], "Approved": ["Y" if a else "N" for a in df.approved],
        "Buyer": df.buyer})
    tot = total_row(messy, {"Line Total": money(df.total.sum(), "$")}, "Grand total")
    write_xlsx(BOOKS / "purchase_orders.xlsx", ["ACME Group - Purchase order lines", "Procurement, FY2024 (USD)"],
               list(messy.columns), records(messy), tot, "PO Lines")
    X = ["purchase_orders.xlsx"]
    by_sup = df.groupby("supplier").total.sum()
    add("po", X, "how many purchase orders are there?", {"number": int(df.po.nunique())})
    add("po", X, "total spend with PaperCo", {"number": num(by_sup["PaperCo"])})
    add("po", X, "Which supplier did we spend the most with?", top(by_sup))
    q2 = df.date.dt.quarter == 2
    add("po", X, "total spend on IT equipment in Q2", {"number": num(df.total[q2 & (df.category == "IT Equipment")].sum())})
    add("po", X, "how many order lines were not approved", {"number": int((~df.approved).sum())})
    add("po", X, "average unit price for toner cartridges?", {"number": num(df.price[df["item"] == "Toner cartridge"].mean())})
    add("po", X, "total quantity of printer paper ordered", {"number": int(df.qty[df["item"] == "Printer paper A4"].sum())})
    add("po", X, "which buyer raised the most purchase orders", top(df.groupby("buyer").po.nunique()))
    add("po", X, "spend by category", pairs(df.groupby("category").total.sum()))
    one = df.po.value_counts().index[0]
    add("po", X, "what was the total value of %s?" % one, {"number": num(df.total[df.po == one].sum())})
    add("po", X, "how many distinct suppliers do we use", {"number": int(df.supplier.nunique())})
    add("po", X, "Total spend in March 2024", {"number": num(df.total[df.date.dt.month == 3].sum())})
    add("po", X, "top 5 suppliers by spend", topn(by_sup, 5))
    add("po", X, "what share of spend went on office supplies?",
        {"share": num(df.total[df.category == "Office Supplies"].sum() / df.total.sum())})
    add("po", X, "largest single order line value", {"number": num(df.total.max())})
    bym = df.groupby(df.date.dt.month).total.sum()
    add("po", X, "was spend in june higher than in july?", {"bool": bool(bym[6] > bym[7])})
    add("po", X, "how many POs did M. Novak raise", {"number": int(df.po[df.buyer == "M. Novak"].nunique())})
    add("po", X, "average line total for approved lines", {"number": num(df.total[df.approved].mean())})
    bc = df.groupby("category").total.sum()
    add("po", X, "how much more did we spend on facilities than on catering?", {"number": num(bc["Facilities"] - bc["Catering"])})
    add("po", X, "which supplier is the most reliable?", {"refuse": True})
    add("po", X, "how much did we spend in 2022?", {"refuse": True})
    add("po", X, "what is the average delivery lead time for TechSource?", {"refuse": True})


# ---------------------------------------------------------------- 3 utility invoices
def utility_invoices():
    sites = ["Leeds Depot", "York Office", "Hull Warehouse", "Bradford Store", "Sheffield Lab", "Wakefield Yard",
             "Harrogate Office", "Doncaster Plant"]
    size = dict(zip(sites, RNG.uniform(0.5, 2.5, len(sites))))
    rate = {"Electricity": 0.28, "Gas": 0.07, "Water": 2.1}
    rows, inv = [], 50001
    for m in range(1, 13):
        season = 1 + 0.35 * np.cos((m - 1) / 12 * 2 * np.pi)
        for s in sites:
            for u in ["Electricity", "Gas", "Water"]:
                base = {"Electricity": 9000, "Gas": 14000 * season, "Water": 120}[u]
                use = round(base * size[s] * float(RNG.uniform(0.8, 1.2)) * (season if u == "Electricity" else 1))
                amt = round(use * rate[u] * (1.05 if u == "Gas" else 1.2 if u == "Electricity" else 1.0), 2)
                rows.append(dict(inv="INV-%d" % inv, site=s, utility=u, month=pd.Timestamp(2024, m, 1), usage=use,
                                 amount=amt, vat="5%" if u == "Gas" else "20%" if u == "Electricity" else "0%",
                                 paid=bool(RNG.random() < (0.9 if m < 11 else 0.5)),
                                 due=date(2024, m, 1) + timedelta(days=int(45 + RNG.integers(0, 10)))))
                inv += 1
    df = pd.DataFrame(rows)
    unit = {"Electricity": "kWh", "Gas": "kWh", "Water": "m³"}
    messy = pd.DataFrame({
        "Invoice No": df.inv, "Site": df.site, "Utility": df.utility, "Billing Period": df.month.dt.strftime("%b %Y"),
        "Usage": ["%s %s" % (format(x, ","), unit[u]) for x, u in zip(df.usage, df.utility)],
        "Amount (inc VAT)": [money(x) for x in df.amount], "VAT Rate": df.vat, "Paid": ["Yes" if p else "No" for p in df.paid],
        "Due Date": df.due})
    tot = total_row(messy, {"Amount (inc VAT)": money(df.amount.sum())}, "Total")
    titles = ["Utility invoices 2024 - all sites"]
    write_xlsx(BOOKS / "utility_invoices.xlsx", titles, list(messy.columns), records(messy), tot, "Invoices")
    write_csv(BOOKS / "utility_invoices.csv", titles, list(messy.columns), records(messy), tot)
    X, C = ["utility_invoices.xlsx"], ["utility_invoices.csv"]
    el, ga, wa = (df.utility == "Electricity"), (df.utility == "Gas"), (df.utility == "Water")
    add("util", X, "total electricity cost for York Office in 2024", {"number": num(df.amount[el & (df.site == "York Office")].sum())})
    add("util", C, "which site used the most water?", top(df[wa].groupby("site").usage.sum()))
    add("util", X, "total gas invoice amount", {"number": num(df.amount[ga].sum())})
    add("util", C, "how many invoices are unpaid", {"number": int((~df.paid).sum())})
    add("util", X, "What's the total value of unpaid invoices?", {"number": num(df.amount[~df.paid].sum())})
    add("util", X, "average monthly electricity bill at Hull Warehouse", {"number": num(df.amount[el & (df.site == "Hull Warehouse")].mean())})
    q4 = df.month.dt.month >= 10
    add("util", C, "total electricity usage in kWh for Q4", {"number": num(df.usage[el & q4].sum())})
    add("util", X, "which utility costs us the most overall", top(df.groupby("utility").amount.sum()))
    add("util", X, "what share of the total cost is electricity?", {"share": num(df.amount[el].sum() / df.amount.sum())})
    add("util", C, "how many sites are there", {"number": int(df.site.nunique())})
    r = df[(df.site == "Sheffield Lab") & ga & (df.month.dt.month == 3)].iloc[0]
    add("util", X, "what was Sheffield Lab's gas bill for March?", {"number": num(r.amount)})
    add("util", X, "top 3 sites by total cost", topn(df.groupby("site").amount.sum(), 3))
    wc = df[wa].groupby("site").amount.sum()
    add("util", C, "compare the total water cost of Leeds Depot and Bradford Store",
        {"pairs": {"Leeds Depot": num(wc["Leeds Depot"]), "Bradford Store": num(wc["Bradford Store"])}})
    add("util", X, "how many invoices have 5% VAT?", {"number": int((df.vat == "5%").sum())})
    add("util", X, "highest single invoice amount", {"number": num(df.amount.max())})
    gc = df[ga].groupby("site").amount.sum()
    add("util", C, "is the total gas cost at Wakefield Yard higher than at Harrogate Office?",
        {"bool": bool(gc["Wakefield Yard"] > gc["Harrogate Office"])})
    add("util", X, "average water usage per invoice in m3", {"number": num(df.usage[wa].mean())})
    h1 = df.month.dt.month <= 6
    add("util", X, "total cost for Doncaster Plant in the first half of the year", {"number": num(df.amount[h1 & (df.site == "Doncaster Plant")].sum())})
    add("util", C, "how many electricity invoices were over £5,000?", {"number": int((df.amount[el] > 5000).sum())})
    add("util", X, "what will our electricity bill be next january?", {"refuse": True})
    add("util", C, "how much did we spend on utilities in 2021?", {"refuse": True})
    add("util", X, "what's the carbon footprint of each site", {"refuse": True})


# ---------------------------------------------------------------- 4 gym memberships
def gym_members():
    n = 230
    names = unique_names(n)
    mtype = pick(["Standard", "Premium", "Off-Peak", "Student"], n, [0.4, 0.22, 0.2, 0.18])
    fee = {"Standard": 39.99, "Premium": 64.99, "Off-Peak": 27.5, "Student": 19.99}
    age = [int(RNG.integers(18, 25)) if t == "Student" else int(RNG.integers(20, 72)) for t in mtype]
    age = [None if RNG.random() < 0.06 else a for a in age]
    pt = [bool(RNG.random() < (0.45 if t == "Premium" else 0.12)) for t in mtype]
    visits = [int(RNG.poisson(11 if p else 7)) for p in pt]
    df = pd.DataFrame({"id": ["GM%04d" % (i + 1) for i in range(n)], "name": names, "gender": pick(["F", "M"], n),
                       "age": pd.array(age, dtype="Int64"), "type": mtype,
                       "branch": pick(["Brighton", "Hove", "Worthing", "Lewes", "Crawley"], n, [0.3, 0.2, 0.2, 0.12, 0.18]),
                       "join": pd.to_datetime(rand_dates(date(2019, 1, 1), date(2024, 12, 31), n)),
                       "fee": [fee[t] for t in mtype], "visits": visits, "pt": pt,
                       "active": [bool(RNG.random() < 0.8) for _ in range(n)]})
    messy = pd.DataFrame({
        "Member ID": df.id, "Name": df.name, "Gender": df.gender, "Age": [None if pd.isna(a) else int(a) for a in df.age],
        "Membership": df.type, "Branch": df.branch, "Join Date": [d.date() for d in df["join"]],
        "Monthly Fee": [money(x, "€") for x in df.fee], "Visits (last month)": df.visits,
        "Personal Trainer": ["Y" if p else "N" for p in df.pt], "Active": ["Yes" if a else "No" for a in df.active]})
    tot = total_row(messy, {"Visits (last month)": int(df.visits.sum()), "Monthly Fee": money(df.fee.sum(), "€")}, "TOTAL")
    write_xlsx(BOOKS / "gym_members.xlsx", ["FitLife Gyms - member list (Dec 2024)"], list(messy.columns), records(messy), tot, "Members")
    X = ["gym_members.xlsx"]
    add("gym", X, "how many active members do we have?", {"number": int(df.active.sum())})
    add("gym", X, "average age of members at Worthing", {"number": num(df.age[df.branch == "Worthing"].mean())})
    add("gym", X, "which branch has the most members", top(df.groupby("branch").size()))
    add("gym", X, "total monthly fee income from active premium members",
        {"number": num(df.fee[df.active & (df.type == "Premium")].sum())})
    add("gym", X, "how many people joined in 2022?", {"number": int((df["join"].dt.year == 2022).sum())})
    add("gym", X, "Which membership type has the highest average number of visits?", top(df.groupby("type").visits.mean()))
    add("gym", X, "what % of members have a personal trainer", {"share": num(df.pt.mean())})
    add("gym", X, "who visited the most last month?", top(df.set_index("name").visits))
    r = df[df.age.notna()].iloc[11]
    add("gym", X, "how old is %s?" % r["name"], {"number": int(r.age)})
    add("gym", X, "average monthly fee for student memberships", {"number": num(df.fee[df.type == "Student"].mean())})
    add("gym", X, "how many female members are over 50", {"number": int(((df.gender == "F") & (df.age > 50)).sum())})
    add("gym", X, "how many members have no age recorded?", {"number": int(df.age.isna().sum())})
    add("gym", X, "top 3 branches by total visits", topn(df.groupby("branch").visits.sum(), 3))
    v = df.groupby("pt").visits.mean()
    add("gym", X, "do members with a personal trainer visit more on average than those without?", {"bool": bool(v[True] > v[False])})
    rng = (df["join"] >= "2021-03-01") & (df["join"] <= "2021-08-31")
    add("gym", X, "how many members joined between March 2021 and August 2021", {"number": int(rng.sum())})
    add("gym", X, "name of the youngest member", top(df.dropna(subset=["age"]).set_index("name").age.astype(float), largest=False))
    add("gym", X, "total visits by off-peak members last month", {"number": int(df.visits[df.type == "Off-Peak"].sum())})
    add("gym", X, "how many branches are there", {"number": int(df.branch.nunique())})
    add("gym", X, "what's the difference between the highest and lowest monthly fee", {"number": num(df.fee.max() - df.fee.min())})
    add("gym", X, "which members are likely to cancel next month?", {"refuse": True})
    add("gym", X, "what is the average BMI of our members", {"refuse": True})
    add("gym", X, "how many members joined in 2015?", {"refuse": True})


# ---------------------------------------------------------------- 5 course registrations
def course_registrations():
    courses = [("CS101", "Intro to Programming", "Computer Science", 20), ("CS205", "Databases", "Computer Science", 15),
               ("CS310", "Machine Learning", "Computer Science", 15), ("MA110", "Calculus I", "Mathematics", 20),
               ("MA220", "Linear Algebra", "Mathematics", 15), ("MA330", "Statistics", "Mathematics", 10),
               ("HI120", "Modern Europe", "History", 15), ("HI240", "The Cold War", "History", 10),
               ("EC101", "Microeconomics", "Economics", 20), ("EC215", "Econometrics", "Economics", 15),
               ("BU150", "Marketing Basics", "Business", 10), ("BU260", "Accounting", "Business", 15)]
    students = unique_names(140)
    sid = {s: "S%05d" % (20000 + i) for i, s in enumerate(students)}
    schol = {s: bool(RNG.random() < 0.25) for s in students}
    terms = ["Autumn 2023", "Spring 2024", "Autumn 2024"]
    rows = []
    for s in students:
        k = int(RNG.integers(1, 5))
        for ci in RNG.permutation(len(courses))[:k]:
            code, title, dept, cred = courses[ci]
            term = str(RNG.choice(terms, p=[0.35, 0.35, 0.3]))
            status = "In progress" if term == "Autumn 2024" and RNG.random() < 0.7 else ("Withdrawn" if RNG.random() < 0.1 else "Completed")
            grade = int(np.clip(RNG.normal(64 if dept != "Mathematics" else 59, 12), 20, 98)) if status == "Completed" else None
            rows.append(dict(sid=sid[s], student=s, code=code, title=title, dept=dept, term=term, credits=cred,
                             grade=grade, status=status, fee=cred * 85.0, schol=schol[s]))
    df = pd.DataFrame(rows)
    df["grade"] = df.grade.astype(float)
    messy = pd.DataFrame({
        "Student ID": df.sid, "Student Name": df.student, "Course Code": df.code, "Course Title": df.title,
        "Department": df.dept, "Term": df.term, "Credits": df.credits,
        "Grade": [None if pd.isna(g) else "%d%%" % g for g in df.grade], "Status": df.status,
        "Fee": [money(x, "£", 0) for x in df.fee], "Scholarship": ["Yes" if x else "No" for x in df.schol]})
    tot = total_row(messy, {"Credits": int(df.credits.sum()), "Fee": money(df.fee.sum(), "£", 0)}, "Total registrations: %d" % len(df))
    titles = ["Registry - course registrations", "Terms Autumn 2023 to Autumn 2024"]
    write_xlsx(BOOKS / "course_registrations.xlsx", titles, list(messy.columns), records(messy), tot, "Registrations")
    write_csv(BOOKS / "course_registrations.csv", titles, list(messy.columns), records(messy), tot)
    X, C = ["course_registrations.xlsx"], ["course_registrations.csv"]
    add("crs", X, "how many students are registered?", {"number": int(df.sid.nunique())})
    add("crs", C, "how many registrations were there in spring 2024", {"number": int((df.term == "Spring 2024").sum())})
    add("crs", X, "average grade for Databases", {"share": num(df.grade[df.title == "Databases"].mean() / 100)})
    add("crs", C, "which department has the most registrations?", top(df.groupby("dept").size()))
    add("crs", X, "which course has the highest average grade", top(df.groupby("title").grade.mean()))
    add("crs", X, "what share of registrations were withdrawn?", {"share": num((df.status == "Withdrawn").mean())})
    add("crs", C, "total fees for computer science registrations", {"number": num(df.fee[df.dept == "Computer Science"].sum())})
    multi = df.groupby("student").size()
    who = multi[multi >= 3].index[0]
    add("crs", X, "how many credits has %s registered for in total?" % who, {"number": int(df.credits[df.student == who].sum())})
    add("crs", X, "how many students have a scholarship", {"number": int(df[df.schol].sid.nunique())})
    add("crs", C, "which course has the most registrations?", top(df.groupby("title").size()))
    add("crs", X, "average fee per registration in the Autumn 2024 term", {"number": num(df.fee[df.term == "Autumn 2024"].mean())})
    add("crs", X, "how many registrations got a grade of 70% or more", {"number": int((df.grade >= 70).sum())})
    add("crs", C, "highest grade in Econometrics", {"share": num(df.grade[df.title == "Econometrics"].max() / 100)})
    add("crs", X, "how many different courses are offered?", {"number": int(df.code.nunique())})
    add("crs", X, "total number of credits for completed registrations", {"number": int(df.credits[df.status == "Completed"].sum())})
    dg = df.groupby("dept").grade.mean()
    add("crs", C, "is the average grade in mathematics higher than in history?", {"bool": bool(dg["Mathematics"] > dg["History"])})
    add("crs", X, "how many in-progress registrations does the Economics department have",
        {"number": int(((df.dept == "Economics") & (df.status == "In progress")).sum())})
    # grades are written as "67%", so 0.67 and 67 are both right: expectations on grades are shares
    g = df[df.grade.notna()]
    g = g[g.groupby(["student", "title"]).grade.transform("size") == 1].iloc[5]
    add("crs", X, "what grade did %s get in %s?" % (g.student, g.title), {"share": num(g.grade / 100)})
    add("crs", C, "which lecturer teaches Linear Algebra?", {"refuse": True})
    add("crs", X, "are the harder courses causing more withdrawals?", {"refuse": True})
    add("crs", X, "how many registrations were there in the summer 2022 term?", {"refuse": True})


# ---------------------------------------------------------------- 6 call centre
def call_centre():
    n = 400
    agents = {"Team North": ["Alice Byrne", "Ravi Kaur", "Tom Olsen"], "Team South": ["Nadia Haddad", "Owen Price", "Lucy Gallo"],
              "Team Night": ["Marek Horvat", "Sofia Mendes"]}
    team = pick(list(agents), n, [0.4, 0.4, 0.2])
    agent = [str(RNG.choice(agents[t])) for t in team]
    start = datetime(2025, 1, 1, 8)
    when = [start + timedelta(days=int(RNG.integers(0, 90)), minutes=int(RNG.integers(0, 600))) for _ in range(n)]
    when.sort()
    ctype = pick(["Billing", "Technical", "Sales", "Complaint"], n, [0.35, 0.3, 0.2, 0.15])
    wait = [int(RNG.gamma(2, 50)) for _ in range(n)]
    aband = [bool(w > 150 and RNG.random() < 0.5) for w in wait]
    dur = [None if a else round(float(RNG.gamma(3, 2.2 if c != "Technical" else 3.5)), 1) for a, c in zip(aband, ctype)]
    resolved = [None if a else bool(RNG.random() < 0.78) for a in aband]
    csat = [None if a or RNG.random() < 0.3 else int(RNG.choice([1, 2, 3, 4, 5], p=[0.07, 0.1, 0.2, 0.33, 0.3])) for a in aband]
    df = pd.DataFrame({"id": ["C%05d" % (i + 1) for i in range(n)], "when": pd.to_datetime(when), "team": team,
                       "agent": [None if a else g for a, g in zip(aband, agent)], "type": ctype, "wait": wait,
                       "dur": pd.array(dur, dtype="Float64").astype(float), "aband": aband, "resolved": resolved,
                       "csat": pd.array(csat, dtype="Float64").astype(float)})
    df.loc[df.aband, "team"] = None
    messy = pd.DataFrame({
        "Call ID": df.id, "Date/Time": [t.to_pydatetime() for t in df.when], "Team": df.team, "Agent": df.agent,
        "Call Type": df.type, "Wait": ["%d s" % w for w in df.wait], "Duration (min)": df.dur,
        "Abandoned": ["Yes" if a else "No" for a in df.aband],
        "Resolved": [None if r is None else ("Y" if r else "N") for r in df.resolved], "CSAT (1-5)": df.csat})
    tot = total_row(messy, {"Duration (min)": round(float(df.dur.sum()), 1)}, "Total")
    write_xlsx(BOOKS / "call_centre.xlsx", ["Contact centre call log", "Q1 2025, inbound only"], list(messy.columns),
               records(messy), tot, "Calls", date_fmt="dd/mm/yyyy hh:mm")
    X = ["call_centre.xlsx"]
    ans = df[~df.aband]
    add("call", X, "how many calls were abandoned?", {"number": int(df.aband.sum())})
    add("call", X, "average wait time in seconds", {"number": num(df.wait.mean())})
    add("call", X, "which agent handled the most calls", top(ans.groupby("agent").size()))
    add("call", X, "average call duration for technical calls", {"number": num(df.dur[df.type == "Technical"].mean())})
    add("call", X, "what share of calls were abandoned", {"share": num(df.aband.mean())})
    add("call", X, "average CSAT score by team", pairs(df.groupby("team").csat.mean()))
    add("call", X, "how many calls did we get in February 2025?", {"number": int((df.when.dt.month == 2).sum())})
    add("call", X, "which team has the highest average satisfaction score", top(df.groupby("team").csat.mean()))
    add("call", X, "total talk time in minutes for Ravi Kaur", {"number": num(df.dur[df.agent == "Ravi Kaur"].sum())})
    add("call", X, "longest call duration", {"number": num(df.dur.max())})
    add("call", X, "how many complaint calls were there in march?", {"number": int(((df.type == "Complaint") & (df.when.dt.month == 3)).sum())})
    add("call", X, "top 3 agents by total talk time", topn(df.groupby("agent").dur.sum(), 3))
    add("call", X, "avg wait for sales calls", {"number": num(df.wait[df.type == "Sales"].mean())})
    add("call", X, "how many calls got a CSAT of 5", {"number": int((df.csat == 5).sum())})
    add("call", X, "how many different agents took calls?", {"number": int(df.agent.nunique())})
    add("call", X, "did any caller wait longer than 10 minutes?", {"bool": bool((df.wait > 600).any())})
    day = df.when.dt.normalize().value_counts().index[3]
    add("call", X, "how many calls were there on %s?" % day.strftime("%d/%m/%Y"), {"number": int((df.when.dt.normalize() == day).sum())})
    dd = df.groupby("team").dur.mean()
    add("call", X, "compare average call duration for Team North and Team South",
        {"pairs": {"Team North": num(dd["Team North"]), "Team South": num(dd["Team South"])}})
    add("call", X, "how many billing calls were resolved?", {"number": int(((df.type == "Billing") & df.resolved.eq(True)).sum())})
    add("call", X, "why are customers unhappy with billing calls?", {"refuse": True})
    add("call", X, "what is the average cost per call", {"refuse": True})
    add("call", X, "how many calls were taken in December 2024?", {"refuse": True})


# ---------------------------------------------------------------- 7 vehicle sales
def vehicle_sales():
    n = 240
    models = {"Toyota": [("Corolla", 24000), ("RAV4", 33000), ("Prius", 29000)], "Ford": [("Fiesta", 18000), ("Focus", 22000), ("Kuga", 31000)],
              "Tesla": [("Model 3", 42000), ("Model Y", 48000)], "BMW": [("3 Series", 41000), ("X1", 39000)],
              "Kia": [("Niro", 30000), ("Sportage", 29500)]}
    fuel_of = {"Prius": "Hybrid", "Model 3": "Electric", "Model Y": "Electric", "Niro": "Hybrid"}
    make = pick(list(models), n, [0.28, 0.27, 0.12, 0.15, 0.18])
    rows = []
    for mk in make:
        mdl, base = models[mk][int(RNG.integers(0, len(models[mk])))]
        yr = int(RNG.integers(2015, 2025))
        miles = int(max(5, (2025 - yr) * RNG.uniform(6000, 12000))) if yr < 2024 else int(RNG.integers(5, 3000))
        lp = round(base * (0.92 ** (2024 - yr)) / 50) * 50
        disc = int(RNG.choice([0, 0, 2, 3, 5, 8, 10]))
        fuel = fuel_of.get(mdl, str(RNG.choice(["Petrol", "Diesel"], p=[0.65, 0.35])))
        rows.append(dict(make=mk, model=mdl, year=yr, fuel=fuel, miles=miles, list=float(lp), disc=disc / 100,
                         price=round(lp * (1 - disc / 100), 2)))
    df = pd.DataFrame(rows)
    df["date"] = pd.to_datetime(sorted(rand_dates(date(2023, 7, 1), date(2024, 12, 31), n)))
    df["dealer"] = pick(["Riverside Motors", "Hilltop Autos", "City Car Centre"], n, [0.4, 0.35, 0.25])
    df["seller"] = pick(["Dan Walsh", "Mia Costa", "Raj Patel", "Ella Novak", "Sam Reyes", "Zara Kaur"], n)
    df["financed"] = [bool(RNG.random() < 0.55) for _ in range(n)]
    messy = pd.DataFrame({
        "Sale Date": df.date.dt.strftime("%d/%m/%Y"), "Dealer": df.dealer, "Make": df.make, "Model": df.model,
        "Model Year": df.year, "Fuel": df.fuel, "Mileage": ["%s mi" % format(m, ",") for m in df.miles],
        "List Price": [money(x, "$", 0) for x in df.list], "Discount": ["%d%%" % round(d * 100) for d in df.disc],
        "Sale Price": [money(x, "$") for x in df.price], "Salesperson": df.seller,
        "Financed": ["yes" if f else "no" for f in df.financed]})
    tot = total_row(messy, {"Sale Price": money(df.price.sum(), "$")}, "TOTAL SALES")
    titles = ["Used & new vehicle sales ledger"]
    write_xlsx(BOOKS / "vehicle_sales.xlsx", titles, list(messy.columns), records(messy), tot, "Sales")
    write_csv(BOOKS / "vehicle_sales.csv", titles, list(messy.columns), records(messy), tot)
    X, C = ["vehicle_sales.xlsx"], ["vehicle_sales.csv"]
    add("car", X, "how many cars did we sell?", {"number": len(df)})
    add("car", C, "total sales revenue", {"number": num(df.price.sum())})
    add("car", X, "which make sold the most units", top(df.groupby("make").size()))
    add("car", C, "average sale price of electric vehicles", {"number": num(df.price[df.fuel == "Electric"].mean())})
    q3 = (df.date.dt.year == 2024) & (df.date.dt.quarter == 3)
    add("car", X, "total revenue for Hilltop Autos in Q3 2024", {"number": num(df.price[q3 & (df.dealer == "Hilltop Autos")].sum())})
    add("car", C, "which salesperson had the highest total sales?", top(df.groupby("seller").price.sum()))
    add("car", X, "what percentage of sales were financed", {"share": num(df.financed.mean())})
    add("car", X, "what's the average discount given?", {"share": num(df.disc.mean())})
    add("car", C, "how many hybrids were sold in 2024", {"number": int(((df.fuel == "Hybrid") & (df.date.dt.year == 2024)).sum())})
    add("car", X, "which model was the most expensive car sold?", top(df.groupby("model").price.max()))
    add("car", C, "average mileage for cars with a model year before 2018", {"number": num(df.miles[df.year < 2018].mean())})
    add("car", X, "top 3 models by number sold", topn(df.groupby("model").size(), 3))
    add("car", X, "how many different makes do we sell", {"number": int(df.make.nunique())})
    add("car", C, "total sales for Ford in June 2024", {"number": num(df.price[(df.make == "Ford") & (df.date.dt.year == 2024) & (df.date.dt.month == 6)].sum())})
    fp = df.groupby("fuel").price.mean()
    hi, lo = ("Petrol", "Diesel") if fp["Petrol"] > fp["Diesel"] else ("Diesel", "Petrol")
    add("car", X, "how much higher is the average sale price of %s cars than %s ones?" % (hi.lower(), lo.lower()),
        {"number": num(fp[hi] - fp[lo])})
    add("car", C, "did Zara Kaur sell any electric cars?", {"bool": bool(((df.seller == "Zara Kaur") & (df.fuel == "Electric")).any())})
    low = df.nsmallest(2, "miles")
    assert low.miles.iloc[0] < low.miles.iloc[1]
    add("car", X, "what was the sale price of the vehicle with the lowest mileage?", {"number": num(low.price.iloc[0])})
    rng = (df.date >= "2024-03-01") & (df.date <= "2024-04-15")
    add("car", C, "how many sales between 1 March 2024 and 15 April 2024?", {"number": int(rng.sum())})
    add("car", X, "how many sales in 2023 were by Riverside Motors", {"number": int(((df.date.dt.year == 2023) & (df.dealer == "Riverside Motors")).sum())})
    add("car", X, "which car is the best value for money?", {"refuse": True})
    add("car", C, "what's the profit margin on each sale", {"refuse": True})
    add("car", X, "how many cars did we sell in 2026?", {"refuse": True})


# ---------------------------------------------------------------- 8 crop yields
def crop_yields():
    farms = {"Glebe Farm": "East Anglia", "Manor Farm": "East Anglia", "Hill Top Farm": "Yorkshire", "Brook Farm": "Yorkshire",
             "Ashdown Farm": "South East", "Kingsley Farm": "West Midlands", "Lowfield Farm": "West Midlands"}
    base = {"Wheat": 8.0, "Barley": 6.5, "Oilseed rape": 3.4, "Potatoes": 42.0, "Maize": 9.5}
    fields = []
    k = 1
    for f, reg in farms.items():
        for _ in range(int(RNG.integers(5, 10))):
            fields.append(dict(farm=f, region=reg, field="F-%03d" % k, area=round(float(RNG.uniform(4, 40)), 1),
                               irrigated=bool(RNG.random() < 0.3)))
            k += 1
    rows = []
    for fl in fields:
        for yr in range(2019, 2025):
            if RNG.random() < 0.12:
                continue
            crop = str(RNG.choice(list(base), p=[0.35, 0.25, 0.15, 0.1, 0.15]))
            rain = float(RNG.normal(640, 110))
            y = base[crop] * float(RNG.uniform(0.8, 1.15)) * (1.08 if fl["irrigated"] else 1.0) * (0.9 if yr == 2020 else 1.0)
            rows.append(dict(fl, season=yr, crop=crop, yld=round(y, 2), rain=round(rain) if RNG.random() > 0.05 else None,
                             fert=int(RNG.integers(80, 220))))
    df = pd.DataFrame(rows)
    df["rain"] = df.rain.astype(float)
    messy = pd.DataFrame({
        "Farm": df.farm, "Field": df.field, "Region": df.region, "Season": df.season, "Crop": df.crop,
        "Area": ["%.1f ha" % a for a in df.area], "Yield": ["%.2f t/ha" % y for y in df.yld], "Rainfall (mm)": df.rain,
        "Irrigated": ["Yes" if i else "No" for i in df.irrigated], "Fertiliser (kg N/ha)": df.fert})
    tot = total_row(messy, {"Area": "%.1f ha" % df.area.sum()}, "Total")
    write_xlsx(BOOKS / "crop_yields.xlsx", ["Harvest records 2019-2024", "Yields are per hectare at harvest moisture"],
               list(messy.columns), records(messy), tot, "Harvests")
    X = ["crop_yields.xlsx"]
    wh = df.crop == "Wheat"
    add("crop", X, "average wheat yield in 2023", {"number": num(df.yld[wh & (df.season == 2023)].mean())})
    add("crop", X, "total area planted with barley (all seasons)", {"number": num(df.area[df.crop == "Barley"].sum())})
    add("crop", X, "which crop has the highest average yield?", top(df.groupby("crop").yld.mean()))
    add("crop", X, "which region had the best average wheat yield", top(df[wh].groupby("region").yld.mean()))
    add("crop", X, "how many fields are irrigated", {"number": int(df.field[df.irrigated].nunique())})
    add("crop", X, "average rainfall in 2021", {"number": num(df.rain[df.season == 2021].mean())})
    add("crop", X, "top 3 farms by total planted area over all seasons", topn(df.groupby("farm").area.sum(), 3))
    iy = df.groupby("irrigated").yld.mean()
    add("crop", X, "did irrigated plantings have a higher average yield than non-irrigated ones?", {"bool": bool(iy[True] > iy[False])})
    r = df[df.season == 2022].iloc[7]
    add("crop", X, "what was the yield of field %s in 2022?" % r.field, {"number": num(r.yld)})
    add("crop", X, "how many potato plantings are recorded", {"number": int((df.crop == "Potatoes").sum())})
    add("crop", X, "how many farms are there?", {"number": int(df.farm.nunique())})
    add("crop", X, "max yield recorded for oilseed rape", {"number": num(df.yld[df.crop == "Oilseed rape"].max())})
    add("crop", X, "average fertiliser rate for wheat", {"number": num(df.fert[wh].mean())})
    add("crop", X, "how much area was planted in 2020 in total", {"number": num(df.area[df.season == 2020].sum())})
    add("crop", X, "what share of plantings were irrigated?", {"share": num(df.irrigated.mean())})
    mz = df[df.crop == "Maize"].groupby("season").yld.mean()
    add("crop", X, "in which season was the average maize yield highest?", {"text_any": [str(k) for k in mz[np.isclose(mz, mz.max())].index]})
    y24 = df[df.season == 2024].groupby("crop").yld.mean()
    add("crop", X, "difference between average wheat and barley yields in 2024", {"number": num(y24["Wheat"] - y24["Barley"])})
    add("crop", X, "how many plantings had less than 500 mm of rainfall", {"number": int((df.rain < 500).sum())})
    add("crop", X, "average yield per season for barley", pairs(df[df.crop == "Barley"].groupby("season").yld.mean()))
    add("crop", X, "what will wheat yields be next year?", {"refuse": True})
    add("crop", X, "what price did the wheat sell for", {"refuse": True})
    add("crop", X, "what was the average yield in 2015?", {"refuse": True})


def main():
    BOOKS.mkdir(parents=True, exist_ok=True)
    for build in (subscriptions, purchase_orders, utility_invoices, gym_members, course_registrations, call_centre,
                  vehicle_sales, crop_yields):
        build()
    with open(HERE / "heldout.jsonl", "w", encoding="utf-8") as f:
        for q in QUESTIONS:
            f.write(json.dumps(q, ensure_ascii=False) + "\n")
    print("%d questions, %d refusals" % (len(QUESTIONS), sum("refuse" in q["expect"] for q in QUESTIONS)))


if __name__ == "__main__":
    main()
