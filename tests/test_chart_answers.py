"""Charts carried by answers: the visualization intent gets a real Plotly figure built from the computed data."""
from pathlib import Path

import numpy as np
import pytest

from core import Settings, Workspace
from core.answer import Answerer
from core.charts import render, write_html
from core.chat import ChatPipeline

ADIDAS = Path(__file__).resolve().parents[2] / "shared" / "realbooks" / "Adidas US Sales Datasets.xlsx"


def arr(v):
    """Plotly 7 may encode arrays as {'dtype', 'bdata'}: decode to a list."""
    if isinstance(v, dict) and "bdata" in v:
        import base64

        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=v["dtype"]).tolist()
    return list(v)


@pytest.fixture(scope="module")
def adidas(tmp_path_factory):
    ws = Workspace(Settings(home=tmp_path_factory.mktemp("adidas") / "ws"))
    ws.add_file(ADIDAS)
    return ChatPipeline(Answerer(ws))


def test_monthly_trend_2021_is_a_12_point_line_summing_to_the_total(adidas, tmp_path):
    events, out = adidas.run("Show the monthly trend of total sales in 2021")
    assert out["intent"] == "visualization"
    chart = next(e.data for e in events if e.type == "chart")
    assert chart["spec"]["chart_type"] == "line" and out["chart"]["chart_type"] == "line"
    fig = render(chart["df"], chart["specs"][0])
    (trace,) = fig.to_dict()["data"]
    ys = arr(trace["y"])
    assert len(ys) == 12 and sum(ys) == pytest.approx(717821450.0)
    _, total = adidas.run("What were total sales in 2021?")
    assert sum(ys) == pytest.approx(total["value"])
    html = write_html(fig, tmp_path / "trend.html")
    assert "plotly" in html.read_text()[:200000].lower()


def test_single_value_has_no_chart_and_groups_get_bars(adidas):
    events, out = adidas.run("What were total sales in 2021?")
    assert out["chart"] is None and not any(e.type == "chart" for e in events)
    _, out = adidas.run("Compare total sales by sales method")
    assert out["chart"]["chart_type"] in ("bar", "pie", "donut") and out["chart"]["x"] == "Sales Method"
