/**
 * TorchScript archive (`torch.jit.trace(model, x).save(path)`) -> an IR model of `aten`/`prim` source
 * nodes, which the ATen table then lowers to ONNX. The root object of data.pkl is `self` of the root
 * class's `forward`; the interpreter runs that method with the graph inputs bound to its parameters and
 * inlines every submodule call, so the result is one flat graph. Module tensors are initializers named
 * by their dotted path, `CONSTANTS.c<i>` are Constant nodes, and the returned value(s) are the outputs.
 */
import { readFile } from 'node:fs/promises';
import { kindOf, PyObject, PyTuple, type PickleValue } from '../../../formats/torch/pickle/values.js';
import { openTorchArchive, type TorchArchive } from '../../../formats/torch/torch-archive.js';
import { loadTorchScriptCode, typeToString, type FunctionDef, type TorchScriptCode } from '../../../formats/torch/torchscript/index.js';
import { DataType } from '../../../ir/dtype.js';
import { BridgeError, FormatError, UsageError } from '../../../ir/errors.js';
import { Graph } from '../../../ir/graph.js';
import { Model } from '../../../ir/model.js';
import { tensorType } from '../../../ir/types.js';
import { ImportContext } from './import-context.js';
import { Interpreter } from './interpreter.js';
import { moduleValue } from './module-attrs.js';
import { setGraphOutputs } from './outputs.js';
import { graphValue, type PyVal } from './py-values.js';
import { readTracedInputs, type TracedInput } from './traced-inputs.js';

/** Reads a TorchScript archive from disk; see importTorchScriptArchive. */
export async function importTorchScript(file: string): Promise<Model> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`, {});
  }
  const archive = await openTorchArchive(bytes, file);
  if (archive.kind !== 'torchscript') {
    const what = archive.kind === 'pt2' ? 'a torch.export (.pt2) archive' : 'a torch.save file (weights without code)';
    throw new FormatError(`not a TorchScript archive: it is ${what}`, { file });
  }
  return importTorchScriptArchive(archive);
}

/** Builds the source graph of an opened TorchScript archive's root `forward`. */
export function importTorchScriptArchive(archive: TorchArchive): Model {
  const file = archive.file;
  const code = loadCode(archive);
  const root = archive.unpickle('data.pkl');
  if (!(root instanceof PyObject)) throw new FormatError(`data.pkl holds a ${kindOf(root)}, not a module object`, { file, path: 'data.pkl' });
  const constants = archive.has('constants.pkl') ? tupleItems(archive.unpickle('constants.pkl'), file) : [];
  const graph = new Graph(root.className.split('.').pop());
  const ctx = new ImportContext(file, code, graph, constants);
  const cls = code.classes.get(root.className);
  if (cls === undefined) throw new FormatError(`data.pkl's root object is of class ${root.className}, which code/ does not define`, { file, path: 'data.pkl' });
  const forward = cls.methods.get('forward');
  if (forward === undefined) throw new FormatError(`${root.className} has no forward method`, { file, path: cls.file });
  const self = moduleValue(ctx, root, '', forward.loc);
  const inputs = graphInputs(ctx, forward, readTracedInputs(archive));
  const result = new Interpreter(ctx).invoke(forward, self, [], inputs, '', forward.loc);
  setGraphOutputs(ctx, result, forward.loc);
  // Opset 18 types the Constant nodes of literal arguments until lowering sets the target opset.
  const model = new Model(graph, new Map([['', 18], ['aten', 1], ['prim', 1]]));
  model.producerName = 'onnxbridge';
  return model;
}

function loadCode(archive: TorchArchive): TorchScriptCode {
  const entries = new Map<string, string>();
  for (const rel of archive.list()) if (rel.startsWith('code/') && rel.endsWith('.py')) entries.set(rel, archive.readText(rel));
  try {
    return loadTorchScriptCode(entries);
  } catch (e) {
    // The parser names the code entry as the file; the archive is the file users know.
    if (e instanceof BridgeError && e.file !== archive.file) throw new FormatError(e.detail, { file: archive.file, path: e.file }, { cause: e });
    throw e;
  }
}

function tupleItems(v: PickleValue, file: string): readonly PickleValue[] {
  if (v instanceof PyTuple) return v.items;
  if (Array.isArray(v)) return v;
  throw new FormatError(`constants.pkl holds a ${kindOf(v)}, not a tuple`, { file, path: 'constants.pkl' });
}

/**
 * forward's parameters after self become graph inputs named like them. Tensors take the dtype and rank
 * of the trace's example inputs (traced_inputs.pkl) with every dim symbolic (`x_dim0`, ...): the trace
 * may have baked some sizes into the code, but the inputs themselves are not fixed until the user says
 * so (--input-shape). Without example inputs a tensor is float32 (torch's default) of unknown rank.
 * Other parameters must have defaults, which the call binds as constants.
 */
function graphInputs(ctx: ImportContext, forward: FunctionDef, traced: (TracedInput | undefined)[] | undefined): Map<string, PyVal> {
  const params = forward.params.slice(1);
  // The trace passed the leading arguments positionally; later ones (with defaults) may be missing.
  const examples = traced !== undefined && traced.length <= params.length ? traced : undefined;
  for (const p of params) ctx.valueNames.reserve(p.name);
  const bound = new Map<string, PyVal>();
  params.forEach((p, i) => {
    const type = p.annotation === undefined ? 'Tensor' : typeToString(p.annotation);
    if (type === 'Tensor') {
      const ex = examples?.[i];
      const t = ex === undefined ? tensorType(DataType.FLOAT) : tensorType(ex.dtype, ex.shape.map((_, k) => `${p.name}_dim${k}`));
      bound.set(p.name, graphValue(ctx.graph.addInput(p.name, t)));
    } else if (p.default === undefined) {
      throw ctx.refuse(`a forward input of type ${type} (${p.name}); only tensors become graph inputs`, p.loc);
    }
  });
  return bound;
}
