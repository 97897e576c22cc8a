"""Dump every version of every ONNX operator schema to src/ir/ops/generated/schemas.json, and the static
function bodies of the schemas that have one (`has_function`) to src/ir/ops/generated/function-bodies.json.

Run with the venv that scripts/setup-test-data.mjs makes:
    .cache/py/bin/python scripts/gen-op-schemas.py           # (re)write the file
    .cache/py/bin/python scripts/gen-op-schemas.py --check   # exit 1 if a committed file is stale

One schema per line keeps diffs readable when onnx is bumped. Doc strings are left out (size).
"""

import argparse
import base64
import json
import math
import os
import sys

import numpy as np
import onnx
from onnx import defs, numpy_helper

ONNX_VERSION = "1.22.0"
GENERATED = os.path.join(os.path.dirname(__file__), "..", "src", "ir", "ops", "generated")
OUT = os.path.join(GENERATED, "schemas.json")
BODIES_OUT = os.path.join(GENERATED, "function-bodies.json")
# JSON numbers are IEEE doubles in JS: integers past this are written as strings.
MAX_SAFE_INT = 2**53 - 1


def float_json(v):
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    # Attribute floats are float32; the shortest float32 spelling ("0.0001", not 9.99999974e-05) reads
    # better and Math.fround() of it gives back the same float32.
    return float(str(np.float32(v)))


def int_json(v):
    return v if abs(v) <= MAX_SAFE_INT else str(v)


def default_json(attr):
    """(value, omitted): the attribute's default as JSON, or omitted=True when it cannot be one."""
    dv = attr.default_value
    if dv.ByteSize() == 0:
        return None, False
    t = attr.type.name
    if t == "FLOAT":
        return float_json(dv.f), False
    if t == "INT":
        return int_json(dv.i), False
    if t == "STRING":
        return dv.s.decode("utf-8"), False
    if t == "FLOATS":
        return [float_json(v) for v in dv.floats], False
    if t == "INTS":
        return [int_json(v) for v in dv.ints], False
    if t == "STRINGS":
        return [s.decode("utf-8") for s in dv.strings], False
    if t == "TENSOR":
        arr = numpy_helper.to_array(dv.t)
        flat = arr.reshape(-1).tolist()
        if arr.dtype.kind == "f":
            values = [float_json(v) for v in flat]
        elif arr.dtype.kind in "iu":
            values = [int_json(v) for v in flat]
        elif arr.dtype.kind in "SO":
            values = [v.decode("utf-8") if isinstance(v, bytes) else str(v) for v in flat]
        else:
            values = [int(v) for v in flat]  # bool
        return {"dtype": dv.t.data_type, "dims": list(dv.t.dims), "values": values}, False
    return None, True  # graphs, sparse tensors, type protos: no JSON form we need


def canonical_type(t):
    """ONNX's canonical type string: the ai.onnx.ml schemas write `map(string, float)`, but a checker sees
    `map(string,tensor(float))` (what onnx's FormalParameter.types holds), so the JSON stores that form."""
    t = t.replace(" ", "")
    head, _, rest = t.partition("(")
    if not rest:
        return f"tensor({t})"  # a bare element type, only valid as a map value
    inner = rest[:-1]
    if head == "map":
        key, _, value = inner.partition(",")
        return f"map({key},{canonical_type(value)})"
    if head in ("seq", "optional"):
        return f"{head}({canonical_type(inner)})"
    return t


def constraint_json(c):
    return {"type_param_str": c.type_param_str, "allowed_type_strs": [canonical_type(t) for t in c.allowed_type_strs]}


def param_json(schema, p):
    # The registry resolves a type string to its allowed set the same way; prove the rule on every schema.
    constraints = {c.type_param_str: set(constraint_json(c)["allowed_type_strs"]) for c in schema.type_constraints}
    resolved = constraints.get(p.type_str, {p.type_str})
    if resolved != set(p.types):
        sys.exit(f"{schema.name}-{schema.since_version} {p.name}: {p.type_str} -> {sorted(p.types)} breaks the rule")
    return {
        "name": p.name,
        "type_str": p.type_str,
        "option": p.option.name.lower(),
        "is_homogeneous": p.is_homogeneous,
        "min_arity": p.min_arity,
    }


