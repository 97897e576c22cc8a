import { attr } from '../../../ir/attribute.js';
import { DataType, dataTypeName, rawByteLength } from '../../../ir/dtype.js';
import { BytesTensor } from '../../../ir/tensor.js';
import type { Value } from '../../../ir/value.js';
import type { LowerContext } from '../../common/lower-context.js';
import type { LoweringRule } from '../../common/lowering-table.js';
import { tfTable } from '../table.js';
import { asInt64, castTo, constInts, int64s } from './int-values.js';

/**
 * Note [TensorList as a tensor]
 * A TF TensorList (a `variant` handle; what tf.TensorArray and Keras' RNN loops are made of) becomes the
 * plain tensor of its elements stacked on a new axis 0: a list of N elements of shape S is a tensor
 * [N, ...S]. Reads are Gather, writes are ScatterND, stacking is free, and the list can be a Loop-carried
 * tensor, which onnxruntime handles everywhere (ONNX sequences inside Loop bodies are far less
 * supported, and a tensor is what a Keras loop produces anyway).
 * The catch is a list reserved with dims TF does not know yet (Keras reserves [T] elements of shape
 * [-1, units]: the batch size is only known once an element is written). Such a list starts as zeros
 * with 1 in the unknown dims, and every write first broadcasts the storage (Expand) to the written
 * element's shape, which materialises those dims on the first write and copies nothing new after.
 * What differs from TF: reading an element that was never written gives zeros with those 1-dims where
 * TF raises, and TensorListElementShape reports the stored dims where TF reports -1 for dims the list
 * declared unknown. Programs that run in TF without error and do not branch on a declared -1 get the
 * same values.
 */

function elementDtype(ctx: LowerContext): DataType {
  const dtype = ctx.attrInt('element_dtype') as DataType;
  if (dtype === DataType.STRING || dtype === DataType.UNDEFINED) ctx.unsupported(`TensorLists of ${dataTypeName(dtype)} are not supported`);
  return dtype;
}

/**
 * The storage dims [N, ...S] of a new list, with TF's unknown (-1) element dims as 1 (Note [TensorList
 * as a tensor]). Constant shapes give a constant; computed ones are fixed up in the graph.
 */
function storageDims(ctx: LowerContext, elementShape: Value, count: Value): Value {
  const rank = ctx.shape(elementShape)?.length;
  // A scalar element_shape (-1) means the element rank is unknown too: there is no tensor to start from.
  if (rank !== 1) ctx.unsupported('the element shape must be a 1-D shape (an element of unknown rank cannot be stored as a tensor)');
  const shape = constInts(ctx, elementShape);
  const n = constInts(ctx, count);
  if (shape !== undefined && n !== undefined) return int64s(ctx, [n[0] ?? 0, ...shape.map((d) => (d < 0 ? 1 : d))]);
  let dims = asInt64(ctx, elementShape);
  if (shape === undefined) {
    dims = ctx.op('Where', [ctx.op('Less', [dims, ctx.scalar(DataType.INT64, 0)]), ctx.constant(DataType.INT64, [1], [1]), dims]);
  } else {
    dims = int64s(ctx, shape.map((d) => (d < 0 ? 1 : d)));
  }
  const len = ctx.op('Reshape', [asInt64(ctx, count), int64s(ctx, [1])]);
  return ctx.op('Concat', [len, dims], { axis: 0 });
}

/** `[N, ...S]` zeros of the element dtype. */
function zeros(ctx: LowerContext, dims: Value, dtype: DataType): Value {
  const zero = new BytesTensor(dtype, [1], new Uint8Array(rawByteLength(dtype, 1)));
  return ctx.op('ConstantOfShape', [dims], [attr.tensor('value', zero)]);
}

/** `list` broadcast so that its elements have `item`'s shape (a no-op unless dims are still unknown). */
function materialised(ctx: LowerContext, list: Value, item: Value): Value {
  const ls = ctx.shape(list);
  const is = ctx.shape(item);
  const same = ls !== undefined && is !== undefined && ls.length === is.length + 1 && is.every((d, i) => typeof d === 'number' && d === ls[i + 1]);
  if (same) return list;
  const dims = ctx.op('Concat', [int64s(ctx, [1]), ctx.op('Shape', [item])], { axis: 0 });
  return ctx.op('Expand', [list, dims]);
}

/** Grows `list` so that `index` is in range (TensorListSetItem with resize_if_index_out_of_bounds). */
function grownTo(ctx: LowerContext, list: Value, index: Value): Value {
  const rank = ctx.rank(list);
  const length = ctx.op('Shape', [list], { start: 0, end: 1 });
  const short = ctx.op('Sub', [ctx.op('Add', [ctx.op('Reshape', [index, int64s(ctx, [1])]), int64s(ctx, [1])]), length]);
  const extra = ctx.op('Max', [short, int64s(ctx, [0])]);
  // Pads are [begin_0..begin_{r-1}, end_0..end_{r-1}]: only the end of axis 0 grows.
  const pads = ctx.op('Concat', [int64s(ctx, new Array<number>(rank).fill(0)), extra, int64s(ctx, new Array<number>(rank - 1).fill(0))], { axis: 0 });
  return ctx.op('Pad', [list, pads]);
}

