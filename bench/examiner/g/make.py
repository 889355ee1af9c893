# ruff: noqa: UP031, B905, E501
"""Build examiner set g: 7 messy business tables and held-out questions (seeded)."""

import csv
import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook

HERE = Path(__file__).parent
BOOKS = HERE / "books"
QUESTIONS = []


def write_book(name, messy, titles, totals=None, as_csv=False, date_fmt=None, csv_date="%Y-%m-%d"):
    """Write a messy frame with title lines above the header and an optional totals row."""
    BOOKS.mkdir(parents=True, exist_ok=True)
    rows = [[t] for t in titles] + [[]] + [list(messy.columns)]
    for rec in messy.itertuples(index=False):
        rows.append([None if (not isinstance(v, str) and pd.isna(v)) else v for v in rec])
    if totals:
        rows.append([totals.get(c, "") for c in messy.columns])
    wb = Workbook()
    ws = wb.active
    ws.title = name.capitalize()[:30]
    for r in rows:
        ws.append([v.to_pydatetime() if isinstance(v, pd.Timestamp) else v for v in r])
    if date_fmt:
        for col_idx, col in enumerate(messy.columns, start=1):
            if col in date_fmt:
                for row in ws.iter_rows(min_row=len(titles) + 3, min_col=col_idx, max_col=col_idx):
                    for cell in row:
                        if isinstance(cell.value, dt.datetime):
                            cell.number_format = date_fmt[col]
    wb.save(BOOKS / f"{name}.xlsx")
    if as_csv:
        with open(BOOKS / f"{name}.csv", "w", newline="") as fh:
            w = csv.writer(fh)
            for r in rows:
                w.writerow(["" if v is None else (v.strftime(csv_date) if isinstance(v, (pd.Timestamp, dt.date)) else v) for v in r])


def q(tbl, files, question, expect):
    n = sum(1 for x in QUESTIONS if x["id"].startswith(tbl + "-")) + 1
    QUESTIONS.append({"id": "%s-%02d" % (tbl, n), "files": ["books/" + f for f in files], "question": question, "expect": expect})


def num(x):
    return {"number": round(float(x), 4)}


def top(series, largest=True):
    """Expectation for the label with the largest (smallest) value, with ties."""
    best = series.max() if largest else series.min()
    labels = sorted(str(k) for k in series[series == best].index)
    return {"text": labels[0]} if len(labels) == 1 else {"text_any": labels}


def topn(series, n):
    s = series.sort_values(ascending=False)
    vals = list(s.values)
    if len(set(vals[: n + 1])) == len(vals[: n + 1]):
        return {"list": [str(k) for k in s.index[:n]]}
    if len(vals) > n and vals[n - 1] != vals[n]:
        return {"set": [str(k) for k in s.index[:n]]}
    return None


def money(x, sym="£", dec=2):
    if pd.isna(x):
        return None
    return ("%s%s" % (sym, format(x, ",.%df" % dec)))


REFUSE = {"refuse": True}


