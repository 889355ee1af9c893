"""Build held-out set 2: 8 messy tables + ~120 questions with pandas-computed answers."""
import json
import random

import numpy as np
import pandas as pd
from openpyxl import Workbook

rng = random.Random(20261130)
np_rng = np.random.default_rng(20261130)
B = str(__import__("pathlib").Path(__file__).resolve().parent / "books")
Q = []


def q(qid, f, text, expect):
    Q.append({"id": qid, "files": ["books/" + f], "question": text, "expect": expect})


def one(s):
    """expect dict for a superlative label series of ties."""
    s = list(dict.fromkeys(s))
    return {"text": s[0]} if len(s) == 1 else {"set": s}


def argext(df, col, label, asc=False):
    v = df[col].min() if asc else df[col].max()
    return one(df.loc[df[col] == v, label])

# ---------------------------------------------------------------- 1 medals.xlsx
nations = ["Norway", "Germany", "United States", "Canada", "Netherlands", "Sweden", "Austria",
           "Switzerland", "France", "Japan", "Italy", "South Korea", "China", "Finland",
           "Great Britain", "Czech Republic", "Slovenia", "Poland", "Kenya", "Belarus"]
rows = []
for n in nations:
    g = max(0, int(np_rng.poisson(4)) - rng.randint(0, 4)); s = max(0, int(np_rng.poisson(4)) - rng.randint(0, 3)); b = max(0, int(np_rng.poisson(4)) - rng.randint(0, 2))
    rows.append([n, g, s, b])
m = pd.DataFrame(rows, columns=["Nation", "Gold", "Silver", "Bronze"])
m.loc[m.Nation == "Poland", ["Gold", "Silver", "Bronze"]] = [1, 2, 1]
m.loc[m.Nation == "Kenya", ["Gold", "Silver", "Bronze"]] = [1, 2, 1]   # exact tie
m = m[(m.Gold + m.Silver + m.Bronze) > 0]
m["Total"] = m.Gold + m.Silver + m.Bronze
m = m.sort_values(["Gold", "Silver", "Bronze", "Nation"], ascending=[False, False, False, True]).reset_index(drop=True)
m["Rank"] = m[["Gold", "Silver", "Bronze"]].apply(tuple, axis=1).rank(method="min", ascending=False).astype(int) if False else 0
ranks = []
for i, r in m.iterrows():
    if i > 0 and tuple(r[["Gold", "Silver", "Bronze"]]) == tuple(m.loc[i - 1, ["Gold", "Silver", "Bronze"]]):
        ranks.append(ranks[-1])
    else:
        ranks.append(i + 1)
m["Rank"] = ranks
m = m[["Rank", "Nation", "Gold", "Silver", "Bronze", "Total"]]
out = m.copy().astype(object)
out.loc[len(out)] = ["", "Total", m.Gold.sum(), m.Silver.sum(), m.Bronze.sum(), m.Total.sum()]
out.to_excel(f"{B}/medals.xlsx", sheet_name="Medal table", index=False)
F = "medals.xlsx"
q("med-1", F, "Which nation won the most gold medals?", argext(m, "Gold", "Nation"))
n2 = m.Nation[5]
q("med-2", F, f"How many silver medals did {n2} win?", {"number": int(m.Silver[5])})
tt = m.sort_values("Total", ascending=False)
q("med-3", F, "Which country had the second highest medal total?", one(tt.Nation[tt.Total == sorted(set(m.Total), reverse=True)[1]]))
q("med-4", F, "How many nations won no gold medals?", {"number": int((m.Gold == 0).sum())})
a, b = m.Nation[1], m.Nation[3]
q("med-5", F, f"How many more bronze medals did {a} win than {b}?", {"number": int(m.Bronze[1] - m.Bronze[3])})
q("med-6", F, "What is the total number of gold medals awarded?", {"number": int(m.Gold.sum())})
na, nb = "Canada", "Sweden"
ta, tb = int(m.Total[m.Nation == na].iloc[0]), int(m.Total[m.Nation == nb].iloc[0])
q("med-7", F, f"Did {na} win more medals in total than {nb}?", {"bool": ta > tb})
i = int(m.index[m.Nation == "Japan"][0])
q("med-8", F, "Which nation is ranked immediately after Japan?", {"text": m.Nation[i + 1]})
top = m.Nation[0]
q("med-9", F, f"What percentage of all medals did {top} win?", {"share": float(m.Total[0] / m.Total.sum())})
q("med-10", F, "What is the average number of gold medals per nation?", {"number": float(m.Gold.mean())})
q("med-11", F, "Which athlete won the most medals?", {"refuse": True})
q("med-12", F, "How many medals did Norway win in biathlon?", {"refuse": True})
q("med-13", F, "Which nations won exactly 3 bronze medals?", {"set": list(m.Nation[m.Bronze == 3])})
q("med-14", F, "How many nations won more silver than gold medals?", {"number": int((m.Silver > m.Gold).sum())})
q("med-15", F, "what rank is kenya", {"number": int(m.Rank[m.Nation == "Kenya"].iloc[0])})
q("med-16", F, "Which nations are tied with Poland?", {"set": ["Kenya"]})
q("med-18", F, "Which nation won the most medals per capita?", {"refuse": True})
q("cty-19", "cities.xlsx", "Which of these cities are national capitals?", {"refuse": True})
q("med-17", F, "How many medals did Germnay win?", {"number": int(m.Total[m.Nation == "Germany"].iloc[0])})

