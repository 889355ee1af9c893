"""Seasons written as ranges of years ("2005–06", "1998/99"): a question's year or season finds its one cell."""
import random

import pandas as pd
import pytest

from core import Settings, Workspace
from core.answer import Answer, Answerer, fill
from core.chat import ChatPipeline
from core.planning.words import season_years


@pytest.fixture(scope="module")
def seasons(tmp_path_factory):
    rnd = random.Random(5)
    starts = [1990, 1992, 1994, 1995, 1998, 2001, 2003]  # 1994–95 and 1995–96 share 1995
    df = pd.DataFrame({"Season": [f"{y}–{(y + 1) % 100:02d}" for y in starts],
                       "Team": [f"Club {chr(65 + i)}" for i in range(len(starts))],
                       "Goals": [rnd.randint(10, 90) for _ in starts]})
    d = tmp_path_factory.mktemp("seasons")
    path = d / "seasons.xlsx"
    df.to_excel(path, index=False)
    ws = Workspace(Settings(home=d / "ws"))
    ws.add_file(path)
    return ChatPipeline(Answerer(ws)), df


def test_season_years():
    assert season_years("2005–06") == (2005, 2006)
    assert season_years("2005-2006") == (2005, 2006)
    assert season_years("1999/00") == (1999, 2000)
    assert season_years("1998/99") == (1998, 1999)
    assert season_years("2005-2030") is None and season_years("Club A") is None


def planned(a, q):
    p = a.answerer.plan(q)
    ans = Answer(question=q)
    fill(ans, p, a.answerer.execute(p))
    return ans


def test_year_and_season_find_the_one_cell(seasons):
    a, df = seasons
    for q, cell in [("how many goals were scored in 2002?", "2001–02"),
                    ("how many goals were scored in 1998-1999?", "1998–99"),
                    ("how many goals were scored in 1990/91?", "1990–91")]:
        assert planned(a, q).value == int(df.loc[df["Season"] == cell, "Goals"].sum()), q


def test_a_year_two_seasons_hold_declines(seasons):
    a, _ = seasons
    ans = a.answer("how many goals were scored in 1995?")  # 1994–95 or 1995–96
    assert ans.value is None
