import { ATTRIBUTE_TYPE, elementCount, findAttribute, isInteger, readIntegerValues, type OnnxAttribute, type OnnxNode, type OnnxTensor } from './onnx-structure';
import { type SymInt, fixed, formatSym, formatSymShape, isFixed, symAdd, symDivide, symEquals, symMul, symNegate, symProduct } from './sym-int';

/** What the pass knows about one tensor of the graph before running it. */
export interface StaticValue {
  /** Per-dimension sizes, each a multiple of a power of the batch size (see `SymInt`). */
  readonly shape: readonly SymInt[];
  /**
   * The element values (row-major) of a small integer tensor known without running the model: an
   * initializer, a Constant, or shape arithmetic (Shape -> Gather -> Concat -> Reshape). Only these
   * can drive a Reshape, Slice, Expand, ...; float values are never needed for shapes.
   */
  readonly ints?: readonly SymInt[];
  /** Whether it depends on the graph's input data (false for weights, constants and shape arithmetic). */
  readonly fromInput: boolean;
}

/** A rule's result for one output; `fromInput` defaults to "any input is from the input". */
export interface RuleOutput {
  readonly shape: readonly SymInt[];
  readonly ints?: readonly SymInt[];
  readonly fromInput?: boolean;
}

/** What a shape rule sees of its node. Every accessor fails with a message naming the node. */
export interface RuleContext {
  readonly node: OnnxNode;
  /** One per input position; undefined for an omitted optional input (''). */
  readonly inputs: readonly (StaticValue | undefined)[];
  fail(detail: string): never;
}

export type ShapeRule = (ctx: RuleContext) => readonly RuleOutput[];

/** Integer values tracked at most this long: shape tensors are short, large integer tensors are data. */
const MAX_TRACKED_INTS = 1 << 16;
/** Slice ends at or beyond this mean "to the end" (exporters write INT64_MAX or INT32_MAX). */
const SLICE_TO_END = 2 ** 31 - 1;

// ---- accessors ------------------------------------------------------------------------------------

function input(ctx: RuleContext, index: number, role: string): StaticValue {
  const v = ctx.inputs[index];
  if (!v) ctx.fail(`has no ${role} (input ${index})`);
  return v;
}

function attribute(ctx: RuleContext, name: string, type: number): OnnxAttribute | undefined {
  const a = findAttribute(ctx.node, name);
  if (a && a.type !== type) ctx.fail(`attribute '${name}' has type ${a.type}, expected ${type}`);
  return a;
}

function attrInt(ctx: RuleContext, name: string): number | undefined {
  const a = attribute(ctx, name, ATTRIBUTE_TYPE.INT);
  return a ? Number(a.i ?? 0n) : undefined;
}

function attrInts(ctx: RuleContext, name: string): number[] | undefined {
  const a = attribute(ctx, name, ATTRIBUTE_TYPE.INTS);
  return a ? (a.ints ?? []).map(Number) : undefined;
}

function attrString(ctx: RuleContext, name: string): string | undefined {
  const a = attribute(ctx, name, ATTRIBUTE_TYPE.STRING);
  return a ? new TextDecoder().decode(a.s ?? new Uint8Array()) : undefined;
}

/** Values of a constant integer input (initializer, Constant or shape arithmetic). */
function constSymInts(ctx: RuleContext, index: number, role: string): readonly SymInt[] {
  const v = input(ctx, index, role);
  if (!v.ints) ctx.fail(`needs its ${role} (input ${index} '${ctx.node.input[index]}') as a constant, but it is computed from the data; the static pass only reads initializers, Constant nodes and shape arithmetic`);
  return v.ints;
}

function fixedInts(ctx: RuleContext, values: readonly SymInt[], role: string): number[] {
  return values.map((v) => {
    if (!isFixed(v)) ctx.fail(`has ${role} [${values.map(formatSym).join(', ')}], which depends on the batch size`);
    return v.factor;
  });
}

function constInts(ctx: RuleContext, index: number, role: string): number[] {
  return fixedInts(ctx, constSymInts(ctx, index, role), role);
}

/** An integer list given either as an attribute (older opsets) or as a constant input (newer ones). */
function intsFromAttributeOrInput(ctx: RuleContext, name: string, index: number): number[] | undefined {
  const fromAttribute = attrInts(ctx, name);
  if (fromAttribute) return fromAttribute;
  return ctx.inputs[index] ? constInts(ctx, index, name) : undefined;
}

function normAxis(ctx: RuleContext, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) ctx.fail(`has axis ${axis}, out of range for rank ${rank}`);
  return a;
}

function normAxes(ctx: RuleContext, axes: readonly number[], rank: number): Set<number> {
  const set = new Set(axes.map((a) => normAxis(ctx, a, rank)));
  if (set.size !== axes.length) ctx.fail(`repeats an axis in [${axes.join(', ')}]`);
  return set;
}

function requireFixed(ctx: RuleContext, d: SymInt, what: string): number {
  if (!isFixed(d)) ctx.fail(`has ${what} ${formatSym(d)}, which depends on the batch size; only fixed sizes are supported there`);
  return d.factor;
}

