"""Writes parameters.json: for each fixtures/torch/<model>/model.pt, the module tensors its traced code
reads (parameters and buffers reached through prim::GetAttr chains of the inlined graph), by dotted path,
with their shapes. The TorchScript importer's tests check its initializers against this list.

Run: /tmp/torchenv/bin/python src/importers/torch/torchscript/testdata/make_parameters.py (torch 2.13).
"""
import json
import pathlib

import torch

ROOT = pathlib.Path(__file__).resolve().parents[5] / "fixtures" / "torch"
OUT = pathlib.Path(__file__).resolve().parent / "parameters.json"


def read_tensors(path: pathlib.Path) -> dict:
    m = torch.jit.load(str(path))
    state = {k: list(v.shape) for k, v in m.state_dict(keep_vars=True).items()}
    g = m.inlined_graph
    paths = {next(g.inputs()).debugName(): ""}
    used = {}
    for node in g.nodes():
        if node.kind() != "prim::GetAttr":
            continue
        base = paths[node.input().debugName()]
        name = node.s("name")
        full = f"{base}.{name}" if base else name
        paths[node.output().debugName()] = full
        if node.output().type().isSubtypeOf(torch._C.TensorType.get()):
            used[full] = state[full]
    return dict(sorted(used.items()))


def main() -> None:
    models = {d.name: read_tensors(d / "model.pt") for d in sorted(ROOT.iterdir()) if (d / "model.pt").exists()}
    # One tensor per line, so a change reads as a small diff.
    blocks = []
    for name, tensors in models.items():
        rows = ",\n".join(f"   {json.dumps(k)}: {json.dumps(v)}" for k, v in tensors.items())
        blocks.append(f"  {json.dumps(name)}: {{\n{rows}\n  }}")
    body = ",\n".join(blocks)
    OUT.write_text(f'{{\n "torch": {json.dumps(torch.__version__)},\n "models": {{\n{body}\n }}\n}}\n')


if __name__ == "__main__":
    main()
