"""core.planning: shape rules on a generated table, each answer cross-checked with pandas; and how the planner
chooses among the rules' readings."""
import pandas as pd
import pytest

from core import Settings, Workspace
from core.answer import Answerer
from core.chat import ChatPipeline
from core.planning.grounding import ground, number_equalities
from core.planning.shapes import SHAPES

RACES = pd.DataFrame({
    "Driver": ["Ana Lopez", "Ben Hall", "Cy Moss", "Dee Park", "Eli Ruiz", "Fay Chen"],
    "Sponsor": ["Acme Oil (USA)", "Blue Bank", "Acme Oil (USA)", "Green Tea Co", "Blue Bank", "Zeta motors ltd"],
    "Team": ["Red", "Blue", "Red", "Green", "Blue", "Green"],
    "Laps": [58, 58, 57, 7, 58, 31],
    "Points": [25, 18, 15, 0, 12, 2],
    "Losses": [3, 5, 4, 9, 1, 6],
})


@pytest.fixture(scope="module")
def races(tmp_path_factory):
    d = tmp_path_factory.mktemp("races")
    RACES.to_excel(d / "races.xlsx", index=False)
    ws = Workspace(Settings(home=d / "ws"))
    ws.add_file(d / "races.xlsx")
    return ChatPipeline(Answerer(ws))


def answered(pipe, q):
    ans = pipe.answer(q)
    assert ans.status == "answered", ans.answer
    return ans


def test_rules_are_registered_once_each_with_a_name():
    names = [n for n, _ in SHAPES]
    assert len(names) == len(set(names)) and {"sheet order", "next or previous row", "which of the named",
                                               "rows matching"} <= set(names)


def test_first_and_last_in_sheet_order(races):
    assert answered(races, "Who is the first driver listed?").value == RACES["Driver"].iloc[0]
    ans = answered(races, "What is the last driver in the table?")
    assert ans.value == RACES["Driver"].iloc[-1] and "in sheet order from the end, the first 1" in ans.interpretation


def test_first_by_a_number_is_not_sheet_order(races):
    # "first" beside a number column means the smallest or best of it: that is not the sheet's order
    ans = races.answer("Which laps came first?")
    assert ans.status != "answered" or ans.plan.get("order", [{}])[0].get("by") != "#row"


def test_the_row_after_and_before_a_named_row(races):
    i = RACES.index[RACES["Driver"] == "Cy Moss"][0]
    assert answered(races, "Which driver came after Cy Moss?").value == RACES["Driver"].iloc[i + 1]
    ans = answered(races, "Which driver is listed before Cy Moss?")
    assert ans.value == RACES["Driver"].iloc[i - 1]
    assert "the row just before the one where Driver is Cy Moss (in sheet order)" in ans.interpretation


def test_which_of_two_named_rows_has_more(races):
    pair = RACES[RACES["Driver"].isin(["Ben Hall", "Dee Park"])]
    more = pair.sort_values("Losses", ascending=False)["Driver"].iloc[0]
    less = pair.sort_values("Losses")["Driver"].iloc[0]
    assert answered(races, "Who had more losses, Ben Hall or Dee Park?").value == more
    assert answered(races, "Who had fewer losses, Ben Hall or Dee Park?").value == less


def test_a_number_before_a_number_column_is_its_value(races):
    assert answered(races, "Who only completed 7 laps?").value == RACES.loc[RACES["Laps"] == 7, "Driver"].item()
    g = ground("Who completed 58 laps?", races.answerer.table_views()[0], {"tables": [], "columns": []})
    assert [(f.column, f.op, f.value) for f in g.filters] == [("Laps", "eq", 58)]
    ans = answered(races, "Which drivers completed 58 laps?")
    assert sorted(ans.df.iloc[:, 0]) == sorted(RACES.loc[RACES["Laps"] == 58, "Driver"])
    # "top 3 ...", "more than 20 ...": not an equality
    view = races.answerer.table_views()[0]
    assert number_equalities("top 3 points", view, []) == [] and number_equalities("more than 20 points", view, []) == []


def test_rows_a_filter_keeps(races):
    ans = answered(races, "Who was the only driver with more than 20 points?")
    assert ans.value == RACES.loc[RACES["Points"] > 20, "Driver"].item()


def test_a_lookup_whose_rows_disagree_is_declined(races):
    ans = races.answer("Which driver came after the Blue team?")  # two Blue rows: two different neighbours
    assert ans.status != "answered"