function isOne(d: SymInt): boolean {
  return d.power === 0 && d.factor === 1;
}

/** Numpy-style multidirectional broadcasting; B never broadcasts against a fixed size other than 1. */
function broadcast(ctx: RuleContext, shapes: readonly (readonly SymInt[])[]): SymInt[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out: SymInt[] = [];
  for (let i = 0; i < rank; i++) {
    let dim = fixed(1);
    for (const s of shapes) {
      const d = s[s.length - rank + i] ?? fixed(1);
      if (isOne(d)) continue;
      if (isOne(dim)) dim = d;
      else if (!symEquals(dim, d)) ctx.fail(`cannot broadcast shapes ${shapes.map(formatSymShape).join(' and ')} (dimension ${formatSym(dim)} vs ${formatSym(d)})`);
    }
    out.push(dim);
  }
  return out;
}

/** The element count of `shape` when it is fixed and small enough for its values to be tracked. */
function trackableCount(shape: readonly SymInt[]): number | undefined {
  const n = symProduct(shape);
  return isFixed(n) && n.factor <= MAX_TRACKED_INTS ? n.factor : undefined;
}

/**
 * Elementwise integer arithmetic on known values (shape computations such as `size(1) * size(2)`):
 * each operand is a scalar or has the output's element count (then the same row-major layout).
 */
function combineInts(outShape: readonly SymInt[], operands: readonly StaticValue[], fn: (values: SymInt[]) => SymInt | undefined): SymInt[] | undefined {
  const count = trackableCount(outShape);
  if (count === undefined || operands.some((o) => !o.ints || (o.ints.length !== 1 && o.ints.length !== count))) return undefined;
  const out: SymInt[] = [];
  for (let i = 0; i < count; i++) {
    const r = fn(operands.map((o) => (o.ints as readonly SymInt[])[o.ints?.length === 1 ? 0 : i]));
    if (!r) return undefined;
    out.push(r);
  }
  return out;
}

function intDivide(a: SymInt, b: SymInt): SymInt | undefined {
  if (isFixed(a) && isFixed(b)) return b.factor === 0 ? undefined : fixed(Math.trunc(a.factor / b.factor));
  return symDivide(a, b);
}

// ---- elementwise -----------------------------------------------------------------------------------

/** Same shape as input 0 (activations, Softmax, casts, normalisations at inference). */
const sameShape: ShapeRule = (ctx: RuleContext) => {
  const x = input(ctx, 0, 'input');
  const axis = findAttribute(ctx.node, 'axis') ? attrInt(ctx, 'axis') : undefined;
  if (axis !== undefined && x.shape.length > 0) normAxis(ctx, axis, x.shape.length);
  return [{ shape: x.shape }];
};

/** Identity and integer Casts keep shape values (`Cast(Shape(x), int32)` in exported shape code). */
const passThrough: ShapeRule = (ctx: RuleContext) => {
  const x = input(ctx, 0, 'input');
  const to = attrInt(ctx, 'to');
  const keepsInts = ctx.node.opType === 'Identity' || (to !== undefined && isInteger(to));
  return [{ shape: x.shape, ints: keepsInts ? x.ints : undefined }];
};

const neg: ShapeRule = (ctx: RuleContext) => {
  const x = input(ctx, 0, 'input');
  return [{ shape: x.shape, ints: x.ints?.map(symNegate) }];
};

/** Dropout at inference is the identity; its optional mask has the same shape. */
const dropout: ShapeRule = (ctx: RuleContext) => {
  const x = input(ctx, 0, 'data');
  return [{ shape: x.shape }, { shape: x.shape }];
};

/** Y like X; the training-mode outputs (running or saved mean and variance) are per channel, like scale. */
const batchNormalization: ShapeRule = (ctx: RuleContext) => {
  const x = input(ctx, 0, 'X');
  const scale = input(ctx, 1, 'scale');
  if (x.shape.length < 2) ctx.fail(`needs X of rank >= 2 ([N, C, ...]), got ${formatSymShape(x.shape)}`);
  if (scale.shape.length !== 1 || !symEquals(scale.shape[0], x.shape[1])) ctx.fail(`has scale ${formatSymShape(scale.shape)} for X ${formatSymShape(x.shape)} (channels on axis 1)`);
  return [{ shape: x.shape }, { shape: scale.shape }, { shape: scale.shape }, { shape: scale.shape }, { shape: scale.shape }];
};

/** Y like X; Mean and InvStdDev keep the leading axes and are 1 on the normalised ones. */
const layerNormalization: ShapeRule = (ctx: RuleContext) => {
  const x = input(ctx, 0, 'X');
  const axis = normAxis(ctx, attrInt(ctx, 'axis') ?? -1, x.shape.length);
  const stats = x.shape.map((d, i) => (i < axis ? d : fixed(1)));
  return [{ shape: x.shape }, { shape: stats }, { shape: stats }];
};

