"""Answers say what they computed and which words they did not use; a plan that leaves a content word
unused is declined, and a question that fits two files equally is offered as two readings."""
import openpyxl
import pandas as pd
import pytest

from core import Answerer, ChatPipeline, Settings, Workspace
from core.coverage import unused_words
from core.planning import OfflinePlanner

ROWS = [
    {"Order ID": f"O{i:03d}", "Region": ["North", "South", "East", "West"][i % 4],
     "Product": ["Hat", "Shoe", "Bag"][i % 3], "Quantity": 1 + i % 5, "Unit Price": 10.0 + 7 * (i % 6),
     "Order Date": pd.Timestamp(2022 + i % 2, 1 + i % 12, 1 + i % 27)}
    for i in range(48)
]


def write(path, rows, sheet="Orders"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(list(rows[0]))
    for r in rows:
        ws.append([v.to_pydatetime() if isinstance(v, pd.Timestamp) else v for v in r.values()])
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    d = tmp_path_factory.mktemp("shop")
    ws = Workspace(Settings(home=d / "ws", isolate_parsing=False))
    ws.add_file(write(d / "orders.xlsx", ROWS))
    return ChatPipeline(Answerer(ws)), pd.DataFrame(ROWS)


def test_an_answer_says_what_it_computed(shop):
    pipe, df = shop
    ans = pipe.answer("What was the total Quantity in the North?")
    assert ans.status == "answered" and ans.unused == []
    assert ans.value == df.loc[df.Region == "North", "Quantity"].sum()
    assert ans.interpretation == ("The total of Quantity over the 48 rows of 'Orders' (orders.xlsx) "
                                  "where Region is North.")


def test_a_word_that_matches_nothing_declines_and_is_named(shop):
    pipe, _ = shop
    ans = pipe.answer("How many orders were returned by customers with a PhD?")
    assert ans.status == "cannot" and ans.value is None and ans.df is None
    assert {"returned", "phd"} <= set(ans.unused)
    assert "'phd'" in ans.error and "would read: The number of rows" in ans.error
    out = ans.to_json()
    assert out["status"] == "cannot" and out["unused"] == ans.unused and out["interpretation"]


@pytest.mark.parametrize("question", [
    "How many orders have a unit price over 30?",          # a number the plan uses
    "What is the totl Quantity?",                          # a typo of a word the plan accounts for
    "What was the total Quantity across all regions?",   # "all regions": no filter on Region
    "How many orders were placed in 2023?",                # an event verb with a date filter
    "What's the average Unit Price by Product?",           # a contraction
])
def test_words_the_plan_accounts_for_are_not_unused(shop, question):
    pipe, df = shop
    ans = pipe.answer(question)
    assert ans.status == "answered", (ans.unused, ans.error)


def test_unused_numbers_are_named(shop):
    pipe, _ = shop
    planned = pipe.answerer.plan("How many orders have a unit price over 30?")
    assert unused_words("How many orders have a unit price over 30 in 1999?", planned) == ["1999"]


def test_the_rule_can_be_switched_off(shop):
    pipe, df = shop
    loose = ChatPipeline(pipe.answerer, pipe.settings.with_(decline_unused=False))
    ans = loose.answer("What was the total Quantity in the North for loyal customers?")
    assert ans.status == "answered" and ans.unused == ["loyal", "customers"]
    assert ans.value == df.loc[df.Region == "North", "Quantity"].sum()


def test_two_files_that_fit_equally_give_two_readings(tmp_path):
    ws = Workspace(Settings(home=tmp_path / "ws", isolate_parsing=False))
    ws.add_file(write(tmp_path / "shop_2022.xlsx", ROWS[:24]))
    ws.add_file(write(tmp_path / "shop_2023.xlsx", ROWS[24:]))
    pipe = ChatPipeline(Answerer(ws))
    ans = pipe.answer("What was the total Quantity?")
    assert ans.status == "ambiguous" and ans.value is None
    assert ans.interpretations == ["What was the total Quantity (in shop_2022.xlsx)?",
                                   "What was the total Quantity (in shop_2023.xlsx)?"]
    picked = pipe.answer(ans.interpretations[1])
    assert picked.status == "answered" and picked.value == sum(r["Quantity"] for r in ROWS[24:])
    assert picked.sources[0]["file"] == "shop_2023.xlsx"


def test_one_file_wins_when_it_fits_better(tmp_path):
    ws = Workspace(Settings(home=tmp_path / "ws", isolate_parsing=False))
    ws.add_file(write(tmp_path / "orders.xlsx", ROWS))
    other = [{"Team": "A", "Goals": 3}, {"Team": "B", "Goals": 1}]
    ws.add_file(write(tmp_path / "league.xlsx", other, sheet="League"))
    views = Answerer(ws).table_views()
    planned = OfflinePlanner(views).plan("What was the total Quantity?")
    assert planned.table.file == "orders.xlsx"


def test_a_period_outside_the_data_is_declined(shop):
    pipe, df = shop
    ans = pipe.answer("How many orders were placed in Q3 2025?")
    assert ans.status == "cannot" and ans.value is None and "runs from 2022" in ans.error
    inside = pipe.answer("How many orders were placed in Q3 2023?")
    assert inside.status == "answered"
    d = df["Order Date"]
    assert inside.value == ((d.dt.year == 2023) & d.dt.quarter.eq(3)).sum()


def test_a_language_model_plan_must_use_the_words_that_name_data(shop):
    from dataclasses import replace

    from core.coverage import ignored_data

    pipe, _ = shop
    planned = replace(pipe.answerer.plan("What was the total Quantity?"), by="llm")
    unused = unused_words("What was the overall haul of Quantity for Hat in 2023?", planned)
    assert set(unused) == {"haul", "hat", "2023"}
    assert set(ignored_data(unused, planned)) == {"hat", "2023"}  # a value of Product, and a number


def test_an_empty_period_is_declined_but_an_empty_combination_is_zero(tmp_path):
    rows = [{"Region": r, "Units": u, "Order Date": pd.Timestamp(2024, m, 5)}
            for r, u, m in [("North", 3, 1), ("South", 4, 1), ("South", 5, 3), ("South", 6, 3)]]
    ws = Workspace(Settings(home=tmp_path / "ws", isolate_parsing=False))
    ws.add_file(write(tmp_path / "gap.xlsx", rows))
    pipe = ChatPipeline(Answerer(ws))
    gap = pipe.answer("How many orders were placed in February 2024?")
    assert gap.status == "cannot" and "no row of 'Orders' falls in that period" in gap.error
    none_there = pipe.answer("How many orders were placed in March 2024 in the North?")
    assert none_there.status == "answered" and none_there.value == 0


def test_a_table_does_not_answer_a_how_much_question():
    from core.answer import Answer
    from core.chat import _not_one_number

    two = Answer(question="q", df=pd.DataFrame({"Country": ["IND", "NZ"], "avg": [1.0, 2.0]}))
    assert "one number" in _not_one_number("By how much does the average salary in IND exceed NZ?", two)
    assert _not_one_number("How many orders are there per region?", two) is None  # a grouped question
    assert _not_one_number("Which countries pay the most?", two) is None


def test_the_answer_shape_must_fit_the_question():
    from core.answer import Answer
    from core.chat import _not_one_number

    pair = Answer(question="q", df=pd.DataFrame({"HR": [6032.9], "Ops": [5036.1]}))
    assert "one number" in _not_one_number("How much higher is the HR average than the Ops one?", pair)
    count = Answer(question="q", value=7, df=pd.DataFrame({"rows": [7]}), plan={"measures": [{"agg": "count"}]})
    assert "a list" in _not_one_number("List the orders whose refund is pending.", count)
    assert _not_one_number("How many orders have a pending refund?", count) is None


def test_new_plan_constructs_are_described_and_accounted_for(shop):
    from dataclasses import replace

    from core.answer import Answer, fill
    from core.plan import Measure, Plan

    pipe, df = shop
    base = pipe.answerer.plan("What was the total Quantity?")
    plan = Plan(table=base.plan.table, measures=[Measure(agg="ratio", column="Quantity", denominator="Unit Price")],
                headline="value")
    planned = replace(base, plan=plan, by="llm")
    ans = Answer(question="What is the ratio of Quantity to Unit Price?")
    fill(ans, planned, pipe.answerer.execute(planned))
    assert ans.value == pytest.approx(df["Quantity"].sum() / df["Unit Price"].sum())
    assert "divided by the total of Unit Price" in ans.answer
    assert unused_words("What is the ratio of Quantity to Unit Price?", planned) == []


def test_a_summed_amount_explains_its_verb_and_a_p_marker_means_preliminary():
    from core.plan import Measure, Plan
    from core.planning.model import Planned, TableView

    view = TableView("t", "Bonuses", "hr.xlsx", {"Bonus": "number", "Feb. 2021(p)": "number", "Dept": "text"},
                     {"Bonus": {"rows": 5}, "Feb. 2021(p)": {"rows": 5}, "Dept": {"rows": 5}})
    total = Planned(Plan(table="t", measures=[Measure(agg="sum", column="Bonus")], headline="value"), view, "value")
    assert unused_words("What is the total bonus paid?", total) == []
    feb = Planned(Plan(table="t", select=["Feb. 2021(p)"], headline="value"), view, "value")
    assert unused_words("What is the Feb. 2021 figure, and is it preliminary?", feb) == []


def test_revenue_is_said_of_money_or_sales_never_of_a_count_of_things():
    from core.plan import Measure, Plan
    from core.planning.model import Planned, TableView

    view = TableView("t", "Monthly", "web.xlsx", {"Month": "text", "Signups": "integer", "Net sales": "number"},
                     {"Month": {"rows": 5}, "Signups": {"rows": 5}, "Net sales": {"rows": 5}})

    def total(col):
        return Planned(Plan(table="t", measures=[Measure(agg="sum", column=col)], headline="value"), view, "value")

    assert "revenue" in unused_words("How much revenue did the signups generate?", total("Signups"))
    assert unused_words("What is the total revenue?", total("Net sales")) == []


def test_this_chart_is_the_table_itself():
    from core.coverage import THE_TABLE

    assert [m.group(2) for m in THE_TABLE.finditer("what is the first title listed on this chart?")] == ["chart"]
    assert not THE_TABLE.search("which chart did it top?")


def test_broadcast_verbs_and_calculate_need_no_column():
    from core.coverage import EVENT_WORDS, FILLER

    assert {"aired", "broadcast", "premiered", "appointed"} <= EVENT_WORDS
    assert {"calculate", "compute"} <= FILLER
    # verbs of taking part stay content words: "how many nations participated" may not be every row
    assert not {"participated", "competed", "drafted"} & (EVENT_WORDS | FILLER)


def test_an_adjective_of_a_dimension_is_accounted_for_only_toward_its_end():
    from core.coverage import _dimension_words
    from core.plan import Order, Plan

    fastest = _dimension_words(Plan(table="t", select=["Runner", "Time"], order=[Order(by="Time", desc=False)]))
    slowest = _dimension_words(Plan(table="t", select=["Runner", "Time"], order=[Order(by="Time", desc=True)]))
    assert "fastest" in fastest and "fastest" not in slowest and "slowest" in slowest and "longest" in slowest
    assert not _dimension_words(Plan(table="t", select=["Runner", "Age"], order=[Order(by="Age", desc=True)]))


def test_an_operation_word_is_read_exactly_not_as_a_near_spelling():
    """"below" is no typo of "belong", and a lookup's row cap orders nothing: neither accounts for "below"."""
    from core.coverage import _unexplained
    from core.plan import Filter, Plan

    plan = Plan(table="t", select=["Name", "Rank"], filters=[Filter(column="Name", value="Bob")], limit=50)
    assert "below" in _unexplained("who ranked below bob?", plan, {"belong", "name", "rank", "bob"})
    assert "salry" not in _unexplained("what is the salry of bob?", plan, {"salary", "bob"})  # a typo still reads
