"""Numbers written with a unit in text cells ("113.6 m", "223 lb (101 kg)"): read as the leading number."""
import random

import pandas as pd
import pytest

from core import Settings, Workspace
from core.answer import Answer, Answerer, fill, interpretation, unit_example
from core.chat import ChatPipeline


def planned(a, q):
    p = a.answerer.plan(q)
    ans = Answer(question=q)
    fill(ans, p, a.answerer.execute(p))
    return ans, p


@pytest.fixture(scope="module")
def towers(tmp_path_factory):
    rnd = random.Random(11)
    heights = rnd.sample(range(500, 4000), 12)
    weights = rnd.sample(range(150, 320), 12)
    df = pd.DataFrame({
        "Tower": [f"Tower {chr(65 + i)}" for i in range(12)],
        "Height": [f"{h / 10:.1f} m" for h in heights],
        "Weight": [f"{w} lb ({round(w * 0.4536)} kg)" for w in weights],
    })
    d = tmp_path_factory.mktemp("towers")
    path = d / "towers.xlsx"
    df.to_excel(path, index=False)
    ws = Workspace(Settings(home=d / "ws"))
    ws.add_file(path)
    num = df.assign(h=[h / 10 for h in heights], w=weights)
    return ChatPipeline(Answerer(ws)), num


def test_unit_example_needs_one_unit_and_no_currency():
    assert unit_example(["113.6 m", "98 m", "120.5 m", "77 m", "64.2 m"]) == "113.6 m"
    assert unit_example(["$3.2m", "$1.1m", "$4m", "$7.5m", "$2m"]) is None  # money: m is million
    assert unit_example(["3 m", "4 ft", "5 m", "6 m", "7 m"]) is None  # two units
    assert unit_example(["1990s", "1980s", "1970s", "1960s", "2000s"]) is None  # decades
    assert unit_example(["223 lb (101 kg)", "180 lb (82 kg)", "200 lb (91 kg)", "150 lb (68 kg)", "190 lb (86 kg)"])


def test_tallest_reads_metres_not_millions(towers):
    a, df = towers
    ans, p = planned(a, "which tower has the highest height?")
    assert ans.value == df.loc[df["h"].idxmax(), "Tower"]
    assert "reading '" in interpretation(p)


def test_unit_comparison_and_max(towers):
    a, df = towers
    cut = sorted(df["h"])[6]
    ans, _ = planned(a, f"how many towers have a height over {cut}?")
    assert ans.value == int((df["h"] > cut).sum())
    ans, _ = planned(a, "what is the total weight?")
    assert float(ans.value) == pytest.approx(df["w"].sum())


def test_compared_number_in_the_column_unit(towers):
    a, df = towers
    cut = sorted(df["h"])[4]
    ans, p = planned(a, f"how many towers are at least {cut} meters tall?")
    assert ans.value == int((df["h"] >= cut).sum())
    assert p.plan.unit_columns == ["Height"]
    ans = a.answer(f"how many towers are at least {cut} feet tall?")  # another unit: never compared
    assert ans.value is None and "did not answer" in ans.answer


def test_conversion_unit_is_not_the_leading_one(towers):
    a, df = towers
    ans = a.answer("how many towers have a weight under 100 kg?")  # cells "223 lb (101 kg)": 223 is pounds
    assert ans.value is None
    ans, _ = planned(a, "how many towers have a weight under 200 lb?")
    assert ans.value == int((df["w"] < 200).sum())
