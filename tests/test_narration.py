"""core.narration: the guard on a streaming narration, and grounding of its numbers (values and labels)."""
import pandas as pd
import pytest

from core.answer import Answer
from core.narration import (
    SYSTEM,
    NarrationGuard,
    grounding,
    misattributed,
    narration_prompt,
    numbers_in_text,
)

MONTHS = pd.DataFrame({"Month": pd.to_datetime(["2021-03-01", "2021-07-01", "2021-11-01"]),
                       "Sales": [39_148_532.0, 31_002_417.0, 35_555_100.0]})
REGIONS = pd.DataFrame({"Region": ["East", "West", "North"], "Sales": [120.0, 45.0, 30.0]})


def answer(df, value=None, question="", plan=None) -> Answer:
    return Answer(question=question, df=df, value=value, answer="Computed.",
                  plan=plan or {"group_by": [{"column": str(df.columns[0])}]})


def guard_for(ans=None, context="") -> NarrationGuard:
    ans = ans or answer(REGIONS)
    ans.sql = 'SELECT "Region", sum("Sales") AS "Sales" FROM t GROUP BY "Region" ORDER BY 2 DESC'
    return NarrationGuard(narration_prompt("Sales by region?", ans, "comparison", [], context))


def stream(guard: NarrationGuard, text: str) -> str:
    shown = "".join(guard.feed(w) for w in text.split(" ") for w in [w + " "])
    return shown + guard.finish()


# --- numbers ---------------------------------------------------------------------------------------
def test_numbers_in_text_reads_formats_and_leaves_dates_out():
    got = {raw: v for raw, v, _ in numbers_in_text("$899,902,125 or 899.9 million, 41% and 0.41; 2021")}
    assert got["$899,902,125"] == 899902125 and got["899.9 million"] == pytest.approx(899.9e6)
    assert got["41%"] == pytest.approx(0.41) and got["2021"] == 2021
    dated = "On 2021-11-01 at 10:30, in Q3, on March 5th, 2021 and 1 July 2022 it sold 17 (5/6/2021)."
    assert [raw for raw, _, _ in numbers_in_text(dated)] == ["17"]


# --- the guard -------------------------------------------------------------------------------------
def test_a_plain_narration_streams_whole():
    g = guard_for()
    text = "East leads with 120, well ahead of West at 45 and North at 30. Together they cover every region."
    assert stream(g, text).strip() == text and g.echo is None


def test_the_last_words_are_held_back_until_the_stream_moves_on():
    g = guard_for()
    out = [g.feed(w) for w in ["East ", "leads ", "with ", "120 ", "ahead ", "of ", "West ", "at ", "45."]]
    assert out[:6] == [""] * 6  # nothing before there are more words than a repeated run could start
    assert "".join(out) == "East leads "
    assert g.finish() == "with 120 ahead of West at 45."


@pytest.mark.parametrize("echo", [
    SYSTEM,  # its instructions, word for word
    "Sure. Use only numbers that appear in the computed result or the question. Never calculate.",
    "Question: Sales by region? Computed answer: Computed.",  # the prompt's layout
    "Here it is:\n```result\nRegion,Sales\n```",
    "The data:\nRegion,Sales\nEast,120.0\nWest,45.0",  # the data block, line by line
    'It ran SELECT "Region", sum("Sales") AS "Sales" FROM t GROUP BY "Region" ORDER BY 2 DESC.',
])
def test_an_echo_of_the_prompt_is_stopped_before_it_is_shown(echo):
    g = guard_for()
    shown = stream(g, "East leads with 120. " + echo)
    assert g.echo is not None
    assert "narrator" not in shown and "computed result or" not in shown and "Region,Sales" not in shown
    assert "GROUP BY" not in shown and "Question:" not in shown


def test_restating_the_computed_answer_and_question_is_not_an_echo():
    ans = answer(REGIONS)
    ans.answer = "Sum of Sales by Region over the 195 rows of Orders: East leads with 120."
    g = NarrationGuard(narration_prompt("What is the sum of sales by region in the orders table?", ans, "comparison",
                                        [], ""))
    text = ("You asked what is the sum of sales by region in the orders table. Sum of Sales by Region over the "
            "195 rows of Orders: East leads with 120.")
    assert stream(g, text).strip() == text and g.echo is None


# --- grounding by value ------------------------------------------------------------------------------
def test_grounding_ignores_the_parts_of_dates():
    ans = answer(MONTHS)
    text = "Sales peaked at 39,148,532 on 2021-03-01; by 2021-11-01 they were 35,555,100 (November 2021)."
    assert grounding(text, ans, "monthly sales") == []


# --- grounding by label ---------------------------------------------------------------------------------
def test_a_figure_given_for_the_wrong_month_is_flagged():
    ans = answer(MONTHS)
    bad = grounding("The highest month was 2021-07 (39,148,532).", ans, "which month had the highest sales?")
    assert bad == ["39,148,532 (written for 2021-07, but it is 2021-03's figure)"]
    assert grounding("The highest month was 2021-03 (39,148,532).", ans, "q") == []
    assert grounding("March 2021 had the most: 39,148,532.", ans, "q") == []


@pytest.mark.parametrize("text", [
    "East had 45 and West had 120.",  # two rows' values swapped
    "45 came from East and 120 from West.",  # number first, label after
])
def test_swapped_rows_are_flagged(text):
    bad = misattributed(text, answer(REGIONS), "sales by region")
    assert len(bad) == 2 and all("but it is" in b for b in bad)


@pytest.mark.parametrize("text", [
    "East had 120 and West had 45, with North at 30.",
    "120 came from East, 45 from West and 30 from North.",
    "East leads (120), ahead of West (45) and North (30).",
    "The top 3 regions: East with 120, West with 45 and North with 30.",
])
def test_a_correct_restatement_passes(text):
    assert grounding(text, answer(REGIONS), "sales by region") == []


def test_one_group_presented_as_the_total_is_flagged():
    ans = answer(REGIONS)
    assert grounding("Total sales were 120.", ans, "sales by region") == [
        "120 (called a total, but it is East's figure)"]
    # a total the model added up itself is not in the result: unverified, but not a misattributed figure
    assert grounding("Total sales were 195.", ans, "sales by region") == ["195"]


def test_an_invented_row_is_flagged():
    ans = answer(REGIONS)
    assert grounding("East (120) and South (75) lead.", ans, "sales by region") == ["75"]  # no such number
    assert grounding("East (120) and South (45) lead.", ans, "sales by region") == [
        "45 (written for 'South', which is not a row of the result)"]


def test_a_single_value_answer_has_no_labels_to_check():
    ans = Answer(question="q", df=pd.DataFrame({"Sales": [195.0]}), value=195.0, answer="x")
    assert grounding("Sales were 195 in all.", ans, "total sales") == []
    assert grounding("Sales were 120 in all.", ans, "total sales") == ["120"]
