"""Tables whose rows repeat an entity (a person's weekly timesheets, a school's yearly census): "overall" totals per
entity, tied rows of one entity named once, an id never ranked or summed, "how many students" read from the column
that holds the count, and a per-entity attribute never summed over its repeated rows. Every answer is checked with
pandas on the generated table."""
import pandas as pd
import pytest

from core.planning.grounding import counts_a_measure
from tests.test_shapes import answered, pipeline_over

NAMES = ["Ada Moss", "Ben Ortiz", "Cleo Park", "Dan Quill"]
RATES = {"Ada Moss": 40.0, "Ben Ortiz": 62.5, "Cleo Park": 62.5, "Dan Quill": 35.0}
HOURS = [[38, 30, 41, 36], [45, 20, 30, 33], [40, 40, 40, 40], [44, 39, 41, 44]]  # Ben has the top row, Dan the most
WEEKS = pd.DataFrame([{"Employee": n, "Week": w + 1, "Hours": HOURS[i][w], "Hourly Rate": RATES[n]}
                      for w in range(4) for i, n in enumerate(NAMES)])

TASKS = pd.DataFrame({
    "Task ID": [f"T-{i:02d}" for i in range(1, 11)],
    "Task": ["Design login", "Build API", "Test search", "Review mail", "Write docs", "Deploy app", "Migrate data",
             "Fix SSO", "Plan sprint", "Tune cache"],
    "Assignee": ["Jon", "Mei", "Mei", "Jon", "Ola", "Mei", "Ola", "Mei", "Jon", "Ola"],
    "Priority": ["High", "Low", "High", "Low", "Low", "High", "Low", "Medium", "Low", "Medium"],
})

SCHOOLS = {"Hill Primary": 900, "Lake Academy": 650, "Moor College": 1200}
CENSUS = pd.DataFrame([{"School": s, "School Year": y, "Students Enrolled": cap - 40 * k + 7 * (y - 2020) - i,
                        "Capacity": cap}
                       for k, (s, cap) in enumerate(SCHOOLS.items()) for i, y in enumerate(range(2020, 2025))])


@pytest.fixture(scope="module")
def weeks(tmp_path_factory):
    return pipeline_over(tmp_path_factory, "weeks", WEEKS)


@pytest.fixture(scope="module")
def tasks(tmp_path_factory):
    return pipeline_over(tmp_path_factory, "board", TASKS)


@pytest.fixture(scope="module")
def census(tmp_path_factory):
    return pipeline_over(tmp_path_factory, "census", CENSUS)


def test_overall_is_a_total_per_person_not_the_top_row(weeks):
    totals = WEEKS.groupby("Employee")["Hours"].sum()
    assert totals.idxmax() != WEEKS.loc[WEEKS["Hours"].idxmax(), "Employee"]  # the table tells the two apart
    assert answered(weeks, "Who worked the most hours overall?").value == totals.idxmax()


def test_tied_rows_of_one_person_name_them_once(weeks):
    top = WEEKS.loc[WEEKS["Hourly Rate"] == WEEKS["Hourly Rate"].max(), "Employee"]
    got = answered(weeks, "Who has the highest hourly rate?").value
    assert sorted(got) == sorted(top.unique()) and len(top) > len(got)


def test_an_employee_number_the_table_lacks_is_no_count_of_rows(weeks):
    assert weeks.answer("What is Ada Moss's employee number?").status != "answered"


def test_most_tasks_counts_rows_per_assignee_never_ranks_the_id(tasks):
    counts = TASKS["Assignee"].value_counts()
    assert (counts == counts.max()).sum() == 1
    assert answered(tasks, "Who has the most tasks assigned?").value == counts.idxmax()


def test_a_share_of_rows_never_reads_an_id_as_a_number(tasks):
    view = tasks.answerer.table_views()[0]
    assert "Task ID" not in view.text_numbers  # "T-01" is a code, not a place written "T1"
    ans = answered(tasks, "What share of tasks are high priority?")
    assert ans.value == pytest.approx((TASKS["Priority"] == "High").mean())


def test_who_did_something_to_a_row_named_by_its_key_is_not_its_other_name(tasks):
    assert tasks.answer("Who created T-03?").status != "answered"


def test_how_many_students_sums_the_column_that_holds_them(census):
    y2024 = CENSUS[CENSUS["School Year"] == 2024]
    ans = answered(census, "How many students were enrolled across all schools in 2024?")
    assert ans.value == pytest.approx(y2024["Students Enrolled"].sum())
    one = CENSUS[(CENSUS["School"] == "Lake Academy") & (CENSUS["School Year"] == 2021)]
    assert answered(census, "How many students did Lake Academy have in 2021?").value == one["Students Enrolled"].iloc[0]


def test_an_attribute_repeated_on_each_row_of_an_entity_is_not_summed_over_rows(census):
    assert census.answer("What is the total capacity across all schools?").status != "answered"
    y2024 = CENSUS[CENSUS["School Year"] == 2024]
    assert answered(census, "What is the total capacity in 2024?").value == pytest.approx(y2024["Capacity"].sum())


def test_a_two_row_headers_parent_names_no_column_to_count_with(census):
    view = census.answerer.table_views()[0]
    assert not counts_a_measure("how many properties were listed in march?", "Property / Bedrooms", view)
    assert counts_a_measure("how many bedrooms were listed in march?", "Property / Bedrooms", view)


def test_two_people_who_share_a_name_are_not_added_up(tmp_path_factory):
    # names nearly all different name people, one row each: two Ana Lees are two people, not one person's rows
    staff = pd.DataFrame({"Full Name": ["Ana Lee", "Bo Chan", "Ana Lee", "Cy Dunn", "Di Ekon", "Ed Fox", "Flo Gill",
                                        "Gus Hale", "Ivy Jones", "Jo King"],
                          "Annual Salary": [90000, 120000, 80000, 70000, 60000, 65000, 72000, 58000, 61000, 99000]})
    pipe = pipeline_over(tmp_path_factory, "staff_names", staff)
    top = staff.loc[staff["Annual Salary"].idxmax(), "Full Name"]
    assert staff.groupby("Full Name")["Annual Salary"].sum().idxmax() != top
    assert answered(pipe, "Who has the highest annual salary overall?").value == top


def test_the_fewest_hours_over_weekly_rows_asks_total_or_one_row(tmp_path_factory):
    weeks = pd.DataFrame({"Employee": ["Ann Lee", "Bo Diaz", "Cy Moss"] * 3,
                          "Week": [1, 1, 1, 2, 2, 2, 3, 3, 3], "Hours": [40, 32, 38, 39, 41, 37, 40, 40, 32]})
    pipe = pipeline_over(tmp_path_factory, "weeks", weeks)
    # the fewest in one week (Bo, Cy: 32) or in total (Cy: 107)? not guessed
    assert pipe.answer("Who worked the fewest hours?").status != "answered"
    total = weeks.groupby("Employee").Hours.sum()
    assert answered(pipe, "Who worked the fewest hours overall?").value == total.idxmin() == "Cy Moss"