# ---------------------------------------------------------------- 2 charts.csv
singles = ["Neon Rivers", "Paper Moon", "Glass Houses", "Midnight Train", "Golden Hour", "Static Love",
           "Wildfire", "Blue Monday Morning", "Falling Slowly", "Echoes", "Runaway Heart", "Satellites",
           "Cold Coffee", "Summer Static", "Lighthouse", "Velvet Skies", "Northern Lights", "Open Roads"]
albums = ["First Light"] * 4 + ["Afterglow"] * 5 + ["Satellites"] * 5 + ["Open Roads"] * 4
years = [2012, 2012, 2013, 2013, 2014, 2015, 2015, 2015, 2016, 2017, 2017, 2018, 2018, 2019, 2020, 2020, 2021, 2021]
def peak():
    return None if rng.random() < 0.2 else rng.choice(list(range(1, 11)) + list(range(1, 60)))
ch = pd.DataFrame({"Year": years, "Single": singles, "US": [peak() for _ in singles], "UK": [peak() for _ in singles],
                   "CAN": [peak() for _ in singles], "AUS": [peak() for _ in singles], "Album": albums})
ch.loc[ch.Single == "Golden Hour", ["US", "UK"]] = [1, 1]
ch.loc[ch.Single == "Wildfire", "UK"] = 2
ch.loc[ch.Single == "Echoes", ["US", "UK"]] = [14, 6]
ch.loc[ch.Single == "Lighthouse", "AUS"] = None
ch.loc[ch.Single == "Cold Coffee", "Album"] = "Non-album single"
if (ch.UK == 1).sum() > 1:
    ch.loc[(ch.UK == 1) & (ch.Single != "Golden Hour"), "UK"] = 3
out = ch.copy().astype(object)
for c in ["US", "UK", "CAN", "AUS"]:
    out[c] = [("—" if pd.isna(v) else int(v)) for v in ch[c]]
out.columns = ["Year", "Single", "Peak US", "Peak UK", "Peak CAN", "Peak AUS", "Album"]
out.to_csv(f"{B}/charts.csv", index=False)
F = "charts.csv"
q("chr-1", F, "Which single reached the highest position in the UK chart?", argext(ch, "UK", "Single", asc=True))
q("chr-2", F, "How many singles hit number one in the US?", {"number": int((ch.US == 1).sum())})
q("chr-3", F, "How many singles did not chart in Australia?", {"number": int(ch.AUS.isna().sum())})
q("chr-4", F, "What album is Runaway Heart from?", {"text": ch.Album[ch.Single == "Runaway Heart"].iloc[0]})
q("chr-5", F, "In what year was Falling Slowly released?", {"number": 2016})
q("chr-6", F, "Which single was released right after Glass Houses?", {"text": "Midnight Train"})
q("chr-7", F, "how many singles came out in 2015", {"number": int((ch.Year == 2015).sum())})
af = ch[ch.Album == "Afterglow"]
q("chr-8", F, "What was the best US peak position of any single from the album Afterglow?", {"number": float(af.US.min())})
q("chr-9", F, "Did Echoes chart higher in the UK than in the US?", {"bool": True})
q("chr-10", F, "How many copies did Golden Hour sell?", {"refuse": True})
q("chr-11", F, "Which album had the most singles?", one(ch.Album.value_counts()[lambda s: s == s.max()].index))
q("chr-12", F, "How many singles reached the top 10 in Canada?", {"number": int((ch.CAN <= 10).sum())})
q("chr-13", F, "Which single charted in the US but not in the UK?", {"set": list(ch.Single[ch.US.notna() & ch.UK.isna()])})
q("chr-14", F, "What was the peak position of Satellites in Australia?", {"number": float(ch.AUS[ch.Single == "Satellites"].iloc[0])} if pd.notna(ch.AUS[ch.Single == "Satellites"].iloc[0]) else {"refuse": True})
q("chr-15", F, "What was the first single released from Open Roads?", {"text": ch.Single[ch.Album == "Open Roads"].iloc[0]})
q("chr-17", F, "How many singles did the band release between 2013 and 2017?", {"number": int(ch.Year.between(2013, 2017).sum())})

