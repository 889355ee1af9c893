"""core.planning.scoring and bench.fit_weights: features of readings, fitted weights, the margin and the
confidence floor that turn close or unsure readings into choices, and the fitting script's pieces."""
import json

import numpy as np
import pandas as pd
import pytest

from bench import fit_weights
from core import Settings, Workspace
from core.answer import Answerer
from core.chat import ChatPipeline
from core.errors import Ambiguous
from core.planning import OfflinePlanner
from core.planning.scoring import FEATURES, HARD, WEIGHTS_FILE, Weights, same_result

SALES = pd.DataFrame({
    "Region": ["North", "South", "North", "East", "South", "North", "East"],
    "Year": [2020, 2021, 2021, 2020, 2021, 2020, 2021],
    "Sales": [120.0, 80.5, 95.0, 60.0, 40.0, 30.0, 75.0],
    "Margin %": [0.1, 0.2, 0.15, 0.3, 0.25, 0.05, 0.1],
})


@pytest.fixture(scope="module")
def answerer(tmp_path_factory):
    d = tmp_path_factory.mktemp("scoring")
    SALES.to_excel(d / "sales.xlsx", index=False)
    ws = Workspace(Settings(home=d / "ws", build_index=False))
    ws.add_file(d / "sales.xlsx")
    return Answerer(ws)


def readings(answerer, question, weights=None, full=False):
    planner = OfflinePlanner(answerer.table_views(), execute=lambda p: answerer.execute(p).df,
                             weights=weights)
    ranked, _, _ = planner.readings(question, planner.tables[0], full)
    return ranked


def test_every_feature_is_registered_once_and_the_fitted_file_weighs_each():
    names = [n for n, _ in FEATURES]
    assert len(names) == len(set(names)) and set(HARD) <= set(names)
    data = json.loads(WEIGHTS_FILE.read_text())
    assert set(data["weights"]) == set(names) and "bench.fit_weights" in data["fitted_by"]
    w = Weights.load()
    # the hard features outweigh every fitted one together: a complete reading always outranks the rest
    assert w.weights["complete"] > sum(abs(v) for k, v in w.weights.items() if k not in HARD)


def test_features_of_the_readings(answerer):
    ranked = readings(answerer, "What were total sales in 2021?", full=True)  # every feature, as the fit sees
    best = ranked[0]
    assert best.complete and best.values["coverage"] == 1.0 and best.values["answer_type"] == 1.0
    assert best.values["type_sanity"] == 1.0 and best.values["result"] == 1.0
    assert [r.score for r in ranked] == sorted((r.score for r in ranked), reverse=True)
    # its number, cross-checked with pandas
    df = answerer.execute(best.planned).df
    assert df.iloc[0, 0] == pytest.approx(SALES.loc[SALES["Year"] == 2021, "Sales"].sum())


def test_summing_a_year_or_a_ratio_is_insane(answerer):
    for q in ("What is the total Margin %?", "What is the total year?"):
        for r in readings(answerer, q):
            sums = [m for m in r.planned.plan.measures if m.agg == "sum"]
            if sums:
                assert r.values["type_sanity"] == 0.0, (q, r.sentence)


def test_a_reading_with_an_unused_word_is_not_complete(answerer):
    ranked = readings(answerer, "What were total sales of bananas in 2021?")
    assert all(not r.complete and r.values["coverage"] < 1.0 for r in ranked)


def test_close_readings_with_different_answers_are_offered_with_their_plans(answerer):
    wide = Weights({**Weights.load().weights}, margin=1e6)
    planner = OfflinePlanner(answerer.table_views(), execute=lambda p: answerer.execute(p).df, weights=wide)
    ranked = readings(answerer, "Compare sales by region", wide)
    complete = [r for r in ranked if r.complete]
    assert len({r.key for r in complete}) >= 2, [r.sentence for r in ranked]
    with pytest.raises(Ambiguous) as e:
        planner.plan("Compare sales by region")
    assert len(e.value.readings) == 2 and len(e.value.plans) == 2
    # the pipeline offers both as readings; choosing one runs its plan as it stands
    pipe = ChatPipeline(answerer)
    planned = answerer.planned_from(e.value.plans[0])
    got = pipe.answer("Compare sales by region", plan=e.value.plans[0])
    assert got.status == "answered" and planned.plan.group_by
    expect = SALES.groupby("Region")["Sales"].sum() if planned.plan.measures[0].agg == "sum" else SALES.groupby("Region").size()
    table = dict(zip(got.df.iloc[:, 0], got.df.iloc[:, 1], strict=True))
    assert table == pytest.approx(expect.to_dict())


