"""Embedding backends (core/embed_onnx.py, core.index.Embedder): the ONNX export is made from the bundled
weights with no network, once per workspace, and reused; its vectors agree with torch's; a missing
onnxruntime falls back to torch, logged, with torch's cache key. Real model, real onnxruntime."""
import logging
import os
import socket
import sys

import numpy as np
import pandas as pd
import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

from core import Settings, Workspace, embed_onnx  # noqa: E402
from core import index as index_mod  # noqa: E402
from core.chunks import make_chunks  # noqa: E402
from core.index import Embedder, SemanticIndex, model_key  # noqa: E402
from core.profiles import profile_table  # noqa: E402

# measured on the real chunks of the three routing sets (bench/README.md, "Embedding backends"):
# fp32 ONNX is the same network as torch (min cosine 1.0000); int8 with per-channel weight scales moves vectors
# a little (mean 0.993, min 0.986; the per-tensor recipe it replaced: mean 0.951, min 0.912)
FP32_MIN_COS = 0.9999
INT8_MIN_COS = 0.97
INT8_MEAN_COS = 0.985


def _forget(home, backend):
    """Drop the process-wide loaded model, so the next Embedder loads (and maybe exports) again."""
    Embedder._models.pop((Settings(home=home).embed_model, backend), None)


@pytest.fixture(scope="module")
def chunk_texts():
    """Real chunk texts (every kind) of a small mixed table."""
    df = pd.DataFrame({"Region": ["North", "South", "East", "West"] * 5,
                       "Product": ["Men's Street Footwear", "Women's Apparel"] * 10,
                       "Total Sales": [1000.5 + 37 * i for i in range(20)],
                       "Comment": [f"the delivery of order {i} was late and the box was damaged" for i in range(20)]})
    prof = profile_table(df, {"Region": "text", "Product": "text", "Total Sales": "number", "Comment": "text"})
    chunks = make_chunks("sales.xlsx", "Sheet1", df, prof, model_path=Settings().embed_model)
    return [c.text for c in chunks] + ["total sales by region", "which product sold most?"]


@pytest.fixture(scope="module")
def onnx_home(tmp_path_factory):
    return tmp_path_factory.mktemp("onnx-ws")


