"""Numbers compared with a threshold ("at most, 8.5", "more then 0.1", "at most a time of 9.72", "15th or lower",
"over 10% of the vote"): generated sheets through the whole pipeline, every answer cross-checked with pandas."""
import re

import pandas as pd
import pytest

from core.planning.grounding import COMPARISONS, ground
from tests.test_shapes import answered, pipeline_over

PAGEANT = pd.DataFrame({
    "State": ["Idaho", "Kentucky", "Vermont", "Texas", "Ohio", "Utah", "Maine"],
    "Interview": [8.688, 8.863, 8.425, 8.5, 8.3, 8.463, 8.9],
    "Swimsuit": [8.925, 9.175, 9.013, 8.975, 8.8, 8.7, 8.6],
    "Average": [8.821, 9.146, 8.913, 8.846, 8.55, 8.6, 8.75],
})
SPRINTS = pd.DataFrame({"Year": [2004, 2005, 2006, 2007, 2008, 2009], "Time": [9.87, 9.77, 9.77, 9.74, 9.72, 9.82],
                        "City": ["Brussels", "Athens", "Zurich", "Rieti", "Lausanne", "Szczecin"]})
GAMES = pd.DataFrame({"Date": ["Sep 1", "Sep 8", "Sep 15", "Sep 22", "Sep 29", "Oct 6", "Oct 13"],
                      "Time": ["1:00", "3:30", "1:00", "7:00", "3:30", "1:00", "8:00"],
                      "Attendance": [31000, 28000, 45000, 30000, 52000, 29999, 33000]})
SEASONS = pd.DataFrame({"Season": ["1986/87", "1987/88", "1988/89", "1989/90", "1990/91", "1991/92", "1992/93"],
                        "Division": ["Two", "Two", "One", "One", "One", "Two", "Two"],
                        "Place": ["2nd", "15th", "17th", "12th", "3rd", "18th", "1st"]})
PARTIES = pd.DataFrame({"Party": ["Radical Union", "Socialists", "Conservatives", "Autonomists", "Liberals", "Greens"],
                        "Votes": [618411, 110792, 153826, 20650, 39543, 14000],
                        "%": ["42.7%", "7.7%", "10.6%", "1.4%", "2.7%", "1.0%"]})
TRANSMITTERS = pd.DataFrame({"Transmitter": ["Alston", "Fenham", "Newton", "Weardale", "Seaham", "Morpeth"],
                             "kW": [0.08, 0.4, 0.4, 0.2, 0.059, 0.1]})


@pytest.fixture(scope="module")
def pipes(tmp_path_factory):
    tables = {"pageant": PAGEANT, "sprints": SPRINTS, "games": GAMES, "seasons": SEASONS, "parties": PARTIES,
              "transmitters": TRANSMITTERS}
    return {name: pipeline_over(tmp_path_factory, name, df) for name, df in tables.items()}


def test_comparison_phrases_read_commas_typos_and_a_column_named_between():
    def ops(q):
        return [(op, m.group(1)) for pat, op in COMPARISONS for m in re.finditer(pat, q)]

    assert ops("how many got, at most, 8.5 in the interview") == [("lte", "8.5")]
    assert ops("a kw value more then 0.1") == [("gt", "0.1")]
    assert ops("which year had at most a time of 9.72") == [("lte", "9.72")]
    assert ops("no less than 5 wins") == [("gte", "5")]  # not also "less than 5"


def test_a_threshold_after_a_comma_or_misspelt(pipes):
    ans = answered(pipes["pageant"], "How many got, at most, 8.5 in the interview?")
    assert ans.value == (PAGEANT["Interview"] <= 8.5).sum() == 4
    ans = answered(pipes["transmitters"], "How many transmitters have a kw value more then 0.1?")
    assert ans.value == (TRANSMITTERS["kW"] > 0.1).sum() == 3


def test_a_column_named_between_the_comparison_and_the_number(pipes):
    ans = answered(pipes["sprints"], "Which year had at most a time of 9.72?")
    assert ans.value == SPRINTS.loc[SPRINTS["Time"] <= 9.72, "Year"].tolist() == [2008]
    # "the course" names no column: no comparison is made up, so the number is left unused
    assert pipes["sprints"].answer("How many years were over the course of 9.8?").status != "answered"


def test_how_many_times_counts_rows_not_a_column_of_times(pipes):
    ans = answered(pipes["games"], "How many times is attendance over 30,000?")
    assert ans.value == (GAMES["Attendance"] > 30000).sum() == 4


def test_a_place_or_worse_is_a_larger_number(pipes):
    place = SEASONS["Place"].str.extract(r"(\d+)")[0].astype(int)
    ans = answered(pipes["seasons"], "How many years did they place 15th or lower?")
    assert ans.value == (place >= 15).sum() == 3
    ans = answered(pipes["seasons"], "How many seasons did they place 3rd or better?")
    assert ans.value == (place <= 3).sum() == 3
    # a bare number "or lower" on a column of places: better or worse places? not answered
    assert pipes["seasons"].answer("How many seasons had a place of 15 or lower?").status != "answered"


