"""Counted kinds ("number of asset types"), rows named by a measurement column ("how many results were flagged
high"), parts of a year ("the first quarter of 2025") and questions of cause ("why ...?"), over generated sheets
with every answer cross-checked in pandas."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.test_shapes import pipeline_over

RNG = np.random.default_rng(7)
N = 120
ASSETS = pd.DataFrame({
    "Asset Tag": [f"IT-{i:04d}" for i in range(N)],
    "Type": RNG.choice(["Laptop", "Phone", "Monitor", "Printer"], N),
    "Status": RNG.choice(["In use", "Spare", "Retired"], N),
    "Cost": RNG.integers(100, 3000, N),
})
LAB = pd.DataFrame({
    "Sample ID": [f"S{i}" for i in range(N)],
    "Test": RNG.choice(["Glucose", "Creatinine", "Cholesterol"], N),
    "Result": np.round(RNG.uniform(2, 120, N), 1),
    "Flag": RNG.choice(["HIGH", "LOW", "Normal"], N),
})
INTAKES = pd.DataFrame({
    "Animal ID": [f"A{i}" for i in range(N)],
    "Species": RNG.choice(["Dog", "Cat", "Rabbit"], N),
    "Intake Date": pd.Timestamp("2024-01-01") + pd.to_timedelta(RNG.integers(0, 730, N), unit="D"),
    "Adoption Fee": RNG.integers(50, 300, N),
})
APPS = pd.DataFrame({
    "Application": [f"M{i}" for i in range(N)],
    "Decision": RNG.choice(["Approved", "Declined", "Withdrawn"], N),
    "Loan Amount": RNG.integers(100_000, 900_000, N),
})


@pytest.fixture(scope="module")
def pipes(tmp_path_factory):
    return {name: pipeline_over(tmp_path_factory, name, df) for name, df in
            [("assets", ASSETS), ("lab", LAB), ("intakes", INTAKES), ("applications", APPS)]}


def value(pipe, q):
    ans = pipe.answer(q)
    assert ans.status == "answered", ans.answer
    return ans.value


@pytest.mark.parametrize("q", ["number of asset types", "how many different asset types are there?",
                               "how many types of assets are there?"])
def test_a_count_of_kinds_is_the_different_values_of_the_column_of_kinds(pipes, q):
    assert value(pipes["assets"], q) == ASSETS.Type.nunique() == 4


def test_kinds_no_column_holds_are_declined(pipes):
    assert pipes["assets"].answer("how many categories of assets are there?").status != "answered"


def test_the_plural_of_a_column_of_measurements_names_the_rows(pipes):
    assert value(pipes["lab"], "How many results were flagged high?") == (LAB.Flag == "HIGH").sum()
    # the column itself is still summed when asked for
    assert value(pipes["lab"], "what is the total result?") == pytest.approx(LAB.Result.sum())


def test_a_part_of_a_year_is_a_range_of_its_dates(pipes):
    d = INTAKES["Intake Date"]
    assert value(pipes["intakes"], "how many animals were taken in during the first quarter of 2025?") == \
        ((d.dt.year == 2025) & (d.dt.quarter == 1)).sum()
    assert value(pipes["intakes"], "how many animals were taken in during the last quarter of 2024?") == \
        ((d.dt.year == 2024) & (d.dt.quarter == 4)).sum()
    assert value(pipes["intakes"], "how many animals were taken in during the second half of 2024?") == \
        ((d.dt.year == 2024) & (d.dt.month >= 7)).sum()


@pytest.mark.parametrize("q", ["Why were applications declined?", "What caused the declined applications?",
                               "What is the reason for declined applications?"])
def test_a_question_of_cause_is_declined(pipes, q):
    assert pipes["applications"].answer(q).status != "answered"


def test_a_column_of_reasons_answers_why(tmp_path_factory):
    df = APPS.assign(Reason=RNG.choice(["Income", "Credit score", "Deposit"], N))
    pipe = pipeline_over(tmp_path_factory, "reasons", df)
    ans = pipe.answer("list the reasons for declined applications")
    assert ans.status == "answered", ans.answer
    assert set(ans.df.iloc[:, 0]) == set(df[df.Decision == "Declined"].Reason)