# ---------------------------------------------------------------- car rentals
def rentals(rng):
    n = 260
    branches = ["Airport", "Downtown", "Harbour", "North Park"]
    classes = {"Economy": 32, "Compact": 41, "SUV": 68, "Van": 75, "Luxury": 140}
    custs = ["C%03d" % i for i in range(1, 91)]
    start = pd.Timestamp("2025-01-02")
    df = pd.DataFrame({
        "Rental ID": ["R%04d" % (1000 + i) for i in range(n)],
        "Branch": rng.choice(branches, n, p=[0.35, 0.3, 0.2, 0.15]),
        "Car Class": rng.choice(list(classes), n, p=[0.3, 0.25, 0.2, 0.1, 0.15]),
        "Customer": rng.choice(custs, n),
        "Pickup Date": [start + pd.Timedelta(days=int(d)) for d in np.sort(rng.integers(0, 300, n))],
        "Days": rng.integers(1, 22, n),
        "Insurance": rng.choice(["Yes", "No"], n, p=[0.45, 0.55]),
        "Km Driven": rng.integers(40, 3200, n),
        "Damage": rng.choice(["Yes", "No"], n, p=[0.08, 0.92]),
    })
    df["Daily Rate"] = [classes[c] + int(rng.integers(-3, 4)) for c in df["Car Class"]]
    df["Total Charge"] = df["Days"] * df["Daily Rate"] + np.where(df["Insurance"] == "Yes", 12.5 * df["Days"], 0)
    m = df.copy()
    m["Daily Rate"] = m["Daily Rate"].map(lambda v: money(v))
    m["Total Charge"] = m["Total Charge"].map(lambda v: money(v))
    m["Km Driven"] = m["Km Driven"].map(lambda v: "%s km" % format(v, ","))
    m = m[["Rental ID", "Branch", "Car Class", "Customer", "Pickup Date", "Days", "Daily Rate", "Insurance", "Total Charge", "Km Driven", "Damage"]]
    write_book("car_rentals", m, ["City Car Hire Ltd", "Rental agreements, 2025 (GBP)"],
               totals={"Rental ID": "TOTAL", "Days": int(df["Days"].sum()), "Total Charge": money(df["Total Charge"].sum()),
                       "Km Driven": "%s km" % format(int(df["Km Driven"].sum()), ",")},
               as_csv=True, date_fmt={"Pickup Date": "dd/mm/yyyy"}, csv_date="%d/%m/%Y")
    f = ["car_rentals.xlsx"]
    fc = ["car_rentals.csv"]
    T = "car"
    q(T, f, "What was the total revenue from all rentals?", num(df["Total Charge"].sum()))
    q(T, fc, "average rental length in days for SUVs", num(df.loc[df["Car Class"] == "SUV", "Days"].mean()))
    q(T, f, "How many rentals were picked up at the Airport branch?", num((df["Branch"] == "Airport").sum()))
    q(T, f, "Which branch brought in the most money?", top(df.groupby("Branch")["Total Charge"].sum()))
    e = topn(df["Car Class"].value_counts(), 3)
    if e:
        q(T, fc, "top 3 car classes by number of rentals", e)
    q(T, f, "how many rentals started in March 2025", num((df["Pickup Date"].dt.month == 3).sum()))
    q(T, fc, "Total charges for Q2 2025?", num(df.loc[df["Pickup Date"].dt.quarter == 2, "Total Charge"].sum()))
    q(T, f, "What percentage of rentals included insurance?", {"share": round(float((df["Insurance"] == "Yes").mean()), 4)})
    q(T, f, "how many different customers rented a car", num(df["Customer"].nunique()))
    q(T, fc, "Which customer rented the most times?", top(df["Customer"].value_counts()))
    q(T, f, "average km driven on luxury cars", num(df.loc[df["Car Class"] == "Luxury", "Km Driven"].mean()))
    q(T, f, "How many Harbour rentals had damage reported?", num(((df["Branch"] == "Harbour") & (df["Damage"] == "Yes")).sum()))
    g = df.groupby("Branch")["Total Charge"].sum()
    q(T, fc, "How much more revenue did Airport make than Downtown?", num(g["Airport"] - g["Downtown"]))
    q(T, f, "Was any car rented for more than 20 days?", {"bool": bool((df["Days"] > 20).any())})
    r = df.iloc[123]
    q(T, f, "What was the total charge on rental %s?" % r["Rental ID"], num(r["Total Charge"]))
    q(T, fc, "longest rental in days", num(df["Days"].max()))
    q(T, f, "total km driven by vans", num(df.loc[df["Car Class"] == "Van", "Km Driven"].sum()))
    q(T, f, "revenue by branch", {"pairs": {k: round(float(v), 2) for k, v in g.items()}})
    q(T, f, "How much fuel did customers use on average?", REFUSE)
    q(T, fc, "What was the total rental revenue in 2023?", REFUSE)
    q(T, f, "Why do customers at the airport prefer SUVs?", REFUSE)


