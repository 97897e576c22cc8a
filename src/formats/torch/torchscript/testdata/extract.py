"""Regenerates the TorchScript code fixtures in this folder (torch==2.13.0 CPU).

Builds a few small modules, saves each with torch.jit.save into a temporary folder, and copies the
archive's `code/**.py` entries here as plain text: `<case>/<path inside code/>`, e.g.
`conv_bn_relu/__torch__.py`. Only the code is kept (no weights), so the folder stays a few KB.
Run from the repository root, with torch==2.13.0 installed:
    python src/formats/torch/torchscript/testdata/extract.py
"""
import os
import sys

# Scripted classes print `Final` constants in set order, which follows Python's string hashing:
# pin the seed so that regenerating gives byte-identical files.
if os.environ.get("PYTHONHASHSEED") != "0":
    os.environ["PYTHONHASHSEED"] = "0"
    os.execv(sys.executable, [sys.executable] + sys.argv)

import shutil  # noqa: E402
import tempfile  # noqa: E402
import zipfile  # noqa: E402
from enum import Enum  # noqa: E402
from typing import Dict, List, NamedTuple, Optional, Tuple  # noqa: E402

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


class ConvBnRelu(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.bn = nn.BatchNorm2d(8)
        self.relu = nn.ReLU()

    def forward(self, x):
        return self.relu(self.bn(self.conv(x)))


class Lstm(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 6, num_layers=2, batch_first=True)

    def forward(self, x):
        out, (h, c) = self.lstm(x)
        return out, h, c


class ChunkUnpack(nn.Module):
    def __init__(self):
        super().__init__()
        self.qkv = nn.Linear(8, 24)
        self.blocks = nn.Sequential(nn.Linear(8, 8), nn.GELU(), nn.Linear(8, 8))

    def forward(self, x):
        q, k, v = torch.chunk(self.qkv(x), 3, -1)
        att = torch.softmax(q @ k.transpose(-2, -1) / 2.0, dim=-1)
        y = att @ v
        n = x.size(0)
        return self.blocks(y)[:, 1:, ::2].reshape(n, -1) * -1.5 + float("inf") * 0.0


class DictReturn(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(5, 3)

    def forward(self, x):
        out = self.fc(x)
        mx, idx = torch.max(out, 1)
        return {"out": out, "mx": mx, "idx": idx}


class Scripted(nn.Module):
    flag: bool

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)
        self.flag = True
        self.scale = 0.5
        self.names: List[str] = ["a", 'b"q']

    def helper(self, x: torch.Tensor, n: int) -> Tuple[torch.Tensor, int]:
        k = 0
        while k < n and not self.flag is False:
            x = x + 1e-05
            k += 1
        return x, k

    def forward(self, x: torch.Tensor, steps: int = 3, opt: Optional[torch.Tensor] = None) -> Dict[str, torch.Tensor]:
        acc: List[torch.Tensor] = []
        for i in range(steps):
            if i % 2 == 0:
                x = self.fc(x)
            elif i == 1:
                x = torch.relu(x)
            else:
                x = -x
            acc.append(x)
        if opt is not None:
            x = x + opt
        assert x.dim() == 2, "need 2-d"
        if x.size(0) > 100:
            raise RuntimeError("too big")
        y, k = self.helper(x, 2)
        d: Dict[str, torch.Tensor] = {"x": x, "sum": torch.stack(acc).sum(0) * self.scale}
        for name in self.names:
            d[name] = y[0:1, -1:]
        return d


@torch.jit.script
def clampish(x: torch.Tensor, lo: float = -float("inf"), hi: float = float("inf")) -> torch.Tensor:
    return torch.clamp(x, lo, hi)


class ScriptedMisc(nn.Module):
    """Literals and operators the printer spells in unusual ways: escapes, inf/nan, int64 extremes."""

    def __init__(self):
        super().__init__()
        self.register_buffer("buf", torch.ones(3))
        self.k = 7

    def forward(self, x: torch.Tensor, t: Tuple[int, int], m: Optional[int] = None) -> Tuple[torch.Tensor, str, float]:
        if m is None:
            raise ValueError("it's \"bad\"\n\ttab \\ done \x01")
        else:
            y = x * (m ** 2) + (t[0] // 3) - (t[1] % 2) + (self.k << 1 | 3 & 5 ^ 1)
        z = clampish(y)
        s = "na'me"
        f = 1e-30 * float("nan") + 3.5e20
        big = 9223372036854775807
        neg = -9223372036854775807 - 1
        ok = x.numel() > 3 and not (x.dim() == 1 or x.dim() >= 4)
        if ok:
            w = z
        else:
            w = -z
        lst = [i * 2 for i in range(3)]
        xs = x[None, ..., 1:2:1] if x.dim() > 1 else x
        return (w + self.buf.sum() + float(big) + neg + len(lst) + xs.sum(), s, f)


class Pt(NamedTuple):
    a: torch.Tensor
    b: int


@torch.jit.script
class Acc(object):
    def __init__(self, n: int):
        self.n = n
        self.items: List[torch.Tensor] = []

    def add(self, x: torch.Tensor) -> None:
        self.items.append(x)


class Color(Enum):
    RED = 1
    GREEN = 2


@torch.jit.interface
class ModIface(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pass


class Twice(nn.Module):
    def forward(self, x):
        return x * 2


def pre_hook(mod, inp: Tuple[torch.Tensor]) -> Tuple[torch.Tensor]:
    return (inp[0] + 1,)


class ScriptedClasses(nn.Module):
    """Script classes, NamedTuple, Enum, an interface, `with`, a ModuleList and a forward pre-hook."""

    sub: ModIface

    def __init__(self):
        super().__init__()
        self.mods = nn.ModuleList([nn.ReLU(), nn.Tanh()])
        self.sub = Twice()
        self.hooked = Twice()
        self.hooked.register_forward_pre_hook(pre_hook)

    def forward(self, x: torch.Tensor, c: Color) -> Pt:
        a = Acc(3)
        for mm in self.mods:
            x = mm(x)
        a.add(x)
        if c == Color.RED:
            x = x + 1
        with torch.no_grad():
            x = self.sub.forward(x) * 2
        x = self.hooked(x)
        return Pt(x, len(a.items))


def scripted_classes():
    module = ScriptedClasses()
    return torch.jit.script(module.eval())


def encoder_layer():
    layer = nn.TransformerEncoderLayer(d_model=16, nhead=2, dim_feedforward=32, batch_first=True)
    return layer.eval()


def cases():
    torch.manual_seed(0)
    yield "conv_bn_relu", torch.jit.trace(ConvBnRelu().eval(), torch.randn(1, 3, 8, 8))
    yield "lstm", torch.jit.trace(Lstm().eval(), torch.randn(2, 5, 4))
    with torch.no_grad():
        yield "transformer_encoder", torch.jit.trace(encoder_layer(), torch.randn(2, 5, 16))
    yield "chunk_unpack", torch.jit.trace(ChunkUnpack().eval(), torch.randn(2, 4, 8))
    yield "dict_return", torch.jit.trace(DictReturn().eval(), torch.randn(2, 5), strict=False)
    yield "scripted", torch.jit.script(Scripted().eval())
    yield "scripted_misc", torch.jit.script(ScriptedMisc().eval())
    yield "scripted_classes", scripted_classes()


def main():
    tmp = tempfile.mkdtemp()
    try:
        for name, module in cases():
            path = os.path.join(tmp, name + ".pt")
            torch.jit.save(module, path)
            out_dir = os.path.join(HERE, name)
            shutil.rmtree(out_dir, ignore_errors=True)
            with zipfile.ZipFile(path) as z:
                for entry in z.namelist():
                    top, _, rest = entry.partition("/")
                    if not rest.startswith("code/") or not rest.endswith(".py"):
                        continue
                    target = os.path.join(out_dir, rest[len("code/"):])
                    os.makedirs(os.path.dirname(target), exist_ok=True)
                    with open(target, "wb") as f:
                        f.write(z.read(entry))
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