def test_the_fitted_weights_answer_the_same_question(answerer):
    got = ChatPipeline(answerer).answer("Compare total sales by region")
    assert got.status == "answered"
    expect = SALES.groupby("Region")["Sales"].sum().to_dict()
    assert dict(zip(got.df.iloc[:, 0], got.df.iloc[:, 1], strict=True)) == pytest.approx(expect)


def test_an_unsure_reading_is_offered_not_answered(answerer):
    strict = Weights(Weights.load().weights, {"coverage": 0.0}, bias=-5.0, floor=0.5)
    planner = OfflinePlanner(answerer.table_views(), execute=lambda p: answerer.execute(p).df, weights=strict)
    with pytest.raises(Ambiguous) as e:
        planner.plan("What were total sales in 2021?")
    assert len(e.value.readings) == 1 and "may not mean" in str(e.value)


def test_two_plans_with_one_answer_are_no_choice():
    assert same_result([["45049.0"]], [["'Emily Clark'", "45049.0"]])
    assert same_result([["1.0"], ["2.0"]], [["1.0"], ["2.0"]])
    assert not same_result([["45049.0"]], [["Emily", "45049.0"], ["Emily", "100.0"]])
    assert not same_result([["3.0"]], [["4.0"]]) and not same_result([], [["4.0"]])


def test_meaning_is_the_bundled_models_similarity(tmp_path):
    ws = Workspace(Settings(home=tmp_path / "ws"))
    sims = Answerer(ws).meaning("total sales by region", ["The total of Sales for each Region.",
                                                          "The number of rows for each Year."])
    assert sims[0] > sims[1] and -1.0 <= sims[1] <= sims[0] <= 1.0


# --- the fitting script -------------------------------------------------------------------
def test_logistic_and_choice_fits_find_a_planted_preference():
    rng = np.random.default_rng(0)
    x = rng.random((400, 2))
    y = (x[:, 0] > 0.5).astype(float)  # only the first feature tells right from wrong
    w, _ = fit_weights.logistic(x, y)
    assert w[0] > 2 and abs(w[1]) < w[0] / 4
    groups = [(np.array([[1.0, a], [0.0, b]]), np.array([1.0, 0.0])) for a, b in rng.random((50, 2))]
    rw = fit_weights.conditional_logit(groups, 2)
    assert rw[0] > 1 and abs(rw[1]) < rw[0]
    # reproducible: the same data gives the same weights
    assert np.allclose(rw, fit_weights.conditional_logit(groups, 2))


def _reading(label, key, score_feature, outcome):
    return {"values": {"complete": 1.0, "answer_type": 1.0, "rule_prior": score_feature}, "complete": True,
            "fits": True, "key": key, "rule": "r", "label": label, "outcome": outcome}


def test_simulate_replays_the_planners_choice():
    q = {"id": "q", "refuse": False, "tables": [{"file": "f", "rows_n": 3, "score": 1.0, "readings": [
        _reading("right", "a", 1.0, [["1.0"]]), _reading("wrong", "b", 0.9, [["2.0"]])]}]}
    weights = {"complete": 100.0, "answer_type": 100.0, "rule_prior": 1.0}
    assert fit_weights.simulate([q], weights, {}, 0.0, 0.0, 0.0)["right"] == 1
    # within the margin of a reading with another answer: declined (offered as two readings)
    assert fit_weights.simulate([q], weights, {}, 0.0, 0.5, 0.0)["declined"] == 1
    # a refusal question declined is right
    q2 = {**q, "refuse": True}
    assert fit_weights.simulate([q2], weights, {}, 0.0, 0.5, 0.0)["right"] == 1


def test_choose_keeps_wrong_answers_under_the_cap():
    rows = [{"margin": 0.0, "floor": 0.0, "s": {"right": 60, "wrong": 10, "declined": 30}},
            {"margin": 0.25, "floor": 0.0, "s": {"right": 55, "wrong": 3, "declined": 42}},
            {"margin": 0.5, "floor": 0.0, "s": {"right": 55, "wrong": 2, "declined": 43}},
            {"margin": 0.5, "floor": 0.5, "s": {"right": 40, "wrong": 0, "declined": 60}}]
    best = fit_weights.choose(rows, {"s": 100})  # 10 wrong is over the cap; 55 - 3 * 2 beats 40 and 55 - 3 * 3
    assert (best["margin"], best["floor"]) == (0.5, 0.0)
