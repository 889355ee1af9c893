#!/usr/bin/env python3
"""Held-out question set for Excel Chat: builds 8 tables in books/ and heldout.jsonl.
Every expected answer is computed with plain pandas from the data written to disk."""
import json
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
B = HERE / "books"
B.mkdir(exist_ok=True)
rng = np.random.default_rng(20261130)
Q = []


def q(id_, file, question, **expect):
    Q.append({"id": id_, "files": [f"books/{file}"], "question": question, "expect": expect})


def save(df, name, sheet, csv=True):
    df.to_excel(B / f"{name}.xlsx", index=False, sheet_name=sheet)
    if csv:
        df.to_csv(B / f"{name}.csv", index=False)


def f(x):
    return float(x)

# ------------------------------------------------------------------ 1 league standings
teams = [("Northbridge United", 15, 4, 3, 41, 18), ("Eastport City", 14, 5, 3, 44, 22),
         ("Riverside Rovers", 13, 5, 4, 38, 21), ("Kingsford Athletic", 12, 6, 4, 35, 20),
         ("Westvale FC", 13, 3, 6, 40, 27), ("Harbor Town", 10, 7, 5, 30, 24),
         ("Millbrook Wanderers", 9, 6, 7, 29, 28), ("Oakfield Rangers", 8, 6, 8, 27, 29),
         ("Stonegate Albion", 7, 6, 9, 25, 31), ("Ashby Park", 6, 7, 9, 22, 30),
         ("Lakeside Borough", 5, 5, 12, 19, 37), ("Fernhill County", 3, 6, 13, 16, 45)]
lg = pd.DataFrame(teams, columns=["Team", "Won", "Drawn", "Lost", "GF", "GA"])
lg.insert(0, "Rank", range(1, 13))
lg.insert(2, "Played", 22)
lg["GD"] = lg.GF - lg.GA
lg["Points"] = 3 * lg.Won + lg.Drawn
save(lg, "league", "Standings")
L = pd.read_excel(B / "league.xlsx")
byrank = L.set_index("Rank")
q("lg-01", "league.xlsx", "Which team finished right after Riverside Rovers?",
  text=byrank.loc[L[L.Team == "Riverside Rovers"].Rank.iloc[0] + 1, "Team"])
q("lg-02", "league.csv", "who finished just above Harbor Town in the table?",
  text=byrank.loc[L[L.Team == "Harbor Town"].Rank.iloc[0] - 1, "Team"])
q("lg-03", "league.xlsx", "How many teams have more than 40 points?", number=int((L.Points > 40).sum()))
q("lg-04", "league.xlsx", "Which team has the fewest wins?", text=L.loc[L.Won.idxmin(), "Team"])
q("lg-05", "league.csv", "How many more points did Northbridge United get than Eastport City?",
  number=f(L[L.Team == "Northbridge United"].Points.iloc[0] - L[L.Team == "Eastport City"].Points.iloc[0]))
q("lg-06", "league.xlsx", "Which teams drew the most games?", set=list(L[L.Drawn == L.Drawn.max()].Team))
q("lg-07", "league.xlsx", "What is the average number of points per team?", number=f(L.Points.mean()))
q("lg-08", "league.csv", "which side scored the most goals?", text=L.loc[L.GF.idxmax(), "Team"])
q("lg-09", "league.xlsx", "How many teams lost fewer than 5 games?", number=int((L.Lost < 5).sum()))
q("lg-10", "league.xlsx", "Did Oakfield Rangers win more games than they lost?",
  bool=bool(L[L.Team == "Oakfield Rangers"].Won.iloc[0] > L[L.Team == "Oakfield Rangers"].Lost.iloc[0]))
q("lg-11", "league.xlsx", "Who is the manager of Eastport City?", refuse=True)
q("lg-12", "league.csv", "Which team has the least points?", text=L.loc[L.Points.idxmin(), "Team"])
q("lg-13", "league.xlsx", "How many goals were scored in total across the league?", number=f(L.GF.sum()))
q("lg-14", "league.xlsx", "Which team conceded the fewest goals?", text=L.loc[L.GA.idxmin(), "Team"])
q("lg-15", "league.xlsx", "How many yellow cards did Westvale FC pick up?", refuse=True)

# ------------------------------------------------------------------ 2 race result
drv = [("Marco Bellini", "Scuderia Rossa"), ("Jonas Weber", "Silver Arrow"), ("Tom Hartley", "Blue Bull"),
       ("Kenji Sato", "Scuderia Rossa"), ("Luis Ortega", "Blue Bull"), ("Pierre Lambert", "Green Lynx"),
       ("Oscar Lindqvist", "Silver Arrow"), ("Daniel Reyes", "Copper Racing"), ("Felix Braun", "Green Lynx"),
       ("Aiden Clarke", "Alpine Star"), ("Mateo Silva", "Copper Racing"), ("Nikolai Petrov", "Alpine Star"),
       ("Sam O'Connor", "Northwind"), ("Ravi Kapoor", "Northwind"), ("Lucas Moreau", "Haldane")]
times = ["1:31:44.742", "+2.315", "+8.904", "+15.220", "+21.877", "+30.412", "+41.093", "+48.650",
         "+55.001", "+1:02.337", "+1 Lap", "+1 Lap", "Gearbox", "Engine", "Collision"]