# ------------------------------------------------------------- event ticketing
def tickets(rng):
    n = 300
    events = {"Jazz Night": ("Blue Room", 35), "Spring Gala": ("Grand Hall", 80), "Comedy Club": ("Blue Room", 22),
              "Indie Fest": ("Riverside Park", 55), "Opera Evening": ("Grand Hall", 95), "Kids Magic Show": ("Town Theatre", 12)}
    evd = {"Jazz Night": "2025-02-14", "Spring Gala": "2025-04-05", "Comedy Club": "2025-03-21",
           "Indie Fest": "2025-07-19", "Opera Evening": "2025-05-30", "Kids Magic Show": "2025-08-23"}
    ev = rng.choice(list(events), n)
    ttype = rng.choice(["Standard", "VIP", "Student"], n, p=[0.6, 0.15, 0.25])
    mult = {"Standard": 1.0, "VIP": 2.0, "Student": 0.7}
    order_date = [pd.Timestamp(evd[e]) - pd.Timedelta(days=int(rng.integers(1, 60))) for e in ev]
    df = pd.DataFrame({
        "Order No": ["T-%05d" % (20000 + i) for i in range(n)],
        "Order Date": order_date,
        "Event": ev,
        "Venue": [events[e][0] for e in ev],
        "Ticket Type": ttype,
        "Qty": rng.choice([1, 2, 2, 3, 4, 6], n),
        "Price Each": [round(events[e][1] * mult[t], 2) for e, t in zip(ev, ttype)],
        "Channel": rng.choice(["Online", "Box Office", "Phone"], n, p=[0.65, 0.25, 0.1]),
        "Refunded": rng.choice(["Y", "N"], n, p=[0.07, 0.93]),
    })
    df = df.sort_values("Order Date").reset_index(drop=True)
    df["Order No"] = ["T-%05d" % (20000 + i) for i in range(n)]
    df["Order Value"] = df["Qty"] * df["Price Each"]
    m = df.copy()
    fmts = ["%d/%m/%Y", "%Y-%m-%d", "%d %b %Y"]
    m["Order Date"] = [d.strftime(fmts[i % 3]) for i, d in enumerate(df["Order Date"])]
    m["Price Each"] = m["Price Each"].map(lambda v: money(v, "$"))
    m["Order Value"] = m["Order Value"].map(lambda v: money(v, "$"))
    write_book("ticket_sales", m, ["Riverside Arts Trust - ticket orders", "Season 2025"],
               totals={"Order No": "Grand total", "Qty": int(df["Qty"].sum()), "Order Value": money(df["Order Value"].sum(), "$")})
    f = ["ticket_sales.xlsx"]
    T = "tix"
    q(T, f, "how many tickets were sold in total", num(df["Qty"].sum()))
    q(T, f, "How many orders were placed?", num(len(df)))
    q(T, f, "Which event sold the most tickets?", top(df.groupby("Event")["Qty"].sum()))
    q(T, f, "total value of orders for the Spring Gala", num(df.loc[df["Event"] == "Spring Gala", "Order Value"].sum()))
    q(T, f, "what's the average order value for VIP tickets", num(df.loc[df["Ticket Type"] == "VIP", "Order Value"].mean()))
    q(T, f, "How many orders were refunded?", num((df["Refunded"] == "Y").sum()))
    q(T, f, "what share of orders came through the box office", {"share": round(float((df["Channel"] == "Box Office").mean()), 4)})
    q(T, f, "Ticket revenue at the Grand Hall?", num(df.loc[df["Venue"] == "Grand Hall", "Order Value"].sum()))
    q(T, f, "how many orders were placed in march 2025", num((df["Order Date"].dt.month == 3).sum()))
    q(T, f, "How many tickets were sold between 1 May 2025 and 30 June 2025?",
      num(df.loc[(df["Order Date"] >= "2025-05-01") & (df["Order Date"] <= "2025-06-30"), "Qty"].sum()))
    g = df.groupby("Channel")["Order Value"].sum()
    e = topn(g, 3)
    if e:
        q(T, f, "rank the sales channels by order value", e)
    q(T, f, "What is the most expensive ticket price?", num(df["Price Each"].max()))
    q(T, f, "number of student tickets sold for Comedy Club",
      num(df.loc[(df["Event"] == "Comedy Club") & (df["Ticket Type"] == "Student"), "Qty"].sum()))
    g2 = df.groupby("Event")["Qty"].sum()
    q(T, f, "how many more tickets did Jazz Night sell than Opera Evening?", num(g2["Jazz Night"] - g2["Opera Evening"]))
    q(T, f, "Which venue had the fewest orders?", top(df["Venue"].value_counts(), largest=False))
    q(T, f, "Did any order buy more than 5 tickets?", {"bool": bool((df["Qty"] > 5).any())})
    r = df.iloc[77]
    q(T, f, "Which event was order %s for?" % r["Order No"], {"text": r["Event"]})
    q(T, f, "how many distinct events are there", num(df["Event"].nunique()))
    q(T, f, "How many seats does the Grand Hall hold?", REFUSE)
    q(T, f, "Which event did the audience enjoy the most?", REFUSE)
    q(T, f, "How many tickets were sold in December 2025?", REFUSE)