def test_every_group_tied_at_one_row_is_no_most(races):
    ans = races.answer("Which driver appears most often?")
    assert ans.status == "cannot" and "appears once" in ans.answer


def test_the_reading_that_uses_every_word_is_chosen(races):
    """Several rules fit "which driver came after Cy Moss?"; the one that accounts for "after" (the next row) is
    chosen over an earlier rule that would leave it unused (a count of Cy Moss's rows)."""
    from core.coverage import unused_words
    from core.planning import OfflinePlanner

    view = races.answerer.table_views()[0]
    planner = OfflinePlanner([view])
    q = "Which driver came after Cy Moss?"
    found, _ = planner.candidates(ground(q, view, planner.route))
    assert len(found) >= 2 and unused_words(q, found[0]) != []
    chosen = planner.plan_table(q, view)
    assert unused_words(q, chosen) == []
    assert chosen.plan == next(p for p in found if not unused_words(q, p)).plan


def test_words_inside_cells_become_a_contains_filter(races):
    view = races.answerer.table_views()[0]
    g = ground("How many points did drivers sponsored by acme oil score?", view, {"tables": [], "columns": []})
    assert [(f.column, f.op, f.value) for f in g.filters] == [("Sponsor", "contains", "Acme Oil")]
    ans = answered(races, "What is the total points for acme oil?")
    assert ans.value == RACES.loc[RACES["Sponsor"].str.contains("Acme Oil"), "Points"].sum()
    # one word alone describes more often than it names; lower-case words in a cell describe
    assert ground("total points for oil drivers", view, {"tables": [], "columns": []}).filters == []
    assert ground("total points of zeta motors", view, {"tables": [], "columns": []}).filters == []


def test_a_or_b_asks_which_not_whether(races):
    ans = answered(races, "Did Ben Hall or Dee Park have sponsor Blue Bank?")
    assert ans.value == RACES.loc[RACES["Sponsor"].eq("Blue Bank") & RACES["Driver"].isin(["Ben Hall", "Dee Park"]),
                                  "Driver"].item()


SEASONS = pd.DataFrame({
    "Year": [2001, 2002, 2003, 2004, 2005, 2006],
    "Coach": ["Kim", "Kim", "Lee", "Lee", "Lee", "Ray"],
    "Wins": [10, 12, 7, 9, 11, 4],
    "Playoffs": ["Did not qualify", "Won", "Did not qualify", "Lost", "Did not qualify", "Lost"],
    "Club nickname": ["Owls", "Owls", "Hawks", "Hawks", "Hawks", "Rays"],
    "Team name": ["Austin", "Austin", "Boston", "Boston", "Boston", "Denver"],
})


@pytest.fixture(scope="module")
def seasons(tmp_path_factory):
    d = tmp_path_factory.mktemp("seasons")
    SEASONS.to_excel(d / "seasons.xlsx", index=False)
    ws = Workspace(Settings(home=d / "ws"))
    ws.add_file(d / "seasons.xlsx")
    return ChatPipeline(Answerer(ws))


def test_how_many_years_counts_rows_never_sums_a_year(seasons):
    from core.planning.grounding import not_a_quantity

    view = seasons.answerer.table_views()[0]
    assert not_a_quantity(view, "Year") and not not_a_quantity(view, "Wins")
    ans = answered(seasons, "How many years did not qualify?")
    assert ans.value == (SEASONS["Playoffs"] == "Did not qualify").sum()
    assert answered(seasons, "How many wins did Kim have?").value == SEASONS.loc[SEASONS["Coach"] == "Kim", "Wins"].sum()


def test_how_many_names_reads_two_ways_when_names_repeat(seasons):
    ans = seasons.answer("How many coaches are listed?")
    assert ans.status == "ambiguous" and len(ans.reading_plans) == 2
    assert "3 different ones in 6 rows" in ans.answer
    chosen = [seasons.answer(ans.interpretations[i], plan=ans.reading_plans[i]).value for i in (0, 1)]
    assert chosen == [SEASONS["Coach"].nunique(), SEASONS["Coach"].notna().sum()]
    assert answered(seasons, "How many different coaches are there?").value == SEASONS["Coach"].nunique()


def test_which_asks_for_a_name_never_a_count(seasons):
    ans = seasons.answer("Which is better, Owls or Hawks?")
    assert ans.status != "answered" or ans.value in ("Owls", "Hawks")


