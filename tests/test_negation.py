"""Negated conditions ("not before 2012", "other than A or B", "did not win", "don't have a bonus"): each answer
cross-checked with pandas on a generated sheet with empty cells, what a negation does with an empty cell said
in the interpretation, and the negations whose scope the planner cannot tell declined."""
import duckdb
import numpy as np
import pandas as pd
import pytest

from core.plan import Filter, Plan, Schema, compile_plan
from tests.test_shapes import answered, pipeline_over

GAMES = pd.DataFrame({
    "Year": [2009, 2010, 2011, 2012, 2013, 2014, 2015, 2016],
    "Opponent": ["Lions", "Tigers", "Bears", "Lions", "Wolves", "Tigers", "Bears", "Lions"],
    "Venue": ["Home Park", "Away Field", "Home Park", "Neutral Dome", "Away Field", None, "Home Park", "Away Field"],
    "Result": ["W 2–1", "L 0–3", "D 1–1", "W 3–0", "L 1–2", "W 4–2", "D 0–0", "L 0–1"],
    "Goals": [2, 0, 1, 3, 1, 4, 0, 0],
    "Bonus": [10.0, np.nan, 5.0, 10.0, np.nan, 15.0, 5.0, np.nan],
    "Sponsor": ["Acme Oil (USA)", "Blue Bank", "Acme Oil (USA)", "Blue Bank", None, "Green Tea Co", "Acme Oil (UK)",
                "Green Tea Co"],
})


@pytest.fixture(scope="module")
def games(tmp_path_factory):
    return pipeline_over(tmp_path_factory, "games", GAMES)



def test_a_negated_comparison_is_the_other_side(games):
    """"not before 2012" is 2012 or later, "did not score more than 1" at most 1, "no more than 1" too."""
    ans = answered(games, "How many games were not played before 2012?")
    assert ans.value == (GAMES["Year"] >= 2012).sum() and "Year ≥ 2" in ans.interpretation
    want = (GAMES["Goals"] <= 1).sum()
    assert answered(games, "How many games did they not score more than 1 goals?").value == want
    assert answered(games, "In how many games did they score no more than 1 goals?").value == want
    # "didn't" is no filler word: the comparison it turns is at most 1 (read as "more than 1" it was wrong)
    ans = answered(games, "How many games didn't score more than 1 goals at Home Park?")
    assert ans.value == ((GAMES["Goals"] <= 1) & (GAMES["Venue"] == "Home Park")).sum() == 2
    # "not after" is up to the year named, that year too
    assert answered(games, "How many games were not played after 2013?").value == (GAMES["Year"] <= 2013).sum()


def test_a_negated_list_of_values_excludes_every_one_and_keeps_the_empty_cells(games):
    """"other than Home Park or Away Field": neither of them; a game with no venue is other than both, and the
    interpretation says so. "other than the Lions or the Tigers" excludes the second value too (never kept)."""
    ans = answered(games, "How many games had a venue other than Home Park or Away Field?")
    assert ans.value == (~GAMES["Venue"].isin(["Home Park", "Away Field"])).sum() == 2  # Neutral Dome and the empty one
    assert "neither Home Park nor Away Field (or is empty)" in ans.interpretation
    ans = answered(games, "How many games had an opponent other than the Lions or the Tigers?")
    assert ans.value == (~GAMES["Opponent"].isin(["Lions", "Tigers"])).sum()
    ans = answered(games, "How many games were played at a venue other than the Neutral Dome?")
    assert ans.value == (GAMES["Venue"] != "Neutral Dome").sum() and "(or is empty)" in ans.interpretation


def test_a_negated_outcome_is_every_other_result(games):
    """"did not win" on a column of results: the games lost or drawn (every row records an outcome)."""
    ans = answered(games, "How many games did they not win?")
    assert ans.value == (~GAMES["Result"].str.startswith("W")).sum() == 5


def test_a_negated_outcome_with_an_empty_result_is_declined(tmp_path_factory):
    """A game with no result (not played yet) is neither won nor not won: no count of the games not won."""
    df = GAMES.assign(Result=GAMES["Result"].where(GAMES.index != 3, None))
    pipe = pipeline_over(tmp_path_factory, "games_unplayed", df)
    assert answered(pipe, "How many games did they win?").value == df["Result"].str.startswith("W", na=False).sum()
    assert pipe.answer("How many games did they not win?").status != "answered"


def test_not_having_a_value_is_an_empty_cell(games):
    """"don't have a bonus", "without a bonus", "no bonus": the rows whose Bonus is empty."""
    want = GAMES["Bonus"].isna().sum()
    for q in ("How many games don't have a bonus?", "How many games did not have a bonus?",
              "How many games had no bonus?"):
        ans = answered(games, q)
        assert ans.value == want and "Bonus is empty" in ans.interpretation, q


def test_a_negated_part_of_a_cell_is_not_contains(games):
    """"a sponsor other than Acme Oil" with cells "Acme Oil (USA)", "Acme Oil (UK)": the rows whose sponsor does
    not hold it, the game with no sponsor among them, as the interpretation says."""
    ans = answered(games, "How many games had a sponsor other than Acme Oil?")
    assert ans.value == (~GAMES["Sponsor"].str.contains("Acme Oil", na=False)).sum() == 5
    assert "Sponsor does not contain 'Acme Oil' (or is empty)" in ans.interpretation


def test_negations_whose_scope_is_not_read_are_declined(games):
    """A negation the plan does not account for is never dropped: "didn't" and "weren't" are content words."""
    for q in ("How many games didn't they play at Home Park?",  # a verb between: what is negated?
              "Which opponent didn't they play in 2010?",  # no row says who was not played
              "How many games weren't sponsored by Blue Bank?"):
        assert games.answer(q).status != "answered", q


def test_a_negation_over_names_that_repeat_is_declined(games):
    """"which opponent had no bonus?" where an opponent has several games, with a bonus in some: no bonus in one
    of its games, or in none? Read only where the two agree ("which venue had no bonus?": Away Field, whose games
    all had none, and no other) or a name is one row each ("which years did they not win?")."""
    ans = games.answer("Which opponent had no bonus?")
    assert ans.status == "cannot" and "repeats across rows" in ans.answer
    ans = answered(games, "Which venue had no bonus?")
    none = GAMES[GAMES["Bonus"].isna()]["Venue"].dropna().unique().tolist()
    assert none == ["Away Field"] and not set(none) & set(GAMES[GAMES["Bonus"].notna()]["Venue"])
    assert ans.df.iloc[:, 0].tolist() == none
    ans = answered(games, "Which years did they not win?")
    assert ans.value == GAMES.loc[~GAMES["Result"].str.startswith("W"), "Year"].tolist()


def test_not_contains_keeps_rows_with_no_text():
    """The plan's not_contains, run by DuckDB, keeps a row with no text (as ne does), in any case, as pandas."""
    df = pd.DataFrame({"Sponsor": ["Acme Oil", None, "Blue Bank", "OIL co", "Toil Ltd"]})
    c = compile_plan(Plan(table="t", select=["Sponsor"], filters=[Filter(column="Sponsor", op="not_contains",
                                                                            value="oil")]),
                     Schema({"t": {"Sponsor": "text"}}))
    con = duckdb.connect()
    con.register("t", df)
    got = con.execute(c.sql, c.params).df()["Sponsor"].tolist()
    want = df[~df["Sponsor"].str.lower().str.contains("oil", na=False)]["Sponsor"].tolist()
    assert [x if isinstance(x, str) else None for x in got] == [x if isinstance(x, str) else None for x in want]
    assert len(got) == 2