laps = [58] * 10 + [57, 57, 41, 33, 12]
grid = [2, 1, 5, 3, 4, 9, 6, 14, 7, 8, 10, 12, 11, 13, 15]
pts = [25, 18, 15, 12, 10, 8, 6, 4, 2, 1, 0, 0, 0, 0, 0]
race = pd.DataFrame({"Pos": [str(i) for i in range(1, 13)] + ["Ret"] * 3,
                     "No.": [16, 44, 1, 55, 11, 10, 63, 23, 27, 31, 77, 22, 4, 81, 2],
                     "Driver": [d for d, _ in drv], "Team": [t for _, t in drv], "Laps": laps,
                     "Time/Retired": times, "Grid": grid, "Points": pts})
save(race, "race", "Race")
R = pd.read_csv(B / "race.csv", dtype={"Pos": str})
fin = R[R.Pos != "Ret"].copy(); fin["P"] = fin.Pos.astype(int)
q("rc-01", "race.xlsx", "Who won the race?", text=fin.loc[fin.P.idxmin(), "Driver"])
q("rc-02", "race.csv", "Who finished directly behind Kenji Sato?",
  text=fin[fin.P == fin[fin.Driver == "Kenji Sato"].P.iloc[0] + 1].Driver.iloc[0])
q("rc-03", "race.xlsx", "How many drivers retired from the race?", number=int((R.Pos == "Ret").sum()))
q("rc-04", "race.xlsx", "How many points did Green Lynx score in total?", number=f(R[R.Team == "Green Lynx"].Points.sum()))
tp = R.groupby("Team").Points.sum()
assert (tp == tp.max()).sum() == 1
q("rc-05", "race.csv", "Which team scored the most points?", text=tp.idxmax())
q("rc-06", "race.xlsx", "How many laps did Nikolai Petrov complete?", number=f(R[R.Driver == "Nikolai Petrov"].Laps.iloc[0]))
q("rc-07", "race.xlsx", "Who started on pole?", text=R.loc[R.Grid.idxmin(), "Driver"])
fin["gain"] = fin.Grid - fin.P
assert (fin.gain == fin.gain.max()).sum() == 1
q("rc-08", "race.xlsx", "Which driver gained the most places between the grid and the finish?",
  text=fin.loc[fin.gain.idxmax(), "Driver"])
q("rc-09", "race.csv", "How many drivers finished on the lead lap?", number=int((R.Laps == R.Laps.max()).sum()))
q("rc-10", "race.xlsx", "which driver completed the fewest laps?", text=R.loc[R.Laps.idxmin(), "Driver"])
# Pos is a text column (it holds "Ret"), so the position may come back as the text "9"
q("rc-11", "race.xlsx", "What position did Felix Braun finish in?", text_any=[str(fin[fin.Driver == "Felix Braun"].P.iloc[0])])
q("rc-12", "race.xlsx", "Who set the fastest lap of the race?", refuse=True)
q("rc-13", "race.csv", "How many pit stops did Tom Hartley make?", refuse=True)
q("rc-14", "race.xlsx", "Which driver finished right before Daniel Reyes?",
  text=fin[fin.P == fin[fin.Driver == "Daniel Reyes"].P.iloc[0] - 1].Driver.iloc[0])
q("rc-15", "race.xlsx", "How many drivers scored no points?", number=int((R.Points == 0).sum()))

# ------------------------------------------------------------------ 3 sales order lines
products = {"Widget": 12.5, "Gadget Pro": 89.0, "Cable Kit": 7.25, "Dock Station": 149.0, "Sensor": 34.0}
reps = {"North": ["Alice Moreno", "Brian Cho"], "South": ["Carla Diaz"], "East": ["Derek Olsen", "Emma Stone"],
        "West": ["Farah Khan"]}
rows, oid = [], 1000
dates = pd.date_range("2024-01-03", "2024-06-28", freq="D")
for _ in range(26):
    oid += 1
    region = rng.choice(list(reps)); rep = rng.choice(reps[region])
    d = dates[rng.integers(len(dates))]
    for p in rng.choice(list(products), size=rng.integers(1, 5), replace=False):
        u = int(rng.integers(1, 40))
        rows.append([f"SO-{oid}", d.date(), region, rep, p, u, products[p], round(u * products[p], 2)])
sales = pd.DataFrame(rows, columns=["Order ID", "Date", "Region", "Rep", "Product", "Units", "Unit Price", "Revenue"])
sales = sales.sort_values(["Date", "Order ID"], kind="stable").reset_index(drop=True)
sales["Date"] = pd.to_datetime(sales.Date)
sales.loc[7, "Rep"] = None  # a blank cell
save(sales, "sales", "Order Lines")
S = pd.read_excel(B / "sales.xlsx")
q("sl-01", "sales.xlsx", "How many orders were placed?", number=int(S["Order ID"].nunique()))
q("sl-02", "sales.xlsx", "What was the total revenue in the West region?", number=f(S[S.Region == "West"].Revenue.sum()))
rr = S.groupby("Rep").Revenue.sum(); assert (rr == rr.max()).sum() == 1
q("sl-03", "sales.xlsx", "Which rep brought in the most revenue?", text=rr.idxmax())
pu = S.groupby("Product").Units.sum(); assert (pu == pu.max()).sum() == 1
q("sl-04", "sales.csv", "Which product sold the most units?", text=pu.idxmax())
q("sl-05", "sales.xlsx", "What is the average order value?", number=f(S.Revenue.sum() / S["Order ID"].nunique()))
q("sl-06", "sales.xlsx", "What was total revenue in March 2024?",
  number=f(S[(S.Date.dt.month == 3) & (S.Date.dt.year == 2024)].Revenue.sum()))