def test_the_label_column_is_a_name_column_not_a_nickname(seasons):
    from core.planning.grounding import label_column

    assert label_column(seasons.answerer.table_views()[0]) == "Team name"


def test_a_difference_between_two_named_values_is_not_answered_with_a_table(seasons):
    ans = seasons.answer("What is the difference in wins between Kim and Ray?")
    assert ans.status != "answered" or isinstance(ans.value, int | float)


def test_a_text_column_of_numbers_is_read_as_numbers(tmp_path):
    scores = [str(400 + 7 * i) for i in range(14)] + ["s", "s"]
    df = pd.DataFrame({"School": [f"School {i}" for i in range(16)], "Borough": ["Bronx", "Queens"] * 8,
                       "Math Score": scores})
    df.to_csv(tmp_path / "sat.csv", index=False)
    ws = Workspace(Settings(home=tmp_path / "ws"))
    ws.add_file(tmp_path / "sat.csv")
    pipe = ChatPipeline(Answerer(ws))
    assert pipe.answerer.table_views()[0].text_numbers == {"Math Score"}
    numbers = pd.to_numeric(df["Math Score"], errors="coerce")  # "s" (suppressed) is no number
    ans = answered(pipe, "What is the average math score in the Bronx?")
    assert ans.value == pytest.approx(numbers[df["Borough"] == "Bronx"].mean())
    ans = answered(pipe, "Which school has the highest math score?")
    assert ans.value == df.loc[numbers.idxmax(), "School"]


ORDERS = pd.DataFrame({
    "Invoice ID": [f"INV{i}" for i in range(8)],
    "Customer": ["Rossi", "Rossi", "Rossi", "Bianchi", "Bianchi", "Marini", "Marini", "Marini"],
    "Amount": [300.0, 250.0, 280.0, 900.0, 10.0, 100.0, 120.0, 110.0],
})


def test_the_single_largest_row_is_not_the_largest_total(tmp_path):
    ORDERS.to_excel(tmp_path / "inv.xlsx", index=False)
    ws = Workspace(Settings(home=tmp_path / "ws"))
    ws.add_file(tmp_path / "inv.xlsx")
    pipe = ChatPipeline(Answerer(ws))
    ans = answered(pipe, "Which customer got the single largest invoice amount?")
    assert ans.value == ORDERS.loc[ORDERS["Amount"].idxmax(), "Customer"]  # Bianchi's 900
    ans = answered(pipe, "Which customer has the highest total amount?")
    assert ans.value == ORDERS.groupby("Customer")["Amount"].sum().idxmax()  # Rossi's 830


def test_typos_swapping_two_letters_are_read():
    from core.coverage import _typo

    assert _typo("whcih", "which") and _typo("salry", "salary") and not _typo("whcih", "whose")


def test_a_value_spelled_two_ways_in_its_column_matches_both(tmp_path):
    df = pd.DataFrame({"Order ID": [f"O{i}" for i in range(6)], "Customer ID": ["C1", "C1", "C2", "C3", "C3", "C4"],
                       "Type": ["New", "New", "new", "Returning", "Returning", "New"]})
    df.to_csv(tmp_path / "orders.csv", index=False)
    ws = Workspace(Settings(home=tmp_path / "ws"))
    ws.add_file(tmp_path / "orders.csv")
    pipe = ChatPipeline(Answerer(ws))
    ans = answered(pipe, "How many new orders were placed?")
    assert ans.value == df["Type"].str.lower().eq("new").sum()
    assert "Type is New or new" in ans.interpretation


def test_list_questions_list_names_and_gaps_between_named_values(seasons):
    ans = seasons.answer("List the team names with playoffs Lost")
    assert ans.status == "answered" and sorted(ans.value) == sorted(SEASONS.loc[SEASONS["Playoffs"] == "Lost",
                                                                               "Team name"])
    wins = SEASONS.groupby("Coach")["Wins"].mean()
    ans = answered(seasons, "How much higher is the average wins of Kim than of Lee?")
    assert ans.value == pytest.approx(wins["Kim"] - wins["Lee"])
    ans = answered(seasons, "How much lower is the average wins of Ray than of Lee?")
    assert ans.value == pytest.approx(wins["Lee"] - wins["Ray"])


STAFF = pd.DataFrame({"Name": ["Ann", "Bob", "Cid", "Dee", "Eve"], "Dept": ["HR", "IT", "IT", "Ops", "HR"],
                      "Salary": [50.0, 90.0, 70.0, 40.0, 60.0], "Clicks": [0, 3, 0, 0, 0]})


