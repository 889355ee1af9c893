"""core.answer_fit and the column a question's noun names: generated tables, every answer cross-checked with
pandas; an answer of the wrong kind (an id for "when", a table for one average, no value) is declined."""
import pandas as pd
import pytest

from tests.test_shapes import answered, pipeline_over

SCHOOLS = pd.DataFrame({
    "School": [s for s in ["Hill Primary", "Bay College", "Oak Academy", "Elm School"] for _ in range(3)],
    "School Year": [2022, 2023, 2024] * 4,
    "Students Enrolled": [980, 1010, 1040, 700, 720, 690, 1200, 1150, 1100, 400, 1001, 999],
})
TASKS = pd.DataFrame({
    "Task ID": ["T-1", "T-2", "T-3", "T-4", "T-5", "T-6"],
    "Task": ["Build login", "Test export", "Fix search", "Write docs", "Ship API", "Plan sprint"],
    "Status": ["Done", "Blocked", "Done", "Blocked", "In Progress", "Done"],
    "Estimate": [4, 16, 8, 16, 2, 1],
})
HOURS = pd.DataFrame({
    "Employee": ["Ann Bell", "Raj Kumar"] * 4,
    "Week Ending": pd.to_datetime(["2025-03-07", "2025-03-07", "2025-03-14", "2025-03-14", "2025-03-21",
                                   "2025-03-21", "2025-03-28", "2025-03-28"]),
    "Project": ["Atlas", "Internal", "Cascade", "Internal", "Atlas", "Internal", "Cascade", "Cascade"],
    "Hours": [36.0, 40.0, 44.0, 38.0, 37.5, 32.0, 42.0, 45.0],
})
SHIPMENTS = pd.DataFrame({
    "Shipment": ["S-1", "S-2", "S-3", "S-4", "S-5"],
    "Ship Date": pd.to_datetime(["2025-01-05", "2025-03-02", "2025-02-10", "2025-03-30", "2025-01-20"]),
    "Carrier": ["DHL", "UPS", "DHL", "UPS", "DHL"],
    "Delivered On": pd.to_datetime(["2025-01-08", "2025-03-05", "2025-02-12", "2025-04-02", "2025-01-22"]),
})
WARDS = pd.DataFrame({
    "Ward": ["Cardiology", "Oncology", "Surgery", "Renal"],
    "Occupied": [8, 15, 20, 32],
    "Nurses": [3, 4, 8, 11],
    "Doctors": [4, 1, 1, 4],
})
REVIEWS = pd.DataFrame({
    "Review ID": [f"R{i}" for i in range(1, 9)],
    "Product": ["Kettle", "Lamp", "Kettle", "Fan", "Lamp", "Mouse", "Fan", "Lamp"],
    "Stars": [1, 5, 4, 3, 5, 1, 2, 4],
})


@pytest.fixture(scope="module")
def schools(tmp_path_factory):
    return pipeline_over(tmp_path_factory, "enrolment", SCHOOLS)


@pytest.fixture(scope="module")
def tasks(tmp_path_factory):
    return pipeline_over(tmp_path_factory, "tasks", TASKS)


@pytest.fixture(scope="module")
def hours(tmp_path_factory):
    return pipeline_over(tmp_path_factory, "timesheets", HOURS)


def test_a_number_with_a_thousands_comma_compared_with_the_column_its_noun_names(schools):
    ans = answered(schools, "List the schools with more than 1,000 students in 2024.")
    rows = SCHOOLS[(SCHOOLS["School Year"] == 2024) & (SCHOOLS["Students Enrolled"] > 1000)]
    assert sorted(ans.value) == sorted(rows["School"])
    ans = answered(schools, "Which schools had 1,001 students?")
    assert ans.value == SCHOOLS.loc[SCHOOLS["Students Enrolled"] == 1001, "School"].tolist()


def test_a_year_the_question_fixes_is_never_the_measure(schools):
    # "enrolment" names the file, not a column: the year column, fixed to 2022, is no average to give
    ans = schools.answer("What's the average enrolment per school in 2022?")
    expected = SCHOOLS.loc[SCHOOLS["School Year"] == 2022, "Students Enrolled"].mean()
    assert ans.status != "answered" or ans.value == pytest.approx(expected)
    assert "School Year" not in str(ans.plan.get("measures")) or ans.status != "answered"