function broadcastRule(arithmetic?: (a: SymInt, b: SymInt) => SymInt | undefined): ShapeRule {
  return (ctx: RuleContext) => {
    const operands = ctx.node.input.map((_, i) => input(ctx, i, `operand ${i}`));
    if (operands.length === 0) ctx.fail('has no inputs');
    const shape = broadcast(ctx, operands.map((o) => o.shape));
    const ints = arithmetic && operands.length === 2 ? combineInts(shape, operands, ([a, b]) => arithmetic(a, b)) : undefined;
    return [{ shape, ints }];
  };
}

const where: ShapeRule = (ctx: RuleContext) => {
  const operands = [input(ctx, 0, 'condition'), input(ctx, 1, 'X'), input(ctx, 2, 'Y')];
  return [{ shape: broadcast(ctx, operands.map((o) => o.shape)) }];
};

/** PRelu broadcasts the slope to X (unidirectionally): the output is X's shape. */
const prelu: ShapeRule = (ctx: RuleContext) => {
  const x = input(ctx, 0, 'X');
  const out = broadcast(ctx, [x.shape, input(ctx, 1, 'slope').shape]);
  if (out.length !== x.shape.length || out.some((d, i) => !symEquals(d, x.shape[i]))) ctx.fail(`has a slope that does not broadcast to X ${formatSymShape(x.shape)}`);
  return [{ shape: x.shape }];
};

// ---- products ----------------------------------------------------------------------------------

/** [M, K] x [K, N] with the transposes applied; C must broadcast to [M, N]. */
const gemm: ShapeRule = (ctx: RuleContext) => {
  const a = input(ctx, 0, 'A');
  const b = input(ctx, 1, 'B');
  if (a.shape.length !== 2 || b.shape.length !== 2) ctx.fail(`needs 2-D A and B, got ${formatSymShape(a.shape)} and ${formatSymShape(b.shape)}`);
  const [m, k1] = attrInt(ctx, 'transA') ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
  const [k2, n] = attrInt(ctx, 'transB') ? [b.shape[1], b.shape[0]] : [b.shape[0], b.shape[1]];
  if (!symEquals(k1, k2)) ctx.fail(`has inner dimensions ${formatSym(k1)} and ${formatSym(k2)} that differ (A ${formatSymShape(a.shape)}, B ${formatSymShape(b.shape)})`);
  const c = ctx.inputs[2];
  if (c) {
    const out = broadcast(ctx, [[m, n], c.shape]);
    if (out.length !== 2 || !symEquals(out[0], m) || !symEquals(out[1], n)) ctx.fail(`has C ${formatSymShape(c.shape)} that does not broadcast to [${formatSym(m)}, ${formatSym(n)}]`);
  }
  return [{ shape: [m, n] }];
};

/** numpy.matmul: 1-D operands are promoted and the added axis removed; leading axes broadcast. */
const matMul: ShapeRule = (ctx: RuleContext) => {
  const a = input(ctx, 0, 'A').shape;
  const b = input(ctx, 1, 'B').shape;
  if (a.length === 0 || b.length === 0) ctx.fail(`needs operands of rank >= 1, got ${formatSymShape(a)} and ${formatSymShape(b)}`);
  const a2 = a.length === 1 ? [fixed(1), a[0]] : a;
  const b2 = b.length === 1 ? [b[0], fixed(1)] : b;
  const k1 = a2[a2.length - 1];
  const k2 = b2[b2.length - 2];
  if (!symEquals(k1, k2)) ctx.fail(`has inner dimensions ${formatSym(k1)} and ${formatSym(k2)} that differ (A ${formatSymShape(a)}, B ${formatSymShape(b)})`);
  const batch = broadcast(ctx, [a2.slice(0, -2), b2.slice(0, -2)]);
  return [{ shape: [...batch, ...(a.length === 1 ? [] : [a2[a2.length - 2]]), ...(b.length === 1 ? [] : [b2[b2.length - 1]])] }];
};

// ---- windows (Conv, pooling) --------------------------------------------------------------------

interface WindowAxis {
  size: number;
  kernel: number;
  stride: number;
  dilation: number;
  padBegin: number;
  padEnd: number;
}

/**
 * Output size along one spatial axis, as the ONNX operators define it: explicit pads (NOTSET) or
 * none (VALID): floor((in + pads - ((k - 1) d + 1)) / s) + 1, with ceil instead of floor in ceil
 * mode (pooling), where a last window starting in the end padding is dropped (onnxruntime and
 * PyTorch); SAME_UPPER / SAME_LOWER: ceil(in / s).
 */
function windowOutputSize(ctx: RuleContext, axis: WindowAxis, autoPad: string, ceilMode: boolean): number {
  const { size, kernel, stride, dilation } = axis;
  if (![kernel, stride, dilation].every((v) => Number.isInteger(v) && v >= 1)) ctx.fail(`has kernel ${kernel}, stride ${stride}, dilation ${dilation}; each must be a positive integer`);
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') return Math.ceil(size / stride);
  if (autoPad !== 'NOTSET' && autoPad !== 'VALID') ctx.fail(`has auto_pad '${autoPad}', expected NOTSET, VALID, SAME_UPPER or SAME_LOWER`);
  const [padBegin, padEnd] = autoPad === 'VALID' ? [0, 0] : [axis.padBegin, axis.padEnd];
  const span = size + padBegin + padEnd - ((kernel - 1) * dilation + 1);
  if (span < 0) ctx.fail(`has a window ((kernel ${kernel} - 1) x dilation ${dilation} + 1) larger than its padded input (${size} + ${padBegin} + ${padEnd})`);
  if (!ceilMode) return Math.floor(span / stride) + 1;
  const out = Math.ceil(span / stride) + 1;
  return (out - 1) * stride >= size + padBegin ? out - 1 : out;
}

