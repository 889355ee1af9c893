"""The noun counted and what a row is, on generated tables with no title, every answer checked against pandas:
"how many nations" of a Nationality column counts the different nations (its rows are people), and "the number
of episodes" counts the rows of a table with a Title column of one title a row, even beside a code column
("Prod. code") that would name a row otherwise; a noun no row is (another work, a customer) still declines."""
from __future__ import annotations

import pandas as pd
import pytest

from tests.test_shapes import answered, pipeline_over

# a swimming final: one swimmer a row, nationalities repeating
SWIM = pd.DataFrame({
    "Lane": [4, 8, 7, 1, 5, 6, 2, 3],
    "Name": ["Al Bond", "Bo Kerr", "Cy Dane", "Di Webb", "Ed Fox", "Flo Grey", "Gus Hale", "Hal Ives"],
    "Nationality": ["England", "New Zealand", "Australia", "England", "Canada", "Wales", "Australia", "England"],
    "Time": ["1:55.58", "1:57.37", "1:58.18", "1:59.00", "2:00.07", "2:00.11", "2:00.50", "2:01.02"],
})
# a medal table by event: the Nation column names what is counted itself, and repeats
EVENTS = pd.DataFrame({
    "Event": ["100 m", "200 m", "400 m", "800 m", "1500 m", "Relay"],
    "Nation": ["Kenya", "Jamaica", "Kenya", "Ethiopia", "Kenya", "Jamaica"],
    "Time": [9.9, 19.8, 44.1, 103.2, 212.4, 37.9],
})
# one season of a show: a unique production code each, and a Title each
EPISODES = pd.DataFrame({
    "No. in series": list(range(68, 80)),
    "Title": [f'"Episode {c}"' for c in "ABCDEFGHIJKL"],
    "Directed by": ["Jo Park", "Jo Park", "Lee Moss", "Jo Park", "Ann Roy", "Lee Moss", "Jo Park", "Ann Roy",
                    "Jo Park", "Lee Moss", "Jo Park", "Jo Park"],
    "Prod. code": [f"B7{n:02d}" for n in range(20, 32)],
})
# a singer's albums, one a row with an album id: "songs" are no row of it
ALBUMS = pd.DataFrame({
    "Album ID": ["A1", "A2", "A3", "A4", "A5", "A6"],
    "Title": ["First Light", "Second Wind", "Third Eye", "Fourth Wall", "Fifth Gear", "Sixth Sense"],
    "Year": [2001, 2003, 2003, 2008, 2011, 2014],
    "Label": ["Arc", "Arc", "Bay", "Bay", "Cove", "Cove"],
})


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    return {name: pipeline_over(tmp_path_factory, name, df) for name, df in
            [("swim", SWIM), ("events", EVENTS), ("episodes", EPISODES), ("albums", ALBUMS)]}


def test_nations_of_a_nationality_column_are_its_different_values(books):
    ans = answered(books["swim"], "how many nations participated?")
    assert ans.value == SWIM.Nationality.nunique() != len(SWIM) and "distinct Nationality" in ans.interpretation
    assert answered(books["swim"], "how many countries are listed?").value == SWIM.Nationality.nunique()


def test_nations_of_a_nation_column_that_repeats_are_still_two_readings(books):
    # the rows of a Nation column may be counted as nations too: not answered as a number of rows
    ans = books["events"].answer("how many nations won an event?")
    assert ans.status != "answered" or ans.value == EVENTS.Nation.nunique()


def test_episodes_are_the_rows_of_a_table_of_titles_beside_a_code_column(books):
    ans = answered(books["episodes"], "what is the number of episodes directed by jo park?")
    assert ans.value == (EPISODES["Directed by"] == "Jo Park").sum()
    assert "each row is one episode, named in Title" in ans.interpretation


def test_a_noun_no_row_is_still_declines(books):
    # a table of albums with an album id: its rows are albums, never songs
    ans = books["albums"].answer("how many songs were released in 2003?")
    assert ans.status != "answered" and "songs" in ans.unused
    # a production code names rows, and no row is a customer
    ans = books["episodes"].answer("how many customers were directed by jo park?")
    assert ans.status != "answered" and "customers" in ans.unused


# a race's riders with their country, and one without: "german riders" are the rows of Germany
RIDERS = pd.DataFrame({
    "Pos": list(range(1, 11)),
    "Rider": ["Max Bell", "Ugo Conti", "Ralf Dorn", "Oli Earl", "Jan Fuchs", "Tetsu Hara", "Luca Ivo", "Dirk Jahn",
              "Noel Kay", "Piero Lodi"],
    "Country": ["Italy", "Italy", "Germany", "France", "Germany", "Japan", "Italy", "Germany", "France", "Italy"],
    "Points": [25, 20, 16, 13, 11, 10, 9, 8, 7, 6],
})


@pytest.fixture(scope="module")
def riders(tmp_path_factory):
    return (pipeline_over(tmp_path_factory, "riders", RIDERS),
            pipeline_over(tmp_path_factory, "nameless", RIDERS.drop(columns="Country")))


def test_a_nationality_said_as_an_adjective_or_a_people_is_a_country(riders):
    with_country, _ = riders
    assert answered(with_country, "how many german riders finished the race?").value == (RIDERS.Country == "Germany").sum()
    assert answered(with_country, "how many italians scored more than 10 points?").value == (
        (RIDERS.Country == "Italy") & (RIDERS.Points > 10)).sum()


def test_a_nationality_no_column_holds_declines(riders):
    _, without = riders
    for q in ("how many german riders finished the race?", "how many italians are listed?"):
        ans = without.answer(q)
        assert ans.status != "answered", q