# ----------------------------------------------------------------- IT assets
def it_assets(rng):
    n = 240
    types = {"Laptop": 1150, "Desktop": 900, "Monitor": 210, "Phone": 650, "Tablet": 480}
    depts = ["Finance", "Engineering", "Sales", "Marketing", "Operations"]
    t = rng.choice(list(types), n, p=[0.35, 0.15, 0.25, 0.15, 0.1])
    makes = {"Laptop": ["Dell", "Lenovo", "Apple", "HP"], "Desktop": ["Dell", "HP", "Lenovo"], "Monitor": ["Dell", "Samsung", "LG"],
             "Phone": ["Apple", "Samsung"], "Tablet": ["Apple", "Samsung", "Lenovo"]}
    status = rng.choice(["In use", "Spare", "In repair", "Retired"], n, p=[0.7, 0.12, 0.06, 0.12])
    people = ["Amy Clark", "Ben Osei", "Chloe Wu", "Dan Patel", "Eva Rossi", "Finn Hale", "Gita Rao", "Hugo Lam",
              "Isla Reid", "Jon Bauer", "Kira Nam", "Liam Doyle", "Maya Cruz", "Noah Fink", "Olga Berg"]
    df = pd.DataFrame({
        "Asset Tag": ["IT-%04d" % (i + 1) for i in range(n)],
        "Type": t,
        "Make": [rng.choice(makes[x]) for x in t],
        "Department": rng.choice(depts, n),
        "Assigned To": [rng.choice(people) if s == "In use" else None for s in status],
        "Purchase Date": [pd.Timestamp("2020-01-01") + pd.Timedelta(days=int(d)) for d in rng.integers(0, 365 * 5, n)],
        "Cost": [round(types[x] * rng.uniform(0.8, 1.3), 2) for x in t],
        "Under Warranty": rng.choice(["yes", "no"], n, p=[0.55, 0.45]),
        "Status": status,
        "RAM (GB)": [int(rng.choice([8, 16, 32])) if x in ("Laptop", "Desktop") else np.nan for x in t],
    })
    m = df.copy()
    m["Cost"] = m["Cost"].map(lambda v: money(v, "€"))
    m["RAM (GB)"] = m["RAM (GB)"].map(lambda v: None if pd.isna(v) else "%d GB" % v)
    m = m.rename(columns={"RAM (GB)": "RAM"})
    write_book("it_assets", m, ["IT Asset Register", "Exported 2025-01-06 from ServiceDesk"],
               totals={"Asset Tag": "Total", "Cost": money(df["Cost"].sum(), "€")}, as_csv=True, date_fmt={"Purchase Date": "yyyy-mm-dd"})
    f = ["it_assets.xlsx"]
    fc = ["it_assets.csv"]
    T = "ita"
    q(T, f, "How many laptops do we have?", num((df["Type"] == "Laptop").sum()))
    q(T, fc, "total cost of all assets", num(df["Cost"].sum()))
    q(T, f, "Which department has the most assets?", top(df["Department"].value_counts()))
    q(T, fc, "how many assets are retired", num((df["Status"] == "Retired").sum()))
    q(T, f, "average cost of a Dell laptop", num(df.loc[(df["Type"] == "Laptop") & (df["Make"] == "Dell"), "Cost"].mean()))
    q(T, f, "How many assets were bought in 2022?", num((df["Purchase Date"].dt.year == 2022).sum()))
    q(T, fc, "What did we spend on equipment in 2023?", num(df.loc[df["Purchase Date"].dt.year == 2023, "Cost"].sum()))
    q(T, f, "what percentage of assets are still under warranty", {"share": round(float((df["Under Warranty"] == "yes").mean()), 4)})
    q(T, f, "Who has the most devices assigned?", top(df["Assigned To"].value_counts()))
    q(T, fc, "how many assets are not assigned to anyone", num(df["Assigned To"].isna().sum()))
    q(T, f, "Which make do we spend the most on?", top(df.groupby("Make")["Cost"].sum()))
    q(T, f, "average RAM in laptops", num(df.loc[df["Type"] == "Laptop", "RAM (GB)"].mean()))
    q(T, fc, "How many Engineering laptops have 32 GB of RAM?",
      num(((df["Department"] == "Engineering") & (df["Type"] == "Laptop") & (df["RAM (GB)"] == 32)).sum()))
    r = df.iloc[57]
    q(T, f, "When was %s purchased?" % r["Asset Tag"], {"text_any": [r["Purchase Date"].strftime("%Y-%m-%d"), r["Purchase Date"].strftime("%Y-%m-%d 00:00:00")]})
    q(T, f, "What is the oldest asset's purchase date?", {"text_any": [df["Purchase Date"].min().strftime("%Y-%m-%d"), df["Purchase Date"].min().strftime("%Y-%m-%d 00:00:00")]})
    q(T, fc, "Are there any Apple desktops?", {"bool": bool(((df["Type"] == "Desktop") & (df["Make"] == "Apple")).any())})
    q(T, f, "number of asset types", num(df["Type"].nunique()))
    g = df.groupby("Type")["Cost"].mean()
    q(T, f, "Compare average cost of phones vs tablets - how much more are phones?", num(g["Phone"] - g["Tablet"]))
    q(T, f, "What is the serial number of IT-0042?", REFUSE)
    q(T, fc, "Which assets should we replace first?", REFUSE)
    q(T, f, "How many assets did we buy in 2018?", REFUSE)