# ---------------------------------------------------------------- 3 cities.xlsx
cities = [("Berlin", "Germany", 891, 1237), ("Hamburg", "Germany", 755, 808), ("Munich", "Germany", 310, 1158),
          ("Cologne", "Germany", 405, 50), ("Frankfurt", "Germany", 248, 794), ("Madrid", "Spain", 604, 865),
          ("Barcelona", "Spain", 101, -15), ("Valencia", "Spain", 135, -138), ("Seville", "Spain", 140, -200),
          ("Rome", "Italy", 1285, -753), ("Milan", "Italy", 182, -590), ("Naples", "Italy", 119, -600),
          ("Turin", "Italy", 130, -28), ("Paris", "France", 105, -259), ("Marseille", "France", 241, -600),
          ("Lyon", "France", 48, -43), ("Toulouse", "France", 118, None), ("Vienna", "Austria", 415, 500),
          ("Warsaw", "Poland", 517, 1300), ("Krakow", "Poland", 327, 1000), ("Lisbon", "Portugal", 100, None),
          ("Porto", "Portugal", 41, 300)]
pop10 = {"Berlin": 3460725, "Hamburg": 1786448, "Munich": 1353186, "Cologne": 1007119, "Frankfurt": 679664,
         "Madrid": 3273049, "Barcelona": 1619337, "Valencia": 809267, "Seville": 704198, "Rome": 2761477,
         "Milan": 1324110, "Naples": 959574, "Turin": 907563, "Paris": 2243833, "Marseille": 850726,
         "Lyon": 484344, "Toulouse": 441802, "Vienna": 1714142, "Warsaw": 1700112, "Krakow": 756183,
         "Lisbon": 547733, "Porto": 237591}
ct = pd.DataFrame(cities, columns=["City", "Country", "Area", "Founded"])
ct["P2010"] = ct.City.map(pop10)
ct["P2020"] = [int(p * (1 + rng.uniform(-0.06, 0.12))) for p in ct.P2010]
ct.loc[ct.City == "Marseille", "P2020"] = 870018
ct.loc[ct.City == "Lyon", "P2020"] = 522250
out = pd.DataFrame({"City": ct.City, "Country": ct.Country,
                    "Population 2010": [f"{p:,}" for p in ct.P2010], "Population 2020": [f"{p:,}" for p in ct.P2020],
                    "Area km²": [f"{a} km²" for a in ct.Area],
                    "Founded": [("" if pd.isna(y) else (f"{-int(y)} BC" if y < 0 else int(y))) for y in ct.Founded]})
out.to_excel(f"{B}/cities.xlsx", sheet_name="Cities", index=False)
F = "cities.xlsx"
ct["growth"] = ct.P2020 - ct.P2010
ct["dens"] = ct.P2020 / ct.Area
q("cty-1", F, "Which city had the largest population in 2020?", argext(ct, "P2020", "City"))
q("cty-2", F, "Which city grew the most between 2010 and 2020 (in number of people)?", argext(ct, "growth", "City"))
r = ct[ct.City == "Munich"].iloc[0]
q("cty-3", F, "By what percentage did Munich's population grow from 2010 to 2020?", {"share": float(r.P2020 / r.P2010 - 1)})
q("cty-4", F, "Which city had the highest population density in 2020?", argext(ct, "dens", "City"))
q("cty-5", F, "How many German cities are in the list?", {"number": int((ct.Country == "Germany").sum())})
q("cty-6", F, "Which is the oldest city in the table?", argext(ct.dropna(subset=["Founded"]), "Founded", "City", asc=True))
q("cty-7", F, "What was the combined 2020 population of the Italian cities?", {"number": int(ct.P2020[ct.Country == "Italy"].sum())})
q("cty-8", F, "How many cities lost population between 2010 and 2020?", {"number": int((ct.growth < 0).sum())})
q("cty-9", F, "Which country has the most cities listed?", one(ct.Country.value_counts()[lambda s: s == s.max()].index))
a2 = ct.sort_values("Area", ascending=False)
q("cty-10", F, "What is the second largest city by area?", {"text": a2.City.iloc[1]})
q("cty-11", F, "What is the average area of the Spanish cities?", {"number": float(ct.Area[ct.Country == "Spain"].mean())})
q("cty-12", F, "What was the population of Lisbon in 2015?", {"refuse": True})
q("cty-13", F, "Which city has the highest GDP per capita?", {"refuse": True})
q("cty-14", F, "Was Lyon bigger than Marseille in 2020?", {"bool": bool(522250 > 870018)})
q("cty-15", F, "How many cities were founded after the year 1000?", {"number": int((ct.Founded > 1000).sum())})
q("cty-16", F, "What is the area of Vienna?", {"number": 415})
q("cty-17", F, "Which Polish city had the smaller population in 2010?", {"text": "Krakow"})
q("cty-18", F, "what's the total area of all cities in france in km2", {"number": int(ct.Area[ct.Country == "France"].sum())})

# ---------------------------------------------------------------- 4 clinic_visits.csv
depts = {"Cardiology": ["Dr. Okafor", "Dr. Lindqvist"], "Pediatrics": ["Dr. Ruiz", "Dr. Chen"],
         "Orthopedics": ["Dr. Haddad"], "Dermatology": ["Dr. Novak", "Dr. Patel"], "General Practice": ["Dr. Brown", "Dr. Moreau", "Dr. Kim"]}