/** Spatial output sizes of a Conv or pooling node over X [N, C, spatial...]. */
function windowOutput(ctx: RuleContext, x: readonly SymInt[], kernel: readonly number[], ceilMode: boolean): number[] {
  const spatial = x.length - 2;
  const strides = attrInts(ctx, 'strides') ?? Array<number>(spatial).fill(1);
  const dilations = attrInts(ctx, 'dilations') ?? Array<number>(spatial).fill(1);
  const pads = attrInts(ctx, 'pads') ?? Array<number>(2 * spatial).fill(0);
  const autoPad = attrString(ctx, 'auto_pad') || 'NOTSET';
  if (kernel.length !== spatial || strides.length !== spatial || dilations.length !== spatial || pads.length !== 2 * spatial) {
    ctx.fail(`has kernel_shape [${kernel.join(', ')}], strides [${strides.join(', ')}], dilations [${dilations.join(', ')}], pads [${pads.join(', ')}] for ${spatial} spatial axes of X ${formatSymShape(x)}`);
  }
  return x.slice(2).map((d, i) =>
    windowOutputSize(ctx, { size: requireFixed(ctx, d, `spatial size`), kernel: kernel[i], stride: strides[i], dilation: dilations[i], padBegin: pads[i], padEnd: pads[i + spatial] }, autoPad, ceilMode),
  );
}

/** X [N, C, spatial...], W [M, C / group, kernel...], B [M] -> [N, M, out...]. */
const conv: ShapeRule = (ctx: RuleContext) => {
  const x = input(ctx, 0, 'X').shape;
  const w = input(ctx, 1, 'W').shape;
  if (x.length < 3 || w.length !== x.length) ctx.fail(`needs X [N, C, spatial...] and W [M, C/group, kernel...] of the same rank >= 3, got ${formatSymShape(x)} and ${formatSymShape(w)}`);
  const wDims = w.map((d) => requireFixed(ctx, d, 'a weight dimension'));
  const group = attrInt(ctx, 'group') ?? 1;
  const channels = requireFixed(ctx, x[1], 'input channels');
  if (!Number.isInteger(group) || group < 1 || wDims[0] % group !== 0 || channels !== wDims[1] * group) {
    ctx.fail(`has X with ${channels} channels, W ${formatSymShape(w)} and group ${group}: ONNX needs C = W[1] x group and M = W[0] divisible by group`);
  }
  const kernel = attrInts(ctx, 'kernel_shape') ?? wDims.slice(2);
  if (kernel.join() !== wDims.slice(2).join()) ctx.fail(`has kernel_shape [${kernel.join(', ')}] but W ${formatSymShape(w)}`);
  const bias = ctx.inputs[2];
  if (bias && (bias.shape.length !== 1 || !symEquals(bias.shape[0], fixed(wDims[0])))) ctx.fail(`has B ${formatSymShape(bias.shape)}, expected [${wDims[0]}]`);
  return [{ shape: [x[0], fixed(wDims[0]), ...windowOutput(ctx, x, kernel, false).map(fixed)] }];
};

/** MaxPool / AveragePool / LpPool: channels kept; MaxPool's optional Indices have Y's shape. */
const pool: ShapeRule = (ctx: RuleContext) => {
  const x = input(ctx, 0, 'X').shape;
  if (x.length < 3) ctx.fail(`needs X [N, C, spatial...], got ${formatSymShape(x)}`);
  const kernel = attrInts(ctx, 'kernel_shape');
  if (!kernel) ctx.fail('has no kernel_shape attribute (required)');
  const shape = [x[0], x[1], ...windowOutput(ctx, x, kernel, (attrInt(ctx, 'ceil_mode') ?? 0) !== 0).map(fixed)];
  return [{ shape }, { shape }];
};

const globalPool: ShapeRule = (ctx: RuleContext) => {
  const x = input(ctx, 0, 'X').shape;
  if (x.length < 3) ctx.fail(`needs X [N, C, spatial...], got ${formatSymShape(x)}`);
  return [{ shape: [x[0], x[1], ...x.slice(2).map(() => fixed(1))] }];
};

// ---- shape manipulation --------------------------------------------------------------------------