# ----------------------------------------------------------------- lab results
def lab_results(rng):
    n = 320
    tests = {"Glucose": ("mmol/L", 5.4, 1.2), "Cholesterol": ("mmol/L", 5.1, 0.9), "HbA1c": ("%", 5.9, 0.8),
             "Haemoglobin": ("g/dL", 13.8, 1.5), "Creatinine": ("umol/L", 82, 18)}
    upper = {"Glucose": 7.0, "Cholesterol": 6.2, "HbA1c": 6.5, "Haemoglobin": 17.0, "Creatinine": 110}
    pats = ["P%04d" % i for i in range(1, 111)]
    t = rng.choice(list(tests), n)
    res = [round(float(rng.normal(tests[x][1], tests[x][2])), 1) for x in t]
    df = pd.DataFrame({
        "Sample ID": ["S%05d" % (50000 + i) for i in range(n)],
        "Patient": rng.choice(pats, n),
        "Test": t,
        "Result": res,
        "Units": [tests[x][0] for x in t],
        "Collected": [pd.Timestamp("2024-09-01") + pd.Timedelta(days=int(d)) for d in np.sort(rng.integers(0, 240, n))],
        "Lab": rng.choice(["Central", "Eastside", "Mobile Unit"], n, p=[0.5, 0.35, 0.15]),
        "Turnaround (h)": rng.integers(4, 73, n),
    })
    df["Flag"] = np.where(df["Result"] > [upper[x] for x in df["Test"]], "HIGH", "")
    m = df.copy()
    m["Turnaround (h)"] = m["Turnaround (h)"].map(lambda v: "%d h" % v)
    m = m.rename(columns={"Turnaround (h)": "Turnaround"})
    m["Collected"] = [d.strftime("%d/%m/%Y") for d in df["Collected"]]
    m["Flag"] = m["Flag"].replace("", None)
    write_book("lab_results", m, ["Pathology results extract", "Sep 2024 - Apr 2025"], as_csv=False)
    f = ["lab_results.xlsx"]
    T = "lab"
    q(T, f, "How many samples were tested?", num(len(df)))
    q(T, f, "average glucose result", num(df.loc[df["Test"] == "Glucose", "Result"].mean()))
    q(T, f, "How many results were flagged high?", num((df["Flag"] == "HIGH").sum()))
    q(T, f, "Which lab processed the most samples?", top(df["Lab"].value_counts()))
    q(T, f, "average turnaround time in hours at Eastside", num(df.loc[df["Lab"] == "Eastside", "Turnaround (h)"].mean()))
    q(T, f, "What's the highest cholesterol reading?", num(df.loc[df["Test"] == "Cholesterol", "Result"].max()))
    q(T, f, "how many distinct patients had tests", num(df["Patient"].nunique()))
    q(T, f, "Which patient had the most samples taken?", top(df["Patient"].value_counts()))
    q(T, f, "How many HbA1c tests were done in January 2025?",
      num(((df["Test"] == "HbA1c") & (df["Collected"].dt.year == 2025) & (df["Collected"].dt.month == 1)).sum()))
    q(T, f, "number of samples collected in Q4 2024", num(((df["Collected"].dt.year == 2024) & (df["Collected"].dt.quarter == 4)).sum()))
    q(T, f, "what percent of creatinine tests were flagged HIGH",
      {"share": round(float((df.loc[df["Test"] == "Creatinine", "Flag"] == "HIGH").mean()), 4)})
    g = df.groupby("Lab")["Turnaround (h)"].mean()
    q(T, f, "Which lab is the slowest on average?", top(g))
    q(T, f, "how many tests took longer than 48 hours", num((df["Turnaround (h)"] > 48).sum()))
    r = df.iloc[200]
    q(T, f, "What was the result for sample %s?" % r["Sample ID"], num(r["Result"]))
    q(T, f, "lowest haemoglobin result", num(df.loc[df["Test"] == "Haemoglobin", "Result"].min()))
    q(T, f, "count of samples per test", {"pairs": {k: int(v) for k, v in df["Test"].value_counts().items()}})
    q(T, f, "Was any glucose result above 9?", {"bool": bool((df.loc[df["Test"] == "Glucose", "Result"] > 9).any())})
    q(T, f, "What is the average age of the patients?", REFUSE)
    q(T, f, "Which patients are smokers?", REFUSE)
    q(T, f, "How many samples were collected in 2023?", REFUSE)


