"""Times torch.onnx.export on the fixture models, both exporter paths, for bench/torch-convert.mjs.

Run by the bench with a Python that has torch==2.13.0, onnx and onnxscript (see bench/README.md).
Prints one JSON object per line: {"model", "path": "torchscript"|"dynamo", "ms", "ok", "error"?}.
Each export runs `runs` times on the live nn.Module (torch.onnx needs Python and the model object;
onnxbridge starts from the saved artifact instead), best time kept.
"""
import contextlib
import io
import json
import os
import sys
import time
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "fixtures", "torch"))

import torch  # noqa: E402

from models import BATCH, CASES, SEQ  # noqa: E402

warnings.filterwarnings("ignore")


def export(model, inputs, dynamo, dynamic):
    buf = io.BytesIO()
    kwargs = {"opset_version": 18, "dynamo": dynamo}
    if dynamo and dynamic:
        kwargs["dynamic_shapes"] = tuple({0: torch.export.Dim("batch", min=1, max=64)} for _ in inputs)
    torch.onnx.export(model, inputs, buf, **kwargs)
    return buf.getvalue()


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    names = sys.argv[2:] or list(CASES)
    for name in names:
        case = CASES[name]
        torch.manual_seed(case.seed)
        model = case.build().eval()
        inputs = case.make_inputs(BATCH, SEQ)
        for path, dynamo in (("torchscript", False), ("dynamo", True)):
            best, err = None, None
            for _ in range(runs):
                try:
                    t = time.perf_counter()
                    # torch.onnx prints progress on stdout, which carries this script's JSON lines.
                    with torch.no_grad(), contextlib.redirect_stdout(io.StringIO()):
                        export(model, inputs, dynamo, bool(case.dynamic))
                    ms = (time.perf_counter() - t) * 1000
                    best = ms if best is None else min(best, ms)
                except Exception as e:  # the table reports which models each exporter manages
                    err = f"{type(e).__name__}: {str(e).splitlines()[0][:160]}"
                    break
            row = {"model": name, "path": path, "ok": err is None, "ms": best}
            if err:
                row["error"] = err
            print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