/** Target entries: 0 copies the input's dimension (unless allowzero), one -1 takes what is left. */
const reshape: ShapeRule = (ctx: RuleContext) => {
  const x = input(ctx, 0, 'data');
  const target = constSymInts(ctx, 1, 'target shape');
  const allowZero = (attrInt(ctx, 'allowzero') ?? 0) !== 0;
  let inferred = -1;
  const dims = target.map((t, i) => {
    if (isFixed(t) && t.factor === 0 && !allowZero) {
      if (i >= x.shape.length) ctx.fail(`has 0 at position ${i} of its target [${target.map(formatSym).join(', ')}], copying a dimension that ${formatSymShape(x.shape)} does not have`);
      return x.shape[i];
    }
    if (isFixed(t) && t.factor === -1) {
      if (inferred >= 0) ctx.fail(`has more than one -1 in its target [${target.map(formatSym).join(', ')}]`);
      inferred = i;
      return fixed(1);
    }
    if (t.factor < 0) ctx.fail(`has an invalid target dimension ${formatSym(t)}`);
    return t;
  });
  const total = symProduct(x.shape);
  const known = symProduct(dims);
  const describe = `${formatSymShape(x.shape)} to [${target.map(formatSym).join(', ')}]`;
  if (inferred < 0) {
    if (!symEquals(total, known)) ctx.fail(`cannot reshape ${describe}: ${formatSym(total)} elements vs ${formatSym(known)}`);
  } else {
    const rest = symDivide(total, known);
    if (!rest) ctx.fail(`cannot infer the -1 reshaping ${describe}: ${formatSym(total)} elements are not a multiple of ${formatSym(known)}`);
    dims[inferred] = rest;
  }
  return [{ shape: dims, ints: x.ints }];
};

const flatten: ShapeRule = (ctx: RuleContext) => {
  const x = input(ctx, 0, 'input');
  const rank = x.shape.length;
  const raw = attrInt(ctx, 'axis') ?? 1;
  const axis = raw < 0 ? raw + rank : raw;
  if (axis < 0 || axis > rank) ctx.fail(`has axis ${raw}, out of range for rank ${rank}`);
  return [{ shape: [symProduct(x.shape.slice(0, axis)), symProduct(x.shape.slice(axis))], ints: x.ints }];
};

const transpose: ShapeRule = (ctx: RuleContext) => {
  const x = input(ctx, 0, 'data');
  const rank = x.shape.length;
  const perm = attrInts(ctx, 'perm') ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
  if (perm.length !== rank || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) ctx.fail(`has perm [${perm.join(', ')}], not a permutation of the ${rank} axes of ${formatSymShape(x.shape)}`);
  return [{ shape: perm.map((p) => x.shape[p]), ints: rank <= 1 ? x.ints : undefined }];
};

const unsqueeze: ShapeRule = (ctx: RuleContext) => {
  const x = input(ctx, 0, 'data');
  const axes = intsFromAttributeOrInput(ctx, 'axes', 1);
  if (!axes) ctx.fail('has no axes (attribute or input 1)');
  const rank = x.shape.length + axes.length;
  const set = normAxes(ctx, axes, rank);
  const shape: SymInt[] = [];
  let j = 0;
  for (let i = 0; i < rank; i++) shape.push(set.has(i) ? fixed(1) : x.shape[j++]);
  return [{ shape, ints: x.ints }];
};

/** Without axes, removes the dimensions of fixed size 1 (the batch is never assumed to be 1). */
const squeeze: ShapeRule = (ctx: RuleContext) => {
  const x = input(ctx, 0, 'data');
  const axes = intsFromAttributeOrInput(ctx, 'axes', 1);
  const set = axes ? normAxes(ctx, axes, x.shape.length) : new Set(x.shape.flatMap((d, i) => (isOne(d) ? [i] : [])));
  for (const a of set) if (!isOne(x.shape[a])) ctx.fail(`squeezes axis ${a} of ${formatSymShape(x.shape)}, whose size is ${formatSym(x.shape[a])}, not 1`);
  return [{ shape: x.shape.filter((_, i) => !set.has(i)), ints: x.ints }];
};

const concat: ShapeRule = (ctx: RuleContext) => {
  const parts = ctx.node.input.map((_, i) => input(ctx, i, `input ${i}`));
  if (parts.length === 0) ctx.fail('has no inputs');
  const rank = parts[0].shape.length;
  const rawAxis = attrInt(ctx, 'axis');
  if (rawAxis === undefined) ctx.fail('has no axis attribute (required)');
  const axis = normAxis(ctx, rawAxis, rank);
  const shape = [...parts[0].shape];
  for (const p of parts.slice(1)) {
    if (p.shape.length !== rank) ctx.fail(`joins inputs of different ranks: ${parts.map((q) => formatSymShape(q.shape)).join(', ')}`);
    for (let i = 0; i < rank; i++) {
      if (i === axis) {
        const sum = symAdd(shape[i], p.shape[i]);
        if (!sum) ctx.fail(`joins ${formatSym(shape[i])} and ${formatSym(p.shape[i])} along axis ${axis}, whose sum is not a single multiple of the batch`);
        shape[i] = sum;
      } else if (!symEquals(shape[i], p.shape[i])) {
        ctx.fail(`joins inputs that differ outside axis ${axis}: ${parts.map((q) => formatSymShape(q.shape)).join(', ')}`);
      }
    }
  }
  // row-major data of inputs joined on axis 0 is the inputs' data one after the other
  const ints = axis === 0 && parts.every((p) => p.ints) && trackableCount(shape) !== undefined ? parts.flatMap((p) => p.ints as readonly SymInt[]) : undefined;
  return [{ shape, ints }];
};