# --------------------------------------------------------------- animal shelter
def shelter(rng):
    n = 230
    species = rng.choice(["Dog", "Cat", "Rabbit", "Guinea pig"], n, p=[0.45, 0.38, 0.1, 0.07])
    breeds = {"Dog": ["Labrador", "Staffie", "Collie", "Jack Russell", "Greyhound"], "Cat": ["Domestic shorthair", "Siamese", "Maine Coon"],
              "Rabbit": ["Lop", "Rex"], "Guinea pig": ["Abyssinian", "American"]}
    fee = {"Dog": 175, "Cat": 95, "Rabbit": 45, "Guinea pig": 25}
    intake = [pd.Timestamp("2024-01-01") + pd.Timedelta(days=int(d)) for d in np.sort(rng.integers(0, 540, n))]
    outcome = rng.choice(["Adopted", "Transferred", "Returned to owner", "In care"], n, p=[0.6, 0.1, 0.12, 0.18])
    stay = rng.integers(3, 120, n)
    df = pd.DataFrame({
        "Animal ID": ["A%04d" % (3000 + i) for i in range(n)],
        "Name": rng.choice(["Buddy", "Luna", "Max", "Bella", "Milo", "Daisy", "Coco", "Rocky", "Nala", "Teddy", "Poppy", "Oscar"], n),
        "Species": species,
        "Breed": [rng.choice(breeds[s]) for s in species],
        "Age (yrs)": [round(float(rng.uniform(0.2, 12 if s == "Dog" else 8)), 1) for s in species],
        "Centre": rng.choice(["Northgate", "Southbank", "Eastfield"], n),
        "Intake Date": intake,
        "Outcome": outcome,
        "Outcome Date": [i + pd.Timedelta(days=int(s)) if o != "In care" else pd.NaT for i, s, o in zip(intake, stay, outcome)],
        "Neutered": rng.choice(["Yes", "No"], n, p=[0.7, 0.3]),
    })
    df["Adoption Fee"] = [float(fee[s]) if o == "Adopted" else np.nan for s, o in zip(species, outcome)]
    m = df.copy()
    m["Adoption Fee"] = m["Adoption Fee"].map(lambda v: money(v, "£", 0))
    m["Outcome"] = m["Outcome"].replace("In care", "")
    write_book("shelter_animals", m, ["Happy Paws Rescue", "Intake and outcome log"],
               totals={"Animal ID": "Totals", "Adoption Fee": money(df["Adoption Fee"].sum(), "£", 0)}, as_csv=True,
               date_fmt={"Intake Date": "dd/mm/yyyy", "Outcome Date": "dd/mm/yyyy"})
    f = ["shelter_animals.xlsx"]
    fc = ["shelter_animals.csv"]
    T = "pet"
    ad = df["Outcome"] == "Adopted"
    q(T, f, "How many animals were adopted?", num(ad.sum()))
    q(T, fc, "how many cats were adopted", num((ad & (df["Species"] == "Cat")).sum()))
    q(T, f, "Total adoption fees collected", num(df["Adoption Fee"].sum()))
    q(T, fc, "Which species had the most intakes?", top(df["Species"].value_counts()))
    q(T, f, "what is the average age of dogs taken in", num(df.loc[df["Species"] == "Dog", "Age (yrs)"].mean()))
    q(T, f, "Which centre took in the most animals?", top(df["Centre"].value_counts()))
    q(T, fc, "How many animals came in during 2024?", num((df["Intake Date"].dt.year == 2024).sum()))
    q(T, f, "intakes in the first quarter of 2025", num(((df["Intake Date"].dt.year == 2025) & (df["Intake Date"].dt.quarter == 1)).sum()))
    q(T, f, "What share of animals are neutered?", {"share": round(float((df["Neutered"] == "Yes").mean()), 4)})
    q(T, fc, "most common dog breed", top(df.loc[df["Species"] == "Dog", "Breed"].value_counts()))
    q(T, f, "how many animals are still without an outcome", num((df["Outcome"] == "In care").sum()))
    q(T, f, "How many rabbits were taken in at Southbank?", num(((df["Species"] == "Rabbit") & (df["Centre"] == "Southbank")).sum()))
    q(T, fc, "what's the oldest animal's age", num(df["Age (yrs)"].max()))
    q(T, f, "adoption fees by centre", {"pairs": {k: round(float(v), 2) for k, v in df.groupby("Centre")["Adoption Fee"].sum().items()}})
    q(T, f, "how many different names are used", num(df["Name"].nunique()))
    q(T, f, "Which name is the most popular?", top(df["Name"].value_counts()))
    g = df.groupby("Species").size()
    q(T, f, "How many more dogs than cats were taken in?", num(g["Dog"] - g["Cat"]))
    r = df.iloc[88]
    q(T, f, "What species is %s?" % r["Animal ID"], {"text": r["Species"]})
    q(T, f, "Which dog breed is the friendliest?", REFUSE)
    q(T, fc, "How much did vet treatment cost in total?", REFUSE)
    q(T, f, "How many animals were taken in during 2022?", REFUSE)


