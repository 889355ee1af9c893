#!/usr/bin/env python3
# ruff: noqa: UP031, B905, F841  -- seeded examiner data: rewriting a line could change the random stream
"""Examiner set e: 8 messy tables and held-out questions with answers computed by plain pandas.

    python bench/examiner/e/make.py      # rewrites books/ and heldout.jsonl (seeded, deterministic)

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
R = random.Random(20261201)
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



def d25(lo=0, hi=364):
    return dt.date(2025, 1, 1) + dt.timedelta(days=R.randint(lo, hi))


# ---------------------------------------------------------------- 1. payroll
def payroll():
    staff = [("E%03d" % (100 + i), n, dep, grade) for i, (n, dep, grade) in enumerate([
        ("Ava Lindqvist", "Kitchen", "B"), ("Marco Bellini", "Kitchen", "C"), ("Sunita Rao", "Front of House", "A"),
        ("Jonas Weber", "Front of House", "B"), ("Kemi Adeyemi", "Front of House", "A"), ("Luis Ortega", "Logistics", "C"),
        ("Mei Tanaka", "Logistics", "B"), ("Pavel Horak", "Logistics", "A"), ("Ruth Okafor", "Admin", "C"),
        ("Ingrid Solberg", "Admin", "B"), ("Samir Haddad", "Kitchen", "A"), ("Clara Dubois", "Admin", "A")])]
    rate = {"A": 13.5, "B": 16.0, "C": 19.25}
    rows = []
    for m in range(1, 7):
        for eid, n, dep, g in staff:
            hrs = R.choice([120, 132, 140, 152, 160, 168])
            ot = R.choice([0, 0, 0, 4, 6, 8, 10, 12])
            gross = round(hrs * rate[g] + ot * rate[g] * 1.5, 2)
            tax = round(gross * 0.2, 2)
            pension = R.choice(["Yes", "Yes", "No"]) if m == 1 else None
            rows.append(dict(eid=eid, name=n, dep=dep, grade=g, month=m, hrs=hrs, ot=ot, gross=gross, tax=tax,
                             net=round(gross - tax, 2)))
    df = pd.DataFrame(rows)
    pen = {eid: R.choice(["Yes", "Yes", "No"]) for eid, *_ in staff}
    df["pension"] = df.eid.map(pen)
    df.loc[df.sample(5, random_state=1).index, "ot"] = np.nan
    out = [[r.eid, r.name, r.dep, r.grade, f"{MONTHS[r.month-1][:3]} 2025", f"{r.hrs} h",
            None if np.isnan(r.ot) else r.ot, money(r.gross, "£"), money(r.tax, "£"), money(r.net, "£", 0.5), r.pension]
           for r in df.itertuples()]
    tot = ["TOTAL", None, None, None, None, None, None, money(df.gross.sum()), money(df.tax.sum()), money(df.net.sum()), None]
    save("payroll", ["Emp ID", "Employee", "Department", "Grade", "Pay period", "Hours", "Overtime hrs",
                     "Gross pay", "Tax", "Net pay", "Pension opt-in"], out,
         title="Payroll register H1 2025 (GBP)", total=tot, csv_too=True)
    P = "payroll.xlsx"; C = "payroll.csv"
    q("pay-01", P, "What was the total gross pay for the whole half year?", number=f(df.gross.sum()))
    q("pay-02", C, "total net pay paid out in march?", number=f(df.net[df.month == 3].sum()))
    q("pay-03", P, "Which department had the biggest gross payroll?", **top(df.groupby("dep").gross.sum()))
    q("pay-04", P, "How many employees are on the payroll?", number=int(df.eid.nunique()))
    q("pay-05", P, "how many staff opted into the pension?", number=int(df.drop_duplicates("eid").pension.eq("Yes").sum()))
    q("pay-06", C, "Who earned the most gross pay over the six months?", **top(df.groupby("name").gross.sum()))
    q("pay-07", P, "average hours worked per pay period", number=f(df.hrs.mean()))
    q("pay-08", P, "What's the total overtime hours in the Kitchen?", number=f(df.ot[df.dep == "Kitchen"].sum()))
    q("pay-09", P, "how much tax did Pavel Horak pay in total", number=f(df.tax[df.name == "Pavel Horak"].sum()))
    q("pay-10", C, "Which month had the highest total gross pay?", **top_month(df.groupby("month").gross.sum()))
    q("pay-11", P, "How many rows have no overtime recorded (blank)?", number=int(df.ot.isna().sum()))
    q("pay-12", P, "whats the average gross pay for grade C staff per period", number=f(df.gross[df.grade == "C"].mean()))
    q("pay-13", P, "Total net pay for Admin dept?", number=f(df.net[df.dep == "Admin"].sum()))
    q("pay-14", C, "how many employees are in Logistics", number=int(df.eid[df.dep == "Logistics"].nunique()))
    q("pay-15", P, "What is the highest single net pay in one month?", number=f(df.net.max()))
    q("pay-16", P, "Did anyone in Admin opt out of the pension?", bool=bool((df.drop_duplicates("eid").query("dep=='Admin'").pension == "No").any()))
    q("pay-17", P, "rank the departments by total net pay, biggest first", list=list(df.groupby("dep").net.sum().sort_values(ascending=False).index))
    q("pay-18", C, "gross pay by grade", pairs={k: f(v) for k, v in df.groupby("grade").gross.sum().items()})
    no("pay-n1", P, "What is the total bonus paid in Q2?")
    no("pay-n2", P, "How much did we pay in payroll in July?")
    no("pay-n3", C, "Which employee is the most productive?")


# ---------------------------------------------------------------- 2. restaurant menu sales
def menu():
    items = [("Margherita", "Pizza", 9.5), ("Diavola", "Pizza", 11.0), ("Quattro Formaggi", "Pizza", 12.0),
             ("Caesar Salad", "Salad", 8.0), ("Greek Salad", "Salad", 7.5), ("Tiramisu", "Dessert", 6.0),
             ("Panna Cotta", "Dessert", 5.5), ("Lasagne", "Pasta", 12.5), ("Carbonara", "Pasta", 11.5),
             ("Espresso", "Drinks", 2.2), ("Lemonade", "Drinks", 3.0)]
    rows = []
    for _ in range(220):
        n, cat, p = R.choice(items)
        d = d25(0, 89)
        qty = R.randint(1, 6)
        site = R.choice(["Harbour St", "Old Town", "Station Rd"])
        veg = "Y" if n in ("Margherita", "Quattro Formaggi", "Caesar Salad", "Greek Salad", "Tiramisu", "Panna Cotta", "Espresso", "Lemonade") else "N"
        rows.append(dict(date=d, site=site, item=n, cat=cat, price=p, qty=qty, rev=round(p * qty, 2), veg=veg,
                         code="M-%02d" % items.index((n, cat, p))))
    df = pd.DataFrame(rows)
    df["month"] = [x.month for x in df.date]
    out = [[r.date.strftime("%d/%m/%Y"), r.site, r.code, r.item, r.cat, money(r.price, "€"), r.qty, money(r.rev, "€", 0.3), r.veg]
           for r in df.itertuples()]
    save("menu_sales", ["Date", "Site", "Item code", "Menu item", "Category", "Unit price", "Qty", "Revenue", "Vegetarian"],
         out, title="Trattoria till export Q1 2025", csv_too=False)
    M = "menu_sales.xlsx"
    q("mn-01", M, "What was total revenue in Q1?", number=f(df.rev.sum()))
    q("mn-02", M, "which menu item sold the most units", **top(df.groupby("item").qty.sum()))
    q("mn-03", M, "Revenue at the Old Town site?", number=f(df.rev[df.site == "Old Town"].sum()))
    q("mn-04", M, "how many tiramisus did we sell", number=int(df.qty[df.item == "Tiramisu"].sum()))
    q("mn-05", M, "Which category brought in the least revenue?", **top(df.groupby("cat").rev.sum(), largest=False))
    q("mn-06", M, "What share of revenue came from vegetarian dishes?", share=f(df.rev[df.veg == "Y"].sum() / df.rev.sum()))
    q("mn-07", M, "revenue in febuary", number=f(df.rev[df.month == 2].sum()))
    q("mn-08", M, "How many distinct menu items are there?", number=int(df.item.nunique()))
    q("mn-09", M, "whats the average order quantity for pizzas", number=f(df.qty[df.cat == "Pizza"].mean()))
    q("mn-10", M, "Which site sold the most Carbonara (units)?", **top(df[df.item == "Carbonara"].groupby("site").qty.sum()))
    q("mn-11", M, "What's the price of a Lasagne?", number=12.5)
    q("mn-12", M, "number of sales lines in January", number=int((df.month == 1).sum()))
    q("mn-13", M, "Total units of drinks sold at Station Rd", number=int(df.qty[(df.cat == "Drinks") & (df.site == "Station Rd")].sum()))
    q("mn-14", M, "which month had the highest revenue", **top_month(df.groupby("month").rev.sum()))
    q("mn-15", M, "break down revenue by site pls", pairs={k: f(v) for k, v in df.groupby("site").rev.sum().items()})
    q("mn-16", M, "What's the average revenue per sales line for Dessert?", number=f(df.rev[df.cat == "Dessert"].mean()))
    no("mn-n1", M, "What was our profit margin on pizzas?")
    no("mn-n2", M, "Which waiter sold the most desserts?")
    no("mn-n3", M, "How much revenue did we make in April?")


# ---------------------------------------------------------------- 3. donations
def donations():
    donors = ["D-%04d" % i for i in range(1, 61)]
    names = {d: n for d, n in zip(donors, [f"{a} {b}" for a in ["Alex", "Sam", "Jo", "Chris", "Pat", "Robin", "Lee", "Kim", "Max", "Dana"]
                                           for b in ["Green", "Hughes", "Patel", "Murphy", "Evans", "Scott"]])}
    rows = []
    for _ in range(180):
        d = R.choice(donors)
        amt = R.choice([5, 10, 10, 20, 25, 50, 50, 100, 250, 500])
        rows.append(dict(donor=d, name=names[d], date=d25(), amt=float(amt),
                         chan=R.choice(["Online", "Online", "Direct debit", "Event", "Cheque"]),
                         camp=R.choice(["Winter Appeal", "Clean Water", "School Meals"]),
                         ga=R.choice(["Yes", "No"])))
    df = pd.DataFrame(rows)
    ga = {d: R.choice(["Yes", "No"]) for d in donors}
    df["ga"] = df.donor.map(ga)
    df["month"] = [x.month for x in df.date]
    df.loc[df.sample(4, random_state=2).index, "chan"] = None
    out = [[r.donor, r.name, mixed_date(r.date, ["iso", "long"]), money(r.amt, "£", 0.4), r.chan, r.camp, r.ga]
           for r in df.itertuples()]
    save("donations", ["Donor ID", "Donor name", "Gift date", "Amount", "Channel", "Campaign", "Gift Aid"], out,
         title="Donations log 2025", total=["Total", None, None, money(df.amt.sum()), None, None, None], csv_too=True)
    X = "donations.xlsx"; C = "donations.csv"
    q("dn-01", X, "How much did we raise in total this year?", number=f(df.amt.sum()))
    q("dn-02", C, "How many unique donors gave?", number=int(df.donor.nunique()))
    q("dn-03", X, "Which campaign raised the most money?", **top(df.groupby("camp").amt.sum()))
    q("dn-04", X, "average gift size", number=f(df.amt.mean()))
    q("dn-05", C, "total raised through direct debit", number=f(df.amt[df.chan == "Direct debit"].sum()))
    q("dn-06", X, "how many gifts came in with no channel recorded?", number=int(df.chan.isna().sum()))
    q("dn-07", X, "Who is our biggest donor by total given?", **top(df.groupby("name").amt.sum()))
    q("dn-08", X, "How many gifts of £500 did we get?", number=int((df.amt == 500).sum()))
    q("dn-09", C, "what was raised in december", number=f(df.amt[df.month == 12].sum()))
    q("dn-10", X, "How much was given by donors who ticked Gift Aid?", number=f(df.amt[df.ga == "Yes"].sum()))
    q("dn-11", X, "What's the largest single donation to Clean Water?", number=f(df.amt[df.camp == "Clean Water"].max()))
    q("dn-12", X, "how many donations did the School Meals campaign get", number=int((df.camp == "School Meals").sum()))
    q("dn-13", C, "what percentage of the money came from online gifts", share=f(df.amt[df.chan == "Online"].sum() / df.amt.sum()))
    q("dn-14", X, "How many times did Jo Patel donate?", number=int((df.name == "Jo Patel").sum()))
    q("dn-15", X, "Which month raised the most?", **top_month(df.groupby("month").amt.sum()))
    q("dn-16", X, "amount raised per campaign", pairs={k: f(v) for k, v in df.groupby("camp").amt.sum().items()})
    q("dn-17", C, "how many donors gave more than once", number=int((df.donor.value_counts() > 1).sum()))
    no("dn-n1", X, "What is the average age of our donors?")
    no("dn-n2", X, "How much did we raise in 2024?")
    no("dn-n3", C, "Which region do most donors live in?")


# ---------------------------------------------------------------- 4. staff survey (Likert)
def survey():
    lik = ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"]
    rows = []
    for i in range(150):
        team = R.choice(["Engineering", "Sales", "Support", "Design"])
        site = R.choice(["Leeds", "Glasgow", "Remote"])
        a = R.choices(range(5), weights=[1, 2, 3, 5, 3])[0]
        b = R.choices(range(5), weights=[2, 3, 4, 3, 1])[0]
        enps = R.randint(0, 10)
        rec = "Yes" if enps >= 7 else "No"
        ten = R.choice(["<1 yr", "1-3 yrs", "3-5 yrs", "5+ yrs"])
        rows.append(dict(rid="R%03d" % (i + 1), team=team, site=site, ten=ten, sat=a, wl=b, enps=enps, rec=rec,
                         date=dt.date(2025, 3, 3) + dt.timedelta(days=R.randint(0, 13))))
    df = pd.DataFrame(rows)
    df.loc[df.sample(8, random_state=3).index, "wl"] = np.nan
    out = [[r.rid, r.date.strftime("%d %b %Y"), r.team, r.site, r.ten, lik[r.sat], None if np.isnan(r.wl) else lik[int(r.wl)],
            r.enps, r.rec] for r in df.itertuples()]
    save("staff_survey", ["Response ID", "Submitted", "Team", "Location", "Tenure", "I am satisfied with my job",
                          "My workload is manageable", "How likely to recommend us (0-10)", "Would recommend"],
         out, title="Staff pulse survey March 2025", csv_too=True)
    X = "staff_survey.xlsx"; C = "staff_survey.csv"
    sat = df.sat.map(lambda k: lik[k])
    wl = df.wl.dropna().map(lambda k: lik[int(k)])
    q("sv-01", X, "How many people responded to the survey?", number=len(df))
    q("sv-02", X, "how many respondents strongly agree they are satisfied with their job", number=int((sat == "Strongly agree").sum()))
    q("sv-03", C, "What is the most common answer to the workload question?", **top(wl.value_counts()))
    q("sv-04", X, "What share of respondents would recommend us?", share=f((df.rec == "Yes").mean()))
    q("sv-05", X, "average recommend score (0-10)", number=f(df.enps.mean()))
    q("sv-06", X, "Which team had the most responses?", **top(df.team.value_counts()))
    q("sv-07", C, "how many people skipped the workload question", number=int(df.wl.isna().sum()))
    q("sv-08", X, "What's the average recommend score for the Remote people?", number=f(df.enps[df.site == "Remote"].mean()))
    q("sv-09", X, "How many in Sales disagree or strongly disagree that their workload is manageable?",
      number=int(((df.team == "Sales") & df.wl.isin([0, 1])).sum()))
    q("sv-10", X, "which location has the highest average recommend score", **top(df.groupby("site").enps.mean()))
    q("sv-11", X, "how many responses came from people with 5+ yrs tenure", number=int((df.ten == "5+ yrs").sum()))
    q("sv-12", C, "How many gave a recommend score of 10?", number=int((df.enps == 10).sum()))
    q("sv-13", X, "What percentage of Glasgow staff agree or strongly agree they're satisfied?",
      share=f(df.sat[df.site == "Glasgow"].isin([3, 4]).mean()))
    q("sv-14", X, "how many responses per team", pairs={k: int(v) for k, v in df.team.value_counts().items()})
    no("sv-n1", X, "Which manager has the unhappiest team?")
    no("sv-n2", X, "How did satisfaction change since last year's survey?")
    no("sv-n3", C, "What is the average salary of respondents?")


# ---------------------------------------------------------------- 5. marketing campaigns
def campaigns():
    rows = []
    chans = ["Search", "Social", "Email", "Display", "Video"]
    for i in range(60):
        ch = R.choice(chans)
        spend = round(R.uniform(500, 15000), 2)
        imp = R.randint(20000, 900000)
        clicks = int(imp * R.uniform(0.004, 0.03))
        conv = int(clicks * R.uniform(0.01, 0.08))
        start = dt.date(2025, 1, 1) + dt.timedelta(days=R.randint(0, 300))
        rows.append(dict(cid="CMP-%03d" % (i + 1), name=f"{R.choice(['Spring', 'Summer', 'Autumn', 'Launch', 'Retarget', 'Brand'])} {ch} {i + 1}",
                         ch=ch, region=R.choice(["UK", "DE", "FR", "NL"]), start=start, spend=spend, imp=imp,
                         clicks=clicks, conv=conv, active=R.choice(["yes", "no"])))
    df = pd.DataFrame(rows)
    df["ctr"] = df.clicks / df.imp
    df.loc[3, "conv"] = df.loc[7, "conv"]
    out = [[r.cid, r.name, r.ch, r.region, r.start.strftime("%Y-%m-%d"), money(r.spend, "€"), f"{r.imp:,}", r.clicks,
            r.conv, f"{r.ctr * 100:.2f}%", r.active] for r in df.itertuples()]
    save("campaigns", ["Campaign ID", "Campaign", "Channel", "Market", "Start date", "Spend", "Impressions", "Clicks",
                       "Conversions", "CTR", "Active?"], out, title="Paid media campaigns 2025",
         total=["Grand total", None, None, None, None, money(df.spend.sum(), "€"), f"{df.imp.sum():,}", int(df.clicks.sum()),
                int(df.conv.sum()), None, None])
    X = "campaigns.xlsx"
    df["ctr_r"] = df.ctr.round(4)
    q("cp-01", X, "What's our total ad spend?", number=f(df.spend.sum()))
    q("cp-02", X, "which channel got the most conversions", **top(df.groupby("ch").conv.sum()))
    q("cp-03", X, "how many campaigns are still active", number=int((df.active == "yes").sum()))
    q("cp-04", X, "Total impressions in the German market (DE)", number=int(df.imp[df.region == "DE"].sum()))
    q("cp-05", X, "What's the cost per conversion overall?", number=f(df.spend.sum() / df.conv.sum()))
    q("cp-06", X, "Which campaign had the highest spend?", **top(df.set_index("name").spend))
    q("cp-07", X, "how many campaigns started in Q1", number=int(sum(x.month <= 3 for x in df.start)))
    q("cp-08", X, "whats the average CTR across our Email campaigns", share=f(df.ctr_r[df.ch == "Email"].mean()))
    q("cp-09", X, "total clicks from social", number=int(df.clicks[df.ch == "Social"].sum()))
    q("cp-10", X, "Which market had the lowest total spend?", **top(df.groupby("region").spend.sum(), largest=False))
    q("cp-11", X, "how many campaigns ran on Video?", number=int((df.ch == "Video").sum()))
    q("cp-12", X, "What is the campaign ID of the campaign with the most clicks?", **top(df.set_index("cid").clicks))
    q("cp-13", X, "spend by channel", pairs={k: f(v) for k, v in df.groupby("ch").spend.sum().items()})
    no("cp-n1", X, "What was the ROI of the Search campaigns?")
    no("cp-n2", X, "Which campaign is performing best?")
    no("cp-n3", X, "How much revenue did the Brand campaigns generate?")


# ---------------------------------------------------------------- 6. hotel bookings
def hotel():
    rows = []
    for i in range(240):
        ci = d25(0, 180)
        nights = R.choice([1, 1, 2, 2, 3, 4, 5, 7])
        rt = R.choice(["Standard", "Standard", "Deluxe", "Suite"])
        rate = {"Standard": 89, "Deluxe": 129, "Suite": 219}[rt] + R.choice([0, 10, 20])
        rows.append(dict(ref="BK%05d" % (30000 + i), guest=R.choice(["Novak", "Schmidt", "Garcia", "Kowalski", "Smith", "Jones", "Rossi",
                                                                    "Dubois", "Jensen", "Silva", "Yilmaz", "Brown"]),
                         ci=ci, co=ci + dt.timedelta(days=nights), nights=nights, rt=rt, rate=float(rate),
                         total=float(rate * nights), src=R.choice(["Direct", "Booking.com", "Expedia", "Phone"]),
                         canc=R.choice(["No"] * 6 + ["Yes"]), adults=R.choice([1, 2, 2, 2, 3])))
    df = pd.DataFrame(rows)
    df["month"] = [x.month for x in df.ci]
    out = [[r.ref, r.guest, r.ci.strftime("%d.%m.%Y"), r.co.strftime("%d.%m.%Y"), f"{r.nights} nights" if r.nights > 1 else "1 night",
            r.rt, money(r.rate, "€"), money(r.total, "€", 0.3), r.src, r.adults, r.canc] for r in df.itertuples()]
    save("hotel_bookings", ["Booking ref", "Guest surname", "Check-in", "Check-out", "Length of stay", "Room type",
                            "Nightly rate", "Booking value", "Channel", "Adults", "Cancelled"], out,
         title="Seaview Hotel reservations Jan-Jun 2025", csv_too=True)
    X = "hotel_bookings.xlsx"; C = "hotel_bookings.csv"
    k = df[df.canc == "No"]
    q("ht-01", X, "How many bookings were cancelled?", number=int((df.canc == "Yes").sum()))
    q("ht-02", X, "total booking value of the non-cancelled bookings", number=f(k.total.sum()))
    q("ht-03", C, "What's the average length of stay in nights?", number=f(df.nights.mean()))
    q("ht-04", X, "which channel brought the most bookings", **top(df.src.value_counts()))
    q("ht-05", X, "How many suite bookings were there?", number=int((df.rt == "Suite").sum()))
    q("ht-06", C, "what's the cancellation rate", share=f((df.canc == "Yes").mean()))
    q("ht-07", X, "Total room nights booked in March (by check-in)", number=int(df.nights[df.month == 3].sum()))
    q("ht-08", X, "average nightly rate for Deluxe rooms", number=f(df.rate[df.rt == "Deluxe"].mean()))
    q("ht-09", X, "Which room type generated the most booking value?", **top(df.groupby("rt").total.sum()))
    q("ht-10", X, "how many bookings came via Expedia", number=int((df.src == "Expedia").sum()))
    q("ht-11", X, "what's the longest stay booked, in nights", number=int(df.nights.max()))
    q("ht-12", C, "How many adults in total across all bookings?", number=int(df.adults.sum()))
    q("ht-13", X, "Which month had the most check-ins?", **top_month(df.month.value_counts()))
    q("ht-14", X, "How many bookings did guests named Garcia make?", number=int((df.guest == "Garcia").sum()))
    q("ht-15", X, "number of bookings per room type", pairs={k: int(v) for k, v in df.rt.value_counts().items()})
    q("ht-16", X, "Were any Suite bookings made by phone cancelled?", bool=bool(((df.rt == "Suite") & (df.src == "Phone") & (df.canc == "Yes")).any()))
    no("ht-n1", X, "What was the hotel's occupancy rate in March?")
    no("ht-n2", X, "How satisfied were guests with their rooms?")
    no("ht-n3", C, "How many bookings were made in December?")


# ---------------------------------------------------------------- 7. warehouse picking
def picking():
    pickers = ["Tariq", "Beata", "Connor", "Lucia", "Dmitri", "Amara", "Hugo"]
    zones = ["A", "B", "C", "Cold"]
    rows = []
    for i in range(280):
        d = dt.date(2025, 5, 5) + dt.timedelta(days=R.randint(0, 25))
        lines = R.randint(1, 30)
        mins = round(lines * R.uniform(0.6, 1.8) + R.uniform(1, 5), 1)
        err = R.choice([0] * 8 + [1, 2])
        rows.append(dict(pid="PK-%05d" % (i + 1), date=d, picker=R.choice(pickers), zone=R.choice(zones),
                         shift=R.choice(["Early", "Late", "Night"]), lines=lines, units=lines * R.randint(1, 8),
                         mins=mins, err=err, prio=R.choice(["Y", "N", "N", "N"])))
    df = pd.DataFrame(rows)
    out = [[r.pid, f"{r.date.day}/{r.date.month}/{r.date.year}", r.picker, r.zone, r.shift, r.lines, r.units,
            f"{r.mins} min", r.err, r.prio] for r in df.itertuples()]
    save("warehouse_picks", ["Pick ID", "Date", "Picker", "Zone", "Shift", "Order lines", "Units picked", "Pick time",
                             "Errors", "Priority"], out, title="DC North pick log May 2025",
         total=["TOTAL", None, None, None, None, int(df.lines.sum()), int(df.units.sum()), None, int(df.err.sum()), None])
    X = "warehouse_picks.xlsx"
    q("wh-01", X, "How many units were picked in total?", number=int(df.units.sum()))
    q("wh-02", X, "Which picker picked the most units?", **top(df.groupby("picker").units.sum()))
    q("wh-03", X, "average pick time in minutes", number=f(df.mins.mean()))
    q("wh-04", X, "how many picks had at least one error", number=int((df.err > 0).sum()))
    q("wh-05", X, "Total errors in the Cold zone?", number=int(df.err[df.zone == "Cold"].sum()))
    q("wh-06", X, "Which shift had the fewest picks?", **top(df["shift"].value_counts(), largest=False))
    q("wh-07", X, "how many priority picks were there", number=int((df.prio == "Y").sum()))
    q("wh-08", X, "What's the total pick time for Lucia in hours?", number=f(df.mins[df.picker == "Lucia"].sum() / 60))
    q("wh-09", X, "Which zone has the highest average order lines per pick?", **top(df.groupby("zone").lines.mean()))
    q("wh-10", X, "how many picks were done on 12 May 2025", number=int((df.date == dt.date(2025, 5, 12)).sum()))
    q("wh-11", X, "What's the error rate per order line overall?", share=f(df.err.sum() / df.lines.sum()))
    q("wh-12", X, "units picked on the night shift", number=int(df.units[df["shift"] == "Night"].sum()))
    q("wh-13", X, "who had the most errors", **top(df.groupby("picker").err.sum()))
    q("wh-14", X, "How many different pickers worked in zone Cold?", number=int(df.picker[df.zone == "Cold"].nunique()))
    q("wh-15", X, "avg units per pick on priority orders", number=f(df.units[df.prio == "Y"].mean()))
    no("wh-n1", X, "Which customer's orders take longest to pick?")
    no("wh-n2", X, "What's the hourly wage cost of picking in zone B?")


# ---------------------------------------------------------------- 8. insurance claims
def claims():
    rows = []
    for i in range(200):
        lob = R.choice(["Motor", "Motor", "Home", "Travel", "Pet"])
        amt = round(R.uniform(80, {"Motor": 12000, "Home": 25000, "Travel": 3000, "Pet": 2500}[lob]), 2)
        status = R.choice(["Settled", "Settled", "Open", "Rejected"])
        paid = round(amt * R.uniform(0.5, 1.0), 2) if status == "Settled" else 0.0
        rep = d25(0, 270)
        rows.append(dict(cid="CLM-25-%04d" % (i + 1), pol="POL%06d" % R.randint(100000, 100060), lob=lob,
                         rep=rep, amt=amt, paid=paid, status=status,
                         handler=R.choice(["Okoro", "Larsen", "Fischer", "Moreau", None]),
                         fraud=R.choice(["No"] * 9 + ["Yes"]), region=R.choice(["North", "South", "East", "West"])))
    df = pd.DataFrame(rows)
    df["month"] = [x.month for x in df.rep]
    out = [[r.cid, r.pol, r.lob, mixed_date(r.rep, ["iso", "long"]), money(r.amt, "$"),
            money(r.paid, "$") if r.status == "Settled" else None, r.status, r.handler, r.fraud, r.region] for r in df.itertuples()]
    save("insurance_claims", ["Claim no.", "Policy no.", "Line of business", "Reported", "Claimed amount", "Paid amount",
                              "Status", "Handler", "Fraud flag", "Region"], out, title="Claims bordereau Jan-Sep 2025",
         total=["Totals", None, None, None, money(df.amt.sum(), "$"), money(df.paid.sum(), "$"), None, None, None, None],
         csv_too=True)
    X = "insurance_claims.xlsx"; C = "insurance_claims.csv"
    q("ic-01", X, "What is the total claimed amount?", number=f(df.amt.sum()))
    q("ic-02", C, "How much have we paid out on settled claims?", number=f(df.paid.sum()))
    q("ic-03", X, "how many claims are still open", number=int((df.status == "Open").sum()))
    q("ic-04", X, "Which line of business has the highest total claimed?", **top(df.groupby("lob").amt.sum()))
    q("ic-05", X, "whats the average claim amount for pet claims", number=f(df.amt[df.lob == "Pet"].mean()))
    q("ic-06", C, "How many claims were flagged as possible fraud?", number=int((df.fraud == "Yes").sum()))
    q("ic-07", X, "how many claims have no handler assigned", number=int(df.handler.isna().sum()))
    q("ic-08", X, "Which handler has settled the most claims?", **top(df[df.status == "Settled"].groupby("handler").size()))
    q("ic-09", X, "what fraction of claims were rejected", share=f((df.status == "Rejected").mean()))
    q("ic-10", X, "Total claimed in the West region for Home claims", number=f(df.amt[(df.region == "West") & (df.lob == "Home")].sum()))
    q("ic-11", C, "How many distinct policies made a claim?", number=int(df.pol.nunique()))
    q("ic-12", X, "largest single claim amount", number=f(df.amt.max()))
    q("ic-13", X, "How many claims were reported in June?", number=int((df.month == 6).sum()))
    q("ic-14", X, "which policy has the most claims", **top(df.pol.value_counts()))
    q("ic-15", C, "total paid out per line of business", pairs={k: f(v) for k, v in df.groupby("lob").paid.sum().items()})
    q("ic-16", X, "average paid amount on settled motor claims", number=f(df.paid[(df.status == "Settled") & (df.lob == "Motor")].mean()))
    no("ic-n1", X, "What is our loss ratio for Motor?")
    no("ic-n2", X, "How much premium did the Home policies bring in?")
    no("ic-n3", C, "Which handler is the best?")


if __name__ == "__main__":
    for fn in (payroll, menu, donations, survey, campaigns, hotel, picking, claims):
        fn()
    with open(HERE / "heldout.jsonl", "w") as fh:
        for item in QS:
            fh.write(json.dumps(item, ensure_ascii=False) + "\n")
    n_ref = sum("refuse" in x["expect"] for x in QS)
    print(f"{len(QS)} questions ({n_ref} refusals), {len(list(BOOKS.iterdir()))} files")