base_cost = {"Cardiology": 220, "Pediatrics": 90, "Orthopedics": 180, "Dermatology": 130, "General Practice": 70}
patients = [f"P{n:04d}" for n in range(1, 61)]
rows = []
start = pd.Timestamp("2025-01-02")
for _k in range(180):
    d = start + pd.Timedelta(days=rng.randint(0, 180))
    dep = rng.choice(list(depts) + ["General Practice", "General Practice"])
    doc = rng.choice(depts[dep])
    w = rng.randint(3, 95) if rng.random() > 0.07 else None
    cost = round(base_cost[dep] * rng.uniform(0.6, 1.8), 2)
    rows.append([d, rng.choice(patients), dep, doc, w, cost])
cv = pd.DataFrame(rows, columns=["Date", "Patient ID", "Department", "Doctor", "Wait", "Cost"]).sort_values("Date").reset_index(drop=True)
cv.loc[cv.index[:7], "Patient ID"] = "P0012"
cv["Visit ID"] = [f"V{1000 + i}" for i in range(len(cv))]
out = pd.DataFrame({"Visit ID": cv["Visit ID"], "Date": cv.Date.dt.strftime("%Y-%m-%d"), "Patient ID": cv["Patient ID"],
                    "Department": cv.Department, "Doctor": cv.Doctor,
                    "Wait minutes": [("" if pd.isna(w) else int(w)) for w in cv.Wait], "Cost": cv.Cost})
out.to_csv(f"{B}/clinic_visits.csv", index=False)
F = "clinic_visits.csv"
mo = cv.Date.dt.month
q("cln-1", F, "How many visits were there in March 2025?", {"number": int((mo == 3).sum())})
q("cln-2", F, "Which department had the most visits?", one(cv.Department.value_counts()[lambda s: s == s.max()].index))
q("cln-3", F, "How many different patients visited the clinic?", {"number": int(cv["Patient ID"].nunique())})
q("cln-4", F, "What is the average wait time in Cardiology?", {"number": float(cv.Wait[cv.Department == "Cardiology"].mean())})
dw = cv.groupby("Doctor").Wait.mean()
q("cln-5", F, "Which doctor has the longest average wait?", one(dw[dw == dw.max()].index))
q("cln-6", F, "What was the total cost of visits in the first quarter?", {"number": float(cv.Cost[mo <= 3].sum())})
q("cln-7", F, "How many visits did patient P0012 make?", {"number": int((cv["Patient ID"] == "P0012").sum())})
pc = cv["Patient ID"].value_counts()
q("cln-8", F, "Which patient visited most often?", one(pc[pc == pc.max()].index))
q("cln-9", F, "Which department was the most expensive single visit in?", argext(cv, "Cost", "Department"))
q("cln-10", F, "How many visits had a wait of more than an hour?", {"number": int((cv.Wait > 60).sum())})
q("cln-11", F, "How many visits were there between 1 and 14 February 2025?", {"number": int(cv.Date.between("2025-02-01", "2025-02-14").sum())})
mc = cv.groupby(mo).Cost.sum()
q("cln-12", F, "Which month had the highest total cost?", {"text_any": [pd.Timestamp(2025, int(mc.idxmax()), 1).strftime("%B"), pd.Timestamp(2025, int(mc.idxmax()), 1).strftime("%Y-%m"), pd.Timestamp(2025, int(mc.idxmax()), 1).strftime("%B %Y")]})
q("cln-13", F, "How many visits have no wait time recorded?", {"number": int(cv.Wait.isna().sum())})
q("cln-14", F, "What is the average age of patients?", {"refuse": True})
q("cln-15", F, "Which diagnosis was most common in Pediatrics?", {"refuse": True})
q("cln-16", F, "On average, how much did each patient spend in total?", {"number": float(cv.groupby("Patient ID").Cost.sum().mean())})
q("cln-17", F, "How many visits did Dr. Ruiz see?", {"number": int((cv.Doctor == "Dr. Ruiz").sum())})
q("cln-18", F, "What is the avg cost of a dermatolgy visit?", {"number": float(cv.Cost[cv.Department == "Dermatology"].mean())})
q("cln-19", F, "How many visits were not in General Practice?", {"number": int((cv.Department != "General Practice").sum())})
q("cln-20", F, "Which doctor saw the most patients?", {"text": "Dr. Haddad"})  # both readings agree

# ---------------------------------------------------------------- 5 exams.xlsx (two-row header)
first = ["Ava", "Liam", "Noah", "Emma", "Olivia", "Mia", "Lucas", "Ethan", "Sofia", "Isla", "Leo", "Maya", "Omar", "Zara",
         "Jonas", "Freya", "Arjun", "Chloe", "Mateo", "Nina", "Felix", "Hana", "Ivan", "Lena", "Theo", "Ruby", "Yusuf", "Elsa",
         "Kai", "Aria", "Sami", "Ines", "Hugo", "Alma", "Nils", "Vera"]