mr = S.groupby(S.Date.dt.month).Revenue.sum()
q("sl-07", "sales.xlsx", "Which month had the highest revenue?",
  text_any=[pd.Timestamp(2024, mr.idxmax(), 1).strftime("%B"), pd.Timestamp(2024, mr.idxmax(), 1).strftime("%b"),
            f"2024-{mr.idxmax():02d}", pd.Timestamp(2024, mr.idxmax(), 1).strftime("%B %Y")])
q("sl-08", "sales.xlsx", "How many units of Gadget Pro were sold in the North?",
  number=f(S[(S.Product == "Gadget Pro") & (S.Region == "North")].Units.sum()))
orev = S.groupby("Order ID").Revenue.sum()
some = orev.index[5]
q("sl-09", "sales.csv", f"What's the total value of order {some}?", number=f(orev[some]))
assert (orev == orev.max()).sum() == 1
q("sl-10", "sales.xlsx", "Which order had the biggest total revenue?", text=orev.idxmax())
q("sl-11", "sales.xlsx", "How many orders included a Widget?", number=int(S[S.Product == "Widget"]["Order ID"].nunique()))
q("sl-12", "sales.xlsx", "What share of revenue came from the East region?",
  share=f(S[S.Region == "East"].Revenue.sum() / S.Revenue.sum()))
q("sl-13", "sales.xlsx", "What was the profit margin on Gadget Pro?", refuse=True)
q("sl-14", "sales.csv", "Which customer bought the most?", refuse=True)
q("sl-15", "sales.xlsx", "How many order lines have no rep assigned?", number=int(S.Rep.isna().sum()))
q("sl-17", "sales.xlsx", "What's the average?", refuse=True)
q("sl-16", "sales.xlsx", "how many orders did Farah Khan close?", number=int(S[S.Rep == "Farah Khan"]["Order ID"].nunique()))

# ------------------------------------------------------------------ 4 HR roster
first = ["Ana", "Ben", "Chloe", "David", "Elena", "Frank", "Grace", "Hugo", "Irene", "Jack", "Kira", "Leo",
         "Maya", "Nate", "Olga", "Paul", "Quinn", "Rosa", "Sven", "Tara", "Umar", "Vera", "Will", "Xena",
         "Yusuf", "Zoe", "Aaron", "Bella", "Caleb", "Dina"]
last = ["Park", "Novak", "Ibarra", "Fischer", "Okafor", "Larsen", "Mehta", "Rossi", "Tanaka", "Walsh"]
depts = {"Engineering": ["Software Engineer", "Senior Engineer"], "Sales": ["Account Executive", "Sales Manager"],
         "Finance": ["Analyst", "Controller"], "HR": ["HR Partner"], "Marketing": ["Marketing Specialist", "Brand Lead"]}
hr = []
for i, fn in enumerate(first):
    dept = rng.choice(list(depts)); title = rng.choice(depts[dept])
    hire = pd.Timestamp("2012-01-01") + pd.Timedelta(days=int(rng.integers(0, 4700)))
    sal = int(round(rng.normal({"Engineering": 95000, "Sales": 70000, "Finance": 80000, "HR": 62000,
                                "Marketing": 68000}[dept], 12000), -2))
    bonus = rng.choice([5, 7.5, 10, 12.5, np.nan], p=[.3, .2, .2, .1, .2])
    hr.append([f"E{i + 1:03d}", f"{fn} {last[i % 10]}", dept, title, hire.normalize(), sal, bonus])
hrd = pd.DataFrame(hr, columns=["Employee ID", "Name", "Department", "Title", "Hire Date", "Salary", "Bonus %"])
save(hrd, "hr_roster", "Staff")
H = pd.read_excel(B / "hr_roster.xlsx")
q("hr-01", "hr_roster.xlsx", "How many employees work in Engineering?", number=int((H.Department == "Engineering").sum()))
q("hr-02", "hr_roster.csv", "What's the average salary in Finance?", number=f(H[H.Department == "Finance"].Salary.mean()))
assert (H["Hire Date"] == H["Hire Date"].max()).sum() == 1
q("hr-03", "hr_roster.xlsx", "Who was hired most recently?", text=H.loc[H["Hire Date"].idxmax(), "Name"])
q("hr-04", "hr_roster.xlsx", "How many people were hired in 2019?", number=int((H["Hire Date"].dt.year == 2019).sum()))
q("hr-05", "hr_roster.xlsx", "Who is our longest-serving employee?", text=H.loc[H["Hire Date"].idxmin(), "Name"])
ds = H.groupby("Department").Salary.mean()
q("hr-06", "hr_roster.csv", "Which department has the highest average salary?", text=ds.idxmax())
q("hr-07", "hr_roster.xlsx", "What is the total salary bill for Marketing?", number=f(H[H.Department == "Marketing"].Salary.sum()))
q("hr-08", "hr_roster.xlsx", "How many employees have no bonus percentage recorded?", number=int(H["Bonus %"].isna().sum()))
wb = H[H["Bonus %"].notna()].iloc[3]
q("hr-09", "hr_roster.xlsx", f"How much is {wb.Name}'s bonus in dollars?", number=f(wb.Salary * wb["Bonus %"] / 100))
a, b = H.iloc[4], H.iloc[11]
q("hr-10", "hr_roster.csv", f"Who earns more, {a.Name} or {b.Name}?", text=a.Name if a.Salary > b.Salary else b.Name)
srt = H.sort_values("Salary", ascending=False)
assert srt.Salary.iloc[1] != srt.Salary.iloc[2] and srt.Salary.iloc[0] != srt.Salary.iloc[1]
q("hr-11", "hr_roster.xlsx", "Who is the second highest paid employee?", text=srt.Name.iloc[1])
q("hr-12", "hr_roster.xlsx", "How many employees earn between 60,000 and 80,000?",
  number=int(H.Salary.between(60000, 80000).sum()))