/** Number of elements `start:end:step` selects from a dimension of size `size` (ONNX Slice clamping). */
function sliceLength(size: number, start: number, end: number, step: number): { start: number; length: number } {
  const s0 = start < 0 ? start + size : start;
  const e0 = end < 0 ? end + size : end;
  if (step > 0) {
    const s = Math.min(Math.max(s0, 0), size);
    const e = Math.min(Math.max(e0, 0), size);
    return { start: s, length: Math.max(0, Math.ceil((e - s) / step)) };
  }
  const s = Math.min(Math.max(s0, 0), size - 1);
  const e = Math.min(Math.max(e0, -1), size - 1);
  return { start: s, length: Math.max(0, Math.ceil((s - e) / -step)) };
}

const slice: ShapeRule = (ctx: RuleContext) => {
  const x = input(ctx, 0, 'data');
  const rank = x.shape.length;
  const fromAttributes = findAttribute(ctx.node, 'starts') !== undefined;
  const starts = fromAttributes ? (attrInts(ctx, 'starts') ?? []) : constInts(ctx, 1, 'starts');
  const ends = fromAttributes ? (attrInts(ctx, 'ends') ?? []) : constInts(ctx, 2, 'ends');
  const axes = (fromAttributes ? attrInts(ctx, 'axes') : ctx.inputs[3] ? constInts(ctx, 3, 'axes') : undefined) ?? starts.map((_, i) => i);
  const steps = (fromAttributes ? undefined : ctx.inputs[4] ? constInts(ctx, 4, 'steps') : undefined) ?? starts.map(() => 1);
  if (ends.length !== starts.length || axes.length !== starts.length || steps.length !== starts.length) {
    ctx.fail(`has starts [${starts.join(', ')}], ends [${ends.join(', ')}], axes [${axes.join(', ')}], steps [${steps.join(', ')}] of different lengths`);
  }
  const shape = [...x.shape];
  const normalized = [...normAxes(ctx, axes, rank)];
  let valueRange: { start: number; length: number; step: number } | undefined;
  normalized.forEach((axis, i) => {
    const d = x.shape[axis];
    if (steps[i] === 0) ctx.fail('has a step of 0');
    if (!isFixed(d)) {
      // slicing a batch-sized axis keeps it whole only for [0, end) with step 1
      if (starts[i] !== 0 || ends[i] < SLICE_TO_END || steps[i] !== 1) ctx.fail(`slices axis ${axis} of size ${formatSym(d)} (the batch) with ${starts[i]}:${ends[i]}:${steps[i]}; only the whole axis can be kept`);
      return;
    }
    const r = sliceLength(d.factor, starts[i], ends[i], steps[i]);
    shape[axis] = fixed(r.length);
    if (rank === 1) valueRange = { ...r, step: steps[i] };
  });
  let ints: SymInt[] | undefined;
  if (x.ints && rank === 1) {
    const r = valueRange ?? { start: 0, length: x.ints.length, step: 1 };
    ints = Array.from({ length: r.length }, (_, k) => (x.ints as readonly SymInt[])[r.start + k * r.step]);
  }
  return [{ shape, ints }];
};

/** data[:axis] + indices.shape + data[axis+1:]; values are followed for 1-D data (Gather of a Shape). */
const gather: ShapeRule = (ctx: RuleContext) => {
  const data = input(ctx, 0, 'data');
  const indices = input(ctx, 1, 'indices');
  const rank = data.shape.length;
  if (rank === 0) ctx.fail('gathers from a scalar');
  const axis = normAxis(ctx, attrInt(ctx, 'axis') ?? 0, rank);
  const shape = [...data.shape.slice(0, axis), ...indices.shape, ...data.shape.slice(axis + 1)];
  const size = data.shape[axis];
  let ints: SymInt[] | undefined;
  if (indices.ints && isFixed(size)) {
    const picked = fixedInts(ctx, indices.ints, 'indices').map((i) => {
      if (i < -size.factor || i >= size.factor) ctx.fail(`has index ${i}, out of range for axis ${axis} of size ${size.factor}`);
      return i < 0 ? i + size.factor : i;
    });
    if (data.ints && rank === 1) ints = picked.map((i) => (data.ints as readonly SymInt[])[i]);
  }
  return [{ shape, ints }];
};

/** Bidirectional broadcast of the input to the given shape (a 1 in either keeps the other). */
const expand: ShapeRule = (ctx: RuleContext) => {
  const x = input(ctx, 0, 'input');
  return [{ shape: broadcast(ctx, [x.shape, constSymInts(ctx, 1, 'shape')]) }];
};