def test_a_share_of_the_votes(pipes):
    share = PARTIES["%"].str.rstrip("%").astype(float)
    ans = answered(pipes["parties"], "Name a party that got, at most, 2% of the votes.")
    assert ans.value == PARTIES.loc[share <= 2, "Party"].tolist() == ["Autonomists", "Greens"]
    ans = answered(pipes["parties"], "How many parties received over 10% of the vote?")
    assert ans.value == (share > 10).sum() == 2


def test_a_header_written_twice_is_no_one_column(tmp_path_factory):
    # Score and Score.1 (the visitors' and the home side's): "a score of at least 3" names neither alone
    df = pd.DataFrame([["Oct 1", "Bruins", 3, "Rangers", 1], ["Oct 3", "Flyers", 2, "Bruins", 4],
                       ["Oct 5", "Bruins", 1, "Kings", 3], ["Oct 8", "Stars", 5, "Bruins", 2]],
                      columns=["Date", "Visitor", "Score", "Home", "Score"])
    pipe = pipeline_over(tmp_path_factory, "hockey", df)
    t = pipe.answerer.table_views()[0]
    g = ground("How many games had a score of at least 3?", t, {"tables": [], "columns": []})
    assert not [f for f in g.filters if f.op == "gte"]
    assert pipe.answer("How many games had a score of at least 3?").status != "answered"


def test_no_more_than_is_one_comparison_and_its_words_are_used(tmp_path_factory):
    df = pd.DataFrame({"Player": ["Bill Roe", "Cy Hale", "Dan Ivy", "Ed Fox"], "Innings": [12, 20, 13, 30],
                       "Runs": [300, 410, 120, 900]})
    pipe = pipeline_over(tmp_path_factory, "innings", df)
    ans = answered(pipe, "Name a player that played in no more than 13 innings.")
    assert ans.value == df.loc[df["Innings"] <= 13, "Player"].tolist() == ["Bill Roe", "Dan Ivy"]
    ans = answered(pipe, "How many players had no fewer than 13 innings?")
    assert ans.value == (df["Innings"] >= 13).sum() == 3


def test_an_amount_of_money_compares_the_one_column_of_money(tmp_path_factory):
    df = pd.DataFrame({"Player": ["Suggs", "Berg", "Rawls", "Wright", "Jameson", "Faulk"],
                       "To par": [14, 15, 18, 18, 21, 23], "Money ($)": [900, 675, 445, 445, 405, 338]})
    pipe = pipeline_over(tmp_path_factory, "prizes", df)
    ans = answered(pipe, "How many players won at least $400?")
    assert ans.value == (df["Money ($)"] >= 400).sum() == 5
    # two columns of money: which one "$400" is about is not said
    two = pipeline_over(tmp_path_factory, "prizes2", df.assign(**{"Bonus ($)": [50, 0, 500, 20, 10, 0]}))
    assert two.answer("How many players won at least $400?").status != "answered"


def test_the_column_named_in_full_wins_a_tie(tmp_path_factory):
    df = pd.DataFrame({"Team": ["Ajax", "Celtic", "Porto", "Lazio"], "Points": [41, 38, 52, 40],
                       "Points difference": [60, 12, 45, -3]})
    pipe = pipeline_over(tmp_path_factory, "league", df)
    t = pipe.answerer.table_views()[0]
    g = ground("Which teams had points more than 40?", t, {"tables": [], "columns": []})
    assert [(f.column, f.op, f.value) for f in g.filters] == [("Points", "gt", 40)]
    ans = answered(pipe, "How many teams had points more than 40?")
    assert ans.value == (df["Points"] > 40).sum() == 2


PARISHES = pd.DataFrame({"Church": ["St Anne", "St Bride", "Holy Cross", "St Jude", "Christ the King", "St Luke"],
                         "City": ["Atlanta", "Decatur", "Atlanta", "Marietta", "Atlanta", "Marietta"],
                         "Weekly collections": ["$10,000", "$25,500", "$26,000", "$31,250", "$70,000", "$4,500"]})


def test_in_excess_of_and_upwards_of_compare_as_more_than():
    def ops(q):
        return [(op, m.group(1)) for pat, op in COMPARISONS for m in re.finditer(pat, q)]

    assert ops("which church has weekly collections in excess of $25,000") == [("gt", "25,000")]
    assert ops("teams with upwards of 300 members") == [("gt", "300")]


def test_a_number_with_thousands_commas_is_compared_never_searched_in_cells(tmp_path_factory):
    # "$25,000": its pieces ("000") are no part of a cell's name; "$25,500" and "$31,250" hold no "000" yet are more
    pipe = pipeline_over(tmp_path_factory, "parishes", PARISHES)
    amounts = PARISHES["Weekly collections"].str.replace(r"[$,]", "", regex=True).astype(float)
    ans = answered(pipe, "Which church has weekly collections in excess of $25,000?")
    assert sorted(ans.value) == sorted(PARISHES.loc[amounts > 25000, "Church"]) == \
        ["Christ the King", "Holy Cross", "St Bride", "St Jude"]
    ans = answered(pipe, "How many churches not in Atlanta have weekly collections in excess of $25,000?")
    assert ans.value == ((amounts > 25000) & (PARISHES["City"] != "Atlanta")).sum() == 2
