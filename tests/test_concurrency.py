"""Team use under load: threads uploading different and identical files while others ask questions."""
import threading
from pathlib import Path

import pandas as pd
import pytest

from core import Answerer, ChatPipeline, Settings, Workspace

BOOKS = Path(__file__).resolve().parents[2] / "shared" / "realbooks"


@pytest.mark.slow
def test_uploads_and_questions_at_once_leave_everything_in_agreement(tmp_path, db_url):
    from core.index import SemanticIndex

    s = Settings(home=tmp_path / "ws", database_url=db_url)
    ws = Workspace(s)
    index = SemanticIndex(ws, s)
    base = ws.add_file(BOOKS / "SampleData.xlsx")
    answerer = ChatPipeline(Answerer(ws, index=index))
    files = []
    for i in range(5):
        p = tmp_path / f"team-{i}.csv"
        pd.DataFrame({"Item": [f"item{i}-{k}" for k in range(20)], "Amount": range(i, i + 20)}).to_csv(p, index=False)
        files.append(p)
    uploads = files + files  # 10 threads: each file twice, at the same time
    upload_errors, answers, ask_errors = [], [], []
    start = threading.Barrier(20)

    def upload(p):
        start.wait()
        try:
            ws.add_file(p)
        except Exception as e:  # pragma: no cover - reported by the assertion
            upload_errors.append(repr(e))

    def ask():
        start.wait()
        for _ in range(3):
            ans = answerer.answer("How many complaints are recorded in total?", file_ids=[base["file_id"]])
            (answers if ans.error is None else ask_errors).append(ans.value if ans.error is None else ans.error)

    threads = [threading.Thread(target=upload, args=(p,)) for p in uploads] + [threading.Thread(target=ask) for _ in range(10)]
    [t.start() for t in threads]
    [t.join(timeout=600) for t in threads]
    assert upload_errors == [] and ask_errors == []
    assert answers == [74] * 30
    names = sorted(f["name"] for f in ws.files())
    assert names == sorted(["SampleData.xlsx"] + [p.name for p in files])  # each upload exactly once
    # catalog, Parquet and index agree
    catalog_ids = {f["id"] for f in ws.files()}
    for t in ws.tables():
        assert t.parquet.exists() and len(pd.read_parquet(t.parquet)) == t.rows
    dirs = {p.name for p in (ws.home / "files").iterdir()}
    assert dirs == {r["data_dir"] for r in ws.catalog.query("SELECT data_dir FROM files")}
    assert index.indexed_file_ids() == catalog_ids
    hits = index.search("item3-7", k=3)
    assert hits and hits[0].file == "team-3.csv"