ex = pd.DataFrame({"Student": [f"{n} {rng.choice(['Smith','Garcia','Jensen','Rossi','Novak','Silva','Kowalski','Dubois','Meyer','Ito'])}" for n in first],
                   "Class": [["10A", "10B", "10C"][i % 3] for i in range(len(first))],
                   "Math": [rng.randint(45, 99) for _ in first], "English": [rng.randint(50, 98) for _ in first],
                   "Science": [rng.randint(40, 99) for _ in first]})
ex.loc[0, "Math"] = 100
ex.loc[ex.index[1:], "Math"] = ex.Math[1:].clip(upper=98)
avg = ex[["Math", "English", "Science"]].mean(axis=1)
ex["Grade"] = np.select([avg >= 85, avg >= 75, avg >= 65, avg >= 55], ["A", "B", "C", "D"], "F")
if (ex.Grade == "F").sum() != 1:
    lo = avg.idxmin(); ex.loc[(ex.Grade == "F"), "Grade"] = "D"; ex.loc[lo, ["Math", "English", "Science"]] = [40, 51, 42]; ex.loc[lo, "Grade"] = "F"
wb = Workbook(); ws = wb.active; ws.title = "Results"
ws.append(["Student", "Class", "Scores", None, None, "Grade"])
ws.append([None, None, "Math", "English", "Science", None])
ws.merge_cells("C1:E1"); ws.merge_cells("A1:A2"); ws.merge_cells("B1:B2"); ws.merge_cells("F1:F2")
for r in ex.itertuples(index=False):
    ws.append(list(r))
wb.save(f"{B}/exams.xlsx")
F = "exams.xlsx"
ex["Tot"] = ex.Math + ex.English + ex.Science
q("exm-1", F, "Who had the highest math score?", argext(ex, "Math", "Student"))
q("exm-2", F, "What is the average English score in class 10B?", {"number": float(ex.English[ex.Class == "10B"].mean())})
q("exm-3", F, "How many students got an A?", {"number": int((ex.Grade == "A").sum())})
cs = ex.groupby("Class").Science.mean()
q("exm-4", F, "Which class has the highest average science score?", one(cs[cs == cs.max()].index))
sv = sorted(set(ex.Science), reverse=True)[1]
q("exm-5", F, "Who got the second highest science score?", one(ex.Student[ex.Science == sv]))
q("exm-6", F, "How many students scored above 80 in both math and science?", {"number": int(((ex.Math > 80) & (ex.Science > 80)).sum())})
s = ex.iloc[4]
q("exm-7", F, f"What is the difference between {s.Student}'s math and English scores?", {"number": abs(int(s.Math - s.English))})
q("exm-8", F, "Who is the only student who failed (grade F)?", {"text": ex.Student[ex.Grade == "F"].iloc[0]})
q("exm-9", F, "How many students did not get an A?", {"number": int((ex.Grade != "A").sum())})
q("exm-10", F, "Which student has the highest total across the three subjects?", argext(ex, "Tot", "Student"))
q("exm-11", F, "Which student improved the most since last term?", {"refuse": True})
q("exm-12", F, "What is the average history score?", {"refuse": True})
cm = ex.groupby("Class").Math.mean()
q("exm-13", F, "Did class 10A have a higher average math score than 10B?", {"bool": bool(cm["10A"] > cm["10B"])})
c = ex[ex.Class == "10C"]
q("exm-14", F, "What percentage of students in 10C got a B?", {"share": float((c.Grade == "B").mean())})
q("exm-15", F, "What is the lowest science score in 10A?", {"number": int(ex.Science[ex.Class == "10A"].min())})
q("exm-17", F, "What grade did Omar get?", {"text": ex.Grade[ex.Student.str.startswith("Omar")].iloc[0]})

# ---------------------------------------------------------------- 6 flights.csv
routes = [("JFK", "LAX", 380), ("JFK", "LHR", 415), ("JFK", "CDG", 440), ("LAX", "JFK", 330), ("LHR", "JFK", 480),
          ("ORD", "LAX", 265), ("ORD", "JFK", 135), ("BOS", "LHR", 390), ("LAX", "HND", 705), ("CDG", "JFK", 505), ("ORD", "CDG", 505)]
rows = []
for _k in range(60):
    o, d, dur = rng.choice(routes)
    dur = dur + rng.choice([-10, -5, 0, 0, 5, 15])
    h, mi = rng.randint(5, 22), rng.choice([0, 10, 15, 25, 30, 40, 45, 55])
    st = rng.choices(["On time", "Delayed", "Cancelled"], [0.65, 0.25, 0.10])[0]
    rows.append([f"{rng.choice(['AA','BA','AF','UA','DL'])}{rng.randint(100, 999)}", o, d, f"{h:02d}:{mi:02d}", dur, st])
fl = pd.DataFrame(rows, columns=["Flight", "Origin", "Destination", "Departure", "Dur", "Status"]).drop_duplicates("Flight").reset_index(drop=True)
fl = fl.sort_values("Departure").reset_index(drop=True)
fl.loc[fl.index[-1], "Dur"] = 700 if fl.Dur.max() > 700 else fl.Dur.max()
out = pd.DataFrame({"Flight": fl.Flight, "Origin": fl.Origin, "Destination": fl.Destination, "Departure time": fl.Departure,
                    "Duration": [f"{d // 60}h {d % 60:02d}m" for d in fl.Dur], "Status": fl.Status})