q("hr-13", "hr_roster.xlsx", f"How old is {H.Name.iloc[2]}?", refuse=True)
q("hr-14", "hr_roster.csv", "Which employee has the best performance rating?", refuse=True)
q("hr-15", "hr_roster.xlsx", "What percentage of staff are in Sales?", share=f((H.Department == "Sales").mean()))
q("hr-16", "hr_roster.xlsx", "What is the median salary?", number=f(H.Salary.median()))
q("hr-17", "hr_roster.xlsx", "How many employees are not in Engineering?", number=int((H.Department != "Engineering").sum()))
q("hr-19", "hr_roster.xlsx", "Who is our top performer?", refuse=True)
q("hr-18", "hr_roster.xlsx", "whats the averge salary of employes hired before 2015?",
  number=f(H[H["Hire Date"] < "2015-01-01"].Salary.mean()))

# ------------------------------------------------------------------ 5 filmography
films = [(2003, "The Quiet Harbor", "Young Sailor", "Maria Lenz", 12.4), (2005, "Glass Cities", "Tom", "Ray Okoye", 48.0),
         (2006, "Northern Line", "Detective Hale", "Maria Lenz", 95.3), (2008, "Paper Moons", "Eli", "Sun-Hee Park", None),
         (2009, "Red Canyon", "Sheriff Cole", "Ray Okoye", 131.7), (2011, "Falling Slowly", "Adam", "Julien Marchand", 22.1),
         (2011, "The Ninth Door", "Voice of Orin", "Maria Lenz", 210.5), (2013, "Ironwood", "Captain Vance", "Ray Okoye", 305.2),
         (2014, "Small Hours", "Michael", "Sun-Hee Park", 8.9), (2015, "Echo Park", "Danny", "Julien Marchand", 41.6),
         (2015, "Starfall", "Commander Reyes", "Maria Lenz", 412.0), (2017, "The Long Way Home", "Father", "Ava Lindgren", None),
         (2018, "Brass Tacks", "Lou", "Ray Okoye", 67.3), (2019, "Starfall II", "Commander Reyes", "Maria Lenz", 388.9),
         (2021, "Winter Garden", "Henry", "Ava Lindgren", 15.0), (2022, "Low Tide", "Walt", "Sun-Hee Park", 5.5),
         (2024, "The Cartographer", "Silas", "Julien Marchand", None)]
fl = pd.DataFrame(films, columns=["Year", "Title", "Role", "Director", "Box office (US$ million)"])
save(fl, "films", "Filmography")
F = pd.read_excel(B / "films.xlsx")
BO = "Box office (US$ million)"
q("fm-01", "films.xlsx", "What was his first film?", text=F.loc[F.Year.idxmin(), "Title"])
q("fm-02", "films.xlsx", "How many films came out in 2015?", number=int((F.Year == 2015).sum()))
q("fm-03", "films.csv", "Which film made the most at the box office?", text=F.loc[F[BO].idxmax(), "Title"])
q("fm-04", "films.xlsx", "How many of these films did Ray Okoye direct?", number=int((F.Director == "Ray Okoye").sum()))
dc = F.Director.value_counts(); assert (dc == dc.max()).sum() == 1
q("fm-05", "films.xlsx", "Which director did he work with most often?", text=dc.idxmax())
q("fm-06", "films.xlsx", "What film came out after Brass Tacks?",
  text=F[F.Year > F[F.Title == "Brass Tacks"].Year.iloc[0]].sort_values("Year").Title.iloc[0])
q("fm-07", "films.csv", "What is the total box office of all the films?", number=f(F[BO].sum()))
q("fm-08", "films.xlsx", "What was the average box office for films released in the 2010s?",
  number=f(F[F.Year.between(2010, 2019)][BO].mean()))
q("fm-09", "films.xlsx", "How many films did he make between 2005 and 2010?", number=int(F.Year.between(2005, 2010).sum()))
q("fm-10", "films.xlsx", "In what year did he play Sheriff Cole?", number=f(F[F.Role == "Sheriff Cole"].Year.iloc[0]))
q("fm-11", "films.xlsx", "Which of his films won an Oscar?", refuse=True)
q("fm-12", "films.csv", "What was the production budget of Ironwood?", refuse=True)
q("fm-13", "films.xlsx", "How many films have no box office figure?", number=int(F[BO].isna().sum()))
q("fm-14", "films.xlsx", "Which film directed by Sun-Hee Park earned the least?",
  text=F.loc[F[F.Director == "Sun-Hee Park"][BO].idxmin(), "Title"])
q("fm-15", "films.xlsx", "How many times did he play Commander Reyes?", number=int((F.Role == "Commander Reyes").sum()))
q("fm-16", "films.xlsx", "Did Starfall II earn more than Starfall?",
  bool=bool(F[F.Title == "Starfall II"][BO].iloc[0] > F[F.Title == "Starfall"][BO].iloc[0]))

