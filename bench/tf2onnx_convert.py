"""Times tf2onnx on the TensorFlow fixtures' SavedModels, for bench/tf-convert.mjs.

Run by the bench with a Python that has tensorflow-cpu==2.21.0, tf2onnx and onnx (see bench/README.md):
    python bench/tf2onnx_convert.py [--runs 3] [--out DIR] [model ...]
Drives tf2onnx through its `--saved-model` path (its Keras path is broken under Keras 3): the same code as
`python -m tf2onnx.convert --saved-model <dir> --output <out>.onnx --opset 18`, called in this process, so
the timings leave out Python start-up and `import tensorflow` (reported once, as import_ms, on every line).
Each conversion runs `runs` times, best time kept; the last result is loaded with onnx and its nodes
(main graph and If/Loop/Scan bodies; Constant nodes counted apart) and Transposes counted, and
onnx.checker run on it.
The signature is the one meta.json names (`serving_default`), as onnxbridge converts by default.
Prints one JSON object per line: {"model", "ok", "ms", "nodes", "constants", "transposes", "checker", "onnx",
"import_ms", "signature", "logged_errors"?, "error"?}; ok means tf2onnx returned and onnx.load read the
file (tf2onnx logs unsupported ops as errors and still writes a model: see logged_errors and checker). The ONNX files stay in --out (default: a temporary folder) for the caller to check.
"""
import argparse
import contextlib
import io
import json
import logging
import os
import sys
import tempfile
import time
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
warnings.filterwarnings("ignore")

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "fixtures", "tf")

t0 = time.perf_counter()
import onnx  # noqa: E402
import tensorflow as tf  # noqa: E402,F401
import tf2onnx.convert  # noqa: E402

IMPORT_MS = (time.perf_counter() - t0) * 1000


def count(graph):
    """Nodes (Constant nodes apart) and Transposes of a graph and every subgraph its nodes hold."""
    nodes, constants, transposes = 0, 0, 0
    for n in graph.node:
        if n.op_type == "Constant" and n.domain in ("", "ai.onnx"):
            constants += 1
        else:
            nodes += 1
        if n.op_type == "Transpose" and n.domain in ("", "ai.onnx"):
            transposes += 1
        for a in n.attribute:
            subs = [a.g] if a.type == onnx.AttributeProto.GRAPH else list(a.graphs)
            for g in subs:
                sn, sc, st = count(g)
                nodes += sn
                constants += sc
                transposes += st
    return nodes, constants, transposes


class ErrorLog(logging.Handler):
    """Keeps the ERROR records tf2onnx logs: it reports unsupported ops that way and still writes a model."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage().splitlines()[0][:200])


def convert(saved_model, signature, output):
    argv = sys.argv
    sys.argv = ["tf2onnx.convert", "--saved-model", saved_model, "--output", output, "--opset", "18"]
    if signature:
        # Without it tf2onnx takes the first signature by name (`serve` in a Keras export); ours defaults
        # to `serving_default`, the one the fixtures' reference outputs are for.
        sys.argv += ["--signature_def", signature]
    try:
        # tf2onnx logs on stderr and may print on stdout, which carries this script's JSON lines.
        with contextlib.redirect_stdout(io.StringIO()):
            tf2onnx.convert.main()
    finally:
        sys.argv = argv


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--out", default=None)
    p.add_argument("models", nargs="*")
    a = p.parse_args()
    out = a.out or tempfile.mkdtemp(prefix="tf2onnx-bench-")
    os.makedirs(out, exist_ok=True)
    names = a.models or sorted(
        d for d in os.listdir(FIXTURES) if os.path.isdir(os.path.join(FIXTURES, d, "saved_model"))
    )
    log = ErrorLog()
    logging.getLogger("tf2onnx").addHandler(log)
    for name in names:
        saved_model = os.path.join(FIXTURES, name, "saved_model")
        meta_path = os.path.join(FIXTURES, name, "meta.json")
        signature = None
        if os.path.exists(meta_path):
            with open(meta_path, encoding="utf8") as f:
                signature = json.load(f).get("signature")
        output = os.path.join(out, f"{name}.onnx")
        row = {"model": name, "ok": False, "ms": None, "import_ms": IMPORT_MS, "signature": signature}
        best, err = None, None
        for _ in range(a.runs):
            log.lines = []
            try:
                t = time.perf_counter()
                convert(saved_model, signature, output)
                ms = (time.perf_counter() - t) * 1000
                best = ms if best is None else min(best, ms)
            except BaseException as e:  # noqa: BLE001  (the table reports which models tf2onnx manages)
                if isinstance(e, KeyboardInterrupt):
                    raise
                first = (str(e).splitlines() or [""])[0]
                err = f"{type(e).__name__}: {first[:200]}"
                break
        if err is None:
            try:
                model = onnx.load(output)
                row["nodes"], row["constants"], row["transposes"] = count(model.graph)
                row["onnx"] = output
                try:
                    onnx.checker.check_model(model)
                    row["checker"] = "ok"
                except Exception as e:  # noqa: BLE001
                    row["checker"] = f"{type(e).__name__}: {(str(e).splitlines() or [''])[0][:200]}"
                row["ok"], row["ms"] = True, best
            except Exception as e:  # noqa: BLE001
                err = f"onnx.load: {type(e).__name__}: {(str(e).splitlines() or [''])[0][:200]}"
        if log.lines:
            row["logged_errors"] = sorted(set(log.lines))
        if err is not None:
            row["error"] = err
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
