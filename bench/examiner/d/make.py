#!/usr/bin/env python3
"""Examiner set d: 8 messy tables and held-out questions with answers computed by plain pandas.

    python bench/examiner/d/make.py      # rewrites books/ and heldout.jsonl (seeded, deterministic)

Each table is first built clean (the true values, NaN where the file has a blank cell); the file
is then written messy (title row, totals row, money and units as text, dates as text in mixed
formats), and every expected answer is computed from the clean frame, never by hand.
Totals rows are not data. Ties are expected with text_any / set.
"""
import csv
import datetime as dt
import json
import random
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
BOOKS = HERE / "books"
BOOKS.mkdir(exist_ok=True)
R = random.Random(20261130)
QS = []
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


def q(qid, files, question, **expect):
    QS.append({"id": qid, "files": ["books/" + x for x in ([files] if isinstance(files, str) else files)],
               "question": question, "expect": expect})


def no(qid, files, question):
    q(qid, files, question, refuse=True)


def top(s, largest=True):
    """Expectation for 'which X has the most/least': text, or text_any when tied."""
    s = s.dropna()
    m = s.max() if largest else s.min()
    names = sorted(str(i) for i in s.index[np.isclose(s.values.astype(float), float(m))])
    return {"text": names[0]} if len(names) == 1 else {"text_any": names}


def month_any(m):
    return {"text_any": [MONTHS[m - 1], MONTHS[m - 1][:3], f"2025-{m:02d}", f"{MONTHS[m - 1]} 2025"]}


def top_month(s):
    s = s.dropna()
    ms = list(s.index[np.isclose(s.values.astype(float), float(s.max()))])
    assert len(ms) == 1
    return month_any(int(ms[0]))


def f(x):
    return float(round(float(x), 6))


def cell(v):
    if v is None:
        return None
    if isinstance(v, float) and np.isnan(v):
        return None
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.floating):
        return None if np.isnan(v) else float(v)
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    return v