# ------------------------------------------------------------------ 6 election result (totals row)
el = pd.DataFrame([("Labour", "Helen Marsh", 18432), ("Conservative", "Robert Keane", 16019),
                   ("Liberal Democrat", "Priya Shah", 7845), ("Green", "Owen Fletcher", 4210),
                   ("Reform", "Gary Blunt", 3988), ("Independent", "Martha Quill", 1203),
                   ("Monster Raving Loony", "Lord Buckethead", 412), ("Workers Party", "Dan Price", 298)],
                  columns=["Party", "Candidate", "Votes"])
el["%"] = (el.Votes / el.Votes.sum() * 100).round(1)
tot = pd.DataFrame([["Total", "", el.Votes.sum(), 100.0]], columns=el.columns)
elx = pd.concat([el, tot], ignore_index=True)
save(elx, "election", "Result")
E = pd.read_excel(B / "election.xlsx")
E = E[E.Party != "Total"]  # the totals row is not data
q("el-01", "election.xlsx", "Who won the election?", text=E.loc[E.Votes.idxmax(), "Candidate"])
q("el-02", "election.xlsx", "How many votes did the Green candidate get?", number=f(E[E.Party == "Green"].Votes.iloc[0]))
q("el-03", "election.xlsx", "How many candidates got more than 10% of the vote?", number=int((E["%"] > 10).sum()))
q("el-04", "election.csv", "How many votes were cast in total?", number=f(E.Votes.sum()))
v = E.Votes.sort_values(ascending=False)
q("el-05", "election.xlsx", "What was the winning margin in votes?", number=f(v.iloc[0] - v.iloc[1]))
q("el-06", "election.xlsx", "Which party came last?", text=E.loc[E.Votes.idxmin(), "Party"])
q("el-07", "election.xlsx", "What's the average number of votes per candidate?", number=f(E.Votes.mean()))
q("el-08", "election.csv", "How many parties got fewer than 5,000 votes?", number=int((E.Votes < 5000).sum()))
q("el-09", "election.xlsx", "Who came third?", text=E.sort_values("Votes", ascending=False).Candidate.iloc[2])
q("el-10", "election.xlsx", "What percentage of the vote did the Liberal Democrat candidate get?",
  number=f(E[E.Party == "Liberal Democrat"]["%"].iloc[0]))
q("el-11", "election.xlsx", "Which party won this seat at the previous election?", refuse=True)
q("el-12", "election.csv", "What was the turnout?", refuse=True)
q("el-13", "election.xlsx", "Which candidate got the fewest votes?", text=E.loc[E.Votes.idxmin(), "Candidate"])
q("el-14", "election.xlsx", "How many more votes did Reform get than the Independent?",
  number=f(E[E.Party == "Reform"].Votes.iloc[0] - E[E.Party == "Independent"].Votes.iloc[0]))

# ------------------------------------------------------------------ 7 inventory (leading-zero SKUs)
cats = {"Electronics": ["USB Hub", "HDMI Cable", "Wireless Mouse", "Keyboard", "Webcam", "Headset", "Power Bank"],
        "Office": ["Stapler", "A4 Paper Ream", "Gel Pens (12)", "Desk Organizer", "Sticky Notes", "Binder Clips"],
        "Furniture": ["Desk Lamp", "Office Chair", "Monitor Stand", "Footrest", "Filing Cabinet"],
        "Cleaning": ["Screen Wipes", "Hand Sanitizer", "Microfiber Cloths", "Dust Spray"]}
sups = ["Acme Supply", "Brightline Ltd", "Corenet", "Delta Wholesale"]
inv, skus = [], sorted(rng.choice(np.arange(12, 990), size=22, replace=False))
items = [(c, p) for c, ps in cats.items() for p in ps]
for sku, (c, p) in zip(skus, items, strict=False):
    stock = int(rng.integers(0, 120)); reorder = int(rng.choice([10, 20, 25, 40]))
    cost = round(float(rng.uniform(1.5, 180 if c == "Furniture" else 60)), 2)
    inv.append([f"{sku:05d}", p, c, stock, reorder, rng.choice(sups), cost])
inv_df = pd.DataFrame(inv, columns=["SKU", "Product", "Category", "Stock", "Reorder Level", "Supplier", "Unit Cost"])
inv_df.loc[3, "Stock"] = 0; inv_df.loc[15, "Stock"] = 0
inv_df.loc[9, "Supplier"] = None
save(inv_df, "inventory", "Stock")
I = pd.read_excel(B / "inventory.xlsx", dtype={"SKU": str})
q("iv-01", "inventory.xlsx", "How many items are below their reorder level?", number=int((I.Stock < I["Reorder Level"]).sum()))
s1 = I.iloc[6]
q("iv-02", "inventory.xlsx", f"Which product has SKU {s1.SKU}?", text=s1.Product)
s2 = I.iloc[0]
q("iv-03", "inventory.csv", f"What's the stock level for SKU {s2.SKU}?", number=f(s2.Stock))
q("iv-04", "inventory.xlsx", "How many products are out of stock?", number=int((I.Stock == 0).sum()))
sc = I.Supplier.value_counts(); assert (sc == sc.max()).sum() == 1
q("iv-05", "inventory.xlsx", "Which supplier supplies the most products?", text=sc.idxmax())
q("iv-06", "inventory.xlsx", "What is the total value of the inventory on hand (stock times unit cost)?",
  number=f((I.Stock * I["Unit Cost"]).sum()))