def test_onnx_export_is_offline_cached_and_reused(onnx_home, monkeypatch):
    def no_network(*a, **kw):
        raise AssertionError("the ONNX export tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    s = Settings(home=onnx_home, embed_backend="onnx")
    _forget(onnx_home, "onnx")
    before = embed_onnx.exports
    e = Embedder(s)
    assert e.backend == "onnx" and e.dim == 384
    files = list((onnx_home / "models").glob("*/model.onnx"))
    assert len(files) == 1 and embed_onnx.exports == before + 1
    stamp = files[0].stat().st_mtime_ns
    v1 = e.embed(["File 'a.xlsx', table 'Sheet1': 3 rows"])

    _forget(onnx_home, "onnx")  # a new process, as far as the model is concerned
    e2 = Embedder(s)
    assert e2 is not e and e2.model is not e.model
    assert embed_onnx.exports == before + 1, "the second load exported again"
    assert files[0].stat().st_mtime_ns == stamp
    np.testing.assert_allclose(e2.embed(["File 'a.xlsx', table 'Sheet1': 3 rows"]), v1, atol=1e-6)


def test_onnx_vectors_agree_with_torch(onnx_home, chunk_texts):
    torch_vecs = Embedder(Settings(home=onnx_home, embed_backend="torch")).embed(chunk_texts)
    fp32 = Embedder(Settings(home=onnx_home, embed_backend="onnx"))
    cos = (fp32.embed(chunk_texts) * torch_vecs).sum(1)
    assert cos.min() >= FP32_MIN_COS, cos.min()
    np.testing.assert_allclose(np.linalg.norm(fp32.embed(chunk_texts), axis=1), 1.0, atol=1e-5)
    q = fp32.embed_query("total sales by region")
    assert q.shape == (384,) and float(q @ torch_vecs[-2]) >= FP32_MIN_COS
    int8 = Embedder(Settings(home=onnx_home, embed_backend="onnx-int8"))
    assert int8.backend == "onnx-int8"
    cos8 = (int8.embed(chunk_texts) * torch_vecs).sum(1)
    assert cos8.min() >= INT8_MIN_COS and cos8.mean() >= INT8_MEAN_COS, (cos8.min(), cos8.mean())
    assert cos8.min() < FP32_MIN_COS  # it is the quantised graph, not the fp32 one under another name


def test_int8_export_is_offline_per_channel_and_cached_once(tmp_path, monkeypatch):
    def no_network(*a, **kw):
        raise AssertionError("the int8 export tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(Embedder, "_models", {})  # load (and export) in this home, not reuse another test's
    s = Settings(home=tmp_path, embed_backend="onnx-int8")
    before = embed_onnx.exports
    e = Embedder(s)
    v1 = e.embed(["File 'a.xlsx', table 'Sheet1': 3 rows"])
    q8 = list((tmp_path / "models").glob(f"*/{embed_onnx.INT8}"))
    assert len(q8) == 1 and embed_onnx.exports == before + 2  # fp32 export, then its quantisation
    stamp = q8[0].stat().st_mtime_ns
    monkeypatch.setattr(Embedder, "_models", {})  # a new process
    e2 = Embedder(s)
    assert embed_onnx.exports == before + 2 and q8[0].stat().st_mtime_ns == stamp, "quantised again"
    np.testing.assert_allclose(e2.embed(["File 'a.xlsx', table 'Sheet1': 3 rows"]), v1, atol=1e-6)

    import onnx
    from onnx import numpy_helper

    g = onnx.load(str(q8[0])).graph
    inits = {i.name: numpy_helper.to_array(i) for i in g.initializer}
    quantised = [n for n in g.node if n.op_type == "MatMulInteger"]
    assert len(quantised) == 36  # the 6 weight MatMuls of each of the 6 layers (attention's own stay fp32)
    # per channel: a weight zero point (and scale) per output column (384 or 1536), not one per matrix
    zero_points = [inits[n.input[3]].size for n in quantised]
    assert all(z in (384, 1536) for z in zero_points), zero_points
    assert inits["m.embeddings.word_embeddings.weight"].dtype == np.float32  # the embedding table stays fp32


def test_cache_keys_part_only_backends_whose_vectors_differ(onnx_home):
    path = Settings().embed_model
    assert model_key(path) == model_key(path, "torch") == model_key(path, "onnx")  # same vectors (test above)
    assert model_key(path, "onnx-int8") not in (model_key(path), model_key(path, "onnx"))
    # nor the key of the per-tensor int8 recipe it replaced: its cached vectors are embedded again
    assert model_key(path, "onnx-int8") != f"{model_key(path)}#onnx-int8"
    assert Embedder(Settings(home=onnx_home, embed_backend="onnx-int8")).key == model_key(path, "onnx-int8")


def test_index_built_with_int8_embeds_again_and_fp32_onnx_reuses_torch(tmp_path):
    book = tmp_path / "staff.csv"
    pd.DataFrame({"Name": ["Ann Lee", "Bob Ray"], "Department": ["Finance", "IT"]}).to_csv(book, index=False)
    s = Settings(home=tmp_path / "ws", embed_backend="torch")
    ws = Workspace(s)
    SemanticIndex(ws, s)
    ws.add_file(book)
    s1 = s.with_(embed_backend="onnx")
    idx1 = SemanticIndex(Workspace(s1), s1)
    assert idx1.embedded == 0 and idx1.indexed_file_ids()  # torch's index and vectors serve fp32 ONNX as they are
    s2 = s.with_(embed_backend="onnx-int8")
    idx2 = SemanticIndex(Workspace(s2), s2)  # reconcile(): the meta's model key differs, so it rebuilds
    assert idx2.embedded == len({c["text_hash"] for c in ws.chunks()}) > 0  # torch's cached vectors not reused
    assert idx2.search("finance department")[0].sql_name == ws.tables()[0].sql_name


def test_falls_back_to_torch_when_onnxruntime_is_missing(tmp_path, monkeypatch, caplog):
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # `import onnxruntime` now raises ImportError
    monkeypatch.setattr(index_mod, "_FALLEN_BACK", set())
    monkeypatch.setattr(Embedder, "_models", {})  # no model this process loaded earlier: load it now
    s = Settings(home=tmp_path, embed_backend="onnx")
    with caplog.at_level(logging.WARNING, logger="core.index"):
        e = Embedder(s)
    assert e.backend == "torch" and e.key == model_key(s.embed_model)
    assert any("onnx unavailable" in r.getMessage() and "using torch" in r.getMessage() for r in caplog.records)
    assert not (tmp_path / "models").exists()  # nothing exported for a runtime that cannot run it
    assert index_mod.effective_backend(s) == "torch"
    v = e.embed(["total sales by region"])
    assert v.shape == (1, 384) and abs(float(np.linalg.norm(v)) - 1.0) < 1e-5


def test_unknown_backend_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown embedding backend"):
        Embedder(Settings(home=tmp_path, embed_backend="tensorflow"))