@pytest.fixture(scope="module")
def staff(tmp_path_factory):
    d = tmp_path_factory.mktemp("staff")
    STAFF.to_excel(d / "staff.xlsx", index=False)
    ws = Workspace(Settings(home=d / "ws"))
    ws.add_file(d / "staff.xlsx")
    return ChatPipeline(Answerer(ws))


def test_another_column_of_the_top_row(staff):
    ans = answered(staff, "What department does the lowest-paid person work in?")
    assert ans.value == STAFF.loc[STAFF["Salary"].idxmin(), "Dept"]  # Dee's Ops, not the lowest total (HR)
    assert answered(staff, "what dept is the highest paid employee in").value == "IT"


def test_any_of_a_measure_tests_more_than_none(staff):
    from core.answer import Answer, fill

    p = staff.answerer.plan("Did Ann get any clicks?")
    ans = Answer(question="q")
    fill(ans, p, staff.answerer.execute(p))
    assert ans.value is bool(STAFF.loc[STAFF["Name"] == "Ann", "Clicks"].gt(0).any())  # False: a row, no clicks


def test_an_id_or_a_year_is_no_quantity_a_duration_is():
    from core.planning.grounding import not_a_quantity
    from core.planning.model import TableView

    view = TableView("t", "t", "f", {"Invoice Number": "integer", "Years since divergence": "integer"},
                     {"Invoice Number": {"rows": 10, "nulls": 0, "distinct": 10, "min": 5000, "max": 5009},
                      "Years since divergence": {"rows": 10, "nulls": 0, "distinct": 6, "min": 10, "max": 900}})
    assert not_a_quantity(view, "Invoice Number") and not not_a_quantity(view, "Years since divergence")


def test_fewest_invoices_counts_invoices_per_customer(tmp_path):
    df = ORDERS.drop(columns="Invoice ID").assign(**{"Invoice Number": range(5000, 5008)})
    df.to_excel(tmp_path / "inv.xlsx", index=False)
    ws = Workspace(Settings(home=tmp_path / "ws"))
    ws.add_file(tmp_path / "inv.xlsx")
    ans = answered(ChatPipeline(Answerer(ws)), "Which customers have the fewest invoices?")
    sizes = df.groupby("Customer").size()
    assert ans.value in (sizes.idxmin(), [sizes.idxmin()])


PEOPLE = pd.DataFrame({"Name": ["Ann", "Bob", "Cid", "Dee", "Eve", "Fay"], "Gender": ["F", "M", "M", "F", "F", "M"],
                       "Dept": ["HR", "HR", "IT", "IT", "IT", "HR"], "Cost": [5.0, 7.0, 1.0, 2.0, 4.0, 3.0],
                       "Laps": [10, 20, 30, 12, 18, 9]})


@pytest.fixture(scope="module")
def people(tmp_path_factory):
    d = tmp_path_factory.mktemp("people")
    PEOPLE.to_excel(d / "people.xlsx", index=False)
    ws = Workspace(Settings(home=d / "ws"))
    ws.add_file(d / "people.xlsx")
    return ChatPipeline(Answerer(ws))


def test_women_and_men_are_values_of_a_gender_column(people):
    assert answered(people, "How many women work in IT?").value == ((PEOPLE["Gender"] == "F") & (PEOPLE["Dept"] == "IT")).sum()
    assert answered(people, "How many men are there?").value == (PEOPLE["Gender"] == "M").sum()


def test_spend_reads_as_cost(people):
    assert answered(people, "How much did we spend in HR?").value == PEOPLE.loc[PEOPLE["Dept"] == "HR", "Cost"].sum()


def test_most_of_a_non_additive_number_per_repeated_group_is_not_guessed(people):
    ans = people.answer("Which dept did the most laps?")  # total, average or best row: the question does not say
    assert ans.status != "answered"
    assert answered(people, "Which dept has the highest total laps?").value == PEOPLE.groupby("Dept")["Laps"].sum().idxmax()


def test_the_difference_between_two_named_values_is_their_gap(seasons):
    wins = SEASONS.groupby("Coach")["Wins"].mean()
    ans = answered(seasons, "What is the difference in average wins between Ray and Kim?")
    assert ans.value == pytest.approx(abs(wins["Ray"] - wins["Kim"])) and ans.value > 0
    assert ans.interpretation.startswith("Difference = the difference between Ray and Kim, from the average of Wins")


