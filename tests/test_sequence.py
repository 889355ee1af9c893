"""core.planning: rows next to a named row in the sheet or in time ("who won the previous year?", "which player was
drafted after X?"), on generated tables, each answer cross-checked with pandas."""
import pandas as pd
import pytest

from tests.test_shapes import answered, pipeline_over

# latest first, as many tables of winners are laid out; 2004 is missing, so 2005's previous row is 2003
WINNERS = pd.DataFrame({
    "Year": [2009, 2008, 2007, 2006, 2005, 2003, 2002],
    "Winner": ["Kite Flyer", "Sea Biscuit", "Iron Road", "Pale Moon", "Red Clay", "Grey Owl", "Blue Fern"],
    "Album": ["North", "Harbour Lights", "Quiet Hours", "Stone Age", "Paper Boats", "Low Tide", "First Light"],
    "Starters": [12, 9, 14, 11, 10, 13, 8],
})
OLDEST_FIRST = WINNERS.iloc[::-1].reset_index(drop=True)
DRAFT = pd.DataFrame({
    "Pick #": [81, 82, 83, 84, 85],
    "Team": ["Eagles", "Dodgers", "Cardinals", "Giants", "Pirates"],
    "Player": ["Paul Fenn", "Ed Novak", "Dwight Hale", "Matt Pace", "Bill Dock"],
    "Position": ["Back", "Back", "End", "Tackle", "Guard"],
})


@pytest.fixture(scope="module")
def latest_first(tmp_path_factory):
    return pipeline_over(tmp_path_factory, "latest_first", WINNERS)


@pytest.fixture(scope="module")
def oldest_first(tmp_path_factory):
    return pipeline_over(tmp_path_factory, "oldest_first", OLDEST_FIRST)


def _in(df, year, col):
    return df.loc[df["Year"] == year, col].item()


def test_the_previous_year_in_a_sheet_that_runs_latest_first(latest_first, oldest_first):
    # the named row found by its name and its year; "previous" in time is the row below it in this sheet
    for pipe in (latest_first, oldest_first):
        assert answered(pipe, "Iron Road won in 2007. Who won the previous year?").value == _in(WINNERS, 2006, "Winner")
        ans = answered(pipe, "Pale Moon won in 2006. What was the name of the album that won the next year?")
        assert ans.value == _in(WINNERS, 2007, "Album")
        assert answered(pipe, "What album won before Stone Age did in 2006?").value == _in(WINNERS, 2005, "Album")
        assert answered(pipe, "Who won after Sea Biscuit?").value == _in(WINNERS, 2009, "Winner")


def test_the_previous_year_is_one_year_before(latest_first):
    # 2004 is not in the table: the row before 2005's is 2003's, which is not "the previous year"
    assert latest_first.answer("Red Clay won in 2005. Who won the previous year?").status != "answered"
    assert answered(latest_first, "Who won before Red Clay?").value == _in(WINNERS, 2003, "Winner")


def test_listed_after_is_the_sheets_order_and_a_bare_after_reads_two_ways(latest_first):
    i = WINNERS.index[WINNERS["Album"] == "Stone Age"][0]
    assert answered(latest_first, "Which album is listed after Stone Age?").value == WINNERS["Album"].iloc[i + 1]
    # "comes after" says neither the sheet nor time: the row below and the row above are both offered
    ans = latest_first.answer("Which album comes after Stone Age?")
    assert ans.status == "ambiguous" and len(ans.reading_plans) == 2


def test_a_verb_of_what_the_rows_record_names_their_order(tmp_path_factory):
    pipe = pipeline_over(tmp_path_factory, "draft", DRAFT)
    i = DRAFT.index[DRAFT["Player"] == "Dwight Hale"][0]
    assert answered(pipe, "Which player was drafted after Dwight Hale?").value == DRAFT["Player"].iloc[i + 1]
    assert answered(pipe, "Which player was picked before Dwight Hale?").value == DRAFT["Player"].iloc[i - 1]


