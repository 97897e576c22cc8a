/**
 * Note [v1 control flow]: TF1 graphs (and TF.js models converted without control_flow_v2) hold loops as
 * dataflow cycles rather than functional While ops. A loop is a frame (the Enter nodes' `frame_name`):
 *
 *   Enter(x) -> Merge(enter, NextIteration) -> Switch(merge, LoopCond(pred)) -> Exit(switch:0)
 *                                                     `-> switch:1 -> body -> NextIteration -> Merge
 *
 * one chain per loop variable; the condition `pred` is computed from the Merge outputs, the body from the
 * `switch:1` outputs, and loop-invariant inputs come through Enter nodes with `is_constant`. We rebuild
 * each frame as the functional While the rest of the importer knows: a `cond` function (args: the
 * state; result: pred), a `body` function (args: the state; results: the NextIteration inputs), with the
 * invariants appended to the state and passed through unchanged, and the Exit outputs read from the While's
 * outputs. Frames are rebuilt innermost first, so an inner loop is already a While inside the outer body.
 * Conditionals (Switch/Merge without a frame) are left as they are: no rule converts them, so they are
 * reported as unsupported ops.
 */
import type { AttrValue } from '../../../formats/tf/index.js';
import { mapGet } from '../../../formats/tf/index.js';
import { FormatError } from '../../../ir/errors.js';
import { stringAttr } from './attrs.js';
import type { FunctionLibrary, TfArg, TfBody, TfNode, TfRef } from './tf-body.js';

const V1_OPS = new Set(['Enter', 'RefEnter', 'Exit', 'RefExit', 'Merge', 'RefMerge', 'Switch', 'RefSwitch', 'NextIteration', 'RefNextIteration', 'LoopCond']);

interface LoopVar {
  enter: TfNode;
  merge: TfNode;
  next: TfNode;
  sw: TfNode;
  exit?: TfNode;
}

interface Frame {
  name: string;
  vars: LoopVar[];
  invariants: TfNode[];
  loopCond: TfNode;
}

/** Rewrites every v1 loop frame of `body` into a While node with functions added to `library`. */
export function rebuildV1Loops(body: TfBody, library: FunctionLibrary, file?: string): void {
  const frames = new Map<string, TfNode[]>();
  for (const n of body.nodes.values()) {
    if (n.op !== 'Enter' && n.op !== 'RefEnter') continue;
    const f = stringAttr(mapGet(n.attr, 'frame_name')) ?? '';
    const list = frames.get(f);
    if (list === undefined) frames.set(f, [n]);
    else list.push(n);
  }
  const pending = [...frames];
  while (pending.length > 0) {
    const i = pending.findIndex(([name, enters]) => rebuildFrame(body, library, name, enters, file));
    if (i < 0) throw new FormatError(`the TF1 loop ${JSON.stringify(pending[0]![0])} could not be rebuilt (its frames nest or are malformed)`, { file });
    pending.splice(i, 1);
  }
}

function readersOf(body: TfBody): Map<string, { node: TfNode; index: number }[]> {
  const out = new Map<string, { node: TfNode; index: number }[]>();
  for (const n of body.nodes.values()) {
    for (const r of n.inputs) {
      if (!('node' in r)) continue;
      let list = out.get(r.node);
      if (list === undefined) out.set(r.node, (list = []));
      list.push({ node: n, index: r.index });
    }
  }
  return out;
}

function analyzeFrame(body: TfBody, name: string, enters: TfNode[], file: string | undefined): Frame {
  const readers = readersOf(body);
  const bad = (why: string): never => {
    throw new FormatError(`TF1 loop ${JSON.stringify(name)}: ${why}`, { file });
  };
  const only = (n: TfNode, op: string, index = 0): TfNode[] => (readers.get(n.name) ?? []).filter((r) => r.node.op === op && r.index === index).map((r) => r.node);
  const invariants = enters.filter((e) => mapGet(e.attr, 'is_constant')?.b === true);
  const vars = enters
    .filter((e) => !invariants.includes(e))
    .map((enter): LoopVar => {
      const [merge, ...more] = only(enter, 'Merge');
      if (merge === undefined || more.length > 0) bad(`Enter ${JSON.stringify(enter.name)} does not feed exactly one Merge`);
      const nextRef = merge!.inputs.find((r) => 'node' in r && r.node !== enter.name);
      const next = nextRef && 'node' in nextRef ? body.nodes.get(nextRef.node) : undefined;
      if (next === undefined || (next.op !== 'NextIteration' && next.op !== 'RefNextIteration')) bad(`Merge ${JSON.stringify(merge!.name)} has no NextIteration input`);
      const [sw, ...moreSw] = only(merge!, 'Switch');
      if (sw === undefined || moreSw.length > 0) bad(`Merge ${JSON.stringify(merge!.name)} does not feed exactly one Switch`);
      const exit = only(sw!, 'Exit')[0];
      return { enter, merge: merge!, next: next!, sw: sw!, ...(exit ? { exit } : {}) };
    });
  if (vars.length === 0) bad('it has no loop variables');
  const condRefs = new Set(vars.map((v) => ('node' in v.sw.inputs[1]! ? v.sw.inputs[1].node : '')));
  const loopCond = condRefs.size === 1 ? body.nodes.get([...condRefs][0]!) : undefined;
  if (loopCond === undefined || loopCond.op !== 'LoopCond') bad('its Switch nodes do not share one LoopCond');
  return { name, vars, invariants, loopCond: loopCond! };
}

