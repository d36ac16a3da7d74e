"""A BERT encoder (MiniLM) written as an ONNX graph from its weights, so serving needs no torch.

The graph is built here from the model's `config.json` and a dict of numpy weights (the
packaged safetensors, plus the committed fine-tuned deltas), instead of being exported
from torch: a fresh install needs no torch and no committed model file (the embedder caches
the model it builds, as derived data), and the weights that run are exactly the ones whose
hashes the manifests record. The graph
returns the last hidden state; the embedder pools it in numpy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 20  # Gelu (exact, erf-based, as BERT uses) is a standard operator from opset 20


@dataclass(frozen=True)
class BertConfig:
    """The fields of a Hugging Face BERT `config.json` the graph needs."""

    hidden_size: int
    num_hidden_layers: int
    num_attention_heads: int
    layer_norm_eps: float

    @classmethod
    def from_json(cls, data: dict[str, object]) -> BertConfig:
        if data.get("model_type") != "bert" or data.get("hidden_act") != "gelu":
            raise ValueError(f"not a BERT model with gelu activations: {data.get('model_type')!r}")
        return cls(
            hidden_size=int(data["hidden_size"]),  # type: ignore[arg-type]
            num_hidden_layers=int(data["num_hidden_layers"]),  # type: ignore[arg-type]
            num_attention_heads=int(data["num_attention_heads"]),  # type: ignore[arg-type]
            layer_norm_eps=float(data["layer_norm_eps"]),  # type: ignore[arg-type]
        )


class _Graph:
    """Collects nodes and initializers; each helper returns the name of its output."""

    def __init__(self) -> None:
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[onnx.TensorProto] = []
        self._count = 0

    def const(self, name: str, value: np.ndarray) -> str:
        self.initializers.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def op(self, kind: str, *inputs: str, **attrs: object) -> str:
        self._count += 1
        out = f"{kind.lower()}_{self._count}"
        self.nodes.append(helper.make_node(kind, list(inputs), [out], **attrs))
        return out

    def linear(self, x: str, weights: dict[str, np.ndarray], prefix: str) -> str:
        """x @ W.T + b, with W stored already transposed so MatMul needs no Transpose node."""
        w = self.const(f"{prefix}.weight_t", weights[f"{prefix}.weight"].T.astype(np.float32))
        b = self.const(f"{prefix}.bias", weights[f"{prefix}.bias"].astype(np.float32))
        return self.op("Add", self.op("MatMul", x, w), b)

    def layer_norm(self, x: str, weights: dict[str, np.ndarray], prefix: str, eps: float) -> str:
        scale = self.const(f"{prefix}.weight", weights[f"{prefix}.weight"].astype(np.float32))
        bias = self.const(f"{prefix}.bias", weights[f"{prefix}.bias"].astype(np.float32))
        return self.op("LayerNormalization", x, scale, bias, axis=-1, epsilon=eps)


def bert_graph(config: BertConfig, weights: dict[str, np.ndarray]) -> onnx.ModelProto:
    """The encoder as an ONNX model: (input_ids, attention_mask) int64 [batch, seq] → hidden [batch, seq, H].

    Token types are all zero for single-sentence inputs, so type embedding 0 is folded into
    the position table.
    """
    g = _Graph()
    heads = config.num_attention_heads
    head_size = config.hidden_size // heads
    eps = config.layer_norm_eps

    words = g.const("word_embeddings", weights["embeddings.word_embeddings.weight"].astype(np.float32))
    positions = g.const(
        "position_plus_type_embeddings",
        (
            weights["embeddings.position_embeddings.weight"]
            + weights["embeddings.token_type_embeddings.weight"][0]
        ).astype(np.float32),
    )
    zero = g.const("zero_1d", np.array([0], dtype=np.int64))
    one = g.const("one_1d", np.array([1], dtype=np.int64))
    seq_len = g.op("Slice", g.op("Shape", "input_ids"), one, g.const("two_1d", np.array([2], dtype=np.int64)))
    embedded = g.op(
        "Add", g.op("Gather", words, "input_ids", axis=0), g.op("Slice", positions, zero, seq_len, zero)
    )
    x = g.layer_norm(embedded, weights, "embeddings.LayerNorm", eps)

    # Padding positions get a large negative score before the softmax: [batch, 1, 1, seq].
    mask = g.op("Cast", "attention_mask", to=TensorProto.FLOAT)
    blocked = g.op("Sub", g.const("one_f", np.array(1.0, dtype=np.float32)), mask)
    bias = g.op("Mul", blocked, g.const("mask_min", np.array(np.finfo(np.float32).min, dtype=np.float32)))
    bias = g.op("Unsqueeze", bias, g.const("axes_1_2", np.array([1, 2], dtype=np.int64)))

    split_heads = g.const("split_heads", np.array([0, 0, heads, head_size], dtype=np.int64))
    merge_heads = g.const("merge_heads", np.array([0, 0, config.hidden_size], dtype=np.int64))
    scale = g.const("attention_scale", np.array(1.0 / math.sqrt(head_size), dtype=np.float32))
    for n in range(config.num_hidden_layers):
        p = f"encoder.layer.{n}"

        def heads_of(name: str, perm: list[int], x: str = x, p: str = p) -> str:
            projected = g.linear(x, weights, f"{p}.attention.self.{name}")
            return g.op("Transpose", g.op("Reshape", projected, split_heads), perm=perm)

        query = heads_of("query", [0, 2, 1, 3])
        key = heads_of("key", [0, 2, 3, 1])
        value = heads_of("value", [0, 2, 1, 3])
        scores = g.op("Add", g.op("Mul", g.op("MatMul", query, key), scale), bias)
        context = g.op("MatMul", g.op("Softmax", scores, axis=-1), value)
        context = g.op("Reshape", g.op("Transpose", context, perm=[0, 2, 1, 3]), merge_heads)
        attended = g.linear(context, weights, f"{p}.attention.output.dense")
        x = g.layer_norm(g.op("Add", attended, x), weights, f"{p}.attention.output.LayerNorm", eps)
        inner = g.op("Gelu", g.linear(x, weights, f"{p}.intermediate.dense"))
        out = g.linear(inner, weights, f"{p}.output.dense")
        x = g.layer_norm(g.op("Add", out, x), weights, f"{p}.output.LayerNorm", eps)

    g.nodes.append(helper.make_node("Identity", [x], ["hidden"]))
    graph = helper.make_graph(
        g.nodes,
        "bert_encoder",
        [
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "seq"]),
            helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "seq"]),
        ],
        [helper.make_tensor_value_info("hidden", TensorProto.FLOAT, ["batch", "seq", config.hidden_size])],
        g.initializers,
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], ir_version=10)