cs = I.groupby("Category").Stock.sum(); assert (cs == cs.max()).sum() == 1
q("iv-07", "inventory.csv", "Which category has the most units in stock?", text=cs.idxmax())
q("iv-08", "inventory.xlsx", "List the Acme Supply products with fewer than 50 units in stock.",
  set=list(I[(I.Supplier == "Acme Supply") & (I.Stock < 50)].Product))
q("iv-09", "inventory.xlsx", "What is the average unit cost of Electronics items?",
  number=f(I[I.Category == "Electronics"]["Unit Cost"].mean()))
q("iv-10", "inventory.xlsx", "When is the next delivery from Acme Supply due?", refuse=True)
q("iv-11", "inventory.csv", "How fast is the Webcam selling per week?", refuse=True)
q("iv-12", "inventory.xlsx", "Which product has the highest unit cost?", text=I.loc[I["Unit Cost"].idxmax(), "Product"])
q("iv-13", "inventory.xlsx", "How many products have no supplier listed?", number=int(I.Supplier.isna().sum()))
q("iv-14", "inventory.xlsx", "How many office products are there?", number=int((I.Category == "Office").sum()))

# ------------------------------------------------------------------ 8 budget vs actual (long)
months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
budget = {"Salaries": 42000, "Marketing": 8000, "Travel": 3500, "Software": 2500}
bv = []
for m in months:
    for c, bud in budget.items():
        act = round(bud * rng.uniform(0.8, 1.25), -1)
        bv.append([m, c, bud, np.nan if m == "Dec" else act])
bvd = pd.DataFrame(bv, columns=["Month", "Category", "Budget", "Actual"])
save(bvd, "budget", "2024")
D = pd.read_excel(B / "budget.xlsx")
q("bd-01", "budget.xlsx", "What was the total actual spend on Travel?", number=f(D[D.Category == "Travel"].Actual.sum()))
mk = D[D.Category == "Marketing"].assign(v=lambda x: x.Actual - x.Budget)
assert (mk.v == mk.v.max()).sum() == 1
q("bd-02", "budget.xlsx", "In which month was Marketing most over budget?", text=mk.loc[mk.v.idxmax(), "Month"])
sw = D[D.Category == "Software"]
q("bd-03", "budget.csv", "In how many months was Software over budget?", number=int((sw.Actual > sw.Budget).sum()))
q("bd-04", "budget.xlsx", "What was the actual spend on Travel in March?",
  number=f(D[(D.Category == "Travel") & (D.Month == "Mar")].Actual.iloc[0]))
jul = D[(D.Category == "Marketing") & (D.Month == "Jul")].iloc[0]
q("bd-05", "budget.xlsx", "Was Marketing over budget in July?", bool=bool(jul.Actual > jul.Budget))
q("bd-06", "budget.xlsx", "What is the average monthly actual spend on Salaries?", number=f(D[D.Category == "Salaries"].Actual.mean()))
q("bd-07", "budget.xlsx", "What share of the total budget goes to Salaries?",
  share=f(D[D.Category == "Salaries"].Budget.sum() / D.Budget.sum()))
h1 = D[D.Month.isin(months[:3])]
q("bd-08", "budget.xlsx", "What was total actual spending in Jan, Feb and Mar combined?", number=f(h1.Actual.sum()))
q("bd-09", "budget.csv", "Why was Travel over budget in March?", refuse=True)
q("bd-10", "budget.xlsx", "What will the actual Software spend be in December?", refuse=True)
q("bd-11", "budget.xlsx", "How many months have no actuals reported yet?", number=int(D.groupby("Month").Actual.apply(lambda s: s.isna().all()).sum()))
ov = D.dropna(subset=["Actual"]).assign(v=lambda x: x.Actual - x.Budget).groupby("Category").v.sum()
q("bd-12", "budget.xlsx", "Which category had the least total actual spend?", text=D.groupby("Category").Actual.sum().idxmin())
q("bd-13", "budget.xlsx", "What was the total budget for the year?", number=f(D.Budget.sum()))
sal_ap = D[(D.Category == "Salaries") & (D.Month.isin(["Apr", "May"]))]
d_ = sal_ap[sal_ap.Month == "Apr"].Actual.iloc[0] - sal_ap[sal_ap.Month == "May"].Actual.iloc[0]
assert d_ > 0
q("bd-14", "budget.xlsx", "How much less was actually spent on Salaries in May than in April?", number=f(d_))

# ================================================================== round 2 (written after the first score run)
q("r2-rc-01", "race.xlsx", "Who finished 10th?", text=fin[fin.P == 10].Driver.iloc[0])
q("r2-rc-02", "race.xlsx", "How many drivers finished in the top 5?", number=int((fin.P <= 5).sum()))
q("r2-rc-03", "race.xlsx", "What was the average grid position of the Blue Bull drivers?", number=f(R[R.Team == "Blue Bull"].Grid.mean()))
q("r2-rc-04", "race.csv", "How many places did Daniel Reyes gain?", number=f(fin[fin.Driver == "Daniel Reyes"].gain.iloc[0]))
q("r2-rc-05", "race.xlsx", "Who finished higher, Aiden Clarke or Kenji Sato?",
  text=fin[fin.Driver.isin(["Aiden Clarke", "Kenji Sato"])].sort_values("P").Driver.iloc[0])