def test_which_month_had_the_highest_total(tmp_path):
    df = pd.DataFrame({"Date": pd.to_datetime(["2024-01-05", "2024-01-20", "2024-02-03", "2024-03-09", "2024-03-10"]),
                       "Cost": [10.0, 15.0, 30.0, 5.0, 6.0], "Customer ID": ["C1", "C2", "C1", "C3", "C3"],
                       "Order ID": ["O1", "O2", "O3", "O4", "O5"]})
    df.to_excel(tmp_path / "spend.xlsx", index=False)
    ws = Workspace(Settings(home=tmp_path / "ws"))
    ws.add_file(tmp_path / "spend.xlsx")
    pipe = ChatPipeline(Answerer(ws))
    ans = answered(pipe, "Which month had the highest cost?")
    top = df.groupby(df["Date"].dt.to_period("M"))["Cost"].sum().idxmax()
    assert str(ans.value).startswith(str(top))  # February (one order of 30) over January (two orders, 25)
    ans = answered(pipe, "How many unique customers placed orders?")
    assert ans.value == df["Customer ID"].nunique()


def test_the_row_with_the_lowest_value_names_its_group(staff):
    ans = answered(staff, "Which dept is the employee with the lowest salary in?")
    assert ans.value == STAFF.loc[STAFF["Salary"].idxmin(), "Dept"]


def _pipe(tmp_path, df, name="book.xlsx"):
    df.to_excel(tmp_path / name, index=False)
    ws = Workspace(Settings(home=tmp_path / "ws"))
    ws.add_file(tmp_path / name)
    return ChatPipeline(Answerer(ws))


def test_one_column_compared_with_another_of_the_row(tmp_path):
    df = pd.DataFrame({"Invoice": ["I1", "I2", "I3", "I4", "I5"],
                       "Issue Date": pd.to_datetime(["2024-01-01", "2024-01-05", "2024-02-01", "2024-02-10", "2024-03-01"]),
                       "Due Date": pd.to_datetime(["2024-01-31", "2024-02-04", "2024-03-01", "2024-03-11", "2024-03-31"]),
                       "Payment Date": pd.to_datetime(["2024-02-05", "2024-01-20", "2024-01-15", None, "2024-04-02"]),
                       "Amount": [100, 200, 300, 400, 500]})
    pipe = _pipe(tmp_path, df)
    ans = answered(pipe, "How many invoices were paid after their due date?")
    assert ans.value == (df["Payment Date"] > df["Due Date"]).sum() and "Payment Date > Due Date" in ans.interpretation
    ans = answered(pipe, "How many invoices have a payment date that is earlier than their issue date?")
    assert ans.value == (df["Payment Date"] < df["Issue Date"]).sum()


def test_loose_spellings_of_a_value_and_month_columns(tmp_path):
    df = pd.DataFrame({"Section": ["NOT ADJUSTED"] * 3 + ["ADJUSTED(2)"] * 3,
                       "Kind of Business": ["Retail sales, total", "Grocery stores", "Food services & drinking places"] * 2,
                       "Jan. 2020": [100, 20, 30, 110, 22, 33], "Mar. 2020": [120, 25, 35, 125, 26, 36]})
    pipe = _pipe(tmp_path, df)
    ans = answered(pipe, "What were not-adjusted grocery store sales in March 2020?")
    assert ans.value == 25
    ans = answered(pipe, "What were total retail sales in March 2020, not adjusted?")
    assert ans.value == 120
    ans = answered(pipe, "What were food services and drinking places sales in Jan 2020 (not adjusted)?")
    assert ans.value == 30
    # "not seasonally adjusted" is no spelling of "ADJUSTED(2)"; "2020" alone names no month's column
    assert pipe.answer("What were not seasonally adjusted grocery store sales in March 2020?").status != "answered"
    assert pipe.answer("What were grocery store sales in 2020?").status != "answered"