out.to_csv(f"{B}/flights.csv", index=False)
F = "flights.csv"
q("flt-1", F, "How many flights were cancelled?", {"number": int((fl.Status == "Cancelled").sum())})
jd = fl.Destination[fl.Origin == "JFK"].value_counts()
q("flt-2", F, "Which destination has the most flights out of JFK?", one(jd[jd == jd.max()].index))
q("flt-3", F, "What percentage of flights were delayed?", {"share": float((fl.Status == "Delayed").mean())})
q("flt-4", F, "How many flights depart before 9am?", {"number": int((fl.Departure < "09:00").sum())})
q("flt-5", F, "Which flight has the longest duration?", argext(fl, "Dur", "Flight"))
q("flt-6", F, "What is the average flight time to LHR in minutes?", {"number": float(fl.Dur[fl.Destination == "LHR"].mean())})
q("flt-7", F, "How many flights go from JFK to LAX?", {"number": int(((fl.Origin == "JFK") & (fl.Destination == "LAX")).sum())})
oc = fl.Origin[fl.Status == "Cancelled"].value_counts()
q("flt-8", F, "Which origin airport had the most cancellations?", one(oc[oc == oc.max()].index))
f9 = fl.iloc[10]
q("flt-9", F, f"What time does flight {f9.Flight} depart?", {"text": f9.Departure})
q("flt-10", F, "Are there any cancelled flights to CDG?", {"bool": bool(((fl.Destination == "CDG") & (fl.Status == "Cancelled")).any())})
q("flt-11", F, f"How much does a ticket on {f9.Flight} cost?", {"refuse": True})
q("flt-12", F, "Which pilot flew the most flights?", {"refuse": True})
q("flt-13", F, "How many flights were not cancelled?", {"number": int((fl.Status != "Cancelled").sum())})
q("flt-14", F, "What is the last flight of the day?", {"text": fl.Flight.iloc[-1]} if (fl.Departure == fl.Departure.max()).sum() == 1 else one(fl.Flight[fl.Departure == fl.Departure.max()]))
q("flt-15", F, "How many flights are longer than 7 hours?", {"number": int((fl.Dur > 420).sum())})
q("flt-16", F, "Where does the first flight of the day go?", one(fl.Destination[fl.Departure == fl.Departure.min()]))
q("flt-17", F, "How many delayed flights departed from ORD?", {"number": int(((fl.Origin == "ORD") & (fl.Status == "Delayed")).sum())})

# ---------------------------------------------------------------- 7 web_analytics.xlsx
months = pd.period_range("2024-01", "2025-12", freq="M")
vis = [int(38000 * (1.02 ** i) * rng.uniform(0.85, 1.2)) for i in range(len(months))]
sig = [int(v * rng.uniform(0.015, 0.045)) for v in vis]
wa = pd.DataFrame({"Month": [p.strftime("%b %Y") for p in months], "Visitors": vis, "Signups": sig})
wa["Conv"] = (wa.Signups / wa.Visitors * 100).round(2)
wa["Y"] = [p.year for p in months]
out = pd.DataFrame({"Month": wa.Month, "Visitors": [f"{v:,}" for v in wa.Visitors], "Signups": wa.Signups,
                    "Conversion rate %": [f"{c:.2f}%" for c in wa.Conv]})
out.loc[len(out)] = ["Total", f"{wa.Visitors.sum():,}", wa.Signups.sum(), f"{wa.Signups.sum() / wa.Visitors.sum() * 100:.2f}%"]
out.to_excel(f"{B}/web_analytics.xlsx", sheet_name="Monthly", index=False)
F = "web_analytics.xlsx"
q("web-1", F, "Which month had the most visitors?", argext(wa, "Visitors", "Month"))
q("web-2", F, "How many signups were there in 2024?", {"number": int(wa.Signups[wa.Y == 2024].sum())})
w25 = wa[wa.Y == 2025]
q("web-3", F, "What was the overall conversion rate in 2025, i.e. total signups divided by total visitors?", {"share": float(w25.Signups.sum() / w25.Visitors.sum())})
j24, j25 = wa.Visitors[0], wa.Visitors[12]
q("web-4", F, "By what percent did visitors grow from January 2024 to January 2025?", {"share": float(j25 / j24 - 1)})
q("web-5", F, "How many months had more than 50,000 visitors?", {"number": int((wa.Visitors > 50000).sum())})
q("web-6", F, "Which month had the lowest conversion rate?", argext(wa, "Conv", "Month", asc=True))
q("web-7", F, "How many more signups were there in December 2025 than in December 2024?", {"number": int(wa.Signups[23] - wa.Signups[11])})
q("web-8", F, "How much revenue did the signups generate?", {"refuse": True})
q("web-9", F, "Which page got the most views?", {"refuse": True})
q("web-10", F, "What was the conversion rate in March 2025?", {"share": float(wa.Conv[14] / 100)})
q("web-11", F, "What is the total number of visitors across all months?", {"number": int(wa.Visitors.sum())})
q("web-12", F, "What was the average monthly visitor count in 2025?", {"number": float(w25.Visitors.mean())})
q("web-13", F, "In how many months was the conversion rate below 2%?", {"number": int((wa.Conv < 2).sum())})
q("web-14", F, "Did signups in June 2025 exceed those in May 2025?", {"bool": bool(wa.Signups[17] > wa.Signups[16])})
q("web-15", F, "What were the visitors the month after the highest-signup month?", {"number": int(wa.Visitors[int(wa.Signups.idxmax()) + 1])} if wa.Signups.idxmax() < 23 else {"refuse": True})
q("web-16", F, "How many visitors did we have last week?", {"refuse": True})