def attr_json(a):
    value, omitted = default_json(a)
    out = {"name": a.name, "type": a.type.name, "required": a.required}
    if value is not None:
        out["default"] = value
    if omitted:
        out["default_omitted"] = True
    return out


def schema_json(s):
    return {
        "domain": s.domain,
        "name": s.name,
        "since_version": s.since_version,
        "deprecated": s.deprecated,
        "inputs": [param_json(s, p) for p in s.inputs],
        "outputs": [param_json(s, p) for p in s.outputs],
        # The C++ map has no stable order; sort so regeneration is byte-identical.
        "attributes": [attr_json(a) for _, a in sorted(s.attributes.items())],
        "type_constraints": [constraint_json(c) for c in s.type_constraints],
        "min_input": s.min_input,
        "max_input": s.max_input,
        "min_output": s.min_output,
        "max_output": s.max_output,
        "has_function": s.has_function,
        "has_context_dependent_function": s.has_context_dependent_function,
    }


def render():
    if onnx.__version__ != ONNX_VERSION:
        sys.exit(f"gen-op-schemas: need onnx {ONNX_VERSION}, found {onnx.__version__} (run scripts/setup-test-data.mjs)")
    # Every domain onnx knows (ai.onnx, ai.onnx.ml, ai.onnx.preview.training, ai.onnx.preview, ...).
    versions = {d: list(r) for d, r in sorted(defs.C.schema_version_map().items())}
    schemas = sorted(defs.get_all_schemas_with_history(), key=lambda s: (s.domain, s.name, s.since_version))
    dump = lambda v: json.dumps(v, separators=(",", ":"), ensure_ascii=False)
    lines = [
        "{",
        f'"generated_by":{dump("scripts/gen-op-schemas.py from onnx " + ONNX_VERSION + ", do not edit")},',
        f'"onnx_version":{dump(ONNX_VERSION)},',
        f'"opset_versions":{dump(versions)},',
        '"schemas":[',
        ",\n".join(dump(schema_json(s)) for s in schemas),
        "]}",
    ]
    return "\n".join(lines) + "\n"


def render_bodies():
    """`domain::op::since_version` -> one entry per opset the body is written for (ONNX keeps a body per
    `function_opset_versions` entry: Softplus-1's body is written against opset 18): that opset, the body's
    opset imports, and the FunctionProto as base64. Context-dependent bodies are built per node by C++ and
    have no static form, so they are left out."""
    schemas = sorted(defs.get_all_schemas_with_history(), key=lambda s: (s.domain, s.name, s.since_version))
    dump = lambda v: json.dumps(v, separators=(",", ":"), ensure_ascii=False)
    rows = []
    for s in schemas:
        if not s.has_function:
            continue
        bodies = []
        for v in sorted(s.function_opset_versions):
            f = onnx.FunctionProto.FromString(s.get_function_with_opset_version(v))  # the C API returns bytes
            imports = {o.domain: o.version for o in sorted(f.opset_import, key=lambda o: o.domain)}
            bodies.append({"opset": v, "opset_imports": imports, "function_proto": base64.b64encode(f.SerializeToString()).decode("ascii")})
        rows.append(f"{dump(f'{s.domain}::{s.name}::{s.since_version}')}:{dump(bodies)}")
    lines = [
        "{",
        f'"generated_by":{dump("scripts/gen-op-schemas.py from onnx " + ONNX_VERSION + ", do not edit")},',
        '"bodies":{',
        ",\n".join(rows),
        "}}",
    ]
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="exit 1 if the file on disk differs")
    args = ap.parse_args()
    outputs = [(os.path.normpath(OUT), render(), "schemas"), (os.path.normpath(BODIES_OUT), render_bodies(), "function bodies")]
    if args.check:
        stale = False
        for path, text, _ in outputs:
            try:
                with open(path, encoding="utf-8") as f:
                    current = f.read()
            except FileNotFoundError:
                current = None
            if current != text:
                print(f"{path} is stale: run .cache/py/bin/python scripts/gen-op-schemas.py", file=sys.stderr)
                stale = True
            else:
                print(f"{path} is up to date")
        if stale:
            sys.exit(1)
        return
    for path, text, what in outputs:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        count = text.count(chr(10)) - (6 if what == "schemas" else 3)
        print(f"wrote {path}: {count} {what}")

if __name__ == "__main__":
    main()