# ---------------------------------------------------------- food inspections
def inspections(rng):
    rests = {"Golden Dragon": ("Chinese", "Riverside"), "Bella Napoli": ("Italian", "Old Town"), "Spice Route": ("Indian", "Riverside"),
             "Le Petit Bistro": ("French", "Old Town"), "Taco Loco": ("Mexican", "Westgate"), "Sakura Sushi": ("Japanese", "Westgate"),
             "The Burger Joint": ("American", "Riverside"), "Athena Taverna": ("Greek", "Hillside"), "Pho Saigon": ("Vietnamese", "Hillside"),
             "Curry House": ("Indian", "Westgate"), "Pasta Fresca": ("Italian", "Hillside"), "Dragon Wok": ("Chinese", "Old Town"),
             "Casa Tapas": ("Spanish", "Riverside"), "Kebab Palace": ("Turkish", "Westgate"), "Green Bowl": ("Vegan", "Old Town")}
    n = 180
    rn = rng.choice(list(rests), n)
    score = rng.integers(55, 101, n)
    inspectors = ["J. Moss", "K. Singh", "L. Fernandes", "M. O'Neil"]
    df = pd.DataFrame({
        "Inspection ID": ["INS-%04d" % (i + 1) for i in range(n)],
        "Restaurant": rn,
        "Cuisine": [rests[r][0] for r in rn],
        "District": [rests[r][1] for r in rn],
        "Date": [pd.Timestamp("2023-01-09") + pd.Timedelta(days=int(d)) for d in np.sort(rng.integers(0, 730, n))],
        "Inspector": rng.choice(inspectors, n),
        "Score": score,
        "Critical Violations": [int(rng.integers(0, 4)) if s < 75 else int(rng.integers(0, 2)) for s in score],
    })
    df["Grade"] = np.where(df["Score"] >= 90, "A", np.where(df["Score"] >= 75, "B", "C"))
    df["Follow-up"] = np.where(df["Grade"] == "C", "Yes", "No")
    m = df.copy()
    m["Date"] = [d.strftime("%d/%m/%Y") if i % 2 else d.strftime("%d-%b-%y") for i, d in enumerate(df["Date"])]
    m["Score"] = m["Score"].map(lambda v: "%d/100" % v)
    write_book("food_inspections", m, ["District Council - Food Hygiene Inspections 2023-2024"])
    f = ["food_inspections.xlsx"]
    T = "fsi"
    q(T, f, "how many inspections were carried out", num(len(df)))
    q(T, f, "What is the average inspection score?", num(df["Score"].mean()))
    q(T, f, "How many inspections got grade A?", num((df["Grade"] == "A").sum()))
    q(T, f, "Which restaurant was inspected most often?", top(df["Restaurant"].value_counts()))
    q(T, f, "average score for Italian restaurants", num(df.loc[df["Cuisine"] == "Italian", "Score"].mean()))
    q(T, f, "Which district has the highest average score?", top(df.groupby("District")["Score"].mean()))
    q(T, f, "total number of critical violations found", num(df["Critical Violations"].sum()))
    q(T, f, "How many inspections were in 2024?", num((df["Date"].dt.year == 2024).sum()))
    q(T, f, "how many inspections needed a follow-up in Westgate", num(((df["Follow-up"] == "Yes") & (df["District"] == "Westgate")).sum()))
    q(T, f, "What percentage of inspections resulted in a C grade?", {"share": round(float((df["Grade"] == "C").mean()), 4)})
    q(T, f, "Which inspector did the most inspections?", top(df["Inspector"].value_counts()))
    q(T, f, "lowest score Golden Dragon ever got", num(df.loc[df["Restaurant"] == "Golden Dragon", "Score"].min()))
    q(T, f, "how many restaurants are there in the list", num(df["Restaurant"].nunique()))
    q(T, f, "critical violations in the summer of 2023 (June to August)",
      num(df.loc[(df["Date"] >= "2023-06-01") & (df["Date"] <= "2023-08-31"), "Critical Violations"].sum()))
    r = df.iloc[140]
    # the cell reads "68/100": the cell's text or its number both answer it
    q(T, f, "What score did inspection %s get?" % r["Inspection ID"],
      {"text_any": ["%d/100" % r["Score"], "%d" % r["Score"], "%.1f" % r["Score"]]})
    q(T, f, "Did Green Bowl ever get a C?", {"bool": bool(((df["Restaurant"] == "Green Bowl") & (df["Grade"] == "C")).any())})
    g = df.groupby("Cuisine")["Score"].mean()
    q(T, f, "difference between the average scores of Chinese and Indian restaurants", num(g["Chinese"] - g["Indian"]))
    q(T, f, "Which restaurant has the best food?", REFUSE)
    q(T, f, "How many staff does Taco Loco employ?", REFUSE)
    q(T, f, "How many inspections were done in 2021?", REFUSE)


