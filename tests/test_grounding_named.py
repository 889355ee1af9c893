"""core.planning.grounding: questions that name their column or value indirectly (a year alone, a misspelt header, a
compound's plural, one part of a cell listed with commas, one word of a name), on generated tables, each answer
cross-checked with pandas; and the look-alikes that must stay unnamed."""
import pandas as pd
import pytest

from core.answer import Answerer
from core.chat import ChatPipeline
from core.errors import CannotAnswer
from core.planning.grounding import ground, name_part_hits, respelt, year_column
from core.planning.offline import _planning_view
from core.planning.words import misspelt, unknown_word
from tests.test_shapes import pipeline_over

NO_ROUTE = {"tables": [], "columns": []}
GAMES = pd.DataFrame({
    "Title": [f"Game {c}" for c in "ABCDEFGH"],
    "Year": [1999, 2003, 2005, 2006, 2006, 2007, 2010, 2012],
    "Platform": ["PC", "Xbox", "PC", "PC", "Mobile", "PSP", "PC", "Xbox"],
})
LEAGUE = pd.DataFrame({
    "Season": list(range(2000, 2010)),
    "Winner": ["W Connection", "Defence Force", "W Connection", "Jabloteh", "W Connection", "Jabloteh",
               "Defence Force", "W Connection", "Jabloteh", "Caledonia"],
    "Division": ["Division 1", "Division 2", "Division 1", "Division 1", "Division 2", "Division 3", "Division 1",
                 "Division 2", "Division 1", "Division 1"],
    "Competition": ["Cup", "League", "Cup", "Shield", "Cup", "League", "Cup", "League", "Shield", "Cup"],
    "Played": [30, 28, 30, 26, 30, 28, 30, 26, 28, 30],
})
PRISONS = pd.DataFrame({
    "Name": ["Nubarashen", "Kosh", "Sevan", "Prison Hospital", "Erebuni", "Artik", "Vanadzor"],
    "Location": ["Nubarashen, Yerevan", "Kosh, Aragatsotn", "Hrazdan, Kotayk", "Kentron, Yerevan", "Nubarashen, Yerevan",
                 "Harich, Shirak", "Vanadzor, Lori"],
    "Capacity": [840, 640, 548, 464, 391, 373, 300],
    "Genre": ["Classic rock", "Pop", "Rock music", "Jazz", "Pop", "Folk", "Pop"],
})
FINALS = pd.DataFrame({
    "Outcome": ["Winner", "Winner", "Runner-up", "Runner-up", "Winner", "Runner-up"],
    "Year": [2010, 2010, 2011, 2011, 2012, 2013],
    "Partner": ["Marc Lopez", "Marc Lopez", "Julia Stowers", "Ann Tarpley", "Mark Tarpley", "Ann Tarpley"],
    "Points": [10, 12, 7, 8, 9, 4],
})


def _workspace(tmp_path_factory, name: str, df: pd.DataFrame) -> Answerer:
    return pipeline_over(tmp_path_factory, name, df).answerer


@pytest.fixture(scope="module")
def sheets(tmp_path_factory):
    """name -> (chat pipeline, the planner's view of its one table)."""
    out = {}
    for name, df in (("games", GAMES), ("league", LEAGUE), ("prisons", PRISONS), ("finals", FINALS)):
        answerer = _workspace(tmp_path_factory, name, df)
        out[name] = (ChatPipeline(answerer), _planning_view(answerer.table_views()[0]))
    return out


def answered(pipe, q):
    ans = pipe.answer(q)
    assert ans.status == "answered", ans.answer
    return ans


def test_a_year_alone_names_the_column_of_years(sheets):
    pipe, t = sheets["games"]
    assert answered(pipe, "how many were released after 2004?").value == int((GAMES["Year"] > 2004).sum())
    assert answered(pipe, "how many came out before 2005?").value == int((GAMES["Year"] < 2005).sum())
    # a table without any column of years still names nothing
    _, prisons = sheets["prisons"]
    with pytest.raises(CannotAnswer):
        ground("how many were released after 2004?", prisons, NO_ROUTE)


def test_a_season_column_of_whole_years_takes_years(sheets):
    pipe, t = sheets["league"]
    assert year_column(t) == "Season"
    ans = answered(pipe, "how many times did W Connection win between 2000 and 2005?")
    assert ans.value == int(((LEAGUE["Winner"] == "W Connection") & LEAGUE["Season"].between(2000, 2005)).sum())


def test_a_season_column_of_counts_is_no_column_of_years(tmp_path_factory):
    answerer = _workspace(tmp_path_factory, "series", pd.DataFrame({"Season": [1, 2, 3], "Episodes": [10, 12, 8]}))
    assert year_column(_planning_view(answerer.table_views()[0])) is None


def test_a_misspelt_header_names_its_column(sheets):
    pipe, t = sheets["league"]
    assert misspelt("competiton") and not misspelt("player") and not misspelt("competitions")
    assert respelt("what is the first competiton listed?", t) == "what is the first competition listed?"
    assert answered(pipe, "what is the first competiton listed?").value == LEAGUE["Competition"].iloc[0]
    # a word of its own one letter off a header is still that word: "player" never names Played
    assert respelt("which player won the most?", t) == "which player won the most?"


