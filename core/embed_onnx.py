"""The ONNX Runtime form of the bundled sentence-transformers model, for `core.index.Embedder`.

sentence-transformers' own `backend="onnx"` needs optimum-onnx, whose only release pins transformers<4.58
while sentence-transformers 6.2 needs transformers>=5: the two cannot be installed together. So the model is
exported here with `torch.onnx.export` from the bundled weights (local files only, never the network), once,
into <home>/models/<name>-<fingerprint>/, and run with onnxruntime plus the model's own Rust tokenizer, with
the same pooling as the sentence-transformers pipeline (mean over the attention mask, then L2 norm).
`int8` adds onnxruntime's dynamic int8 quantisation of the exported graph's weight MatMuls (weights int8
with one scale per output channel, activations quantised per batch at run time; see `_export_int8`).

Never imports streamlit; torch is imported only to export (the first use in a workspace).
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import time
import uuid
import warnings
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

# the int8 recipe's name: in the file name and in the cache key (core.index.model_key), so vectors of an
# earlier recipe (per-tensor scales: cosine ~0.95 to fp32's) are never reused as this one's
INT8_RECIPE = "pc"
FP32, INT8 = "model.onnx", f"model_int8_{INT8_RECIPE}.onnx"
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
_export_lock = threading.Lock()
exports = 0  # ONNX files written by this process (tests check that a second load reuses the first export)


def model_dir(models_root: Path, model_path: str) -> Path:
    """Where the exported files of a model live: named after the model folder and a fingerprint of its
    weights (path, size and mtime), so replacing the weights exports again instead of reusing a stale graph."""
    p = Path(model_path).resolve()
    parts = [str(p)]
    for f in sorted(p.glob("*.safetensors")) + sorted(p.glob("*.bin")):
        st = f.stat()
        parts.append(f"{f.name}:{st.st_size}:{st.st_mtime_ns}")
    fp = hashlib.sha256("|".join(parts).encode()).hexdigest()[:12]
    return Path(models_root) / f"{p.parent.name if p.name == 'model' else p.name}-{fp}"


def _atomic(target: Path, write) -> None:
    """Write through a temporary name and rename, so a crash or a concurrent process never leaves half a file."""
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        write(tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _export_fp32(model_path: str, target: Path) -> None:
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(model_path, local_files_only=True).eval()

    class Encoder(torch.nn.Module):
        # keyword arguments: BertModel.forward's positional order changed across transformers releases
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.m(input_ids=input_ids, attention_mask=attention_mask,
                          token_type_ids=token_type_ids).last_hidden_state

    dummy = tuple(torch.ones(2, 16, dtype=torch.long) for _ in _INPUTS)
    axes = {k: {0: "batch", 1: "tokens"} for k in (*_INPUTS, "last_hidden_state")}
    # the tracer warns about shape checks it freezes (mask length == sequence length, always true here: the
    # tokenizer pads both together); the agreement test in tests/test_embed_backend.py holds it to that
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # the TorchScript exporter: the dynamo one needs onnxscript, another dependency for the same graph
        _atomic(target, lambda t: torch.onnx.export(Encoder(model), dummy, str(t), input_names=list(_INPUTS),
                                                    output_names=["last_hidden_state"], dynamic_axes=axes,
                                                    opset_version=17, dynamo=False))


def _export_int8(fp32: Path, target: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # per_channel: one scale per output column of each weight matrix instead of one per matrix. Same speed,
    # but vectors move far less (mean cosine to fp32 0.993 instead of 0.951 on real chunks) and routing top-3
    # is fp32's but for one wtq near-tie (bench/README.md, "int8 variants"). Only MatMul: the word-embedding
    # Gather stays fp32 (quantising it too was no faster in the same run, and its error reaches every token)
    _atomic(target, lambda t: quantize_dynamic(str(fp32), str(t), weight_type=QuantType.QInt8, per_channel=True,
                                               op_types_to_quantize=["MatMul"]))


def ensure_exported(model_path: str, models_root: Path, int8: bool) -> Path:
    """The .onnx file for the model (exported, and quantised for int8, on first use; reused after)."""
    global exports
    d = model_dir(models_root, model_path)
    fp32, q8 = d / FP32, d / INT8
    want = q8 if int8 else fp32
    with _export_lock:
        if want.exists():
            return want
        d.mkdir(parents=True, exist_ok=True)
        t = time.perf_counter()
        if not fp32.exists():
            _export_fp32(model_path, fp32)
            exports += 1
        if int8 and not q8.exists():
            _export_int8(fp32, q8)
            exports += 1
        (d / "source.json").write_text(json.dumps({"model": str(Path(model_path).resolve())}))
        log.info("exported %s to ONNX in %.1fs", want, time.perf_counter() - t)
    return want


class OnnxEncoder:
    """all-MiniLM-L6-v2 through onnxruntime: tokenize, run, mean-pool over real tokens, L2-normalise."""

    def __init__(self, model_path: str, onnx_file: Path, max_tokens: int | None = None):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.onnx_file = onnx_file
        opts = ort.SessionOptions()
        opts.log_severity_level = 3  # no warnings about unused initialisers on stderr
        # idle pool threads sleep instead of spinning: the cores are shared with FAISS, DuckDB and other
        # sessions (the same reason as OMP_WAIT_POLICY=PASSIVE in core/index.py)
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(str(onnx_file), sess_options=opts, providers=["CPUExecutionProvider"])
        self.tok = Tokenizer.from_file(str(Path(model_path) / "tokenizer.json"))
        # the sentence-transformers window (sentence_bert_config.json), not tokenizer.json's fixed 128 padding
        self.max_tokens = max_tokens or _max_seq_length(model_path)
        self.tok.enable_truncation(self.max_tokens)
        self.tok.enable_padding(pad_id=self.tok.token_to_id("[PAD]") or 0, pad_token="[PAD]")
        self.dim = int(self.session.get_outputs()[0].shape[-1])

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        """(n, dim) float32, L2-normalised. Texts are run shortest first, so a batch pads to similar lengths."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for s in range(0, len(order), batch_size):
            idx = order[s:s + batch_size]
            enc = self.tok.encode_batch([texts[i] for i in idx])
            ids = np.array([e.ids for e in enc], dtype=np.int64)
            mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
            feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            hidden = self.session.run(None, feed)[0]
            m = mask[..., None].astype(np.float32)
            pooled = (hidden * m).sum(1) / np.maximum(m.sum(1), 1e-9)
            out[idx] = pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return out


def _max_seq_length(model_path: str) -> int:
    try:
        return int(json.loads((Path(model_path) / "sentence_bert_config.json").read_text())["max_seq_length"])
    except (OSError, ValueError, KeyError):
        return 256


def llama_embedding(encoder: OnnxEncoder, batch_size: int):
    """A LlamaIndex BaseEmbedding over the encoder, for VectorStoreIndex(embed_model=...) (never the global
    Settings). Built lazily: llama_index is imported only when an index is."""
    from llama_index.core.embeddings import BaseEmbedding
    from pydantic import PrivateAttr

    class OnnxEmbedding(BaseEmbedding):
        _enc: OnnxEncoder = PrivateAttr()

        def __init__(self, enc: OnnxEncoder, **kw):
            super().__init__(model_name=str(enc.onnx_file), embed_batch_size=batch_size, **kw)
            self._enc = enc

        def _get_query_embedding(self, query: str) -> list[float]:
            return self._enc.encode([query])[0].tolist()

        def _get_text_embedding(self, text: str) -> list[float]:
            return self._enc.encode([text])[0].tolist()

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            return self._enc.encode(texts, batch_size).tolist()

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

    return OnnxEmbedding(encoder)
