"""core.planning: first, last, top and n-th rows (in the sheet's order, in time, or by a number), on generated
tables, each answer cross-checked with pandas."""
import pandas as pd
import pytest

from tests.test_shapes import answered, pipeline_over

# released out of date order: the sheet's first single is not the earliest
SINGLES = pd.DataFrame({
    "Single": ["Blue Lines", "Red Sky", "Grey Day", "Gold Rush", "Green Field"],
    "Release date": pd.to_datetime(["2003-05-01", "2001-02-19", "2004-07-30", "2002-11-11", "2005-01-20"]),
    "Label": ["Polar", "Polar", "Echo", "Echo", "Polar"],
    "Chart position": [12, 3, 40, 7, 25],
})
# the same singles in date order: the sheet's first is the earliest
SORTED = SINGLES.sort_values("Release date").reset_index(drop=True)
CITIES = pd.DataFrame({
    "Pos.": [1, 2, 3, 4, 5],
    "City": ["Bergamo", "Treviglio", "Seriate", "Dalmine", "Albino"],
    "Population": [120000, 30000, 25000, 23000, 18000],
    "Altitude": [249, 125, 247, 207, 342],
})
VOTES = pd.DataFrame({
    "Party": ["Labour", "Labour", "Labour", "Liberal", "Liberal", "Conservative"],
    "Candidate": ["A. Byrne", "J. Murray", "T. Kelly", "P. Walsh", "R. Dunne", "S. Nolan"],
    "Votes": [5200, 3100, 4400, 2900, 6100, 3900],
})
SCHOOLS = pd.DataFrame({
    "Name": ["Ashfield", "Brook Lane", "Castle Hill", "Dene Park", "Elm Grove"],
    "Opened": [1952, 1968, 1961, 1990, 1975],
    "Intake": [180, 120, 150, 90, 210],
})
MEDALS = pd.DataFrame({
    "Nation": ["Norway", "France", "England", "Italy", "Spain", "Wales"],
    "Gold": [5, 4, 3, 2, 1, 0],
    "Silver": [2, 6, 4, 4, 1, 3],
    "Bronze": [3, 1, 2, 7, 0, 4],
})


@pytest.fixture(scope="module")
def singles(tmp_path_factory):
    return pipeline_over(tmp_path_factory, "singles", SINGLES)


@pytest.fixture(scope="module")
def sorted_singles(tmp_path_factory):
    return pipeline_over(tmp_path_factory, "sorted_singles", SORTED)



def test_first_in_the_sheet_and_in_time_agree_or_are_two_readings(singles, sorted_singles):
    # in date order the sheet's first single is the earliest: one answer, the column asked for
    ans = answered(sorted_singles, "What was the release date of the first single?")
    assert pd.Timestamp(ans.value) == SORTED["Release date"].min()
    assert answered(sorted_singles, "What was the first single?").value == SORTED["Single"].iloc[0]
    # out of date order "first" reads two ways, and both are offered
    ans = singles.answer("What was the first single?")
    assert ans.status == "ambiguous" and len(ans.reading_plans) == 2
    orders = [p["order"][0]["by"] for p in ans.reading_plans]
    assert orders == ["#row", "Release date"]
    # "listed" says the sheet's order; "released" says time's
    assert answered(singles, "What was the first single listed?").value == SINGLES["Single"].iloc[0]
    earliest = SINGLES.loc[SINGLES["Release date"].idxmin(), "Single"]
    assert answered(singles, "Which single was released first?").value == earliest
    latest = SINGLES.loc[SINGLES["Release date"].idxmax(), "Single"]
    assert answered(singles, "What is the most recent single?").value == latest
    assert answered(singles, "Which single was released most recently?").value == latest


def test_the_top_and_bottom_of_the_list_are_places_in_the_sheet(singles):
    assert answered(singles, "Which single is at the top of the list?").value == SINGLES["Single"].iloc[0]
    assert answered(singles, "What is at the bottom of the table?").value == SINGLES["Single"].iloc[-1]


def test_first_in_time_by_a_year_column_and_ties_are_no_answer(tmp_path_factory):
    pipe = pipeline_over(tmp_path_factory, "schools", SCHOOLS)
    assert answered(pipe, "Which was opened first?").value == SCHOOLS.loc[SCHOOLS["Opened"].idxmin(), "Name"]
    assert answered(pipe, "Which school opened last?").value == SCHOOLS.loc[SCHOOLS["Opened"].idxmax(), "Name"]
    tied = SCHOOLS.assign(Opened=[1952, 1968, 1952, 1990, 1975])
    assert pipeline_over(tmp_path_factory, "tied_schools", tied).answer("Which was opened first?").status != "answered"