def test_verb_forms_synonym_order_and_averages_over_rows(tmp_path):
    df = pd.DataFrame({"Employee Name": ["A", "B", "C", "D", "E"], "Dept": ["Web", "Web", "Ops", "Ops", "Web"],
                       "Salary": [50, 60, 70, 80, 90], "Bonus": [5, 6, 7, 8, 9],
                       "Rating": ["Good", "Exceptional", "Good", "Poor", "Good"]})
    pipe = _pipe(tmp_path, df)
    assert answered(pipe, "What is the total bonus paid to the Web dept?").value == df.loc[df.Dept == "Web", "Bonus"].sum()
    assert answered(pipe, "Is anyone in Ops rated Exceptional?").value in (False, "no")
    assert answered(pipe, "What is the gross salary of the Ops dept?").value == df.loc[df.Dept == "Ops", "Salary"].sum()
    ans = answered(pipe, "What's the average bonus of Web employees (simple average across employees)?")
    assert ans.value == pytest.approx(df.loc[df.Dept == "Web", "Bonus"].mean())


def test_two_questions_in_one_are_not_answered_by_one_number(tmp_path):
    df = pd.DataFrame({"Dept": ["Web", "Ops", "HR"], "Salary": [50, 60, 70]})
    pipe = _pipe(tmp_path, df)
    assert pipe.answer("What is the salary of Ops, and is it the highest?").status != "answered"


def test_more_than_any_other_and_money_verbs(tmp_path):
    takers = [str(100 + 7 * i) for i in range(12)] + ["s"]
    df = pd.DataFrame({"School Name": [f"School {i}" for i in range(13)], "Takers": takers,
                       "Customer": ["Ann", "Bo", "Cy"] * 4 + ["Ann"], "Invoice Number": list(range(1, 14)),
                       "Amount": [10.0 * (i % 5) + i for i in range(13)]})
    pipe = _pipe(tmp_path, df)
    assert answered(pipe, "Did School 11 have more takers than any other school?").value in (True, "yes")
    assert answered(pipe, "Did School 3 have more takers than any other school?").value in (False, "no")
    ans = answered(pipe, "Which customer owes the most?")
    assert ans.value == df.groupby("Customer")["Amount"].sum().idxmax()
    ans = answered(pipe, "What percentage of total billing comes from Ann?")
    assert ans.value == pytest.approx(df.loc[df.Customer == "Ann", "Amount"].sum() / df["Amount"].sum())
    ans = answered(pipe, "What's the average number of takers (schools with reported data)?")
    assert ans.value == pytest.approx(sum(int(t) for t in takers[:-1]) / 12)


def test_not_yet_an_event_is_an_empty_date(tmp_path):
    df = pd.DataFrame({"Invoice Number": [101, 102, 103, 104, 105, 106],
                       "Customer": ["Ann", "Ann", "Bo", "Ann", "Bo", "Cy"],
                       "Status": ["Paid", "Overdue", "Paid", "Open", "Overdue", "Paid"],
                       "Days Overdue": [0, 12, 0, 0, 30, 0],
                       "Amount": [10.0, 20.0, 30.0, 40.0, 50.0, 60.0],
                       "Payment Date": pd.to_datetime(["2024-01-02", None, "2024-01-05", None, None, "2024-02-01"])})
    pipe = _pipe(tmp_path, df)
    ans = answered(pipe, "List the invoice numbers for Ann that haven't been paid yet.")
    want = df.loc[(df.Customer == "Ann") & df["Payment Date"].isna(), "Invoice Number"].tolist()
    assert sorted(ans.df.iloc[:, 0].tolist()) == want and "Paid" not in ans.interpretation
    # "overdue" names the status here, not the Days Overdue column
    ans = answered(pipe, "Which customer owes the most in overdue invoices?")
    assert ans.value == df[df.Status == "Overdue"].groupby("Customer")["Amount"].sum().idxmax()


MONTH_COLS = [f"{m} 2023" for m in ["Jan.", "Feb.", "Mar.", "Apr.", "May", "Jun.", "Jul.", "Aug.", "Sep.", "Oct.",
                                    "Nov.", "Dec."]]
MONTHLY = pd.DataFrame([["North", *[10 + i for i in range(12)]], ["South", *[40 - 2 * i for i in range(12)]],
                        ["West", *[5 * (i % 4) for i in range(12)]]], columns=["Region", *MONTH_COLS])


@pytest.fixture(scope="module")
def monthly(tmp_path_factory):
    d = tmp_path_factory.mktemp("monthly")
    MONTHLY.to_excel(d / "monthly.xlsx", index=False)
    ws = Workspace(Settings(home=d / "ws"))
    ws.add_file(d / "monthly.xlsx")
    return ChatPipeline(Answerer(ws))


