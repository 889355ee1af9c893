"""Words for the table itself or what it is about ("this team", "this album", "the season", "covered in the table")
and light verbs ("suffered", "participated", "come out"), on generated tables with no title, every answer checked
against pandas; a noun the table names, or one no table is about, still declines."""
from __future__ import annotations

import pandas as pd
import pytest

from tests.test_shapes import answered, pipeline_over

# one team's games of a season: no column or value says whose
GAMES = pd.DataFrame({
    "Date": pd.date_range("2023-09-02", periods=12, freq="14D").strftime("%Y-%m-%d"),
    "Opponent": ["Rovers", "Villa", "United", "Albion", "Villa", "City", "Rovers", "Town", "Athletic", "Wanderers",
                 "Villa", "County"],
    "Result": ["W", "L", "D", "W", "W", "L", "W", "D", "W", "L", "W", "D"],
    "Score": ["2–1", "0–1", "1–1", "3–0", "2–0", "1–2", "1–0", "0–0", "4–1", "0–2", "2–1", "2–2"],
    "Attendance": [30100, 28000, 31050, 29900, 30500, 27000, 31500, 26000, 30200, 29000, 31000, 25500],
})
# the tracks of one album, and who produced them
TRACKS = pd.DataFrame({
    "#": list(range(1, 11)),
    "Title": [f'"Track {c}"' for c in "ABCDEFGHIJ"],
    "Producer(s)": ["Ann Bell, Gil Hart", "Cy Dunn", "Ann Bell, Cy Dunn", "Eve Fox", "Eve Fox, Ann Bell", "Gil Hart",
                    "Eve Fox", "Cy Dunn", "Ivy Jones, Ann Bell", "Ivy Jones"],
    "Length": ["3:12", "2:58", "4:01", "3:33", "2:47", "3:05", "3:40", "4:12", "2:39", "3:21"],
})
# one player's goals, and who assisted each
GOALS = pd.DataFrame({
    "Goal": list(range(1, 10)),
    "Opponent": ["Rovers", "Villa", "United", "Albion", "Villa", "City", "Rovers", "Town", "Athletic"],
    "Assist": ["Morgan", "unassisted", "Lee", "Morgan", "Morgan", "unassisted", "Lee", "Morgan", "unassisted"],
})
# several teams' games: "the team" is one of its rows, not the table's subject
LEAGUE = pd.DataFrame({
    "Team": ["Rovers", "Villa", "United", "Rovers", "Villa", "United", "Rovers", "Villa"],
    "Opponent": ["Villa", "United", "Rovers", "United", "Rovers", "Villa", "Villa", "United"],
    "Result": ["W", "L", "D", "W", "L", "W", "L", "D"],
    "Attendance": [30100, 28000, 31050, 29900, 30500, 27000, 31500, 26000],
})
# a singer's albums, one row each: "this album" is one of its rows
ALBUMS = pd.DataFrame({
    "Year": [2001, 2003, 2005, 2008, 2011, 2014],
    "Title": ["First Light", "Second Wind", "Third Eye", "Fourth Wall", "Fifth Gear", "Sixth Sense"],
    "Label": ["Arc", "Arc", "Bay", "Bay", "Cove", "Cove"],
    "Peak": [12, 5, 1, 8, 20, 3],
})
# a league's winners by season, and a race's years with gaps
SEASONS = pd.DataFrame({
    "Season": [f"{y}-{(y + 1) % 100:02d}" for y in range(2000, 2009)],
    "North": [f"Club {c}" for c in "ABCDEFGHI"],
    "South": [f"Side {c}" for c in "JKLMNOPQR"],
})
YEARS = pd.DataFrame({
    "Year": [1962, 1963, 1964, 1970, 1971, 1986, 1987, 1990, 1992],
    "Driver": ["A. Moss", "B. Clark", "C. Hill", "D. Ickx", "E. Stewart", "F. Prost", "G. Berger", "H. Senna",
               "I. Mansell"],
})


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    return {name: pipeline_over(tmp_path_factory, name, df) for name, df in
            [("games", GAMES), ("goals", GOALS), ("tracks", TRACKS), ("league", LEAGUE), ("discography", ALBUMS), ("seasons", SEASONS),
             ("years", YEARS)]}


def test_this_team_and_the_season_are_what_the_table_is_about(books):
    in_2023 = GAMES[GAMES.Date.str.startswith("2023")]
    ans = answered(books["games"], "how many games did this team play in 2023?")
    assert ans.value == len(in_2023) and "'this team' read as what the whole table is about" in ans.interpretation
    ans = answered(books["games"], "what was the total attendance over the season?")
    assert ans.value == GAMES.Attendance.sum() and "'the season'" in ans.interpretation
    assert answered(books["games"], "number of wins in the season.").value == (GAMES.Result == "W").sum()


def test_light_verbs_add_no_condition(books):
    assert answered(books["games"], "what was the total number of losses this team suffered?").value == (
        GAMES.Result == "L").sum()
    assert answered(books["goals"], "how many assists did morgan participate in?").value == (GOALS.Assist == "Morgan").sum()


def test_this_album_beside_the_songs_it_holds(books):
    ann = TRACKS[TRACKS["Producer(s)"].str.contains("Ann Bell")]
    ans = answered(books["tracks"], "how many songs from this album were produced by ann bell?")
    assert ans.value == len(ann) and "'this album'" in ans.interpretation


def test_come_out_is_released(books):
    row = ALBUMS[ALBUMS.Title == "Third Eye"]
    assert answered(books["discography"], 'in what year did the album "third eye" come out?').value == row.Year.iloc[0]


def test_the_seasons_covered_in_the_table(books):
    assert answered(books["seasons"], "what is the number of seasons covered in the table?").value == len(SEASONS)


def test_a_span_of_years_the_table_covers_is_no_count_of_its_rows(books):
    ans = books["years"].answer("how many years does the table cover?")
    assert ans.status != "answered" or ans.value == YEARS.Year.max() - YEARS.Year.min()


def test_a_noun_the_table_names_or_no_table_is_about_still_declines(books):
    # a Team column of several teams: "the team" is one of them
    assert books["league"].answer("how many games did the team win?").status != "answered"
    # a table of albums: "this album" is one of its rows
    assert books["discography"].answer("what was the peak of this album?").status != "answered"
    # no whole table is "about" a referee or a stadium
    for q in ("how many games did this referee see in 2023?", "what was the total attendance at this stadium?",
              "how many games did this team play at this stadium?"):
        ans = books["games"].answer(q)
        assert ans.status != "answered" and ans.unused, q
    # "this year" is a period, never the table's subject
    assert books["games"].answer("how many games did this team win this year?").status != "answered"
    # "which team ... the team": the question asks for a team the table does not name
    assert books["games"].answer("which team did the team beat most often?").status != "answered"
