"""The offline planner with the semantic index's routing (real bundled model): meaning where words do not match."""
from dataclasses import replace

import pandas as pd
import pytest

from core import Settings, Workspace
from core.answer import Answerer
from core.chat import ChatPipeline


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    d = tmp_path_factory.mktemp("route")
    pd.DataFrame({"Name": ["Ann", "Bob", "Cy", "Di"], "Department": ["IT", "HR", "IT", "Sales"],
                  "Salary": [100.0, 80.0, 120.0, 90.0]}).to_excel(d / "staff.xlsx", index=False)
    pd.DataFrame({"Ticket": ["T1", "T2", "T3"], "Priority": ["High", "Low", "Low"],
                  "Comment": ["printer jammed again on floor two", "cannot log in to the VPN", "screen flickers after update"],
                  "Hours": [2.0, 1.5, 3.0]}).to_excel(d / "helpdesk tickets.xlsx", index=False)
    pd.DataFrame({"Region": ["East", "West"], "Product": ["Shoes", "Hats"], "Total Sales": [10.0, 20.0]}).to_excel(d / "sales.xlsx", index=False)
    return d


def workspace(d, tmp, with_index):
    s = Settings(home=tmp / ("ix" if with_index else "plain"), build_index=with_index)
    ws = Workspace(s)
    index = None
    if with_index:
        from core.index import SemanticIndex

        index = SemanticIndex(ws, s)
    for f in sorted(d.glob("*.xlsx")):
        ws.add_file(f)
    return ChatPipeline(Answerer(ws, index=index))


@pytest.fixture(scope="module")
def routed(books, tmp_path_factory):
    return workspace(books, tmp_path_factory.mktemp("ws"), True)


@pytest.fixture(scope="module")
def plain(books, tmp_path_factory):
    return workspace(books, tmp_path_factory.mktemp("ws"), False)


def test_measure_found_by_meaning(routed, plain):
    q = "What is the average compensation?"
    assert plain.answer(q).error  # no column is called anything like that
    ans = routed.answer(q)  # close in meaning to Salary: offered as a reading to confirm, not answered
    assert ans.status == "ambiguous" and ans.value is None
    assert ans.interpretations == ["What is the average Salary?"]
    confirmed = routed.answer(ans.interpretations[0])
    assert confirmed.status == "answered" and confirmed.value == pytest.approx(97.5) and "Salary" in confirmed.sql


def test_table_chosen_by_meaning_among_ties(routed):
    ans = routed.answer("How many incidents were logged?")
    assert ans.error is None and ans.value == 3 and ans.sources[0]["file"] == "helpdesk tickets.xlsx"


def test_a_stored_file_not_yet_embedded_is_not_outranked_by_the_index(tmp_path):
    """Answerable as soon as stored: the index has only seen the other files, so its ranking breaks no tie."""
    import numpy as np

    from core.index import SemanticIndex

    rng = np.random.default_rng(3)
    s = Settings(home=tmp_path / "h", isolate_parsing=False, llm_enabled=False, planner="offline",
                 index_grace_s=3600)
    ws = Workspace(s)
    index = SemanticIndex(ws, s, background=True)
    for name, depot in (("before", "Bergen wharf"), ("after", "Porto quay")):
        pd.DataFrame({"Part": [f"P-{i}" for i in range(40)], "Depot": depot,
                      "Quantity": rng.integers(1, 500, 40)}).to_csv(tmp_path / f"{name}.csv", index=False)
        ws.add_file(tmp_path / f"{name}.csv")
    assert index.wait_idle(120)
    big = pd.DataFrame({"Part": [f"Q-{i}" for i in range(3000)], "Depot": ["Hamburg basin", "Antwerp dock"] * 1500,
                        "Crates": rng.integers(1, 500, 3000)})
    big.to_csv(tmp_path / "big.csv", index=False)
    # stored by another process of the same library (no index of its own): this one waits its grace period
    fid = Workspace(replace(s, build_index=False)).add_file(tmp_path / "big.csv")["file_id"]
    assert fid not in index.indexed_file_ids()
    pipe = ChatPipeline(Answerer(ws, index=index), s, index=index)
    ans = pipe.answer("What is the total of Crates?", use_llm=False)
    assert ans.status == "answered" and ans.value == big["Crates"].sum(), ans.error
    assert [x["file"] for x in ans.sources] == ["big.csv"]