# ---------------------------------------------------------------- 8 football.xlsx
opps = ["Rovers", "City", "United", "Athletic", "Wanderers", "Albion", "Town", "County", "Rangers", "Villa",
        "Forest", "Palace", "Hotspur", "Argyle", "Orient", "Vale", "Dynamo", "Celtic", "Harriers"]
dates = pd.date_range("2024-08-10", periods=38, freq="7D")
rows = []
for i, d in enumerate(dates):
    opp = opps[i % 19]
    venue = "Home" if (i // 19 + i) % 2 == 0 else "Away"
    gf, ga = int(np_rng.poisson(1.6)), int(np_rng.poisson(1.1))
    att = rng.randint(18000, 31000) if venue == "Home" else rng.randint(6000, 40000)
    rows.append([d, opp, venue, gf, ga, att])
fb = pd.DataFrame(rows, columns=["Date", "Opponent", "Venue", "GF", "GA", "Att"])
fb.loc[5, ["GF", "GA"]] = [6, 0]  # biggest win unique
fb.loc[fb.index != 5, "GF"] = fb.GF[fb.index != 5].clip(upper=4)
fb.loc[12, "Att"] = 41250
fb.loc[fb.index != 12, "Att"] = fb.Att[fb.index != 12].clip(upper=40000)
fb["Res"] = np.where(fb.GF > fb.GA, "W", np.where(fb.GF == fb.GA, "D", "L"))
out = pd.DataFrame({"Date": fb.Date.dt.strftime("%d %b %Y"), "Opponent": fb.Opponent, "Venue": fb.Venue,
                    "Result": [f"{r} {a}–{b}" for r, a, b in zip(fb.Res, fb.GF, fb.GA, strict=False)],
                    "Attendance": [f"{a:,}" for a in fb.Att]})
out.loc[20, "Attendance"] = ""  # missing
fb.loc[20, "Att"] = np.nan
out.to_excel(f"{B}/football.xlsx", sheet_name="2024-25", index=False)
F = "football.xlsx"
q("fbl-1", F, "How many matches did we win?", {"number": int((fb.Res == "W").sum())})
q("fbl-2", F, "How many home games did we lose?", {"number": int(((fb.Res == "L") & (fb.Venue == "Home")).sum())})
q("fbl-3", F, "Against which opponent was the attendance highest?", {"text": fb.Opponent[12]})
q("fbl-4", F, "What was the average home attendance?", {"number": float(fb.Att[fb.Venue == "Home"].mean())})
q("fbl-5", F, "How many goals did we score in total this season?", {"number": int(fb.GF.sum())})
q("fbl-6", F, "Who did we beat by the biggest margin?", {"text": fb.Opponent[5]})
q("fbl-7", F, "How many matches ended in a draw?", {"number": int((fb.Res == "D").sum())})
q("fbl-8", F, "How many times did we play Villa?", {"number": int((fb.Opponent == "Villa").sum())})
r = fb[(fb.Opponent == "Albion") & (fb.Venue == "Away")]
q("fbl-9", F, "What was the result away at Albion?", {"text": f"{r.Res.iloc[0]} {r.GF.iloc[0]}–{r.GA.iloc[0]}"} if len(r) == 1 else {"refuse": True})
q("fbl-10", F, "How many matches were played in October 2024?", {"number": int(((fb.Date.dt.month == 10) & (fb.Date.dt.year == 2024)).sum())})
q("fbl-11", F, "Who scored the most goals for us?", {"refuse": True})
q("fbl-12", F, "How many yellow cards did we get against City?", {"refuse": True})
q("fbl-13", F, "How many goals did we concede in away games?", {"number": int(fb.GA[fb.Venue == "Away"].sum())})
q("fbl-14", F, "What was the total attendance over the season?", {"number": int(fb.Att.sum())})
q("fbl-15", F, "Which opponent did we play right after Wanderers for the first time?", {"text": fb.Opponent[fb.index[fb.Opponent == "Wanderers"][0] + 1]})
q("fbl-16", F, "how many games did we win away from home", {"number": int(((fb.Res == "W") & (fb.Venue == "Away")).sum())})
q("fbl-17", F, "What percentage of our matches did we win?", {"share": float((fb.Res == "W").mean())})
q("fbl-18", F, "How many matches had no recorded attendance?", {"number": 1})

# ---------------------------------------------------------------- probes (second pass, same tables)
F = "medals.xlsx"
q("prb-1", F, "Which nation won the most medals?", argext(m, "Total", "Nation"))
q("prb-2", F, "What is the total number of medals won by all nations?", {"number": int(m.Total.sum())})
q("prb-3", F, "What percentage of the gold medals did Norway win?", {"share": float(m.Gold[m.Nation == "Norway"].iloc[0] / m.Gold.sum())})
ip = int(m.index[m.Nation == "Poland"][0])
q("prb-4", F, "Which nation is ranked immediately after Poland?", {"text": m.Nation[ip + 1]})
q("prb-5", F, "Which nation won the fewest medals?", argext(m, "Total", "Nation", asc=True))
F = "flights.csv"
q("prb-6", F, "How many flights go from ORD to JFK?", {"number": int(((fl.Origin == "ORD") & (fl.Destination == "JFK")).sum())})
q("prb-7", F, "How many flights from LAX to JFK were delayed?", {"number": int(((fl.Origin == "LAX") & (fl.Destination == "JFK") & (fl.Status == "Delayed")).sum())})
j = fl[fl.Origin == "JFK"]
q("prb-8", F, "What share of flights departing JFK were cancelled?", {"share": float((j.Status == "Cancelled").mean())})
q("prb-9", F, "Which flight is the shortest?", argext(fl, "Dur", "Flight", asc=True))
q("prb-10", F, "What is the duration of the longest flight?", {"text_any": [f"{fl.Dur.max() // 60}h {fl.Dur.max() % 60:02d}m"], "number": float(fl.Dur.max())} if False else {"text": f"{fl.Dur.max() // 60}h {fl.Dur.max() % 60:02d}m"})
F = "exams.xlsx"
a = ex[ex.Class == "10A"]
q("prb-11", F, "What percentage of students in 10A got an A?", {"share": float((a.Grade == "A").mean())})
b = ex[ex.Class == "10B"]
q("prb-12", F, "What share of 10B students scored above 70 in math?", {"share": float((b.Math > 70).mean())})
q("prb-13", F, "What is the average of all the math scores?", {"number": float(ex.Math.mean())})
F = "clinic_visits.csv"
cd = cv[cv.Department == "Cardiology"]
q("prb-14", F, "What percentage of Cardiology visits cost more than 250?", {"share": float((cd.Cost > 250).mean())})
jn = cv[cv.Date.dt.month == 1]
q("prb-15", F, "What share of January visits were in Pediatrics?", {"share": float((jn.Department == "Pediatrics").mean())})
q("prb-16", F, "How many visits went to Cardiology or Orthopedics?", {"number": int(cv.Department.isin(["Cardiology", "Orthopedics"]).sum())})
F = "web_analytics.xlsx"
q("prb-17", F, "How much profit did we make in 2025?", {"refuse": True})
q("prb-18", F, "What is the average revenue per signup?", {"refuse": True})
q("prb-19", F, "How many customers churned in 2024?", {"refuse": True})
q("prb-20", F, "What is the average conversion rate?", {"refuse": True})  # mean of monthly rates vs pooled rate
F = "football.xlsx"
q("prb-21", F, "How much did a ticket cost for the Hotspur game?", {"refuse": True})
r = fb[fb.Opponent == "Hotspur"]
q("prb-22", F, "What was the score against Hotspur on " + fb.Date[12].strftime("%d %B %Y") + "?", {"text": f"{fb.Res[12]} {fb.GF[12]}–{fb.GA[12]}"})
q("prb-23", F, "What was the highest attendance at an away game?", {"number": float(fb.Att[fb.Venue == "Away"].max())})
F = "charts.csv"
q("prb-24", F, "How many weeks did Golden Hour spend at number one?", {"refuse": True})
q("prb-25", F, "How many singles were released in total?", {"number": len(ch)})
F = "cities.xlsx"
q("prb-26", F, "What was the population of Vienna in 2020?", {"number": int(ct.P2020[ct.City == "Vienna"].iloc[0])})
q("prb-27", F, "How many people lived in Madrid in 2010?", {"number": int(ct.P2010[ct.City == "Madrid"].iloc[0])})
q("prb-28", F, "What is the average population per city in 2020?", {"number": float(ct.P2020.mean())})
q("prb-29", F, "How many cities have an area bigger than 400 km²?", {"number": int((ct.Area > 400).sum())})
q("prb-30", F, "Which city had the smallest population in 2010?", argext(ct, "P2010", "City", asc=True))

with open(__import__("pathlib").Path(__file__).resolve().parent / "heldout.jsonl", "w") as f:
    for x in Q:
        f.write(json.dumps(x, ensure_ascii=False) + "\n")
print(len(Q), sum("refuse" in x["expect"] for x in Q))
