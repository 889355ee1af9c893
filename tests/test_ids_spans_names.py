"""What a question counts, names or spans (kinds from examiner set f), on generated tables: ids repeated over order
lines, a share's whole, a span of months, the name of a row picked by a number, the values of a members' column.
Every answer is cross-checked with pandas."""
import numpy as np
import pandas as pd
import pytest

from tests.test_shapes import answered, pipeline_over

RNG = np.random.default_rng(7)
N = 120

LINES = pd.DataFrame({
    "PO Number": [f"PO-{1000 + i // 3}" for i in range(N)],  # three lines to an order
    "Order ID": [f"O{500 + i // 4}" for i in range(N)],  # four lines to another numbering
    "Supplier": RNG.choice(["Acme", "Borg", "Cyan"], N),
    "Qty": RNG.integers(1, 20, N),
})

MEMBERS = pd.DataFrame({
    "Member ID": [f"GM{i:04d}" for i in range(N)],
    "Name": [f"Person {i}" for i in range(N)],
    "Age": RNG.integers(18, 70, N),
    "Branch": RNG.choice(["North", "South", "East", "West", "Central"], N),
    "Join Date": pd.to_datetime("2020-06-01") + pd.to_timedelta(RNG.integers(0, 900, N), unit="D"),
    "Churned?": RNG.choice(["Yes", "No"], N, p=[0.3, 0.7]),
})
MEMBERS["Churn Date"] = MEMBERS["Join Date"].where(MEMBERS["Churned?"] == "Yes") + pd.Timedelta(days=40)


@pytest.fixture(scope="module")
def pipes(tmp_path_factory):
    return {"lines": pipeline_over(tmp_path_factory, "po_lines", LINES),
            "members": pipeline_over(tmp_path_factory, "members", MEMBERS)}


def test_how_many_of_a_repeated_id_counts_the_ids(pipes):
    # the noun's initials name the id ("purchase orders", PO Number), or its head word ("orders", Order ID)
    assert answered(pipes["lines"], "how many purchase orders are there?").value == LINES["PO Number"].nunique() == 40
    assert answered(pipes["lines"], "How many orders are there?").value == LINES["Order ID"].nunique() == 30
    # lines are rows
    assert pipes["lines"].answer("how many lines are there?").value in (None, N)


def test_a_share_has_every_row_as_its_whole(pipes):
    # "have churned" is a verb, not "have a Churn Date": the whole is every customer
    got = answered(pipes["members"], "what percentage of members have churned?")
    assert got.value == pytest.approx((MEMBERS["Churned?"] == "Yes").mean())
    assert "IS NOT NULL" not in got.sql


def test_between_two_months_is_every_month_in_between(pipes):
    d = MEMBERS["Join Date"]
    want = int(((d >= "2021-03-01") & (d < "2021-09-01")).sum())
    assert answered(pipes["members"], "how many members joined between March 2021 and August 2021").value == want
    assert answered(pipes["members"], "how many members joined from March to August 2021?").value == want


def test_the_name_of_a_row_picked_by_a_number(pipes):
    youngest = set(MEMBERS.loc[MEMBERS.Age == MEMBERS.Age.min(), "Name"])
    got = answered(pipes["members"], "name of the youngest member")
    assert set(np.atleast_1d(got.value)) == youngest
    got = answered(pipes["members"], "what is the name of the oldest member?")
    assert set(np.atleast_1d(got.value)) == set(MEMBERS.loc[MEMBERS.Age == MEMBERS.Age.max(), "Name"])


def test_how_many_of_a_column_when_a_row_is_another_thing(pipes):
    # a row is a member (Member ID is unique): rows never count branches
    assert answered(pipes["members"], "how many branches are there").value == MEMBERS.Branch.nunique() == 5


def test_a_noun_near_a_columns_name_is_not_its_values(tmp_path_factory):
    # "rides" beside rider_type (a trip_id names the rows): never the number of different rider types
    trips = pd.DataFrame({"trip_id": [f"T{i}" for i in range(40)], "rider_type": ["member", "casual"] * 20,
                          "duration": RNG.integers(5, 60, 40)})
    ans = pipeline_over(tmp_path_factory, "trips", trips).answer("how many rides lasted more than 30 mins")
    assert ans.status != "answered" or ans.value == int((trips.duration > 30).sum())
