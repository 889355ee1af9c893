"""Periods said of what a table holds by other means than a date column: a month said alone of a text column of days
written without their year ("in october" beside "October 3", "Oct 17", "5 Sep"), and a year said that is a column's
header (a matrix of years), on generated tables, each answer cross-checked with pandas; and the month words that are
no such month (a day beside it, a name, a comparison)."""
import pandas as pd
import pytest

from core.planning.grounding import MONTH_ALONE, day_month_column, ground
from core.planning.offline import _planning_view
from tests.test_shapes import pipeline_over

NO_ROUTE = {"tables": [], "columns": []}
GAMES = pd.DataFrame({
    "Date": ["September 5", "Sept. 12", "October 3", "Oct 10", "October 17th", "November 1", "Nov 8", "November 22"],
    "Opponent": ["Maryland", "Rutgers", "Miami", "Virginia Tech", "Missouri", "Penn State", "Temple", "Boston College"],
    "Result": ["W 35-11", "L 20-3", "W 24-10", "L 35-21", "W 24-13", "W 48-21", "L 17-9", "W 30-7"],
})
SIGNED = pd.DataFrame({"Player": ["Ann Bell", "Cy Moss", "Dee Park", "Eli Shaw", "Fay Chen"],
                       "Date signed": ["29 March", "11 August", "27 March", "1 April", "29 July"]})


def _month(cells: pd.Series) -> pd.Series:
    """Each cell's month number, read by pandas with a year put in."""
    text = cells.str.replace(r"(\d+)(st|nd|rd|th)", r"\1", regex=True).str.replace("Sept.", "Sep", regex=False)
    return pd.to_datetime(text + " 2001", format="mixed").dt.month


@pytest.fixture(scope="module")
def pipes(tmp_path_factory):
    return {"games": pipeline_over(tmp_path_factory, "games", GAMES),
            "signed": pipeline_over(tmp_path_factory, "signed", SIGNED)}


def _answer(pipe, q):
    ans = pipe.answer(q)
    assert ans.status == "answered", ans.answer
    return ans.value


def test_a_month_said_alone_counts_the_days_of_that_month(pipes):
    months = _month(GAMES["Date"])
    assert _answer(pipes["games"], "How many games were played in October?") == (months == 10).sum() == 3
    assert _answer(pipes["games"], "How many games were in September?") == (months == 9).sum() == 2
    assert _answer(pipes["games"], "How many games were played in October or November?") == \
        months.isin([10, 11]).sum() == 6


def test_the_only_row_of_a_month_written_day_first(pipes):
    months = _month(SIGNED["Date signed"])
    assert _answer(pipes["signed"], "Who is the only player to sign in July?") == \
        SIGNED.loc[months == 7, "Player"].item() == "Fay Chen"
    # two players signed in March: no one answer
    assert pipes["signed"].answer("Who is the only player to sign in March?").status != "answered"


def test_a_month_with_a_day_a_name_or_a_comparison_is_no_month_alone():
    said = lambda q: [m.group(1) for m in MONTH_ALONE.finditer(q)]  # noqa: E731
    assert said("how many games in october?") == ["october"] and said("games in may") == ["may"]
    assert said("the total for the month of january") == ["january"]
    for q in ("who won on october 3?", "games on 5 september", "how many times did don january win?",
              "how many games before october?", "how many may be listed?", "in october 13, 1977", "in october 13th"):
        assert said(q) == [], q


def test_a_day_month_column_is_one_of_days_and_a_day_said_stays_its_cell(pipes, tmp_path_factory):
    view = _planning_view(pipes["games"].answerer.table_views()[0])
    col, cells = day_month_column(view)
    assert col == "Date" and cells["Oct 10"] == 10 and cells["Sept. 12"] == 9
    g = ground("who did they play on october 3?", view, NO_ROUTE)
    assert not any(f.op == "in" and f.column == "Date" for f in g.filters)
    # a column with few day-like cells is no column of days
    mixed = GAMES.assign(Date=["September 5", "TBA", "Bye", "Oct 10", "Home", "Away", "Nov 8", "Final"])
    view = pipeline_over(tmp_path_factory, "mixed", mixed).answerer.table_views()[0]
    assert day_month_column(_planning_view(view)) is None
    assert pipeline_over(tmp_path_factory, "mixedq", mixed).answer("How many games were in October?").status \
        != "answered"


def test_a_month_and_a_year_with_a_column_of_years(tmp_path_factory):
    df = pd.DataFrame({"Year": [2008, 2008, 2008, 2009, 2009, 2009, 2009],
                       "Date": ["October 3", "October 10", "November 1", "September 5", "October 2", "October 9",
                                "November 7"],
                       "Opponent": list("ABCDEFG")})
    months = _month(df["Date"])
    pipe = pipeline_over(tmp_path_factory, "seasons", df)
    assert _answer(pipe, "How many games were played in October 2009?") == \
        ((months == 10) & (df.Year == 2009)).sum() == 2
    assert _answer(pipe, "How many games were in November of 2008?") == ((months == 11) & (df.Year == 2008)).sum()
    # no column holds the year: the year said is unused, no answer
    alone = pipeline_over(tmp_path_factory, "noyears", df.drop(columns="Year"))
    assert alone.answer("How many games were played in October 2009?").status != "answered"


def test_days_of_one_month_count_and_a_range_across_two_months_reads_none(tmp_path_factory):
    ties = pd.DataFrame({"Date": ["2–4 Feb", "21–23 Sep", "1–3 Feb", "8–10 Feb", "20–22 Sep", "4–6 Oct"],
                         "Opponent": ["Spain", "Italy", "Czechoslovakia", "France", "Sweden", "Chile"]})
    first = ties["Date"].str.replace(r"^\d+–", "", regex=True)
    pipe = pipeline_over(tmp_path_factory, "ties", ties)
    assert _answer(pipe, "How many ties were played in February?") == (_month(first) == 2).sum() == 3
    # "30 Mar – 2 Apr" is of two months: "in april" could count it or not, so the column is read for no month
    across = ties.assign(Date=["2–4 Feb", "30 Mar – 2 Apr", "1–3 Feb", "8–10 Feb", "20–22 Sep", "4–6 Oct"])
    assert pipeline_over(tmp_path_factory, "across", across).answer("How many ties were played in April?").status \
        != "answered"


@pytest.mark.parametrize("header", [int, str])
def test_a_year_said_names_the_column_headed_by_it(tmp_path_factory, header):
    # the header row of years is stored as the names "1960", "1970", ... (written as numbers or as text)
    df = pd.DataFrame({"Continent": ["Africa", "Asia", "Europe", "Oceania"], header(1960): [277, 1701, 604, 15],
                       header(1970): [357, 2143, 655, 19], header(1980): [470, 2600, 690, 22]})
    pipe = pipeline_over(tmp_path_factory, f"years_{header.__name__}", df)
    assert pipe.answerer.table_views()[0].dtypes == {"Continent": "text", "1960": "integer", "1970": "integer",
                                                     "1980": "integer"}
    assert _answer(pipe, "Which continent had the most in 1970?") == \
        df.set_index("Continent")[header(1970)].idxmax() == "Asia"
    assert _answer(pipe, "Which continent had the least in 1980?") == df.set_index("Continent")[header(1980)].idxmin()
    # a word no column holds ("population") is no reading to drop
    assert pipe.answer("Which continent had the highest population in 1970?").status != "answered"