RELEASES = pd.DataFrame({
    "Year": [1981, 1993, 1995, 1996, 1996, 1999, 2001],
    "Title": ["Savoir Faire", "Spanish Stroll", "Les Inoubliables", "Love & Emotion", "Best Of", "Collection Legende",
              "Cadillac Walk"],
    "Artist": ["Mink DeVille", "Mink DeVille", "Willy DeVille", "Mink DeVille", "Willy DeVille", "Willy DeVille",
               "Mink DeVille"],
})
COACHES = pd.DataFrame({
    "Season": list(range(1950, 1960)),
    "Head Coach": ["Tom Carr"] * 3 + ["Archie Hale"] * 4 + ["Phil Long"] * 2 + ["Sam Ruiz"],
    "Record": ["4-4", "5-3", "2-6", "6-2", "7-1", "3-5", "4-4", "5-3", "6-2", "1-7"],
})


def test_the_nearest_row_past_a_named_one_that_meets_the_other_conditions(tmp_path_factory):
    pipe = pipeline_over(tmp_path_factory, "releases", RELEASES)
    # "Willy DeVille" is said of the album asked for, "Savoir Faire" names the row it is read from
    i = RELEASES.index[RELEASES["Title"] == "Savoir Faire"][0]
    later = RELEASES.iloc[i + 1:]
    want = later.loc[later["Artist"] == "Willy DeVille", "Title"].iloc[0]
    assert answered(pipe, "Which Willy DeVille album was released after Savoir Faire?").value == want
    j = RELEASES.index[RELEASES["Title"] == "Collection Legende"][0]
    earlier = RELEASES.iloc[:j]
    want = earlier.loc[earlier["Artist"] == "Mink DeVille", "Title"].iloc[-1]
    assert answered(pipe, "Which Mink DeVille album was released before Collection Legende?").value == want


def test_the_value_after_a_run_of_rows_and_a_name_in_two_runs(tmp_path_factory):
    pipe = pipeline_over(tmp_path_factory, "coaches", COACHES)
    rows = COACHES.index[COACHES["Head Coach"] == "Archie Hale"]
    assert answered(pipe, "Who was head coach after Archie Hale?").value == COACHES["Head Coach"].iloc[rows.max() + 1]
    assert answered(pipe, "Who was head coach before Archie Hale?").value == COACHES["Head Coach"].iloc[rows.min() - 1]
    # a coach with two stints: which one "after" counts from is not clear
    twice = COACHES.assign(**{"Head Coach": ["Tom Carr"] * 3 + ["Archie Hale"] * 2 + ["Phil Long"] * 2 +
                              ["Archie Hale"] * 2 + ["Sam Ruiz"]})
    pipe = pipeline_over(tmp_path_factory, "twice", twice)
    assert pipe.answer("Who was head coach after Archie Hale?").status != "answered"


def test_the_named_row_pinned_by_an_ordinal_of_a_numbering_column(tmp_path_factory):
    draws = pd.DataFrame({
        "Draw": list(range(1, 11)),  # a running number of the rows (ten of them, as core.roles asks)
        "Artist": ["Mystic", "Vulcan", "Deuce", "Music Hall", "Mystic", "Bernadette", "Deuce", "Music Hall", "Vulcan",
                   "Bernadette"],
        "Points": [25, 27, 26, 54, 8, 69, 20, 37, 11, 40],
    })
    pipe = pipeline_over(tmp_path_factory, "draws", draws)
    i = draws.index[(draws["Artist"] == "Music Hall") & (draws["Draw"] == 8)][0]
    assert answered(pipe, "What artist is previous to Music Hall on the 8th draw?").value == draws["Artist"].iloc[i - 1]
    # Music Hall twice, no draw named: two different neighbours, no one answer
    assert pipe.answer("What artist is previous to Music Hall?").status != "answered"


def test_a_sheet_in_no_time_order_offers_the_sheets_neighbour_and_times(tmp_path_factory):
    singles = pd.DataFrame({
        "Single": ["Blue Lines", "Red Sky", "Grey Day", "Gold Rush", "Green Field"],
        "Release date": pd.to_datetime(["2003-05-01", "2001-02-19", "2004-07-30", "2002-11-11", "2005-01-20"]),
        "Label": ["Polar", "Polar", "Echo", "Echo", "Polar"],
    })
    pipe = pipeline_over(tmp_path_factory, "unsorted_singles", singles)
    # the next row is Grey Day, the next release Gold Rush: both offered
    ans = pipe.answer("Which single was released after Red Sky?")
    assert ans.status == "ambiguous" and len(ans.reading_plans) == 2
    i = singles.index[singles["Single"] == "Red Sky"][0]
    assert answered(pipe, "Which single is listed after Red Sky?").value == singles["Single"].iloc[i + 1]