def test_listed_rows_are_named_by_the_column_the_noun_names_whole(tasks):
    ans = answered(tasks, "Which tasks are blocked?")
    assert sorted(ans.value) == sorted(TASKS.loc[TASKS["Status"] == "Blocked", "Task"])


def test_the_biggest_noun_by_a_measure_names_the_rows(tasks):
    ans = answered(tasks, "What's the biggest task by estimate?")
    top = TASKS.loc[TASKS["Estimate"] == TASKS["Estimate"].max(), "Task"]
    got = ans.value if isinstance(ans.value, list) else [ans.value]
    assert sorted(got) == sorted(top)


def test_a_sum_over_no_matching_row_is_never_answered_as_no_value(hours):
    rows = HOURS[(HOURS["Employee"] == "Raj Kumar") & (HOURS["Project"] == "Atlas")]
    assert rows.empty
    ans = hours.answer("How many hours did Raj Kumar work on Atlas?")
    assert ans.status != "answered" or ans.value == pytest.approx(rows["Hours"].sum())
    ans = answered(hours, "How many hours did Ann Bell work on Atlas?")
    assert ans.value == pytest.approx(HOURS.loc[(HOURS["Employee"] == "Ann Bell") & (HOURS["Project"] == "Atlas"),
                                                "Hours"].sum())


def test_an_average_per_group_of_one_row_is_no_table_of_rows(hours):
    ans = hours.answer("What's the average hours per week for Ann Bell?")
    weekly = HOURS[HOURS["Employee"] == "Ann Bell"].groupby("Week Ending")["Hours"].sum()
    assert ans.status != "answered" or ans.value == pytest.approx(weekly.mean())
    # groups of several rows: the breakdown stands
    ans = answered(hours, "What's the average hours per employee?")
    means = HOURS.groupby("Employee")["Hours"].mean()
    assert {r[0]: r[1] for r in ans.df.itertuples(index=False)} == pytest.approx(means.to_dict())


def test_when_asks_for_a_date_never_an_id(tmp_path_factory):
    pipe = pipeline_over(tmp_path_factory, "shipments", SHIPMENTS)
    ans = pipe.answer("When was the last shipment sent?")
    assert ans.status != "answered" or pd.Timestamp(str(ans.value)) == SHIPMENTS["Ship Date"].max()
    # a date asked of a named row is still answered
    ans = answered(pipe, "When did S-2 ship?")
    assert pd.Timestamp(str(ans.value)) == SHIPMENTS.loc[SHIPMENTS["Shipment"] == "S-2", "Ship Date"].iloc[0]


def test_x_per_y_is_a_rate_or_declined(tmp_path_factory):
    pipe = pipeline_over(tmp_path_factory, "wards", WARDS)
    ans = pipe.answer("How many patients per nurse are there in Surgery?")
    row = WARDS[WARDS["Ward"] == "Surgery"].iloc[0]
    assert ans.status != "answered" or ans.value == pytest.approx(row["Occupied"] / row["Nurses"])
    # a ranking of groups of one row each is still answered
    ans = answered(pipe, "Which ward has the most doctors?")
    got = ans.value if isinstance(ans.value, list) else [ans.value]
    assert sorted(got) == sorted(WARDS.loc[WARDS["Doctors"] == WARDS["Doctors"].max(), "Ward"])


def test_at_least_one_n_star_review_is_no_comparison_of_stars(tmp_path_factory):
    pipe = pipeline_over(tmp_path_factory, "reviews", REVIEWS)
    ans = pipe.answer("List the products that got at least one 1-star review.")
    expected = sorted(set(REVIEWS.loc[REVIEWS["Stars"] == 1, "Product"]))
    assert ans.status != "answered" or sorted(set(ans.value)) == expected


def test_a_figure_per_unit_held_by_one_column_is_still_answered(tmp_path_factory):
    df = pd.DataFrame({"Item": ["Bolt", "Nut", "Gear"], "Unit Price": [0.25, 0.1, 4.5], "Units": [100, 300, 8]})
    pipe = pipeline_over(tmp_path_factory, "stock", df)
    ans = answered(pipe, "What is the price per unit of Gear?")
    assert ans.value == pytest.approx(df.loc[df["Item"] == "Gear", "Unit Price"].iloc[0])
