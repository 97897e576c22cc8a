"""Regenerates the torch.export program fixtures beside this script (torch==2.13.0, CPU).

For each model: torch.export.export + torch.export.save into a temporary .pt2, then copy out the JSON
entries only (program, weights/constants configs, archive_format/archive_version) under <name>/, and
write <name>/payloads.json with the byte length of every payload entry, so tests can stand in for the
weights (not committed, to keep this folder small) with buffers of the real lengths.

Run: /tmp/torchenv/bin/python src/formats/torch/pt2/testdata/make.py
"""
import json
import os
import shutil
import tempfile
import zipfile

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(0)


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(8, 16), nn.Linear(16, 4)

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(x)))


class CnnBn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.bn = nn.BatchNorm2d(4)

    def forward(self, x):
        return F.max_pool2d(F.relu(self.bn(self.conv(x))), 2)


class Lstm(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 6, num_layers=2, batch_first=True)

    def forward(self, x):
        y, (h, c) = self.lstm(x)
        return y, h


class Dynamic(nn.Module):
    """Dynamic dims: sizes become symbols, cat makes a `2*s` expression, view reads the batch as a SymInt;
    `z` has an unbounded dim (max_val null)."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(6, 3)

    def forward(self, x, z):
        y = self.fc(x.view(x.shape[0], -1))
        return torch.cat([y, y], dim=0), z.sum(dim=1) * x.shape[0]


class Scalars(nn.Module):
    def forward(self, x, n: int, alpha: float):
        return x * alpha + n


class MultiOut(nn.Module):
    def forward(self, x):
        v, i = torch.topk(x, 3, dim=-1)
        a, b = torch.split(x, [2, 3], dim=-1)
        picked = x[:, torch.tensor([0, 2])]  # index.Tensor: optional-tensor list, lifted constant index
        return v, i, a + 1, b.masked_fill(b > 0, float("-inf")), picked


class LiftedConst(nn.Module):
    def __init__(self):
        super().__init__()
        self.table = torch.arange(6, dtype=torch.float32).reshape(2, 3)  # plain attribute: lifted constant
        self.register_buffer("scale", torch.full((3,), 2.0), persistent=False)
        self.emb = nn.Embedding(10, 3)
        self.head = nn.Linear(3, 10, bias=False)
        self.head.weight = self.emb.weight  # tied: two FQNs, one payload

    def forward(self, idx):
        h = self.emb(idx) * self.scale + self.table[0]
        return self.head(h), idx.to(torch.int32), h.to(torch.float16)


class Sdpa(nn.Module):
    def forward(self, q, k, v):
        return F.scaled_dot_product_attention(q, k, v, is_causal=True)


def models():
    batch = torch.export.Dim("batch", min=2, max=64)
    enc = nn.TransformerEncoderLayer(d_model=8, nhead=2, dim_feedforward=16, batch_first=True).eval()
    return {
        "mlp": (Mlp(), (torch.randn(2, 8),), None),
        "cnn-bn": (CnnBn().eval(), (torch.randn(1, 3, 8, 8),), None),
        "lstm": (Lstm().eval(), (torch.randn(2, 5, 4),), None),
        "transformer-encoder": (enc, (torch.randn(2, 5, 8),), None),
        "dynamic-batch": (
            Dynamic(),
            (torch.randn(4, 2, 3), torch.randn(3, 7)),
            {"x": {0: batch}, "z": {1: torch.export.Dim("seq")}},
        ),
        "scalar-inputs": (Scalars(), (torch.randn(2, 3), 3, 0.5), None),
        "multi-output": (MultiOut(), (torch.randn(2, 5),), None),
        "lifted-constant": (LiftedConst(), (torch.tensor([[1, 2], [3, 4]]),), None),
        "sdpa": (Sdpa(), tuple(torch.randn(1, 2, 4, 8) for _ in range(3)), None),
    }


def save(name, model, args, dynamic_shapes, core=False):
    with torch.no_grad():
        ep = torch.export.export(model, args, dynamic_shapes=dynamic_shapes)
        if core:  # lowered to Core ATen (addmm, convolution, _native_batch_norm_legit_no_training...)
            ep = ep.run_decompositions()
    out = os.path.join(HERE, name)
    shutil.rmtree(out, ignore_errors=True)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, f"{name}.pt2")
        torch.export.save(ep, path)
        sizes = {}
        with zipfile.ZipFile(path) as z:
            for info in z.infolist():
                rel = info.filename.split("/", 1)[1]  # drop the archive's top folder
                if rel.endswith(".json") or rel in ("archive_format", "archive_version"):
                    os.makedirs(os.path.dirname(os.path.join(out, rel)) or out, exist_ok=True)
                    with open(os.path.join(out, rel), "wb") as f:
                        f.write(z.read(info))
                elif rel.startswith(("data/weights/", "data/constants/")):
                    sizes[rel] = info.file_size
    with open(os.path.join(out, "payloads.json"), "w") as f:
        json.dump(sizes, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    for name, (model, args, dyn) in models().items():
        save(name, model, args, dyn)
        print("wrote", name)
    save("cnn-bn-core", CnnBn().eval(), (torch.randn(1, 3, 8, 8),), None, core=True)
    print("wrote cnn-bn-core")