def test_a_quarter_of_month_columns_is_their_sum(monthly):
    row = MONTHLY.set_index("Region").loc["North"]
    ans = answered(monthly, "What were North's Q4 2023 sales?")
    assert ans.value == pytest.approx(row[MONTH_COLS[9:]].sum())
    assert "read as rows of Month and Value" in ans.interpretation


def test_the_monthly_average_over_month_columns(monthly):
    row = MONTHLY.set_index("Region").loc["South"]
    ans = answered(monthly, "What were the average monthly sales for South in 2023?")
    assert ans.value == pytest.approx(row[MONTH_COLS].mean())


def test_which_month_column_is_highest(monthly):
    row = MONTHLY.set_index("Region").loc["South"]
    assert answered(monthly, "Which month had the highest sales for South?").value == row[MONTH_COLS].astype(float).idxmax()


def test_month_columns_of_another_year_are_not_read(monthly):
    ans = monthly.answer("What were North's Q4 2021 sales?")
    assert ans.status != "answered" or ans.value is None


RETURNS = pd.DataFrame({"Order": [f"O{i}" for i in range(12)], "Category": list("AABBCCAABBCC"),
                        "Total": [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120],
                        "Return?": ["Yes", "No", "Yes", "Yes", "No", "No", "Yes", "No", "Yes", "No", "Yes", "No"],
                        "Reason": ["Size", None, "Size", "Defect", None, None, "Late", None, "Size", None, "Defect",
                                   None],
                        "Payment": ["Card", "Cash", "Card", "Card", "Cash", "Wallet", "Wallet", "Cash", "Card", "Wallet",
                                    "Cash", "Card"]})


def test_the_head_of_a_compound_names_the_column(tmp_path):
    RETURNS.to_csv(tmp_path / "returns.csv", index=False)
    ws = Workspace(Settings(home=tmp_path / "ws"))
    ws.add_file(tmp_path / "returns.csv")
    pipe = ChatPipeline(Answerer(ws))
    top = RETURNS["Reason"].value_counts().idxmax()
    # "return reason": Reason (the head), not Return?; rows without a reason are no reason at all
    assert answered(pipe, "What's the most common return reason?").value == top
    assert answered(pipe, "What's the most common reason?").value == top


def test_a_row_named_in_each_stacked_block_is_not_summed_across_blocks(tmp_path):
    # statistical tables stack blocks under headings ("NOT ADJUSTED", "ADJUSTED"): each names the same rows
    head = [["Kind", *MONTH_COLS]]
    block = [["Grocery", *range(100, 112)], ["Clothing", *range(50, 62)], ["Fuel", *range(70, 82)]]
    adjusted = [[k, *(v + 3 for v in vals)] for k, *vals in block]
    rows = head + [["NOT ADJUSTED"] + [None] * 12] + block + [["ADJUSTED"] + [None] * 12] + adjusted
    pd.DataFrame(rows).to_excel(tmp_path / "stacked.xlsx", index=False, header=False)
    ws = Workspace(Settings(home=tmp_path / "ws"))
    ws.add_file(tmp_path / "stacked.xlsx")
    pipe = ChatPipeline(Answerer(ws))
    assert pipe.answer("What were Q4 2023 grocery sales?").status != "answered"
    ans = answered(pipe, "What were Q4 2023 grocery sales, not adjusted?")
    assert ans.value == pytest.approx(sum(range(100, 112)[9:]))


ADS = pd.DataFrame({"Campaign": ["A", "A", "B", "B", "A", "C"], "Cost": [10.0, 30.0, 5.0, 7.5, 20.0, 3.0],
                    "LinkClicks": [4, 6, 10, 5, 10, 1], "Impressions": [100, 300, 200, 100, 400, 50],
                    "Purchases": [1, 0, 2, 1, 2, 0], "Cost per Purchase": [10.0, None, 2.5, 7.5, 10.0, None]})


@pytest.fixture(scope="module")
def ads(tmp_path_factory):
    d = tmp_path_factory.mktemp("ads")
    ADS.to_excel(d / "ads.xlsx", index=False)
    ws = Workspace(Settings(home=d / "ws"))
    ws.add_file(d / "ads.xlsx")
    return ChatPipeline(Answerer(ws))


def test_x_per_y_is_the_total_of_x_over_the_total_of_y(ads):
    a = ADS[ADS["Campaign"] == "A"]
    ans = answered(ads, "What was the cost per link click for campaign A?")
    assert ans.value == pytest.approx(a["Cost"].sum() / a["LinkClicks"].sum())
    ans = answered(ads, "What was the click rate (link clicks / impressions) for campaign A?")
    assert ans.value == pytest.approx(a["LinkClicks"].sum() / a["Impressions"].sum())


