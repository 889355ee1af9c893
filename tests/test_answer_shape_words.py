"""core.planning: words that fix the shape of an answer ("per <what a row is>", "average X per period", a yes/no
question, "fraction of <rows>", a yes/no column half-named) on generated tables, cross-checked with pandas."""
import pandas as pd
import pytest

from tests.test_shapes import pipeline_over

N = 24
PICKS = pd.DataFrame({
    "Pick ID": [f"PK-{i:03d}" for i in range(N)],
    "Picker": [["Ana", "Bo", "Cy"][i % 3] for i in range(N)],
    "Zone": [["A", "B"][i % 2] for i in range(N)],
    "Units picked": [(i * 7) % 50 + 3 for i in range(N)],
})
PAYROLL = pd.DataFrame({
    "Employee": [["Ava Lind", "Marco Bell", "Sunita Rao", "Tom Ng"][i % 4] for i in range(N)],
    "Grade": [["A", "C", "C", "B"][i % 4] for i in range(N)],
    "Pay period": [["Jan 2025", "Feb 2025", "Mar 2025", "Apr 2025", "May 2025", "Jun 2025"][i // 4] for i in range(N)],
    "Gross pay": [2000 + (i * 137) % 900 for i in range(N)],
})
BOOKINGS = pd.DataFrame({
    "Room type": [["Suite", "Double", "Single"][i % 3] for i in range(N)],
    "Channel": [["Phone", "Web", "Agent", "Web"][i % 4] for i in range(N)],
    "Cancelled": [["No", "No", "Yes"][(i // 2) % 3] for i in range(N)],
    "Booking value": [100 + (i * 53) % 400 for i in range(N)],
})
CLAIMS = pd.DataFrame({
    "Claim no.": [f"C{i:04d}" for i in range(N)],
    "Status": [["Paid", "Rejected", "Paid", "Open", "Paid"][i % 5] for i in range(N)],
    "Claimed amount": [500 + (i * 911) % 7000 for i in range(N)],
})
DONATIONS = pd.DataFrame({
    "Donor": [f"Donor {i}" for i in range(N)],
    "Channel": [None if i % 5 == 0 else ["Online", "Post"][i % 2] for i in range(N)],
    "Gift Aid": [["Yes", "No", "No"][i % 3] for i in range(N)],
    "Amount": [10 + (i * 13) % 90 for i in range(N)],
})


@pytest.fixture(scope="module")
def picks(tmp_path_factory):
    return pipeline_over(tmp_path_factory, "picks", PICKS)


@pytest.fixture(scope="module")
def payroll(tmp_path_factory):
    return pipeline_over(tmp_path_factory, "payroll", PAYROLL)


def test_average_per_what_a_row_is_is_no_table_per_a_look_alike_column(picks):
    # "pick" names the rows (the table of picks, one Pick ID each), not one group per Picker
    ans = picks.answer("avg units picked per pick")
    assert ans.status != "answered" or ans.value == pytest.approx(PICKS["Units picked"].mean())
    assert "Picker" not in str(ans.plan.get("group_by", ""))


def test_a_group_asked_for_by_its_own_word_is_still_a_table(picks):
    ans = picks.answer("average units picked by picker")
    assert ans.status == "answered"
    want = PICKS.groupby("Picker")["Units picked"].mean()
    assert dict(zip(ans.df.iloc[:, 0], ans.df.iloc[:, 1], strict=True)) == pytest.approx(want.to_dict())


def test_average_per_period_over_repeated_periods_is_declined(payroll):
    # each row is one period's pay of one person: the rows' average, or a period's total averaged? Not a table
    ans = payroll.answer("whats the average gross pay for grade C staff per period")
    assert ans.status != "answered" and "per period" in ans.answer


def test_average_for_each_period_is_a_table(payroll):
    ans = payroll.answer("average gross pay for each pay period")
    assert ans.status == "answered"
    want = PAYROLL.groupby("Pay period")["Gross pay"].mean()
    assert dict(zip(ans.df.iloc[:, 0], ans.df.iloc[:, 1], strict=True)) == pytest.approx(want.to_dict())


def test_a_yes_no_question_gets_yes_or_no_and_by_a_value_groups_nothing(tmp_path_factory):
    pipe = pipeline_over(tmp_path_factory, "bookings", BOOKINGS)
    ans = pipe.answer("Were any Suite bookings made by phone cancelled?")
    rows = BOOKINGS[(BOOKINGS["Room type"] == "Suite") & (BOOKINGS["Channel"] == "Phone")
                    & (BOOKINGS["Cancelled"] == "Yes")]
    assert ans.status == "answered" and ans.value is (len(rows) > 0) and not ans.plan.get("group_by")
    # the same question where no such row exists says no
    ans = pipe.answer("Were any Single bookings made by phone cancelled?")
    none = BOOKINGS[(BOOKINGS["Room type"] == "Single") & (BOOKINGS["Channel"] == "Phone")
                    & (BOOKINGS["Cancelled"] == "Yes")]
    assert ans.status != "answered" or ans.value is (len(none) > 0)


def test_fraction_of_what_a_row_is_counts_rows_not_money(tmp_path_factory):
    pipe = pipeline_over(tmp_path_factory, "claims", CLAIMS)
    ans = pipe.answer("what fraction of claims were rejected")
    assert ans.status == "answered" and ans.value == pytest.approx((CLAIMS["Status"] == "Rejected").mean())
    # the amount named by its own words is still summed
    ans = pipe.answer("what share of claimed amount was rejected")
    rejected = CLAIMS.loc[CLAIMS["Status"] == "Rejected", "Claimed amount"].sum()
    assert ans.status == "answered" and ans.value == pytest.approx(rejected / CLAIMS["Claimed amount"].sum())


def test_a_word_of_a_yes_no_columns_name_is_no_condition(tmp_path_factory):
    # "gifts" says one word of Gift Aid: the question does not ask for gifts with Gift Aid
    pipe = pipeline_over(tmp_path_factory, "donations", DONATIONS)
    ans = pipe.answer("how many donations came in with no channel recorded?")
    assert ans.status == "answered" and ans.value == DONATIONS["Channel"].isna().sum()
    ans = pipe.answer("how many gifts came in with no channel recorded?")
    assert ans.status != "answered" or ans.value == DONATIONS["Channel"].isna().sum()


def test_fraction_of_what_a_row_is_named_by_a_total_still_sums_it(tmp_path_factory):
    # "all medals" are the Total column's, which the noun does not name: a share of the total, not of rows
    medals = pd.DataFrame({"Nation": ["Norway", "Belarus", "Chile", "Peru", "Fiji"], "Gold": [5, 1, 0, 2, 0],
                           "Silver": [3, 2, 1, 0, 1], "Bronze": [4, 0, 2, 1, 1]})
    medals["Total"] = medals[["Gold", "Silver", "Bronze"]].sum(axis=1)
    pipe = pipeline_over(tmp_path_factory, "medals", medals)
    ans = pipe.answer("What percentage of all medals did Belarus win?")
    want = medals.loc[medals["Nation"] == "Belarus", "Total"].sum() / medals["Total"].sum()
    assert ans.status != "answered" or ans.value == pytest.approx(want)
