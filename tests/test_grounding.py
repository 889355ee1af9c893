"""core.planning.grounding: what each word of a question can mean in one table, read off a generated table."""
import pandas as pd
import pytest

from core import Settings, Workspace
from core.answer import Answerer
from core.errors import CannotAnswer
from core.planning.grounding import bag_key, ground, loose_key, not_a_quantity
from core.planning.offline import _planning_view

NO_ROUTE = {"tables": [], "columns": []}
SHOP = pd.DataFrame({
    "Store": ["Food services & drinking places", "Department stores", "Shoe stores", "Food services & drinking places"],
    "Year": [2019, 2019, 2020, 2020],
    "Sales": [120.0, 80.0, 30.0, 140.0],
    "Region": ["North", "South", "North", "East"],
    "Manager": ["Ana Lopez Garcia", "Ben Hall", "Cy Moss", "Ana Lopez Garcia"],
    "Gender": ["F", "M", "M", "F"],
    "Due Date": pd.to_datetime(["2020-01-10", "2020-02-10", "2020-03-10", "2020-04-10"]),
    "Payment Date": pd.to_datetime(["2020-01-05", "2020-02-20", None, "2020-04-01"]),
})


@pytest.fixture(scope="module")
def view(tmp_path_factory):
    d = tmp_path_factory.mktemp("grounding")
    SHOP.to_excel(d / "shop.xlsx", index=False)
    ws = Workspace(Settings(home=d / "ws", build_index=False))
    ws.add_file(d / "shop.xlsx")
    return _planning_view(Answerer(ws).table_views()[0])


def filters(g):
    return {(f.column, f.op, f.value if f.values is None else tuple(f.values)) for f in g.filters}


def test_columns_and_values_are_named(view):
    g = ground("Total sales in the North region", view, NO_ROUTE)
    assert [h.column for h in g.chits][:2] == ["Sales", "Region"] or {"Sales", "Region"} <= {h.column for h in g.chits}
    assert ("Region", "eq", "North") in filters(g) and g.agg == "sum"


def test_a_value_spelled_loosely_is_found(view):
    assert loose_key("Food services & drinking places") == loose_key("food service and drinking place")
    assert bag_key("Retail sales, total") == bag_key("total retail sales") != ""
    g = ground("sales of food services and drinking places", view, NO_ROUTE)
    assert ("Store", "eq", "Food services & drinking places") in filters(g)


def test_a_value_after_not_or_other_than_is_excluded(view):
    g = ground("total sales in regions other than North", view, NO_ROUTE)
    assert ("Region", "ne", "North") in filters(g)


def test_women_and_men_are_values_of_the_gender_column(view):
    assert ("Gender", "eq", "F") in filters(ground("total sales of women managers", view, NO_ROUTE))


def test_words_inside_a_name_are_a_contains_filter(view):
    g = ground("sales of stores run by Lopez Garcia", view, NO_ROUTE)
    assert ("Manager", "contains", "Lopez Garcia") in filters(g)


def test_one_column_compared_with_another_in_the_row(view):
    g = ground("how many stores were paid after their due date", view, NO_ROUTE)
    assert any(f.column == "Payment Date" and f.op == "gt" and f.other_column == "Due Date" for f in g.filters)
    pandas = int((SHOP["Payment Date"] > SHOP["Due Date"]).sum())
    assert pandas == 1


def test_a_year_column_labels_rows_and_is_never_a_quantity(view):
    assert not_a_quantity(view, "Year") and not not_a_quantity(view, "Sales")
    g = ground("total sales before 2020", view, NO_ROUTE)  # a comparison with the year, never "= 2020"
    assert any(f.op == "lt" and str(f.value).startswith("2020") for f in g.filters)


def test_nothing_named_is_said(view):
    with pytest.raises(CannotAnswer, match="No column or value"):
        ground("what is the weather like on mars", view, NO_ROUTE)


def test_at_least_a_number_is_a_comparison_not_an_end(view):
    # "at least 100" names no lowest anything, and the number before "sales" is no count of groups
    g = ground("the store with at least 100 sales", view, NO_ROUTE)
    assert g.direction is None and g.group_col is None
    assert ("Sales", "gte", 100.0) in filters(g)
    assert int((SHOP["Sales"] >= 100).sum()) == 2


def _view_of(tmp_path, df):
    df.to_excel(tmp_path / "t.xlsx", index=False)
    ws = Workspace(Settings(home=tmp_path / "ws", build_index=False))
    ws.add_file(tmp_path / "t.xlsx")
    return _planning_view(Answerer(ws).table_views()[0])


def test_an_adjective_of_a_dimension_names_the_one_column_it_measures(tmp_path):
    from core.planning.grounding import dimension_column

    t = _view_of(tmp_path, pd.DataFrame({"Name": ["A", "B", "C"], "Height": [10.5, 30.0, 20.0], "Floors": [3, 9, 6]}))
    assert dimension_column("what is the tallest building?", t) == ("Height", "max")
    assert "Height" in {h.column for h in ground("what is the tallest building?", t, NO_ROUTE).chits}
    assert dimension_column("which building has the most floors?", t) is None
    assert dimension_column("the tallest and the longest", t) is None  # two adjectives: which one?


def test_an_adjective_of_a_dimension_with_two_columns_of_it_names_neither(tmp_path):
    from core.planning.grounding import dimension_column

    t = _view_of(tmp_path, pd.DataFrame({"Name": ["A", "B"], "Run time": [3.5, 4.0], "Lap time": [1.0, 1.2]}))
    assert dimension_column("who had the fastest time?", t) is None
