"""Kinds of wrong answers a blind examiner set found, on generated tables cross-checked with pandas: "who" answered
with a column of codes, "which <noun>" answered with another column, a count of the funder for "organisations we
funded", "how much" read as an average, "average daily X" read as a table per day, and a hyphenated kind ("e-bikes")
naming nothing in the table."""
import numpy as np
import pandas as pd
import pytest

from tests.test_shapes import pipeline_over

RNG = np.random.default_rng(7)
PEOPLE = ["Ines Duarte", "Yuki Tanaka", "Maya Lopez", "Omar Haddad"]


TICKETS = pd.DataFrame({
    "Ticket #": [f"TCK-{31000 + i}" for i in range(60)],
    "Priority": RNG.choice(["Low", "High", "Urgent"], 60),
    "Product": RNG.choice(["Payroll", "Billing", "Integrations"], 60),
    "Assigned To": RNG.choice(PEOPLE, 60),
})
RIDES = pd.DataFrame({
    "trip_id": [f"T{880100 + i}" for i in range(50)],
    "bike_id": [f"B-{i % 17:03d}" for i in range(50)],
    "duration": [f"{m} min" for m in RNG.integers(3, 90, 50)],
    "rider_type": RNG.choice(["Casual", "Member"], 50),
})
GRANTS = pd.DataFrame({
    "Grant Ref": [f"GR-{i:04d}" for i in range(40)],
    "Funder": RNG.choice(["Arts Council", "Lottery Fund", "City Trust"], 40),
    "Recipient": [f"Org {chr(65 + i % 15)}" for i in range(40)],
    "Year": RNG.choice([2022, 2023, 2024], 40),
    "Awarded ($)": RNG.integers(5, 60, 40) * 1000,
})
DAYS = pd.date_range("2025-03-01", periods=30, freq="D")
WEATHER = pd.DataFrame({
    "Station": np.repeat(["Kingsbridge", "Moor Top", "Harbour"], 30),
    "Date": np.tile(DAYS, 3),
    "Rainfall": [f"{v:.1f} mm" for v in RNG.choice([0, 0, 1.5, 2.2, 7.7, 10.0], 90)],
})


@pytest.fixture(scope="module")
def pipes(tmp_path_factory):
    return {name: pipeline_over(tmp_path_factory, name, df)
            for name, df in [("tickets", TICKETS), ("rides", RIDES), ("grants", GRANTS), ("weather", WEATHER)]}


def test_who_never_answers_with_a_column_of_codes(pipes):
    ans = pipes["tickets"].answer("Who worked on urgent Payroll tickets?")
    kept = TICKETS[(TICKETS["Priority"] == "Urgent") & (TICKETS["Product"] == "Payroll")]
    if ans.status == "answered":  # only the people who did the work, never the tickets' own numbers
        assert set(ans.value) == set(kept["Assigned To"])
    assert not set(kept["Ticket #"]) & set(ans.value if isinstance(ans.value, list) else [ans.value])


def test_which_noun_answers_with_the_column_the_noun_names(pipes):
    ans = pipes["rides"].answer("which bike did the longest ride, in minutes?")
    minutes = RIDES["duration"].str.extract(r"(\d+)")[0].astype(int)
    top = set(RIDES.loc[minutes == minutes.max(), "bike_id"])
    if ans.status == "answered":
        got = ans.value if isinstance(ans.value, list) else [ans.value]
        assert set(got) <= top and set(got) <= set(RIDES["bike_id"])
    assert not set(RIDES["rider_type"]) & set(ans.value if isinstance(ans.value, list) else [ans.value])


def test_a_count_of_what_we_funded_is_never_a_count_of_funders(pipes):
    ans = pipes["grants"].answer("How many different organisations have we funded?")
    assert ans.status != "answered" or ans.value == GRANTS["Recipient"].nunique()
    assert not (ans.status == "answered" and ans.value == GRANTS["Funder"].nunique())


def test_how_much_over_an_amount_is_its_total(pipes):
    ans = pipes["grants"].answer("how much was awarded in 2024")
    assert ans.status == "answered", ans.answer
    assert ans.value == pytest.approx(GRANTS.loc[GRANTS["Year"] == 2024, "Awarded ($)"].sum())


def test_average_daily_figure_is_one_mean_where_each_row_is_a_day(pipes):
    rain = WEATHER["Rainfall"].str.extract(r"([\d.]+)")[0].astype(float)
    ans = pipes["weather"].answer("Average daily rainfall at Moor Top?")
    assert ans.status == "answered", ans.answer
    assert ans.value == pytest.approx(rain[WEATHER["Station"] == "Moor Top"].mean())
    # three stations a day: the mean of each day's total or of the rows? Not said, so not answered
    assert pipes["weather"].answer("Average daily rainfall?").status != "answered"


def test_a_hyphenated_kind_naming_nothing_is_declined(pipes):
    ans = pipes["rides"].answer("How many of these trips were on e-bikes?")
    assert ans.status != "answered", ans.answer
    assert pipes["rides"].answer("How many trips are there?").value == len(RIDES)


ENERGY = pd.DataFrame({
    "Site": np.repeat(["Depot East", "Head Office"], 12),
    "Fuel": np.tile(["Electricity", "Gas"], 12),
    "Read Date": np.tile(pd.date_range("2025-01-31", periods=12, freq="ME"), 2),
    "Consumption": [f"{v:,} kWh" for v in RNG.integers(9000, 99000, 24)],
    "Sunshine (hrs)": RNG.integers(20, 200, 24) / 2,
    "Max Temp (°C)": RNG.integers(-20, 300, 24) / 10,
})


@pytest.fixture(scope="module")
def energy(tmp_path_factory):
    return pipeline_over(tmp_path_factory, "energy", ENERGY)


def test_numbers_written_with_an_energy_unit_and_a_value_said_in_lower_case(energy):
    """"12,345 kWh" is a number of kWh; "gas" names the value "Gas" (a word, not a code like "IT")."""
    kwh = ENERGY["Consumption"].str.replace(",", "").str.extract(r"(\d+)")[0].astype(int)
    ans = energy.answer("total gas consumption in kWh at Depot East")
    assert ans.status == "answered", ans.answer
    assert ans.value == kwh[(ENERGY["Fuel"] == "Gas") & (ENERGY["Site"] == "Depot East")].sum()


def test_abbreviated_column_words_account_for_the_words_said(energy):
    ans = energy.answer("total sunshine hours at Head Office")
    assert ans.status == "answered", ans.answer
    assert ans.value == pytest.approx(ENERGY.loc[ENERGY["Site"] == "Head Office", "Sunshine (hrs)"].sum())
    ans = energy.answer("lowest max temperature at Depot East")
    assert ans.status == "answered", ans.answer
    assert ans.value == pytest.approx(ENERGY.loc[ENERGY["Site"] == "Depot East", "Max Temp (°C)"].min())