const tile: ShapeRule = (ctx: RuleContext) => {
  const x = input(ctx, 0, 'input');
  const repeats = constInts(ctx, 1, 'repeats');
  if (repeats.length !== x.shape.length || repeats.some((r) => !Number.isInteger(r) || r < 0)) ctx.fail(`has repeats [${repeats.join(', ')}] for input ${formatSymShape(x.shape)}`);
  return [{ shape: x.shape.map((d, i) => symMul(d, fixed(repeats[i]))) }];
};

const pad: ShapeRule = (ctx: RuleContext) => {
  const x = input(ctx, 0, 'data');
  const rank = x.shape.length;
  const pads = intsFromAttributeOrInput(ctx, 'pads', 1);
  if (!pads) ctx.fail('has no pads (attribute or input 1)');
  const axes = ctx.inputs[3] ? [...normAxes(ctx, constInts(ctx, 3, 'axes'), rank)] : Array.from({ length: rank }, (_, i) => i);
  if (pads.length !== 2 * axes.length) ctx.fail(`has ${pads.length} pads for ${axes.length} axes (2 per axis)`);
  const shape = [...x.shape];
  axes.forEach((axis, i) => {
    const grown = symAdd(x.shape[axis], fixed(pads[i] + pads[i + axes.length]));
    if (!grown || grown.factor < 0) ctx.fail(`pads axis ${axis} of size ${formatSym(x.shape[axis])} by ${pads[i]} and ${pads[i + axes.length]}; a batch-sized axis cannot be padded`);
    shape[axis] = grown;
  });
  return [{ shape }];
};

// ---- shapes and constants -------------------------------------------------------------------------

/** The input's shape as values: what makes `x.view(x.size(0), -1)` exports resolvable. */
const shapeOf: ShapeRule = (ctx: RuleContext) => {
  const x = input(ctx, 0, 'data');
  const rank = x.shape.length;
  const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + rank : v, 0), rank);
  const start = clamp(attrInt(ctx, 'start') ?? 0);
  const end = clamp(attrInt(ctx, 'end') ?? rank);
  const dims = x.shape.slice(start, Math.max(start, end));
  return [{ shape: [fixed(dims.length)], ints: dims, fromInput: false }];
};

const size: ShapeRule = (ctx: RuleContext) => [{ shape: [], ints: [symProduct(input(ctx, 0, 'data').shape)], fromInput: false }];

function tensorOutput(tensor: OnnxTensor): RuleOutput {
  const count = elementCount(tensor.dims);
  const values = count <= MAX_TRACKED_INTS ? readIntegerValues(tensor) : undefined;
  return { shape: tensor.dims.map((d) => fixed(Number(d))), ints: values?.map(fixed) };
}

const constant: ShapeRule = (ctx: RuleContext) => {
  const a = ctx.node.attribute?.[0];
  if (!a || ctx.node.attribute?.length !== 1) ctx.fail('must have exactly one value attribute');
  switch (a.name) {
    case 'value':
      if (!a.t) ctx.fail("has a 'value' attribute without a tensor");
      return [tensorOutput(a.t)];
    case 'value_float':
      return [{ shape: [] }];
    case 'value_floats':
      return [{ shape: [fixed(a.floats?.length ?? 0)] }];
    case 'value_int':
      return [{ shape: [], ints: [fixed(Number(a.i ?? 0n))] }];
    case 'value_ints':
      return [{ shape: [fixed(a.ints?.length ?? 0)], ints: (a.ints ?? []).map((v) => fixed(Number(v))) }];
    case 'sparse_value':
      return [{ shape: (a.sparseTensor?.dims ?? []).map((d) => fixed(Number(d))) }];
    default:
      return ctx.fail(`has attribute '${a.name}' (strings are not tensors the pass can use)`);
  }
};

/** A tensor of the given (possibly batch-sized) shape filled with one value; integer fills are tracked. */
const constantOfShape: ShapeRule = (ctx: RuleContext) => {
  const shape = constSymInts(ctx, 0, 'shape');
  if (shape.some((d) => d.factor < 0)) ctx.fail(`has a negative dimension in [${shape.map(formatSym).join(', ')}]`);
  const value = attribute(ctx, 'value', ATTRIBUTE_TYPE.TENSOR)?.t;
  const fill = value ? readIntegerValues(value) : undefined;
  const count = trackableCount(shape);
  return [{ shape, ints: fill?.length === 1 && count !== undefined ? Array<SymInt>(count).fill(fixed(fill[0])) : undefined }];
};

/** Range(start, limit, delta) on constant integers: max(ceil((limit - start) / delta), 0) elements. */
const range: ShapeRule = (ctx: RuleContext) => {
  const [start, limit, delta] = [0, 1, 2].map((i) => {
    const v = constInts(ctx, i, ['start', 'limit', 'delta'][i]);
    if (v.length !== 1) ctx.fail(`needs scalar start, limit and delta`);
    return v[0];
  });
  if (delta === 0) ctx.fail('has delta 0');
  const n = Math.max(Math.ceil((limit - start) / delta), 0);
  return [{ shape: [fixed(n)], ints: n <= MAX_TRACKED_INTS ? Array.from({ length: n }, (_, i) => fixed(start + i * delta)) : undefined }];
};