def save(name, header, rows, title=None, total=None, sheet="Sheet1", csv_too=False):
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    if title:
        ws.append([title])
        ws.append([])
    ws.append(header)
    for r in rows:
        ws.append([cell(v) for v in r])
    if total:
        ws.append([cell(v) for v in total])
    wb.save(BOOKS / f"{name}.xlsx")
    if csv_too:
        with open(BOOKS / f"{name}.csv", "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            if title:
                w.writerow([title])
                w.writerow([])
            w.writerow(header)
            for r in rows + ([total] if total else []):
                out = []
                for v in r:
                    v = cell(v)
                    if v is None:
                        out.append("")
                    elif isinstance(v, dt.datetime):
                        out.append(v.strftime("%Y-%m-%d") if v.hour == 0 and v.minute == 0 else v.strftime("%Y-%m-%d %H:%M"))
                    elif isinstance(v, dt.date):
                        out.append(v.strftime("%Y-%m-%d"))
                    else:
                        out.append(v)
                w.writerow(out)


def money(x, sym="£", plain=0.0):
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return None
    if R.random() < plain:
        return float(x)
    return f"{sym}{x:,.2f}"


def mixed_date(d, fmts):
    k = R.choice(fmts)
    if k == "iso":
        return d.strftime("%Y-%m-%d")
    if k == "dmy":
        return d.strftime("%d/%m/%Y")
    if k == "long":
        return f"{d.day} {d.strftime('%b %Y')}"
    if k == "dot":
        return d.strftime("%d.%m.%Y")
    raise ValueError(k)


# ---------------------------------------------------------------- 1. expense claims
def expenses():
    people = {"Aisha Khan": "Sales", "Tom Becker": "Sales", "Priya Nair": "Sales", "Liam O'Connor": "Sales",
              "Grace Mensah": "Finance", "Oliver Hart": "Finance", "Chen Wei": "Finance",
              "Sofia Rossi": "Marketing", "Daniel Price": "Marketing", "Hannah Moore": "Marketing",
              "Marek Nowak": "Operations", "Fatima Ali": "Operations", "Jack Turner": "Operations",
              "Emily Clarke": "Operations", "Rahul Mehta": "Legal", "Zoe Walsh": "Legal",
              "Ben Foster": "IT", "Nina Petrova": "IT"}
    names = list(people)
    weights = [R.randint(1, 6) for _ in names]
    cats = {"Travel": (20, 600), "Meals": (8, 120), "Accommodation": (80, 450), "Mileage": (5, 180),
            "Office Supplies": (5, 90), "Training": (100, 1200)}
    rows = []
    start = dt.date(2025, 1, 2)
    for i in range(164):
        emp = R.choices(names, weights)[0]
        d = start + dt.timedelta(days=R.randint(0, 178))
        cat = R.choices(list(cats), [30, 25, 12, 15, 10, 8])[0]
        amt = round(R.uniform(*cats[cat]), 2)
        st = R.choices(["Approved", "Rejected", "Pending"], [74, 12, 14])[0]
        rec = R.choices(["Yes", "No", None], [80, 12, 8])[0]
        rows.append(dict(claim=f"EXP-{1040 + i:05d}", emp=emp, dept=people[emp], date=pd.Timestamp(d),
                         cat=cat, amt=amt, status=st, receipt=rec))
    df = pd.DataFrame(rows)
    for i in R.sample(range(len(df)), 3):  # amounts not filled in yet
        df.loc[i, "amt"] = np.nan
        df.loc[i, "status"] = "Pending"
    df = df.sort_values(["date", "claim"]).reset_index(drop=True)
    out = [[r.claim, r.emp, r.dept, mixed_date(r.date, ["iso", "dmy", "long"]), r.cat,
            money(r.amt, "£", 0.1), r.status, r.receipt] for r in df.itertuples()]
    save("expense_claims", ["Claim ID", "Employee", "Department", "Submitted", "Category", "Amount",
                            "Status", "Receipt?"], out,
         title="Staff expense claims - H1 2025 (GBP)",
         total=["TOTAL", None, None, None, None, money(df.amt.sum()), None, None],
         sheet="Claims", csv_too=True)

    X, C = "expense_claims.xlsx", "expense_claims.csv"
    m = df.date.dt.month
    q("ex-01", X, "What's the total amount claimed across all expense claims?", number=f(df.amt.sum()))
    q("ex-02", X, "how much has been approved in total so far", number=f(df.amt[df.status == "Approved"].sum()))
    q("ex-03", X, "How many claims were rejected?", number=int((df.status == "Rejected").sum()))
    q("ex-04", X, "Who has claimed the most money overall?", **top(df.groupby("emp").amt.sum()))
    q("ex-05", X, "which department has the highest approved expense total", **top(df[df.status == "Approved"].groupby("dept").amt.sum()))
    q("ex-06", X, "avg travel claim amount?", number=f(df.amt[df.cat == "Travel"].mean()))
    q("ex-07", X, "How many claims were submitted in March 2025?", number=int((m == 3).sum()))
    assert (df.amt == df.amt.max()).sum() == 1
    q("ex-08", X, "Who put in the single biggest claim?", text=df.emp[df.amt.idxmax()])
    q("ex-09", X, "how many different employees have submitted claims", number=int(df.emp.nunique()))
    q("ex-10", X, "What percentage of claims were approved?", share=f((df.status == "Approved").mean()))
    q("ex-11", X, "Total spent on Meals by the Finance department?", number=f(df.amt[(df.cat == "Meals") & (df.dept == "Finance")].sum()))
    q("ex-12", X, "Which expense category has the most claims?", **top(df.cat.value_counts()))
    q("ex-13", X, "How many claims are for more than £500?", number=int((df.amt > 500).sum()))
    q("ex-14", X, "whats the median claim value", number=f(df.amt.median()))
    q("ex-15", X, "Which month had the highest total amount claimed?", **top_month(df.groupby(m).amt.sum()))
    legal_training = bool(((df.dept == "Legal") & (df.cat == "Training")).any())
    q("ex-16", X, "Did anyone in Legal claim for Training?", bool=legal_training)
    for cat in ["Accommodation", "Training", "Travel"]:
        rej = sorted(df.emp[(df.status == "Rejected") & (df.cat == cat)].unique())
        if 1 <= len(rej) <= 5:
            break
    q("ex-17", X, f"Which employees have had a {cat.lower()} claim rejected?", set=rej)
    q("ex-18", X, "how many claims have the receipt column marked No", number=int((df.receipt == "No").sum()))
    pend = df[(df.status == "Pending") & df.amt.notna()].groupby("emp").amt.sum()
    who = sorted(pend.index)[0]
    q("ex-19", X, f"whats the total pending amount for {who}", number=f(pend[who]))
    q("ex-20", X, "Who submitted the most claims?", **top(df.emp.value_counts()))
    q("ex-21", C, "total mileage claimed in Q1 (Jan-Mar)?", number=f(df.amt[(df.cat == "Mileage") & (m <= 3)].sum()))
    q("ex-22", C, "What is the average claim amount for the IT team?", number=f(df.amt[df.dept == "IT"].mean()))
    q("ex-23", C, "how many claims are still pending", number=int((df.status == "Pending").sum()))
    q("ex-24", C, "Which departmnet claims the most on accomodation?", **top(df[df.cat == "Accommodation"].groupby("dept").amt.sum()))
    no("ex-n1", X, "What's the average number of days it takes to reimburse a claim?")
    no("ex-n2", X, "Which employee is the best with expenses?")
    no("ex-n3", X, "How much VAT was reclaimed on these claims in total?")
    no("ex-n4", C, "What was the total claimed by each employee's line manager?")


# ---------------------------------------------------------------- 2. energy meter readings
def energy():
    sites = {"Head Office": (42000, 9000), "Warehouse North": (30000, 14000), "Depot East": (18000, 11000),
             "Lab Building": (26000, 6000), "Retail Unit 4": (9000, 3000), "Data Centre": (88000, None)}
    tariff = {"Head Office": (0.262, 0.071), "Warehouse North": (0.248, 0.068), "Depot East": (0.271, 0.074),
              "Lab Building": (0.255, 0.069), "Retail Unit 4": (0.289, 0.077), "Data Centre": (0.231, None)}
    rows = []
    for k, (site, (eb, gb)) in enumerate(sites.items()):
        for mo in range(1, 13):
            season = np.cos((mo - 1) / 12 * 2 * np.pi)  # 1 in Jan, -1 in Jul
            for fuel, base in (("Electricity", eb), ("Gas", gb)):
                if base is None:
                    continue
                amp = 0.08 if fuel == "Electricity" else 0.6
                kwh = round(base * (1 + amp * season) * R.uniform(0.9, 1.1))
                t = tariff[site][0 if fuel == "Electricity" else 1]
                rows.append(dict(site=site, meter=f"{'E' if fuel == 'Electricity' else 'G'}-{101 + k}", fuel=fuel,
                                 month=mo, read=pd.Timestamp(2025, mo, 1) + pd.offsets.MonthEnd(0) - pd.Timedelta(days=R.randint(0, 3)),
                                 kwh=float(kwh), cost=round(kwh * t, 2), est=R.choices(["N", "Y"], [82, 18])[0]))
    df = pd.DataFrame(rows)
    for i in R.sample(range(len(df)), 5):  # readings never taken
        df.loc[i, ["kwh", "cost"]] = np.nan
        df.loc[i, "est"] = None
    df = df.sort_values(["month", "site", "fuel"]).reset_index(drop=True)
    out = [[r.meter, r.site, r.fuel, pd.Timestamp(2025, r.month, 1).strftime("%b %Y"), r.read.to_pydatetime(),
            None if np.isnan(r.kwh) else f"{r.kwh:,.0f} kWh", r.cost, r.est] for r in df.itertuples()]
    save("energy_readings", ["Meter", "Site", "Fuel", "Billing Month", "Read Date", "Consumption",
                             "Cost (£)", "Estimated"], out,
         title="Utility meter readings 2025 - all sites",
         total=["Total", None, None, None, None, f"{df.kwh.sum():,.0f} kWh", round(df.cost.sum(), 2), None],
         sheet="Readings")
    X = "energy_readings.xlsx"
    el, gas = df[df.fuel == "Electricity"], df[df.fuel == "Gas"]
    q("en-01", X, "What was our total electricity consumption in kWh for 2025?", number=f(el.kwh.sum()))
    q("en-02", X, "Which site used the most gas over the year?", **top(gas.groupby("site").kwh.sum()))
    q("en-03", X, "average monthly electricity use at Head Office?", number=f(el.kwh[el.site == "Head Office"].mean()))
    q("en-04", X, "How many of the readings were estimated?", number=int((df.est == "Y").sum()))
    q("en-05", X, "which month had the highest total electricity consumption", **top_month(el.groupby("month").kwh.sum()))
    q("en-06", X, "What did the Data Centre's electricity cost in July?", number=f(el.cost[(el.site == "Data Centre") & (el.month == 7)].sum()))
    wn = el[el.site == "Warehouse North"]
    q("en-07", X, "what price per kWh are we paying for electricity at Warehouse North", number=f(wn.cost.sum() / wn.kwh.sum()))
    q("en-08", X, "How many readings are missing a consumption figure?", number=int(df.kwh.isna().sum()))
    q("en-09", X, "total gas cost across all sites", number=f(gas.cost.sum()))
    q("en-10", X, "Which site had the lowest total energy bill (gas + electric)?", **top(df.groupby("site").cost.sum(), False))
    q("en-11", X, "What share of our electricity did the Data Centre use?", share=f(el.kwh[el.site == "Data Centre"].sum() / el.kwh.sum()))
    lab = gas[gas.site == "Lab Building"].kwh
    thr = int(round(lab.max() * 1.08, -2))
    q("en-12", X, f"Did the Lab Building's gas consumption ever go above {thr:,} kWh in a month?", bool=bool((lab > thr).any()))
    q("en-13", X, "gas used at Depot East in Q1?", number=f(gas.kwh[(gas.site == "Depot East") & (gas.month <= 3)].sum()))
    q("en-14", X, "Which site had the highest electricity consumption in December?", **top(el[el.month == 12].groupby("site").kwh.sum()))
    q("en-15", X, "How many sites have a gas meter?", number=int(gas.site.nunique()))
    q("en-16", X, "What was the highest single monthly electricity reading, in kWh?", number=f(el.kwh.max()))
    q("en-17", X, "total energy cost for the Retail Unit 4 site", number=f(df.cost[df.site == "Retail Unit 4"].sum()))
    ho = gas[(gas.site == "Head Office") & (gas.month <= 3)].sort_values("month")
    q("en-18", X, "list the Head Office gas readings (kWh) for Jan, Feb and Mar", numbers=[f(x) for x in ho.kwh])
    no("en-n1", X, "What were our total carbon emissions in tonnes of CO2 for the year?")
    no("en-n2", X, "Which meter is the most efficient?")
    no("en-n3", X, "What percentage of our electricity came from renewable sources?")


# ---------------------------------------------------------------- 3. library loans
def library():
    books = [("The Salt Path", "Raynor Winn", "Memoir"), ("Project Hail Mary", "Andy Weir", "Sci-Fi"),
             ("The Martian", "Andy Weir", "Sci-Fi"), ("Klara and the Sun", "Kazuo Ishiguro", "Fiction"),
             ("The Remains of the Day", "Kazuo Ishiguro", "Fiction"), ("Educated", "Tara Westover", "Memoir"),
             ("Sapiens", "Yuval Noah Harari", "History"), ("The Thursday Murder Club", "Richard Osman", "Crime"),
             ("The Man Who Died Twice", "Richard Osman", "Crime"), ("Where the Crawdads Sing", "Delia Owens", "Fiction"),
             ("Dune", "Frank Herbert", "Sci-Fi"), ("The Silent Patient", "Alex Michaelides", "Crime"),
             ("Atomic Habits", "James Clear", "Self-help"), ("The Body", "Bill Bryson", "Science"),
             ("A Short History of Nearly Everything", "Bill Bryson", "Science"), ("Normal People", "Sally Rooney", "Fiction"),
             ("SPQR", "Mary Beard", "History"), ("The Gruffalo", "Julia Donaldson", "Children"),
             ("Room on the Broom", "Julia Donaldson", "Children"), ("Hamnet", "Maggie O'Farrell", "Fiction"),
             ("Becoming", "Michelle Obama", "Memoir"), ("The Midnight Library", "Matt Haig", "Fiction"),
             ("Quiet", "Susan Cain", "Self-help"), ("Gone Girl", "Gillian Flynn", "Crime"),
             ("Foundation", "Isaac Asimov", "Sci-Fi"), ("The Hobbit", "J.R.R. Tolkien", "Fantasy"),
             ("Circe", "Madeline Miller", "Fantasy"), ("Rebecca", "Daphne du Maurier", "Fiction")]
    bw = [R.randint(1, 5) for _ in books]
    bw[21] = 14  # The Midnight Library is the clear favourite
    branches = ["Central", "Riverside", "Hillside", "Northgate"]
    members = [f"M-{1001 + i}" for i in range(44)]
    mw = [R.randint(1, 6) for _ in members]
    home = {m: R.choice(branches) for m in members}
    rows = []
    for i in range(228):
        b = R.choices(books, bw)[0]
        mem = R.choices(members, mw)[0]
        br = home[mem] if R.random() < 0.8 else R.choice(branches)
        ld = pd.Timestamp(2025, 1, 6) + pd.Timedelta(days=R.randint(0, 115))
        due = ld + pd.Timedelta(days=21)
        if R.random() < 0.12:
            ret, late, fine = pd.NaT, np.nan, np.nan
        else:
            ret = ld + pd.Timedelta(days=R.choices([R.randint(3, 21), R.randint(22, 50)], [72, 28])[0])
            late = float(max(0, (ret - due).days))
            fine = round(min(late * 0.25, 8.0), 2)
        rows.append(dict(loan=f"L{25000 + i}", mem=mem, br=br, title=b[0], author=b[1], genre=b[2],
                         ld=ld, due=due, ret=ret, late=late, fine=fine))
    df = pd.DataFrame(rows)
    out = [[r.loan, r.mem, r.br, r.title, r.author, r.genre, r.ld.strftime("%d/%m/%Y"), r.due.to_pydatetime(),
            None if pd.isna(r.ret) else r.ret.strftime("%d/%m/%Y"), r.late,
            None if np.isnan(r.fine) else f"${r.fine:.2f}"] for r in df.itertuples()]
    save("library_loans", ["Loan No", "Member ID", "Branch", "Title", "Author", "Genre", "Loan Date", "Due Date",
                           "Returned", "Days Late", "Fine"], out,
         title="Loans register Jan-Apr 2025", sheet="Loans", csv_too=True)
    X, C = "library_loans.xlsx", "library_loans.csv"
    mo = df.ld.dt.month
    back = df[df.ret.notna()]
    q("lb-01", X, "How many loans are recorded?", number=len(df))
    q("lb-02", X, "how many books haven't been returned yet?", number=int(df.ret.isna().sum()))
    q("lb-03", X, "Which genre gets borrowed the most?", **top(df.genre.value_counts()))
    q("lb-04", X, "Which branch issued the most loans?", **top(df.br.value_counts()))
    q("lb-05", X, "What's the total of all the fines charged?", number=f(df.fine.sum()))
    q("lb-06", X, "Which member borrowed the most books?", **top(df.mem.value_counts()))
    q("lb-07", X, "what is the most borrowed title", **top(df.title.value_counts()))
    q("lb-08", X, "how many diferent members borrowed something?", number=int(df.mem.nunique()))
    q("lb-09", X, "How many loans did Riverside make in February?", number=int(((df.br == "Riverside") & (mo == 2)).sum()))
    q("lb-10", X, "Which author's books were borrowed most often?", **top(df.author.value_counts()))
    q("lb-11", X, "Of the books that have come back, what percentage were returned late?", share=f((back.late > 0).mean()))
    q("lb-12", X, "average fine on late returns?", number=f(df.fine[df.late > 0].mean()))
    cnt = df.groupby("mem").title.nunique()
    mem = sorted(cnt.index[(cnt >= 3) & (cnt <= 4)])[0]
    q("lb-13", X, f"Which titles has member {mem} borrowed?", set=sorted(df.title[df.mem == mem].unique()))
    q("lb-14", X, "What's the most days late any book came back?", number=f(df.late.max()))
    q("lb-15", X, "how many sci-fi loans at Central", number=int(((df.genre == "Sci-Fi") & (df.br == "Central")).sum()))
    q("lb-16", X, "Total fines collected at Hillside branch?", number=f(df.fine[df.br == "Hillside"].sum()))
    q("lb-17", C, "how many loans were there in march", number=int((mo == 3).sum()))
    q("lb-18", C, "Which genre has racked up the highest fines?", **top(df.groupby("genre").fine.sum()))
    q("lb-19", C, "how many times was Dune borrowed", number=int((df.title == "Dune").sum()))
    q("lb-20", C, "Has 'Rebecca' ever been returned late?", bool=bool((df.late[df.title == "Rebecca"] > 0).any()))
    no("lb-n1", X, "What is the average age of our members?")
    no("lb-n2", X, "Which book is the best?")
    no("lb-n3", C, "How many pages were read in total across all loans?")


# ---------------------------------------------------------------- 4. support tickets
def tickets():
    agents = ["Maya Lopez", "Kwame Boateng", "Ines Duarte", "Sam Whitfield", "Yuki Tanaka", "Olu Adeyemi",
              "Clara Jensen", "Ravi Shankar"]
    aw = [R.randint(2, 7) for _ in agents]
    products = ["Payroll", "Invoicing", "Mobile App", "Reporting", "Integrations"]
    rows = []
    for i in range(246):
        op = pd.Timestamp(2025, 3, 1) + pd.Timedelta(minutes=R.randint(0, 91 * 24 * 60 - 1))
        pr = R.choices(["Low", "Medium", "High", "Urgent"], [30, 38, 22, 10])[0]
        st = R.choices(["Closed", "Open", "Escalated"], [76, 15, 9])[0]
        frm = R.randint(2, 30) if pr == "Urgent" else R.randint(5, 480)
        res = round(R.uniform(0.5, 72) * (0.4 if pr == "Urgent" else 1), 1) if st == "Closed" else np.nan
        csat = float(R.choice([20, 40, 60, 80, 100, 100, 80])) if st == "Closed" and R.random() < 0.6 else np.nan
        rows.append(dict(tk=f"TCK-{31200 + i}", op=op, ch=R.choices(["Email", "Phone", "Chat", "Web form"], [35, 20, 30, 15])[0],
                         pr=pr, prod=R.choice(products), agent=R.choices(agents, aw)[0], frm=frm, res=res, csat=csat, st=st))
    df = pd.DataFrame(rows).sort_values("op").reset_index(drop=True)
    out = [[r.tk, r.op.to_pydatetime(), r.ch, r.pr, r.prod, r.agent, r.frm,
            None if np.isnan(r.res) else f"{r.res:g} h", None if np.isnan(r.csat) else f"{r.csat:.0f}%", r.st]
           for r in df.itertuples()]
    save("support_tickets", ["Ticket #", "Opened", "Channel", "Priority", "Product", "Assigned To",
                             "First Response (mins)", "Resolution Time", "CSAT", "Status"], out,
         title="Helpdesk export - Q2 2025 (Mar-May)", sheet="Tickets", csv_too=True)
    X, C = "support_tickets.xlsx", "support_tickets.csv"
    closed = df[df.st == "Closed"]
    q("tk-01", X, "How many tickets are currently marked Open?", number=int((df.st == "Open").sum()))
    q("tk-02", X, "What's the average first response time for urgent tickets, in minutes?", number=f(df.frm[df.pr == "Urgent"].mean()))
    q("tk-03", X, "Which agent has closed the most tickets?", **top(closed.agent.value_counts()))
    q("tk-04", X, "average CSAT for chat tickets", share=f(df.csat[df.ch == "Chat"].mean() / 100))
    q("tk-05", X, "What's the median resolution time in hours?", number=f(df.res.median()))
    q("tk-06", X, "which product generates the most tickets", **top(df["prod"].value_counts()))
    q("tk-07", X, "What % of tickets came in by phone?", share=f((df.ch == "Phone").mean()))
    q("tk-08", X, "How many urgent tickets were opened on a weekend?", number=int(((df.pr == "Urgent") & (df.op.dt.day_of_week >= 5)).sum()))
    q("tk-09", X, "how many tickets were opened in April", number=int((df.op.dt.month == 4).sum()))
    q("tk-10", X, "Which agent has the lowest average CSAT score?", **top(df.groupby("agent").csat.mean(), False))
    q("tk-11", X, "How many Integrations tickets got escalated?", number=int(((df["prod"] == "Integrations") & (df.st == "Escalated")).sum()))
    assert (df.res == df.res.max()).sum() == 1
    q("tk-12", X, "Which ticket took longest to resolve?", text=df.tk[df.res.idxmax()])
    q("tk-13", X, "avg resolution time for High priority tickets (hours)?", number=f(df.res[df.pr == "High"].mean()))
    q("tk-14", X, "Who worked on urgent Payroll tickets?", set=sorted(df.agent[(df.pr == "Urgent") & (df["prod"] == "Payroll")].unique()))
    q("tk-15", X, "How many closed tickets have no CSAT score?", number=int(closed.csat.isna().sum()))
    q("tk-16", C, "how many tickets did Yuki Tanaka handle", number=int((df.agent == "Yuki Tanaka").sum()))
    q("tk-17", C, "whats the slowest first response we had (mins)", number=f(df.frm.max()))
    q("tk-18", C, "Which channel has the best average satisfaction score?", **top(df.groupby("ch").csat.mean()))
    q("tk-19", C, "How many tickets scored 100% on CSAT?", number=int((df.csat == 100).sum()))
    no("tk-n1", X, "Which customer raised the most tickets?")
    no("tk-n2", X, "What's our SLA breach rate?")
    no("tk-n3", X, "Who is our best support agent?")
    no("tk-n4", C, "How many tickets were reopened after being closed?")


# ---------------------------------------------------------------- 5. bike-share trips
def bikes():
    stations = ["Market Square", "Station Road", "University Gate", "Riverside Park", "Old Town Hall",
                "Canal Basin", "Hospital North", "Stadium", "Library Plaza", "Harbour Front"]
    sw = [9, 8, 7, 5, 4, 4, 3, 3, 3, 2]
    bikes_ = [f"B-{i:03d}" for i in range(1, 61)]
    rows = []
    for i in range(300):
        day = R.randint(1, 30)
        hour = R.choices(range(6, 23), [2, 6, 10, 7, 4, 4, 5, 6, 5, 4, 5, 8, 9, 6, 4, 3, 2])[0]
        st = pd.Timestamp(2025, 6, day, hour, R.randint(0, 59))
        a = R.choices(stations, sw)[0]
        b = a if R.random() < 0.1 else R.choices(stations, sw[::-1])[0]
        mins = R.choices([R.randint(3, 25), R.randint(26, 90)], [80, 20])[0]
        member = R.random() < 0.64
        fare = (0.0 if mins <= 45 else round(0.1 * (mins - 45), 2)) if member else round(1.0 + 0.15 * mins, 2)
        dist = round(mins * R.uniform(0.12, 0.25), 2) if R.random() > 0.04 else np.nan
        rows.append(dict(trip=f"T{880100 + i}", bike=R.choice(bikes_), a=a, b=b, st=st, en=st + pd.Timedelta(minutes=mins),
                         mins=float(mins), dist=dist, rider="Member" if member else "Casual", fare=fare))
    df = pd.DataFrame(rows).sort_values("st").reset_index(drop=True)
    out = [[r.trip, r.bike, r.a, r.b, r.st.strftime("%Y-%m-%d %H:%M"), r.en.strftime("%Y-%m-%d %H:%M"),
            f"{r.mins:.0f} min", r.dist, r.rider, f"${r.fare:.2f}"] for r in df.itertuples()]
    save("bike_trips", ["trip_id", "bike_id", "start_station", "end_station", "started_at", "ended_at", "duration",
                        "distance_km", "rider_type", "fare"], out, sheet="trips", csv_too=True)
    X, C = "bike_trips.xlsx", "bike_trips.csv"
    q("bk-01", C, "how many trips were taken in June?", number=len(df))
    q("bk-02", C, "What's the average trip duration in minutes?", number=f(df.mins.mean()))
    q("bk-03", C, "Which station do most trips start from?", **top(df.a.value_counts()))
    q("bk-04", C, "How many trips ended at the same station they started from?", number=int((df.a == df.b).sum()))
    q("bk-05", C, "total fares paid by casual riders", number=f(df.fare[df.rider == "Casual"].sum()))
    q("bk-06", C, "which bike did the longest ride, in minutes?", **({"text": df.bike[df.mins.idxmax()]} if (df.mins == df.mins.max()).sum() == 1
                                                                    else {"text_any": sorted(df.bike[df.mins == df.mins.max()].unique())}))
    q("bk-07", C, "What share of trips were made by members?", share=f((df.rider == "Member").mean()))
    hrs = df.st.dt.hour.value_counts()
    assert (hrs == hrs.max()).sum() == 1
    q("bk-08", C, "At what hour of the day do most trips start?", number=int(hrs.idxmax()))
    q("bk-09", C, "how many rides lasted more than 30 mins", number=int((df.mins > 30).sum()))
    q("bk-10", X, "average distance for member trips (km)?", number=f(df.dist[df.rider == "Member"].mean()))
    q("bk-11", X, "Which bike got used the most?", **top(df.bike.value_counts()))
    q("bk-12", X, "How much fare revenue did we take on 14 June?", number=f(df.fare[df.st.dt.day == 14].sum()))
    q("bk-13", X, "What's the most popular destination station?", **top(df.b.value_counts()))
    q("bk-14", X, "total km ridden across all trips", number=f(df.dist.sum()))
    q("bk-15", X, "How many casual riders started at Market Square?", number=int(((df.rider == "Casual") & (df.a == "Market Square")).sum()))
    q("bk-16", X, "How many trips did bike B-017 do?", number=int((df.bike == "B-017").sum()))
    q("bk-17", X, "What was the average fare for casual rides?", number=f(df.fare[df.rider == "Casual"].mean()))
    no("bk-n1", C, "What's the average age of our riders?")
    no("bk-n2", C, "How many calories did riders burn in total?")
    no("bk-n3", X, "Which station is the best one?")
    no("bk-n4", X, "How many of these trips were on e-bikes?")


# ---------------------------------------------------------------- 6. weather stations
def weather():
    st = {"Kingsbridge": ("KB01", 11.5, 0.0, 2.2), "Moor Top": ("MT02", 8.0, -2.5, 3.1), "Harbour Point": ("HP03", 12.5, 1.5, 2.6)}
    rows = []
    days = pd.date_range("2025-03-01", "2025-04-30")
    for name, (code, tmax, tmin, rain) in st.items():
        for d in days:
            warm = (d - days[0]).days / 60 * 4.0
            mx = round(tmax + warm + R.gauss(0, 2.2), 1)
            mn = round(min(mx - 2, tmin + warm + R.gauss(0, 2.0)), 1)
            rn = 0.0 if R.random() < 0.45 else round(R.expovariate(1 / rain) * 1.6, 1)
            gust = float(R.randint(15, 55) + (R.randint(0, 30) if name == "Moor Top" else R.randint(0, 15)))
            sun = round(max(0.0, R.uniform(0, 11) - rn * 0.3), 1)
            rows.append(dict(stn=name, code=code, d=d, mx=mx, mn=mn, rn=rn, gust=gust, sun=sun))
    df = pd.DataFrame(rows)
    for col, k in (("mx", 3), ("mn", 3), ("rn", 5), ("gust", 4)):
        for i in R.sample(range(len(df)), k):
            df.loc[i, col] = np.nan
    out = [[r.code, r.stn, r.d.to_pydatetime(), r.mx, r.mn, None if np.isnan(r.rn) else f"{r.rn:.1f} mm",
            r.gust, r.sun] for r in df.itertuples()]
    save("weather_daily", ["Station Code", "Station", "Date", "Max Temp (°C)", "Min Temp (°C)", "Rainfall",
                           "Max Gust (km/h)", "Sunshine (hrs)"], out,
         title="Daily observations, spring 2025 (QC'd)", sheet="Daily", csv_too=True)
    X, C = "weather_daily.xlsx", "weather_daily.csv"
    mo = df.d.dt.month

    def day_of(sub, col, largest=True):
        v = sub[col].max() if largest else sub[col].min()
        ds = sorted(sub.d[sub[col] == v].dt.strftime("%Y-%m-%d"))
        return {"text": ds[0]} if len(ds) == 1 else {"text_any": ds}
    mt, kb, hp = (df[df.stn == s] for s in ("Moor Top", "Kingsbridge", "Harbour Point"))
    q("wx-01", X, "What's the highest temperature recorded at any station?", number=f(df.mx.max()))
    q("wx-02", X, "Which day was hottest at Moor Top?", **day_of(mt, "mx"))
    q("wx-03", X, "total rainfall at Kingsbridge in March (mm)", number=f(kb.rn[kb.d.dt.month == 3].sum()))
    q("wx-04", X, "How many dry days (0 mm rain) did Harbour Point have?", number=int((hp.rn == 0).sum()))
    q("wx-05", X, "average max temp at Kingsbridge in April?", number=f(kb.mx[kb.d.dt.month == 4].mean()))
    q("wx-06", X, "Which station was the wettest overall?", **top(df.groupby("stn").rn.sum()))
    assert (df.mn == df.mn.min()).sum() == 1
    q("wx-07", X, "Which station recorded the coldest night?", text=df.stn[df.mn.idxmin()])
    q("wx-08", X, "On how many station-days did the gust go over 60 km/h?", number=int((df.gust > 60).sum()))
    q("wx-09", X, "How much warmer on average (max temp) was Harbour Point than Moor Top?", number=f(hp.mx.mean() - mt.mx.mean()))
    q("wx-10", X, "total sunshine hours at Moor Top in April", number=f(mt.sun[mt.d.dt.month == 4].sum()))
    q("wx-11", X, "What was the wettest day at Harbour Point?", **day_of(hp, "rn"))
    q("wx-12", X, "how many nights did Moor Top drop below freezing", number=int((mt.mn < 0).sum()))
    q("wx-13", X, "Average daily rainfall at Moor Top?", number=f(mt.rn.mean()))
    q("wx-14", C, "whats the strongest gust on record here", number=f(df.gust.max()))
    q("wx-15", C, "Which station got the most sunshine in March?", **top(df[mo == 3].groupby("stn").sun.sum()))
    q("wx-16", C, "lowest max temperature at Kingsbridge", number=f(kb.mx.min()))
    q("wx-17", C, "What was the min temp at Harbour Point on 2025-04-10?", number=f(hp.mn[hp.d == pd.Timestamp("2025-04-10")].iloc[0]))
    q("wx-18", C, "Was there any day with more than 15mm of rain at Kingsbridge?", bool=bool((kb.rn > 15).any()))
    no("wx-n1", X, "What was the average humidity at Moor Top in March?")
    no("wx-n2", X, "Which station has the nicest weather?")
    no("wx-n3", C, "What will the max temperature be at Kingsbridge on 15 May?")


# ---------------------------------------------------------------- 7. grant funding
def grants():
    funders = ["Arts Council", "Lottery Community Fund", "Hartley Foundation", "City Council", "Greenway Trust", "Tech For Good"]
    orgs = ["Northside Youth Club", "Open Doors Theatre", "Canal Heritage Society", "Fernhill Food Bank", "CodeBridge CIC",
            "St Anne's Community Hall", "Riverbank Rowing Club", "Green Streets", "Mill Lane Studios", "The Reading Room",
            "Eastfield Men's Shed", "Harbour Arts Collective", "Kids Kode Club", "Oakwood Allotments", "Bright Futures Trust",
            "Parkside Football Academy", "Tidewater Museum", "Solar Schools Network", "Digital Elders", "Bramley Choir",
            "Wildflower Meadows Project", "Moorland Trail Runners"]
    ow = [R.randint(1, 5) for _ in orgs]
    progs = ["Community Arts", "Youth Sport", "Digital Skills", "Heritage", "Climate Action"]
    regions = ["North", "South", "East", "West", "Central"]
    oreg = {o: R.choice(regions) for o in orgs}
    rows = []
    for i in range(92):
        org = R.choices(orgs, ow)[0]
        yr = R.choice([2022, 2023, 2024, 2024, 2025])
        aw = float(R.randint(4, 120) * 500)
        stt = R.choices(["Active", "Closed", "Withdrawn"], [50, 42, 8])[0]
        if stt == "Closed":
            paid = aw
        elif stt == "Withdrawn":
            paid = 0.0
        else:
            paid = float(R.choice([0, 0.25, 0.5, 0.5, 0.75, 1.0]) * aw)
        rows.append(dict(ref=f"GR-{yr}-{i + 11:03d}", funder=R.choice(funders), org=org, prog=R.choice(progs),
                         region=oreg[org], yr=yr, aw=aw, paid=paid, st=stt))
    df = pd.DataFrame(rows).sort_values(["yr", "ref"]).reset_index(drop=True)
    out = [[r.ref, r.funder, r.org, r.prog, r.region, r.yr, f"€{r.aw:,.0f}", f"€{r.paid:,.0f}",
            f"{r.paid / r.aw:.0%}", r.st] for r in df.itertuples()]
    save("grant_awards", ["Grant Ref", "Funder", "Recipient", "Programme", "Region", "Year", "Awarded", "Paid to date",
                          "% Paid", "Status"], out,
         title="Grants register 2022-2025", sheet="Awards",
         total=["TOTALS", None, None, None, None, None, f"€{df.aw.sum():,.0f}", f"€{df.paid.sum():,.0f}",
                f"{df.paid.sum() / df.aw.sum():.0%}", None])
    X = "grant_awards.xlsx"
    q("gr-01", X, "What's the total amount awarded across all grants?", number=f(df.aw.sum()))
    q("gr-02", X, "how much was awarded in 2024", number=f(df.aw[df.yr == 2024].sum()))
    q("gr-03", X, "Which funder has awarded the most money?", **top(df.groupby("funder").aw.sum()))
    q("gr-04", X, "Which organisation has recieved the most grants?", **top(df.org.value_counts()))
    cnt = df.org.value_counts()
    org = sorted(cnt.index[cnt == 3])[0]
    q("gr-05", X, f"How much in total has {org} been awarded?", number=f(df.aw[df.org == org].sum()))
    q("gr-06", X, "How many grants have been paid in full?", number=int((df.paid == df.aw).sum()))
    act = df[df.st == "Active"]
    q("gr-07", X, "How much is still left to pay out on active grants?", number=f((act.aw - act.paid).sum()))
    q("gr-08", X, "which region got the most funding", **top(df.groupby("region").aw.sum()))
    q("gr-09", X, "average grant size under Digital Skills?", number=f(df.aw[df.prog == "Digital Skills"].mean()))
    q("gr-10", X, "What proportion of the total awarded has actually been paid?", share=f(df.paid.sum() / df.aw.sum()))
    q("gr-11", X, "Who got the largest single grant?", **({"text": df.org[df.aw.idxmax()]} if (df.aw == df.aw.max()).sum() == 1
                                                         else {"text_any": sorted(df.org[df.aw == df.aw.max()].unique())}))
    org2 = sorted(cnt.index[cnt == 4])[0] if (cnt == 4).any() else org
    q("gr-12", X, f"which funders have supported {org2}?", set=sorted(df.funder[df.org == org2].unique()))
    q("gr-13", X, "how many grants were withdrawn", number=int((df.st == "Withdrawn").sum()))
    q("gr-14", X, "How many different organisations have we funded?", number=int(df.org.nunique()))
    q("gr-15", X, "Which year saw the most money awarded?", **{"text_any": [str(int(y)) for y in top(df.groupby("yr").aw.sum()).get("text_any", [top(df.groupby("yr").aw.sum()).get("text")])]})
    q("gr-16", X, "total heritage funding from the Lottery Community Fund", number=f(df.aw[(df.prog == "Heritage") & (df.funder == "Lottery Community Fund")].sum()))
    q("gr-17", X, "How many grants over €40,000 are there?", number=int((df.aw > 40000).sum()))
    q("gr-18", X, "what is the smallest grant we've given", number=f(df.aw.min()))
    no("gr-n1", X, "What's our application success rate?")
    no("gr-n2", X, "Which funded project had the biggest impact?")
    no("gr-n3", X, "How many people benefited from the Youth Sport grants?")


# ---------------------------------------------------------------- 8. fleet maintenance
def fleet():
    depots = ["Leeds", "Bristol", "Reading"]
    letters = "ABCDEFGHJKLMNPRSTVWXYZ"
    veh = {}
    for _i in range(24):
        reg = f"{R.choice(['LD', 'BX', 'RE', 'YK'])}{R.choice([19, 20, 21, 22, 23])} {''.join(R.choice(letters) for _ in range(3))}"
        veh[reg] = dict(type=R.choices(["Van", "Truck", "Car"], [12, 6, 6])[0], depot=R.choice(depots),
                        odo=R.randint(8000, 140000))
    garages = ["QuickFit Motors", "Central Commercials", "A1 Tyres", "Depot Workshop", "Brakeline Services"]
    works = {"Service": (120, 420), "Tyres": (60, 200), "Brakes": (90, 300), "MOT": (45, 60), "Repair": (150, 900)}
    regs = list(veh)
    vw = [R.randint(1, 6) for _ in regs]
    rows = []
    for i in range(156):
        reg = R.choices(regs, vw)[0]
        d = pd.Timestamp(2025, 1, 3) + pd.Timedelta(days=R.randint(0, 175))
        wk = R.choices(list(works), [30, 20, 15, 12, 23])[0]
        lab = round(R.uniform(*works[wk]), 2)
        parts = np.nan if wk == "MOT" or R.random() < 0.1 else round(R.uniform(20, 650), 2)
        rows.append(dict(job=f"WO-{7700 + i}", reg=reg, type=veh[reg]["type"], depot=veh[reg]["depot"], d=d, wk=wk,
                         garage="A1 Tyres" if wk == "Tyres" and R.random() < 0.6 else R.choice(garages),
                         lab=lab, parts=parts, down=float(R.choice([0, 0, 1, 1, 1, 2, 3, 5]))))
    df = pd.DataFrame(rows).sort_values(["d", "job"]).reset_index(drop=True)
    odo = []
    for r in df.itertuples():
        veh[r.reg]["odo"] += R.randint(300, 4000)
        odo.append(float(veh[r.reg]["odo"]))
    df["odo"] = odo
    df["cost"] = df.lab + df.parts.fillna(0)
    out = [[r.job, r.reg, r.type, r.depot, mixed_date(r.d, ["iso", "long", "dmy"]), r.wk, r.garage,
            f"{r.odo:,.0f} km", r.lab, money(r.parts), r.down] for r in df.itertuples()]
    save("fleet_maintenance", ["Job No", "Vehicle Reg", "Type", "Depot", "Date In", "Work", "Garage", "Odometer",
                               "Labour £", "Parts", "Downtime (days)"], out,
         title="Fleet maintenance log Jan-Jun 2025", sheet="Jobs",
         total=["Total", None, None, None, None, None, None, None, round(df.lab.sum(), 2), money(df.parts.sum()),
                df.down.sum()], csv_too=True)
    X, C = "fleet_maintenance.xlsx", "fleet_maintenance.csv"
    jobs = df.reg.value_counts()
    v1 = sorted(jobs.index[jobs >= 6])[0]
    q("fl-01", X, "What have we spent on maintenance in total, labour plus parts?", number=f(df.cost.sum()))
    q("fl-02", X, "Which vehicle has cost us the most to maintain (labour + parts)?", **top(df.groupby("reg").cost.sum()))
    q("fl-03", X, f"how many jobs has {v1} had", number=int(jobs[v1]))
    q("fl-04", X, "What's the highest odometer reading in the log?", number=f(df.odo.max()))
    q("fl-05", X, "Avergae downtime per job for trucks?", number=f(df.down[df.type == "Truck"].mean()))
    q("fl-06", X, "Which garage do we use the most?", **top(df.garage.value_counts()))
    q("fl-07", X, "total parts spend on tyre jobs", number=f(df.parts[df.wk == "Tyres"].sum()))
    q("fl-08", X, "How many different vehicles had brake work done?", number=int(df.reg[df.wk == "Brakes"].nunique()))
    q("fl-09", X, "which depot spent most on labour", **top(df.groupby("depot").lab.sum()))
    q("fl-10", X, "What percentage of jobs were MOTs?", share=f((df.wk == "MOT").mean()))
    q("fl-11", X, f"When was {v1} last in for work?", text=df.d[df.reg == v1].max().strftime("%Y-%m-%d"))
    q("fl-12", X, "total downtime days for vans", number=f(df.down[df.type == "Van"].sum()))
    q("fl-13", X, "Average labour cost per job at Central Commercials?", number=f(df.lab[df.garage == "Central Commercials"].mean()))
    q("fl-14", X, "Which vehicle type has the highest average cost per job (labour+parts)?", **top(df.groupby("type").cost.mean()))
    q("fl-15", C, "how many jobs were booked in during April", number=int((df.d.dt.month == 4).sum()))
    q("fl-16", C, "Which vehicle had the most days off the road?", **top(df.groupby("reg").down.sum()))
    q("fl-17", C, "How many vehicles are in the Bristol depot's records?", number=int(df.reg[df.depot == "Bristol"].nunique()))
    q("fl-18", C, "what's the most expensive single repair job (labour+parts)?", number=f(df.cost[df.wk == "Repair"].max()))
    no("fl-n1", X, "What's the average fuel consumption (mpg) of the vans?")
    no("fl-n2", X, "Which driver caused the most repair costs?")
    no("fl-n3", C, "Which garage is the best?")


if __name__ == "__main__":
    for fn in (expenses, energy, library, tickets, bikes, weather, grants, fleet):
        fn()
    with open(HERE / "heldout.jsonl", "w") as fh:
        for item in QS:
            fh.write(json.dumps(item, ensure_ascii=False) + "\n")
    n_ref = sum("refuse" in x["expect"] for x in QS)
    print(f"{len(QS)} questions ({n_ref} refusals), {len(list(BOOKS.iterdir()))} files")