def test_ranks_first_in_a_number_is_its_highest_not_the_place_column(tmp_path_factory):
    pipe = pipeline_over(tmp_path_factory, "cities", CITIES)
    top = CITIES.loc[CITIES["Altitude"].idxmax(), "City"]
    assert top != CITIES.loc[CITIES["Pos."] == 1, "City"].item()
    assert answered(pipe, "What city ranks first in altitude?").value == top
    assert answered(pipe, "Which city ranks last in altitude?").value == CITIES.loc[CITIES["Altitude"].idxmin(), "City"]
    # without a number after it, "ranks first" is a place in the table's ranking, not an altitude
    assert "Altitude" not in (pipe.answer("Which city ranks first?").interpretation or "")


def test_a_superlative_number_of_is_no_count(tmp_path_factory):
    pipe = pipeline_over(tmp_path_factory, "votes", VOTES)
    labour = VOTES[VOTES["Party"] == "Labour"]
    ans = answered(pipe, "Which of the Labour candidates had the least number of votes?")
    assert ans.value == labour.loc[labour["Votes"].idxmin(), "Candidate"]
    assert answered(pipe, "Which candidate had the highest number of votes?").value == \
        VOTES.loc[VOTES["Votes"].idxmax(), "Candidate"]
    assert answered(pipe, "How many candidates had more than 4000 votes?").value == (VOTES["Votes"] > 4000).sum()


def test_the_nth_value_from_an_end_and_the_next_past_a_named_row(tmp_path_factory):
    pipe = pipeline_over(tmp_path_factory, "medals", MEDALS)
    gold = MEDALS.sort_values("Gold", ascending=False)["Nation"].tolist()
    assert answered(pipe, "Which nation had the second highest gold?").value == gold[1]
    assert answered(pipe, "Which nation had the third most gold medals?").value == gold[2]
    assert answered(pipe, "What is the second largest number of gold medals?").value == sorted(set(MEDALS["Gold"]))[-2]
    # two nations tie at 4 silver below France's 6: the third row and the third value differ, so no answer
    assert pipe.answer("Which nation had the third most silver medals?").status != "answered"
    bronze = MEDALS.sort_values("Bronze")["Nation"].tolist()
    assert bronze[0] != bronze[1] and answered(pipe, "Which nation had the 2nd lowest bronze?").value == bronze[1]
    # France has 6 silver; the next highest is 4, held by two nations: no one answer
    assert pipe.answer("After France, who has the next highest amount of silver medals?").status != "answered"
    below = MEDALS[MEDALS["Gold"] < MEDALS.loc[MEDALS["Nation"] == "England", "Gold"].item()]
    ans = answered(pipe, "After England, who has the next highest amount of gold medals?")
    assert ans.value == below.loc[below["Gold"].idxmax(), "Nation"]


def test_a_superlative_reads_the_column_the_question_asks_for(tmp_path_factory):
    games = pd.DataFrame({
        "Date": pd.to_datetime(["1998-08-15", "1998-08-22", "1998-09-19", "1998-10-03"]),
        "Opponent": ["Leeds", "Derby", "Wigan", "Bolton"],
        "Scorers": ["Smith", None, "Jones", "Smith"],
        "Attendance": [21000, 18500, 34567, 30100],
    })
    pipe = pipeline_over(tmp_path_factory, "games", games)
    ans = answered(pipe, "On which date was the game played with the most number of people in attendance?")
    assert pd.Timestamp(ans.value) == games.loc[games["Attendance"].idxmax(), "Date"]


def test_the_latest_of_years_written_as_text(tmp_path_factory):
    targets = pd.DataFrame({
        "Community": ["East Union", "West Bloc", "North Pact", "South Zone", "Central Area", "Isles", "Gulf"],
        "Currency": ["Eco", "Afro", "Khaleeji", "Sol", "Franc", "Isle", "Dinar"],
        "Target date": ["2015", "2013", "2028", "2016[citation needed]", None, "2019", "2016"],
    })
    pipe = pipeline_over(tmp_path_factory, "targets", targets)
    years = targets["Target date"].str.extract(r"^(\d{4})")[0].astype(float)
    assert answered(pipe, "Which one has the latest target date?").value == targets.loc[years.idxmax(), "Community"]
    assert answered(pipe, "Which community has the earliest target date?").value == \
        targets.loc[years.idxmin(), "Community"]