# ---------------------------------------------------------- mortgage applications
def mortgages(rng):
    n = 210
    products = {"2yr Fixed": 4.49, "5yr Fixed": 4.19, "Tracker": 4.85, "10yr Fixed": 4.65}
    prod = rng.choice(list(products), n, p=[0.35, 0.4, 0.15, 0.1])
    value = rng.integers(120, 900, n) * 1000
    ltv = rng.choice([0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95], n)
    df = pd.DataFrame({
        "Application": ["MA%05d" % (7000 + i) for i in range(n)],
        "Applied": [pd.Timestamp("2024-04-01") + pd.Timedelta(days=int(d)) for d in np.sort(rng.integers(0, 365, n))],
        "Branch": rng.choice(["Leeds", "York", "Bradford", "Harrogate"], n),
        "Product": prod,
        "Property Value": value.astype(float),
        "LTV": ltv,
        "Rate": [products[p] + (0.3 if v > 0.85 else 0.0) for p, v in zip(prod, ltv)],
        "First-time Buyer": rng.choice(["Y", "N"], n, p=[0.4, 0.6]),
        "Via Broker": rng.choice(["Yes", "No"], n),
        "Decision": rng.choice(["Approved", "Declined", "Pending"], n, p=[0.68, 0.2, 0.12]),
    })
    df["Loan Amount"] = (df["Property Value"] * df["LTV"]).round(0)
    df["Rate"] = df["Rate"].round(2)
    m = df.copy()
    m["Applied"] = [d.strftime("%d/%m/%Y") for d in df["Applied"]]
    m["Property Value"] = m["Property Value"].map(lambda v: money(v, "£", 0))
    m["Loan Amount"] = m["Loan Amount"].map(lambda v: money(v, "£", 0))
    m["LTV"] = m["LTV"].map(lambda v: "%d%%" % round(v * 100))
    m["Rate"] = m["Rate"].map(lambda v: "%.2f%%" % v)
    m = m[["Application", "Applied", "Branch", "Product", "Property Value", "Loan Amount", "LTV", "Rate", "First-time Buyer", "Via Broker", "Decision"]]
    write_book("mortgage_apps", m, ["Mortgage applications FY2024/25", "Northern Mutual Building Society"],
               totals={"Application": "TOTAL", "Property Value": money(df["Property Value"].sum(), "£", 0), "Loan Amount": money(df["Loan Amount"].sum(), "£", 0)},
               as_csv=True)
    f = ["mortgage_apps.xlsx"]
    fc = ["mortgage_apps.csv"]
    T = "mtg"
    ap = df["Decision"] == "Approved"
    q(T, f, "How many applications were approved?", num(ap.sum()))
    q(T, fc, "total amount lent on approved applications", num(df.loc[ap, "Loan Amount"].sum()))
    q(T, f, "What's the average loan amount?", num(df["Loan Amount"].mean()))
    q(T, fc, "approval rate?", {"share": round(float(ap.mean()), 4)})
    q(T, f, "which branch received the most applications", top(df["Branch"].value_counts()))
    q(T, f, "Average interest rate on 5yr fixed mortgages", {"share": round(float(df.loc[df["Product"] == "5yr Fixed", "Rate"].mean() / 100), 6)})
    q(T, fc, "how many applications had an LTV above 85%", num((df["LTV"] > 0.85).sum()))
    q(T, f, "How many first-time buyers applied?", num((df["First-time Buyer"] == "Y").sum()))
    q(T, f, "How many applications came in during Q3 2024?", num(((df["Applied"].dt.year == 2024) & (df["Applied"].dt.quarter == 3)).sum()))
    q(T, fc, "total loan amount applied for in January 2025",
      num(df.loc[(df["Applied"].dt.year == 2025) & (df["Applied"].dt.month == 1), "Loan Amount"].sum()))
    q(T, f, "Which product is most popular?", top(df["Product"].value_counts()))
    q(T, f, "biggest loan requested", num(df["Loan Amount"].max()))
    q(T, f, "How many applications from York were declined?", num(((df["Branch"] == "York") & (df["Decision"] == "Declined")).sum()))
    g = df.groupby("Via Broker")["Loan Amount"].mean()
    q(T, fc, "do broker applications have a higher average loan than direct ones?", {"bool": bool(g["Yes"] > g["No"])})
    r = df.iloc[150]
    q(T, f, "What was the property value on application %s?" % r["Application"], num(r["Property Value"]))
    q(T, f, "number of pending applications at Harrogate", num(((df["Branch"] == "Harrogate") & (df["Decision"] == "Pending")).sum()))
    e = topn(df.groupby("Branch")["Loan Amount"].sum(), 2)
    if e:
        q(T, f, "top 2 branches by total loan amount", e)
    q(T, f, "What is the average credit score of applicants?", REFUSE)
    q(T, fc, "Why were applications declined?", REFUSE)
    q(T, f, "How many applications were made in 2021?", REFUSE)


def main():
    rng = np.random.default_rng(20261201)
    for build in (rentals, tickets, it_assets, lab_results, shelter, inspections, mortgages):
        build(rng)
    with open(HERE / "heldout.jsonl", "w") as fh:
        for x in QUESTIONS:
            fh.write(json.dumps(x) + "\n")
    refuse = sum(1 for x in QUESTIONS if x["expect"].get("refuse"))
    print("%d questions, %d refusals" % (len(QUESTIONS), refuse))


if __name__ == "__main__":
    main()