// ---- reductions -----------------------------------------------------------------------------------

/** Axes from the attribute (older opsets) or input 1; none means all axes, or none with noop_with_empty_axes. */
const reduce: ShapeRule = (ctx: RuleContext) => {
  const x = input(ctx, 0, 'data');
  const axes = intsFromAttributeOrInput(ctx, 'axes', 1) ?? [];
  const keepDims = (attrInt(ctx, 'keepdims') ?? 1) !== 0;
  if (axes.length === 0 && (attrInt(ctx, 'noop_with_empty_axes') ?? 0) !== 0) return [{ shape: x.shape }];
  const set = axes.length === 0 ? new Set(x.shape.map((_, i) => i)) : normAxes(ctx, axes, x.shape.length);
  return [{ shape: keepDims ? x.shape.map((d, i) => (set.has(i) ? fixed(1) : d)) : x.shape.filter((_, i) => !set.has(i)) }];
};

const argReduce: ShapeRule = (ctx: RuleContext) => {
  const x = input(ctx, 0, 'data');
  const axis = normAxis(ctx, attrInt(ctx, 'axis') ?? 0, x.shape.length);
  const keepDims = (attrInt(ctx, 'keepdims') ?? 1) !== 0;
  return [{ shape: keepDims ? x.shape.map((d, i) => (i === axis ? fixed(1) : d)) : x.shape.filter((_, i) => i !== axis) }];
};

// ---- the table --------------------------------------------------------------------------------------

const UNARY = [
  'Relu', 'Tanh', 'Sigmoid', 'Exp', 'Log', 'Abs', 'Sqrt', 'Reciprocal', 'Erf', 'Floor', 'Ceil', 'Round', 'Sign', 'Not',
  'Softmax', 'LogSoftmax', 'Hardmax', 'Clip', 'LeakyRelu', 'Elu', 'Selu', 'Celu', 'Gelu', 'HardSigmoid', 'HardSwish',
  'Softplus', 'Softsign', 'Mish', 'ThresholdedRelu', 'Shrink', 'Sin', 'Cos', 'IsNaN', 'IsInf', 'LRN', 'LpNormalization',
  'InstanceNormalization', 'CastLike',
] as const; // prettier-ignore

const BROADCAST = ['Pow', 'Max', 'Min', 'Sum', 'Mean', 'Mod', 'Equal', 'Greater', 'Less', 'GreaterOrEqual', 'LessOrEqual', 'And', 'Or', 'Xor'] as const;

/**
 * Shape rules by operator (default ONNX domain). Every operator the @cristal exporters emit is here
 * (Gemm, MatMul, Add, Sub, Mul, Div, Max, Min, Greater, Where, Cast, Softmax, Exp, Log, Relu, Tanh,
 * Sigmoid, Identity, ReduceSum, ReduceMean, Reshape, Transpose, Conv, MaxPool, Concat, Unsqueeze,
 * Squeeze), and so is what PyTorch writes for MLPs and LeNets (Flatten, Shape/Gather/Concat
 * reshapes, pooling, BatchNormalization, Dropout, Constant, ...).
 */
export const SHAPE_RULES: Readonly<Record<string, ShapeRule>> = {
  ...Object.fromEntries(UNARY.map((op) => [op, sameShape])),
  ...Object.fromEntries(BROADCAST.map((op) => [op, broadcastRule()])),
  Add: broadcastRule(symAdd),
  Sub: broadcastRule((a, b) => symAdd(a, symNegate(b))),
  Mul: broadcastRule(symMul),
  Div: broadcastRule(intDivide),
  Neg: neg,
  Identity: passThrough,
  Cast: passThrough,
  Dropout: dropout,
  BatchNormalization: batchNormalization,
  LayerNormalization: layerNormalization,
  Where: where,
  PRelu: prelu,
  Gemm: gemm,
  MatMul: matMul,
  Conv: conv,
  MaxPool: pool,
  AveragePool: pool,
  LpPool: pool,
  GlobalAveragePool: globalPool,
  GlobalMaxPool: globalPool,
  GlobalLpPool: globalPool,
  Reshape: reshape,
  Flatten: flatten,
  Transpose: transpose,
  Unsqueeze: unsqueeze,
  Squeeze: squeeze,
  Concat: concat,
  Slice: slice,
  Gather: gather,
  Expand: expand,
  Tile: tile,
  Pad: pad,
  Shape: shapeOf,
  Size: size,
  Constant: constant,
  ConstantOfShape: constantOfShape,
  Range: range,
  ReduceSum: reduce,
  ReduceMean: reduce,
  ReduceMax: reduce,
  ReduceMin: reduce,
  ReduceProd: reduce,
  ReduceL1: reduce,
  ReduceL2: reduce,
  ReduceLogSum: reduce,
  ReduceLogSumExp: reduce,
  ReduceSumSquare: reduce,
  ArgMax: argReduce,
  ArgMin: argReduce,
};

/** The operators the static shape pass (and so the graph MAC counter) understands, sorted. */
export const SUPPORTED_OPS: readonly string[] = Object.keys(SHAPE_RULES).sort();
