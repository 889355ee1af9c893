"""Durations written as text ("2h 05m", "1 h 30 min", "45 min"): read as seconds; times of day are no durations."""
import random

import duckdb
import pandas as pd
import pytest

from core import Settings, Workspace
from core.answer import Answer, Answerer, fill, interpretation
from core.chat import ChatPipeline
from core.plan import number_sql
from core.planning.words import clock_times, duration_example


def planned(a, q):
    p = a.answerer.plan(q)
    ans = Answer(question=q)
    fill(ans, p, a.answerer.execute(p))
    return ans, p


def _write(minutes: int, style: int) -> str:
    h, m = divmod(minutes, 60)
    if style == 0:
        return f"{h}h {m:02d}m"
    if style == 1:
        return f"{h} h {m} min" if h else f"{m} min"
    return f"{h} hours {m} minutes"


@pytest.fixture(scope="module")
def trips(tmp_path_factory):
    rnd = random.Random(7)
    n = 24
    minutes = rnd.sample(range(40, 800), n)
    departs = sorted(rnd.sample(range(5 * 60, 23 * 60), n))
    df = pd.DataFrame({
        "Trip": [f"TR{100 + i}" for i in range(n)],
        "Route": [rnd.choice(["North", "South", "East"]) for _ in range(n)],
        "Departure time": [f"{d // 60:02d}:{d % 60:02d}" for d in departs],
        "Duration": [_write(m, i % 3) for i, m in enumerate(minutes)],
    })
    d = tmp_path_factory.mktemp("trips")
    path = d / "trips.csv"
    df.to_csv(path, index=False)
    ws = Workspace(Settings(home=d / "ws"))
    ws.add_file(path)
    return ChatPipeline(Answerer(ws)), df.assign(secs=[m * 60 for m in minutes])


def test_duration_cells_read_as_seconds():
    got = {v: duckdb.sql("SELECT " + number_sql(repr(v), "duration")).fetchall()[0][0]
           for v in ["2h 05m", "1 h 30 min", "45 min", "2 hrs 15 mins", "1:30:00", "n/a"]}
    assert got == {"2h 05m": 7500, "1 h 30 min": 5400, "45 min": 2700, "2 hrs 15 mins": 8100, "1:30:00": 5400,
                   "n/a": None}


def test_duration_and_clock_columns_are_told_apart():
    assert duration_example(["2h 05m", "11h 40m", "5h 30m", "7h 25m", "4h 30m", "—"]) == "2h 05m"
    assert duration_example(["45 min", "30 min", "20 min", "10 min", "5 min"]) is None  # one unit: a unit column
    assert duration_example(["$4.5m", "$2m", "$1m", "$3m", "$7m"]) is None  # money
    assert clock_times(["05:00", "17:40", "22:30"]) and clock_times(["9:30 pm", "10:00 am"])
    assert not clock_times(["4:05", "3:32", "5:10"])  # lengths of songs
    assert not clock_times(["02:28:17", "01:59:59"])  # times taken, to the second


def test_longest_and_shortest_read_the_durations(trips):
    a, df = trips
    ans, p = planned(a, "Which trip has the longest duration?")
    assert ans.value == df.loc[df["secs"].idxmax(), "Trip"]
    assert p.plan.duration_columns == ["Duration"]
    assert "reading durations as seconds" in interpretation(p)
    ans, _ = planned(a, "Which trip is the shortest?")
    assert ans.value == df.loc[df["secs"].idxmin(), "Trip"]
    ans, _ = planned(a, "What is the duration of the longest trip?")
    assert ans.value == df.loc[df["secs"].idxmax(), "Duration"]


def test_aggregates_of_durations(trips):
    a, df = trips
    ans, _ = planned(a, "What is the average duration?")
    assert float(ans.value) == pytest.approx(df["secs"].mean())
    ans, _ = planned(a, "What is the total duration for the North route?")
    assert float(ans.value) == pytest.approx(df.loc[df["Route"] == "North", "secs"].sum())


def test_a_time_of_day_is_no_duration(tmp_path):
    """Without a column of durations, "longest" never orders by the departure clock, nor counts rows per trip."""
    rnd = random.Random(3)
    df = pd.DataFrame({"Trip": [f"TR{i}" for i in range(12)], "Departure time": [
        f"{h:02d}:{rnd.choice([0, 15, 30, 45]):02d}" for h in sorted(rnd.sample(range(5, 23), 12))]})
    path = tmp_path / "plain.csv"
    df.to_csv(path, index=False)
    ws = Workspace(Settings(home=tmp_path / "ws"))
    ws.add_file(path)
    a = ChatPipeline(Answerer(ws))
    for q in ("Which trip has the longest time?", "Which trip is the shortest?", "Which trip is the longest?"):
        assert a.answer(q).status != "answered", q


def test_compared_in_a_time_unit(trips):
    a, df = trips
    ans, p = planned(a, "How many trips are longer than 5 hours?")
    assert ans.value == int((df["secs"] > 5 * 3600).sum())
    assert p.plan.filters[0].value == 5 * 3600
    ans, _ = planned(a, "How many trips are shorter than 90 minutes?")
    assert ans.value == int((df["secs"] < 90 * 60).sum())
    assert a.answer("How many trips have a duration over 300?").status != "answered"  # 300 of what: never guessed


def test_aggregate_given_in_the_unit_asked(trips):
    a, df = trips
    ans, _ = planned(a, "What is the average duration in minutes?")
    assert float(ans.value) == pytest.approx(df["secs"].mean() / 60)
    ans, _ = planned(a, "What is the total duration of the South route in hours?")
    assert float(ans.value) == pytest.approx(df.loc[df["Route"] == "South", "secs"].sum() / 3600)


def test_times_of_day_are_not_added_up(trips):
    a, _ = trips
    assert a.answer("What is the average departure time?").status != "answered"


def test_time_names_the_one_column_of_durations(trips):
    """"the average trip time" beside a Departure time of clock times: the durations, never the clock."""
    a, df = trips
    ans, _ = planned(a, "What is the average trip time for the East route in minutes?")
    assert float(ans.value) == pytest.approx(df.loc[df["Route"] == "East", "secs"].mean() / 60)
    ans, _ = planned(a, f"What time does trip {df['Trip'][3]} depart?")
    assert ans.value == df["Departure time"][3]
