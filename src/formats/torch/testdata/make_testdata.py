"""Makes the tiny PyTorch artifacts the tests in src/formats/torch read, and expected.json with the
values torch itself reports for every tensor (dtype, shape, stride, storage offset, values).
Run with torch 2.13.0 (CPU): python src/formats/torch/testdata/make_testdata.py
Half, bfloat16 and float8 values are written as their bit patterns, int64 values as ints."""
import io, json, os, zipfile
from collections import OrderedDict

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(0)


class TinyNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 2)
        self.bn = nn.BatchNorm1d(2)
        base = torch.arange(8, dtype=torch.float32) / 4
        # Two views of one storage: a slice at offset 2 and a reshaped whole.
        self.register_buffer("window", base[2:6])
        self.register_buffer("grid", base.view(2, 4))
        # Non-contiguous: a transpose (stride 1, 3).
        self.register_buffer("tr", torch.arange(6, dtype=torch.float32).reshape(2, 3).t())
        self.register_buffer("h16", torch.tensor([1.5, -2.0, 65504.0], dtype=torch.float16))
        self.register_buffer("bf", torch.tensor([0.5, 3.0], dtype=torch.bfloat16))
        self.register_buffer("i8", torch.tensor([-128, 0, 127], dtype=torch.int8))
        self.register_buffer("flag", torch.tensor([True, False, True]))

    def forward(self, x):
        y = self.bn(self.fc(x)) * torch.tensor([2.0, -1.0])
        return y + self.tr.sum() + self.window.sum() + self.grid.mean()


class Small(nn.Module):
    """What the .pt2 holds: kept small, as the program JSON grows with every node."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 2)
        self.register_buffer("tr", torch.arange(6, dtype=torch.float32).reshape(2, 3).t())

    def forward(self, x):
        return self.fc(x) + self.tr.sum()


def bits(t):
    if t.dtype in (torch.float16, torch.bfloat16):
        return t.contiguous().view(torch.int16).to(torch.int32).bitwise_and(0xFFFF).flatten().tolist()
    if t.dtype == torch.bool:
        return [int(v) for v in t.flatten().tolist()]
    return t.flatten().tolist()


def describe(t):
    return {"dtype": str(t.dtype).replace("torch.", ""), "shape": list(t.shape), "stride": list(t.stride()),
            "storage_offset": t.storage_offset(), "values": bits(t)}


def main():
    model = TinyNet().eval()
    x = torch.randn(4, 3)
    traced = torch.jit.trace(model, x)
    traced.save(os.path.join(HERE, "tiny.pt"))
    small = Small().eval()
    torch.export.save(torch.export.export(small, (x,)), os.path.join(HERE, "tiny.pt2"))

    sd = model.state_dict()
    obj = {
        "state": sd,
        "param": nn.Parameter(torch.tensor([[1.0, 2.0], [3.0, 4.0]])),
        "u16": torch.tensor([1, 65535, 300], dtype=torch.uint16),
        "strided": torch.arange(12, dtype=torch.int64).reshape(3, 4)[:, 1::2],
        "plain": [1, 2.5, "s", None, True, b"ab", 2 ** 70, -(2 ** 40)],
        "pair": (1, 2),
        "dev": torch.device("cpu"),
        "dtype": torch.float16,
        "set": {3},
        "slice": slice(1, 5, 2),
    }
    torch.save(obj, os.path.join(HERE, "state.pt"))

    tensors = {f"tiny.pt:{k}": describe(v) for k, v in model.state_dict().items()}
    tensors.update({f"tiny.pt2:{k}": describe(v) for k, v in small.state_dict().items()})
    tensors.update({f"state.pt:{k}": describe(v) for k, v in (("param", obj["param"].detach()), ("u16", obj["u16"]), ("strided", obj["strided"]))})
    archives = {}
    for name in ("tiny.pt", "tiny.pt2", "state.pt"):
        with zipfile.ZipFile(os.path.join(HERE, name)) as z:
            archives[name] = [i.filename for i in z.infolist()]
    shared = {"window_grid_same_storage": model.window.untyped_storage().data_ptr() == model.grid.untyped_storage().data_ptr()}
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump({"torch": torch.__version__, "tensors": tensors, "archives": archives, "shared": shared,
                   "constant": describe(torch.tensor([2.0, -1.0]))}, f, separators=(",", ":"))
    print(json.dumps(tensors["tiny.pt:tr"]))


if __name__ == "__main__":
    main()