/**
 * Copies the nodes that compute `roots` into a function body, reading `boundary` refs as args. Undefined
 * when the region reaches another frame's control-flow node (an inner loop not rebuilt yet).
 */
function copyRegion(body: TfBody, roots: readonly TfRef[], boundary: (r: { node: string; index: number }) => number | undefined): { nodes: Map<string, TfNode>; map: (r: TfRef) => TfRef } | undefined {
  const seen = new Set<string>();
  const todo: string[] = [];
  const map = (r: TfRef): TfRef => {
    if (!('node' in r)) return r;
    const arg = boundary(r);
    return arg === undefined ? r : { arg };
  };
  const visit = (r: TfRef): void => {
    const m = map(r);
    if ('node' in m && !seen.has(m.node)) {
      seen.add(m.node);
      todo.push(m.node);
    }
  };
  roots.forEach(visit);
  while (todo.length > 0) {
    const n = body.nodes.get(todo.pop()!)!;
    if (V1_OPS.has(n.op)) return undefined;
    n.inputs.forEach(visit);
  }
  const nodes = new Map<string, TfNode>();
  // File order, so the copy reads like the original.
  for (const n of body.nodes.values()) if (seen.has(n.name)) nodes.set(n.name, { ...n, inputs: n.inputs.map(map) });
  return { nodes, map };
}

function rebuildFrame(body: TfBody, library: FunctionLibrary, name: string, enters: TfNode[], file: string | undefined): boolean {
  const frame = analyzeFrame(body, name, enters, file);
  const L = frame.vars.length;
  const stateIndex = new Map<string, number>(frame.invariants.map((e, j) => [e.name, L + j]));
  const invariant = (r: { node: string; index: number }): number | undefined => stateIndex.get(r.node);
  const merges = new Map(frame.vars.map((v, i) => [v.merge.name, i]));
  const switches = new Map(frame.vars.map((v, i) => [v.sw.name, i]));
  const cond = copyRegion(body, [frame.loopCond.inputs[0]!], (r) => (r.index === 0 ? merges.get(r.node) : undefined) ?? invariant(r));
  const step = copyRegion(body, frame.vars.map((v) => v.next.inputs[0]!), (r) => (r.index === 1 ? switches.get(r.node) : undefined) ?? invariant(r));
  if (cond === undefined || step === undefined) return false;

  const state = [...frame.vars.map((v) => v.enter), ...frame.invariants];
  const args: TfArg[] = state.map((e, i) => ({ name: `state_${i}`, type: mapGet(e.attr, 'T')?.type ?? 0 }));
  const fname = (kind: string): string => {
    let n = `${name}/${kind}`;
    for (let k = 1; library.has(n); k++) n = `${name}/${kind}_${k}`;
    return n;
  };
  const condName = fname('cond');
  const bodyName = fname('body');
  library.add({ name: condName, nodes: cond.nodes, args, outputs: [{ name: 'cond', ref: cond.map(frame.loopCond.inputs[0]!) }] });
  library.add({
    name: bodyName,
    nodes: step.nodes,
    args,
    outputs: state.map((_, i) => ({ name: `state_${i}`, ref: i < L ? step.map(frame.vars[i]!.next.inputs[0]!) : { arg: i } })),
  });

  let whileName = `${name}/While`;
  for (let k = 1; body.nodes.has(whileName); k++) whileName = `${name}/While_${k}`;
  const attr: Record<string, AttrValue> = {
    T: { list: { type: args.map((a) => a.type) } },
    cond: { func: { name: condName } },
    body: { func: { name: bodyName } },
  };
  const parallel = mapGet(frame.vars[0]!.enter.attr, 'parallel_iterations');
  if (parallel !== undefined) attr['parallel_iterations'] = parallel;
  const loop: TfNode = { name: whileName, op: 'While', inputs: state.map((e) => e.inputs[0]!), attr, outputs: state.length };

  // Exit i now reads While output i; the frame's nodes leave the graph with whatever only they fed.
  const exits = new Map(frame.vars.flatMap((v, i) => (v.exit ? [[v.exit.name, i] as const] : [])));
  const removed = new Set([...frame.vars.flatMap((v) => [v.enter.name, v.merge.name, v.next.name, v.sw.name]), ...frame.invariants.map((e) => e.name), frame.loopCond.name, ...exits.keys()]);
  for (const n of body.nodes.values()) {
    n.inputs = n.inputs.map((r) => ('node' in r && exits.has(r.node) ? { node: whileName, index: exits.get(r.node)! } : r));
  }
  // The loop's own nodes go too, unless something outside the loop still reads one.
  const region = new Set([...cond.nodes.keys(), ...step.nodes.keys()]);
  const readers = readersOf(body);
  for (const r of region) if ((readers.get(r) ?? []).every(({ node }) => region.has(node.name) || removed.has(node.name))) removed.add(r);
  body.nodes.set(whileName, loop);
  pruneReaders(body, removed);
  return true;
}

/** Removes `names` and every node that reads one of them as data, until nothing reads a removed node. */
function pruneReaders(body: TfBody, names: Set<string>): void {
  for (const n of names) body.nodes.delete(n);
  for (let changed = true; changed; ) {
    changed = false;
    for (const n of body.nodes.values()) {
      if (n.inputs.some((r) => 'node' in r && !body.nodes.has(r.node))) {
        body.nodes.delete(n.name);
        changed = true;
      }
    }
  }
}