def test_x_per_y_with_a_column_of_it_row_by_row_is_not_guessed(ads):
    # "Cost per Purchase" holds the figure per row: its average and the ratio of totals differ
    ans = ads.answer("What was the cost per purchase for campaign A?")
    assert not any(m.get("agg") == "ratio" for m in (ans.plan or {}).get("measures", []))


def test_words_of_a_note_tied_to_a_marked_value_name_it(tmp_path):
    # "ADJUSTED(2)" with the note "(2) ... adjusted for seasonal variations": "seasonally adjusted" names it, and
    # "not seasonally adjusted" names the block beside it (the note sits in the table's range, as in census sheets)
    block = [["Grocery", *range(100, 112)], ["Clothing", *range(50, 62)]]
    adjusted = [[k, *(v + 3 for v in vals)] for k, *vals in block]
    note = "(2) Estimates are adjusted for seasonal variations and holiday differences, but not for price changes."
    rows = ([["Kind", *MONTH_COLS], ["NOT ADJUSTED"] + [None] * 12] + block + [["ADJUSTED(2)"] + [None] * 12]
            + adjusted + [[note] + [None] * 12])
    pd.DataFrame(rows).to_excel(tmp_path / "noted.xlsx", index=False, header=False)
    ws = Workspace(Settings(home=tmp_path / "ws"))
    ws.add_file(tmp_path / "noted.xlsx")
    pipe = ChatPipeline(Answerer(ws))
    assert answered(pipe, "What were seasonally adjusted grocery sales in March 2023?").value == 102 + 3
    assert answered(pipe, "What were grocery sales in March 2023, not seasonally adjusted?").value == 102
    assert answered(pipe, "What were Q4 2023 grocery sales, not seasonally adjusted?").value == sum(range(109, 112))


def test_a_yes_no_column_named_by_its_verb_keeps_the_yes_rows(tmp_path):
    RETURNS.to_csv(tmp_path / "returns.csv", index=False)
    ws = Workspace(Settings(home=tmp_path / "ws"))
    ws.add_file(tmp_path / "returns.csv")
    pipe = ChatPipeline(Answerer(ws))
    returned = RETURNS["Return?"] == "Yes"
    assert answered(pipe, "How many orders were returned?").value == returned.sum()
    assert answered(pipe, "What percentage of all orders were returned?").value == pytest.approx(returned.mean())
    rate = returned.groupby(RETURNS["Category"]).mean()
    assert answered(pipe, "Which category has the highest return rate?").value == rate.idxmax()
    # "payment method": the column Payment; "method" says no more than it
    rate = returned.groupby(RETURNS["Payment"]).mean()
    assert answered(pipe, "Which payment method has the lowest return rate?").value == rate.idxmin()
    by_status = pipe.answer("How many orders per return status?")  # a grouping, not the returned rows
    assert by_status.status != "answered" or by_status.plan.get("group_by"), by_status.interpretation


def test_a_note_kept_apart_from_the_table_still_names_its_marked_value(tmp_path):
    # notes below a blank row make a table of their own: they still say what "ADJUSTED(2)" is
    block = [["Grocery", *range(100, 112)], ["Clothing", *range(50, 62)]]
    adjusted = [[k, *(v + 3 for v in vals)] for k, *vals in block]
    note = "(2) Estimates are adjusted for seasonal variations and holiday differences, but not for price changes."
    rows = ([["Kind", *MONTH_COLS], ["NOT ADJUSTED"] + [None] * 12] + block + [["ADJUSTED(2)"] + [None] * 12]
            + adjusted + [[None] * 13, [None] * 13, ["(1) Grocery includes supermarkets."] + [None] * 12,
                          [note] + [None] * 12, ["Note: estimates are not adjusted for price changes."] + [None] * 12,
                          ["Source: a monthly survey of retail trade."] + [None] * 12])
    pd.DataFrame(rows).to_excel(tmp_path / "apart.xlsx", index=False, header=False)
    ws = Workspace(Settings(home=tmp_path / "ws"))
    ws.add_file(tmp_path / "apart.xlsx")
    pipe = ChatPipeline(Answerer(ws))
    assert answered(pipe, "What were seasonally adjusted grocery sales in March 2023?").value == 102 + 3