q("r2-rc-06", "race.xlsx", "What was the winning time?", text=R[R.Pos == "1"]["Time/Retired"].iloc[0])
q("r2-rc-07", "race.xlsx", "How many drivers were lapped?", number=int(R["Time/Retired"].str.contains("Lap").sum()))
q("r2-rc-08", "race.csv", "Which drivers finished in the points but behind Oscar Lindqvist?",
  set=list(fin[(fin.P > fin[fin.Driver == "Oscar Lindqvist"].P.iloc[0]) & (fin.Points > 0)].Driver))
q("r2-lg-01", "league.xlsx", "How many points separate first and last place?", number=f(L.Points.max() - L.Points.min()))
q("r2-lg-02", "league.xlsx", "Which team finished 5th?", text=byrank.loc[5, "Team"])
q("r2-lg-03", "league.csv", "Which team has the best goal difference?", text=L.loc[(L.GF - L.GA).idxmax(), "Team"])
q("r2-lg-04", "league.xlsx", "How many teams won more games than they lost?", number=int((L.Won > L.Lost).sum()))
q("r2-lg-05", "league.xlsx", "Who finished second from bottom?", text=byrank.loc[L.Rank.max() - 1, "Team"])
q("r2-lg-06", "league.xlsx", "What percentage of their games did Northbridge United win?",
  share=f(L[L.Team == "Northbridge United"].Won.iloc[0] / 22))
q("r2-lg-07", "league.xlsx", "Which two teams are level on points?",
  set=list(L[L.Points.duplicated(keep=False)].Team))
q("r2-sl-01", "sales.xlsx", "What's the average number of units per order?", number=f(S.Units.sum() / S["Order ID"].nunique()))
q("r2-sl-02", "sales.xlsx", "How many different products did we sell in the South?", number=int(S[S.Region == "South"].Product.nunique()))
q2 = S[S.Date.dt.month.isin([4, 5, 6])].groupby("Region").Revenue.sum()
q("r2-sl-03", "sales.xlsx", "Which region had the lowest revenue in Q2 2024?", text=q2.idxmin())
q("r2-sl-04", "sales.csv", "How much revenue did Alice Moreno and Brian Cho bring in together?",
  number=f(S[S.Rep.isin(["Alice Moreno", "Brian Cho"])].Revenue.sum()))
dk = S[S.Product == "Dock Station"].groupby("Rep").Units.sum(); assert (dk == dk.max()).sum() == 1
q("r2-sl-05", "sales.xlsx", "Which rep sold the most Dock Stations?", text=dk.idxmax())
q("r2-sl-06", "sales.xlsx", "How many orders were placed in May 2024?", number=int(S[S.Date.dt.month == 5]["Order ID"].nunique()))
q("r2-sl-07", "sales.xlsx", "Which order had the most units?", text=S.groupby("Order ID").Units.sum().idxmax())
q("r2-hr-01", "hr_roster.xlsx", "Who is the lowest paid person in Sales?",
  text=H.loc[H[H.Department == "Sales"].Salary.idxmin(), "Name"])
q("r2-hr-02", "hr_roster.xlsx", "How many people get a bonus of 10% or more?", number=int((H["Bonus %"] >= 10).sum()))
q("r2-hr-03", "hr_roster.csv", "What's the average bonus percentage?", number=f(H["Bonus %"].mean()))
dp = H.Department.value_counts(); assert (dp == dp.max()).sum() == 1
q("r2-hr-04", "hr_roster.xlsx", "Which department has the most people?", text=dp.idxmax())
q("r2-hr-05", "hr_roster.xlsx", "How many employees joined after 2020?", number=int((H["Hire Date"].dt.year > 2020).sum()))
q("r2-hr-06", "hr_roster.xlsx", "What is Frank Larsen's job title?", text=H[H.Name == "Frank Larsen"].Title.iloc[0])
q("r2-hr-07", "hr_roster.xlsx", "How many Finance employees earn more than the Finance average?",
  number=int((H[H.Department == "Finance"].Salary > H[H.Department == "Finance"].Salary.mean()).sum()))
q("r2-el-01", "election.xlsx", "What share of the vote did Labour and the Conservatives get combined?",
  share=f(E[E.Party.isin(["Labour", "Conservative"])].Votes.sum() / E.Votes.sum()))
q("r2-el-02", "election.xlsx", "What's the highest number of votes any candidate got?", number=f(E.Votes.max()))
q("r2-el-03", "election.csv", "How many candidates stood?", number=int(E.Candidate.nunique()))
q("r2-el-04", "election.xlsx", "What percentage of the vote did the winner get?", number=f(E.loc[E.Votes.idxmax(), "%"]))
q("r2-el-05", "election.xlsx", "Which candidate finished right after the Green candidate?",
  text=E.sort_values("Votes", ascending=False).Candidate.iloc[list(E.sort_values("Votes", ascending=False).Party).index("Green") + 1])
q("r2-el-06", "election.xlsx", "Which parties got more votes than Reform?",
  set=list(E[E.Votes > E[E.Party == "Reform"].Votes.iloc[0]].Party))