def test_a_misspelt_value_with_a_number_in_it(sheets):
    pipe, _ = sheets["league"]
    ans = answered(pipe, "how many times in divison 1?")
    assert ans.value == int((LEAGUE["Division"] == "Division 1").sum())


def test_the_plural_of_a_hyphenated_value(sheets):
    pipe, _ = sheets["finals"]
    ans = answered(pipe, "how many runner-ups are listed?")
    assert ans.value == int((FINALS["Outcome"] == "Runner-up").sum())


def test_one_part_of_a_cell_listed_with_commas(sheets):
    pipe, t = sheets["prisons"]
    in_yerevan = PRISONS["Location"].str.contains("Yerevan")
    assert answered(pipe, "how many are in yerevan?").value == int(in_yerevan.sum())
    assert answered(pipe, "what is the total capacity in yerevan?").value == PRISONS.loc[in_yerevan, "Capacity"].sum()
    # one word inside a description is no name: "rock" in "Classic rock" names nothing
    with pytest.raises(CannotAnswer):
        ground("how many rock ones are there?", t, NO_ROUTE)


def test_one_word_of_a_name_names_the_one_value_holding_it(sheets):
    pipe, t = sheets["finals"]
    assert unknown_word("stowers") and not unknown_word("states")
    ans = answered(pipe, "how many points did stowers get?")
    assert ans.value == FINALS.loc[FINALS["Partner"] == "Julia Stowers", "Points"].sum()
    # a surname two people share names neither; nor does one beside another name the table lacks
    assert name_part_hits("how many points did tarpley get?", t, []) == []
    assert name_part_hits("how many points did julia tarpley get?", t, []) == []
    assert pipe.answer("how many points did tarpley get?").status != "answered"


VISITS = pd.DataFrame({
    "Month": [f"{m} {y}" for y in (2024, 2025) for m in ("Jan", "Feb", "Mar", "Apr")],
    "Signups": [120, 80, 95, 60, 130, 70, 110, 90],
    "Nation": ["Germany", "France", "Spain", "Italy", "Germany", "France", "Spain", "Italy"],
})


@pytest.fixture(scope="module")
def visits(tmp_path_factory):
    answerer = _workspace(tmp_path_factory, "visits", VISITS)
    return ChatPipeline(answerer), _planning_view(answerer.table_views()[0])


def test_a_year_and_a_month_on_a_text_column_of_months(visits):
    pipe, t = visits
    in_2025 = VISITS["Month"].str.endswith("2025")
    assert answered(pipe, "what is the total signups in 2025?").value == VISITS.loc[in_2025, "Signups"].sum()
    march = VISITS.loc[VISITS["Month"] == "Mar 2025", "Signups"].sum()
    assert answered(pipe, "what is the total signups in march 2025?").value == march
    # a year after "after" is a comparison this column cannot make: no filter, the year stays unused
    g = ground("what is the total signups after 2024?", t, NO_ROUTE)
    assert not any(f.column == "Month" for f in g.filters)


def test_a_misspelt_value_of_one_word(visits):
    pipe, t = visits
    ans = answered(pipe, "what is the total signups of germnay?")
    assert ans.value == VISITS.loc[VISITS["Nation"] == "Germany", "Signups"].sum()
    # a word the lexicon knows is never taken for a misspelt value: "spin" is a word, not "Spain" misspelt
    assert not any(v.column == "Nation" for v in ground("what is the total signups of spin?", t, NO_ROUTE).vhits)
    # "germans" is Germany's people, said so (words.NATIONS), not "Germany" misspelt
    assert [v.value for v in ground("what is the total signups of germans?", t, NO_ROUTE).vhits] == ["Germany"]


def test_a_month_said_in_full_names_its_short_cell_and_empty_cells_are_no_figure(tmp_path_factory):
    budget = pd.DataFrame({"Month": ["Jan", "Jan", "Mar", "Mar", "Dec", "Dec"],
                           "Category": ["Travel", "Software", "Travel", "Software", "Travel", "Software"],
                           "Actual": [3300.0, 3100.0, 3220.0, 2900.0, None, None]})
    pipe = ChatPipeline(_workspace(tmp_path_factory, "budget", budget))
    ans = answered(pipe, "what was the total actual spend on travel in march?")
    assert ans.value == budget.loc[(budget["Month"] == "Mar") & (budget["Category"] == "Travel"), "Actual"].sum()
    # December's actuals are not in yet: the empty cells are no total of 0 and no answer at all
    assert budget.loc[budget["Month"] == "Dec", "Actual"].isna().all()
    assert pipe.answer("what was the total actual spend in december?").status == "cannot"


def test_a_name_in_the_data_is_never_a_misspelt_header(tmp_path_factory):
    answerer = _workspace(tmp_path_factory, "roundz", pd.DataFrame({"Player": ["Ana Roundz", "Ben Hall"],
                                                                     "Rounds": [12, 9]}))
    t = _planning_view(answerer.table_views()[0])
    assert respelt("how many rounds did roundz play?", t) == "how many rounds did roundz play?"
    assert respelt("how many roundz did hall play?", t) == "how many roundz did hall play?"
