"""Counting questions said with the verb of the event a row records ("how many times did we play X", "how many
singles came out", "gold medals awarded"), on generated tables, every answer checked against pandas."""
from __future__ import annotations

import pandas as pd
import pytest

from tests.test_shapes import answered, pipeline_over

GAMES = pd.DataFrame({
    "Date": pd.date_range("2024-08-10", periods=12, freq="7D").strftime("%Y-%m-%d"),
    "Opponent": ["Rovers", "Villa", "United", "Albion", "Villa", "City", "Rovers", "Town", "Athletic", "Wanderers",
                 "Villa", "County"],
    "Venue": ["Home", "Away"] * 6,
    "Result": ["W 2–1", "L 0–1", "D 1–1", "W 3–0", "W 2–0", "L 1–2", "W 1–0", "D 0–0", "W 4–1", "L 0–2", "W 2–1",
               "D 2–2"],
    "Attendance": [30100, 28000, 31050, 29900, 30500, 27000, 31500, 26000, 30200, 29000, 31000, 25500],
})
MEDALS = pd.DataFrame({
    "Nation": ["Norway", "Germany", "Canada", "Sweden", "France", "Italy", "Japan"],
    "Gold": [9, 7, 5, 4, 3, 0, 1],
    "Silver": [4, 6, 3, 5, 2, 1, 0],
    "Bronze": [3, 4, 6, 2, 5, 2, 1],
})
MEDALS["Total"] = MEDALS.Gold + MEDALS.Silver + MEDALS.Bronze
SINGLES = pd.DataFrame({
    "Single": [f"Song {c}" for c in "ABCDEFGHIJ"],
    "Year": [2012, 2013, 2013, 2014, 2015, 2015, 2015, 2016, 2017, 2018],
    "Peak US": [12, 3, 40, 1, 25, 7, 60, 15, 9, 33],
})
SWIMMERS = pd.DataFrame({
    "Lane": [4, 8, 7, 1, 5, 6, 3, 2],
    "Name": ["Ann Lee", "Bo Ray", "Cy Moss", "Di Park", "Ed Vance", "Flo Nash", "Gus Tran", "Hal Cobb"],
    "Nationality": ["England", "New Zealand", "Australia", "England", "Canada", "Wales", "Canada", "England"],
    "Time": [115.58, 117.37, 118.18, 119.0, 120.07, 120.11, 120.24, 121.86],
})


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    return {name: pipeline_over(tmp_path_factory, name, df)
            for name, df in [("fixtures", GAMES), ("medals", MEDALS), ("singles", SINGLES), ("swim", SWIMMERS)]}


def test_times_we_played_a_team_counts_its_games(books):
    got = answered(books["fixtures"], "How many times did we play Villa?")
    assert got.value == int((GAMES.Opponent == "Villa").sum()) == 3


def test_medals_awarded_are_the_column_added_up(books):
    got = answered(books["medals"], "What is the total number of gold medals awarded?")
    assert got.value == int(MEDALS.Gold.sum())


def test_singles_released_count_the_rows(books):
    got = answered(books["singles"], "How many singles were released in total?")
    assert got.value == SINGLES.Single.nunique() == len(SINGLES)


def test_singles_that_came_out_in_a_year(books):
    got = answered(books["singles"], "how many singles came out in 2015")
    assert got.value == int((SINGLES.Year == 2015).sum()) == 3
    # "out" alone is no event: "how many singles are out of the top 10" is not answered as a count of all rows
    ans = books["singles"].answer("how many singles are out of the top 10?")
    assert ans.status != "answered" or ans.value == int((SINGLES["Peak US"] > 10).sum())


def test_nations_beside_a_nationality_column_are_not_rows(books):
    """A row is a swimmer of a nation: eight rows are not eight nations."""
    for q in ("how many nations are there?", "how many nations participated?"):
        ans = books["swim"].answer(q)
        assert ans.status != "answered" or ans.value == SWIMMERS.Nationality.nunique(), q


def test_how_many_things_is_never_an_amount_of_money_named_after_them(tmp_path_factory):
    """"how many bookings" beside a Booking value column counts bookings: a sum of money is no count of them."""
    df = pd.DataFrame({"Booking ref": [f"B{i:03d}" for i in range(12)],
                       "Booking value": [120.0, 340.5, 99.0, 410.0, 75.0, 230.0, 310.0, 180.0, 95.0, 60.0, 500.0, 275.0],
                       "Cancelled": ["Yes", "No", "No", "Yes", "No", "No", "Yes", "No", "No", "No", "Yes", "No"]})
    df["Booking value"] = df["Booking value"].map(lambda v: f"£{v:,.2f}")
    pipe = pipeline_over(tmp_path_factory, "bookings", df)
    ans = answered(pipe, "How many bookings were cancelled?")
    assert ans.value == (df["Cancelled"] == "Yes").sum()