const reserve: LoweringRule = (ctx) => {
  // tf.TensorArray(size=n).unstack(x) first reserves a list of unknown element rank that nothing reads
  // (the unstacked list replaces it); only a list that is used needs a storage tensor.
  const out = ctx.node.outputs[0];
  if (out !== undefined && out.uses.length === 0 && !out.isGraphOutput()) return ctx.output(0, null);
  const dtype = elementDtype(ctx);
  ctx.output(0, zeros(ctx, storageDims(ctx, ctx.tensor(0), ctx.tensor(1)), dtype));
};

/** EmptyTensorList: a list of no elements; max_num_elements is a capacity hint. */
const empty: LoweringRule = (ctx) => {
  const dtype = elementDtype(ctx);
  ctx.output(0, zeros(ctx, storageDims(ctx, ctx.tensor(0), ctx.scalar(DataType.INT64, 0)), dtype));
};

/** The list of a tensor's slices along axis 0 is the tensor itself; element_shape is only a check. */
const fromTensor: LoweringRule = (ctx) => {
  const t = ctx.tensor(0);
  if (ctx.rank(t) < 1) ctx.unsupported('TensorListFromTensor needs a tensor of rank 1 or more');
  ctx.output(0, t);
};

const getItem: LoweringRule = (ctx) => {
  ctx.output(0, ctx.op('Gather', [ctx.tensor(0), ctx.tensor(1)], { axis: 0 }));
};

/** TensorListGather: the elements at `indices`, stacked. */
const gather: LoweringRule = (ctx) => {
  ctx.output(0, ctx.op('Gather', [ctx.tensor(0), ctx.tensor(1)], { axis: 0 }));
};

const setItem: LoweringRule = (ctx) => {
  const item = ctx.tensor(2);
  const index = asInt64(ctx, ctx.tensor(1));
  let list = materialised(ctx, ctx.tensor(0), item);
  if (ctx.attrInt('resize_if_index_out_of_bounds', 0) !== 0) list = grownTo(ctx, list, index);
  const at = ctx.op('Reshape', [index, int64s(ctx, [1, 1])]);
  ctx.output(0, ctx.op('ScatterND', [list, at, ctx.op('Unsqueeze', [item, int64s(ctx, [0])])]));
};

const pushBack: LoweringRule = (ctx) => {
  const item = ctx.tensor(1);
  const list = materialised(ctx, ctx.tensor(0), item);
  ctx.output(0, ctx.op('Concat', [list, ctx.op('Unsqueeze', [item, int64s(ctx, [0])])], { axis: 0 }));
};

/** TensorListPopBack: (the list without its last element, the last element). */
const popBack: LoweringRule = (ctx) => {
  const list = ctx.tensor(0);
  ctx.output(0, ctx.op('Slice', [list, int64s(ctx, [0]), int64s(ctx, [-1]), int64s(ctx, [0])]));
  ctx.output(1, ctx.op('Gather', [list, ctx.scalar(DataType.INT64, -1)], { axis: 0 }));
};

/** Stacking is the storage itself; element_shape and num_elements only check what TF already knows. */
const stack: LoweringRule = (ctx) => {
  ctx.output(0, ctx.tensor(0));
};

const length: LoweringRule = (ctx) => {
  const n = ctx.op('Squeeze', [ctx.op('Shape', [ctx.tensor(0)], { start: 0, end: 1 }), int64s(ctx, [0])]);
  ctx.output(0, castTo(ctx, n, DataType.INT32));
};

/** See Note [TensorList as a tensor] for lists whose declared element shape has unknown dims. */
const elementShape: LoweringRule = (ctx) => {
  const dims = ctx.op('Shape', [ctx.tensor(0)], { start: 1 });
  ctx.output(0, castTo(ctx, dims, ctx.attrInt('shape_type', DataType.INT32) as DataType));
};

tfTable.register({
  'tf::TensorListReserve': reserve,
  'tf::EmptyTensorList': empty,
  'tf::TensorListFromTensor': fromTensor,
  'tf::TensorListGetItem': getItem,
  'tf::TensorListGather': gather,
  'tf::TensorListSetItem': setItem,
  'tf::TensorListPushBack': pushBack,
  'tf::TensorListPopBack': popBack,
  'tf::TensorListStack': stack,
  'tf::TensorListLength': length,
  'tf::TensorListElementShape': elementShape,
});
