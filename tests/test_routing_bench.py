"""bench/routing.py's scoring: a question is right at top 1 / top 3 when a table of its file is routed there."""
from dataclasses import dataclass

import pytest

from bench.routing import paired, right_tables, score, tally


@dataclass
class T:  # the two fields of core.workspace.TableInfo that scoring reads
    file: str
    sql_name: str


TABLES = [T("sales.xlsx", "sales_2023"), T("sales.xlsx", "sales_2024"), T("staff.csv", "staff"),
          T("wtq-204-1.xlsx", "t_204_1")]


def test_right_tables_are_every_table_of_the_named_files_by_file_name():
    assert right_tables(TABLES, ["sales.xlsx"]) == {"sales_2023", "sales_2024"}
    assert right_tables(TABLES, ["wtq-train/wtq-204-1.xlsx"]) == {"t_204_1"}  # sets name files under a folder
    assert right_tables(TABLES, ["sales.xlsx", "staff.csv"]) == {"sales_2023", "sales_2024", "staff"}
    assert right_tables(TABLES, ["missing.xlsx"]) == set()


def test_score_top1_and_top3():
    right = {"sales_2023", "sales_2024"}
    assert score(["sales_2024", "staff"], right) == (True, True)  # any table of the file counts
    assert score(["staff", "t_204_1", "sales_2023", "x"], right) == (False, True)
    assert score(["staff", "t_204_1", "x", "sales_2023"], right) == (False, False)  # 4th is not top 3
    assert score([], right) == (False, False)


def test_tally_counts_and_shares():
    results = [score(r, {"a"}) for r in (["a"], ["b", "a"], ["b", "c", "d", "a"], ["a", "b"])]
    assert tally(results) == {"n": 4, "top1": 2, "top3": 3, "top1_pct": 50.0, "top3_pct": 75.0}
    assert tally([]) == {"n": 0, "top1": 0, "top3": 0, "top1_pct": 0.0, "top3_pct": 0.0}


def test_paired_counts_the_questions_one_backend_gets_right_and_the_other_wrong():
    a = [(True, True), (False, True), (False, False), (True, True), (False, True)]
    b = [(True, True), (True, True), (False, True), (False, False), (False, True)]
    # top 1: a alone on the 4th, b alone on the 2nd; top 3: a alone on the 4th, b alone on the 3rd
    assert paired(a, b) == {"top1": {"only_a": 1, "only_b": 1}, "top3": {"only_a": 1, "only_b": 1}}
    assert paired(a, a) == {"top1": {"only_a": 0, "only_b": 0}, "top3": {"only_a": 0, "only_b": 0}}
    assert paired(b, a)["top3"] == {"only_a": 1, "only_b": 1}
    with pytest.raises(ValueError):
        paired(a, b[:-1])  # not the same questions