q("r2-el-07", "election.xlsx", "What was the smallest vote share?", number=f(E["%"].min()))
q("r2-fm-01", "films.xlsx", "How many films did he make in the 2000s?", number=int(F.Year.between(2000, 2009).sum()))
q("r2-fm-02", "films.xlsx", "What's the highest grossing film directed by Ray Okoye?",
  text=F.loc[F[F.Director == "Ray Okoye"][BO].idxmax(), "Title"])
q("r2-fm-03", "films.csv", "Which film came out right before Small Hours?",
  text=F[F.Year < F[F.Title == "Small Hours"].Year.iloc[0]].sort_values("Year").Title.iloc[-1])
q("r2-fm-04", "films.xlsx", "What was his most recent film?", text=F.loc[F.Year.idxmax(), "Title"])
q("r2-fm-05", "films.xlsx", "How many of his films made over 100 million?", number=int((F[BO] > 100).sum()))
q("r2-fm-06", "films.xlsx", "How much more did Starfall make than Starfall II?",
  number=f(F[F.Title == "Starfall"][BO].iloc[0] - F[F.Title == "Starfall II"][BO].iloc[0]))
q("r2-fm-07", "films.xlsx", "Who directed Red Canyon?", text=F[F.Title == "Red Canyon"].Director.iloc[0])
q("r2-iv-01", "inventory.xlsx", "How many units do we hold in total?", number=f(I.Stock.sum()))
q("r2-iv-02", "inventory.xlsx", "Which products need reordering?", set=list(I[I.Stock < I["Reorder Level"]].Product))
q("r2-iv-03", "inventory.xlsx", "What is the SKU of the Office Chair?", text=I[I.Product == "Office Chair"].SKU.iloc[0])
su = I.groupby("Supplier").Stock.sum(); assert (su == su.max()).sum() == 1
q("r2-iv-04", "inventory.csv", "Which supplier has the most units in stock?", text=su.idxmax())
q("r2-iv-05", "inventory.xlsx", "Which furniture item has the lowest stock?",
  text=I.loc[I[I.Category == "Furniture"].Stock.idxmin(), "Product"])
q("r2-iv-06", "inventory.csv", "What is the SKU of the Webcam?", text=I[I.Product == "Webcam"].SKU.iloc[0])
ovc = D.dropna(subset=["Actual"]).assign(v=lambda x: x.Actual - x.Budget).groupby("Category").v.sum()
ovc2 = D.groupby("Category").Actual.sum() - D.groupby("Category").Budget.sum()
q("r2-bd-01", "budget.xlsx", "Which category went over budget by the most in total?", text=ovc.idxmax())
t1 = D[(D.Category == "Travel") & D.Month.isin(["Jan", "Feb", "Mar"])]
q("r2-bd-02", "budget.xlsx", "What was the total overspend on Travel in Jan-Mar?", number=f((t1.Actual - t1.Budget).sum()))
ma = D.groupby("Month").Actual.sum()
q("r2-bd-03", "budget.csv", "Which month had the highest total actual spending?", text=ma.idxmax())
tr = D[D.Category == "Travel"]
q("r2-bd-04", "budget.xlsx", "In how many months was Travel under budget?", number=int((tr.Actual < tr.Budget).sum()))
sj = D[(D.Category == "Software") & (D.Month == "Jun")].iloc[0]
q("r2-bd-05", "budget.xlsx", "What was the variance (actual minus budget) for Software in June?", number=f(sj.Actual - sj.Budget))
q("r2-bd-06", "budget.xlsx", "What was the biggest single monthly actual for Marketing?", number=f(D[D.Category == "Marketing"].Actual.max()))

# ================================================================== round 3: probes of constructs that failed in round 1-2
q("r3-lg-01", "league.xlsx", "Who finished third from bottom?", text=byrank.loc[L.Rank.max() - 2, "Team"])
q("r3-rc-01", "race.xlsx", "Which driver finished right before Felix Braun?",
  text=fin[fin.P == fin[fin.Driver == "Felix Braun"].P.iloc[0] - 1].Driver.iloc[0])
q("r3-rc-02", "race.xlsx", "Which drivers finished ahead of Daniel Reyes?",
  set=list(fin[fin.P < fin[fin.Driver == "Daniel Reyes"].P.iloc[0]].Driver))
q("r3-fm-01", "films.xlsx", "Did Ironwood make more than Red Canyon?",
  bool=bool(F[F.Title == "Ironwood"][BO].iloc[0] > F[F.Title == "Red Canyon"][BO].iloc[0]))
q("r3-fm-02", "films.xlsx", "Did Small Hours earn more than Low Tide?",
  bool=bool(F[F.Title == "Small Hours"][BO].iloc[0] > F[F.Title == "Low Tide"][BO].iloc[0]))
q("r3-fm-03", "films.xlsx", "Did Low Tide earn more than Small Hours?",
  bool=bool(F[F.Title == "Low Tide"][BO].iloc[0] > F[F.Title == "Small Hours"][BO].iloc[0]))
q("r3-sl-01", "sales.xlsx", "How much was order SO-1020 worth?", number=f(orev["SO-1020"]))
q("r3-sl-02", "sales.xlsx", "Which rep sold the most units of Sensor?",
  text=S[S.Product == "Sensor"].groupby("Rep").Units.sum().idxmax())

ids = [x["id"] for x in Q]
assert len(ids) == len(set(ids))
(HERE / "heldout.jsonl").write_text("".join(json.dumps(x) + "\n" for x in Q))
print(len(Q), "questions;", sum("refuse" in x["expect"] for x in Q), "refuse")
