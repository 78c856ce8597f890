import { type Dim, type Shape, formatShape } from './value';

/**
 * Shape rules of the operators the builder emits, applied while the graph is built so a wrong weight
 * shape fails at export, naming the node, instead of as an opaque onnxruntime error at load time.
 * Symbolic dimensions unify with anything: only sizes known on both sides can disagree.
 */
export class ShapeError extends Error {
  constructor(node: string, op: string, detail: string) {
    super(`node '${node}' (${op}): ${detail}`);
    this.name = 'ShapeError';
  }
}

export interface NodeRef {
  readonly node: string;
  readonly op: string;
}

function fail(at: NodeRef, detail: string): never {
  throw new ShapeError(at.node, at.op, detail);
}

function sameDim(a: Dim, b: Dim): boolean {
  return typeof a === 'string' || typeof b === 'string' || a === b;
}

/** Unifies two dimensions, preferring a known size over a symbol. */
function unify(a: Dim, b: Dim): Dim {
  return typeof a === 'number' ? a : b;
}

function normAxis(at: NodeRef, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) fail(at, `axis ${axis} is out of range for rank ${rank}`);
  return a;
}

/** Numpy-style multidirectional broadcasting (Add, Mul, Where, Max, ...). */
export function broadcastShapes(at: NodeRef, shapes: readonly Shape[]): Shape {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    let dim: Dim = 1;
    for (const s of shapes) {
      const d = s[s.length - rank + i] ?? 1;
      if (d === 1) continue;
      if (dim === 1) dim = d;
      else if (!sameDim(dim, d)) fail(at, `shapes ${shapes.map(formatShape).join(' and ')} do not broadcast (dimension ${dim} vs ${d})`);
      else dim = unify(dim, d);
    }
    out.push(dim);
  }
  return out;
}

export function matMulShape(at: NodeRef, a: Shape, b: Shape): Shape {
  if (a.length < 2 || b.length < 2) fail(at, `operands must have rank >= 2, got ${formatShape(a)} and ${formatShape(b)}`);
  const k1 = a[a.length - 1];
  const k2 = b[b.length - 2];
  if (!sameDim(k1, k2)) fail(at, `inner dimensions differ: A ${formatShape(a)} and B ${formatShape(b)}`);
  const batch = broadcastShapes(at, [a.slice(0, -2), b.slice(0, -2)]);
  return [...batch, a[a.length - 2], b[b.length - 1]];
}

export function gemmShape(at: NodeRef, a: Shape, b: Shape, c: Shape | null, transA: boolean, transB: boolean): Shape {
  if (a.length !== 2 || b.length !== 2) fail(at, `A and B must be 2-D, got ${formatShape(a)} and ${formatShape(b)}`);
  const [m, k1] = transA ? [a[1], a[0]] : [a[0], a[1]];
  const [k2, n] = transB ? [b[1], b[0]] : [b[0], b[1]];
  if (!sameDim(k1, k2)) fail(at, `inner dimensions differ: A ${formatShape(a)} and B ${formatShape(b)}`);
  const y: Shape = [m, n];
  if (c) {
    const out = broadcastShapes(at, [y, c]);
    if (out.length !== 2 || !sameDim(out[0], m) || !sameDim(out[1], n)) fail(at, `C ${formatShape(c)} does not broadcast to ${formatShape(y)}`);
  }
  return y;
}

export function reduceShape(at: NodeRef, x: Shape, axes: readonly number[], keepDims: boolean): Shape {
  const set = new Set(axes.map((a) => normAxis(at, a, x.length)));
  if (set.size !== axes.length) fail(at, `repeated axis in [${axes.join(', ')}]`);
  return keepDims ? x.map((d, i) => (set.has(i) ? 1 : d)) : x.filter((_, i) => !set.has(i));
}

export function reshapeShape(at: NodeRef, x: Shape, target: readonly number[]): Shape {
  const symbols = x.filter((d): d is string => typeof d === 'string');
  const known = x.reduce<number>((p, d) => (typeof d === 'number' ? p * d : p), 1);
  const dims: Dim[] = target.map((d, i) => {
    if (d === 0) {
      if (i >= x.length) fail(at, `0 at position ${i} copies a dimension that ${formatShape(x)} does not have`);
      return x[i];
    }
    if (d < -1) fail(at, `invalid target dimension ${d}`);
    return d;
  });
  const inferred = dims.filter((d) => d === -1).length;
  if (inferred > 1) fail(at, `more than one -1 in target [${target.join(', ')}]`);
  const targetKnown = dims.reduce<number>((p, d) => (typeof d === 'number' && d !== -1 ? p * d : p), 1);
  const targetSymbols = dims.filter((d): d is string => typeof d === 'string');
  const leftover = symbols.filter((s) => !targetSymbols.includes(s));
  const mismatch = () => fail(at, `cannot reshape ${formatShape(x)} to [${target.join(', ')}]`);
  if (inferred === 0) {
    if (leftover.length > 0 || known !== targetKnown) mismatch();
    return dims;
  }
  if (known % targetKnown !== 0) mismatch();
  const rest = known / targetKnown;
  if (leftover.length > 1) mismatch();
  // a symbol folded into -1 with a leftover factor has no single name: it stays an anonymous symbol
  const fill: Dim = leftover.length === 0 ? rest : rest === 1 ? leftover[0] : `${leftover[0]}*${rest}`;
  return dims.map((d) => (d === -1 ? fill : d));
}

export function transposeShape(at: NodeRef, x: Shape, perm: readonly number[]): Shape {
  const sorted = [...perm].sort((a, b) => a - b);
  if (perm.length !== x.length || sorted.some((p, i) => p !== i)) fail(at, `perm [${perm.join(', ')}] is not a permutation of the ${x.length} axes of ${formatShape(x)}`);
  return perm.map((p) => x[p]);
}

export interface ConvGeometry {
  strides: readonly number[];
  pads: readonly number[];
  dilations: readonly number[];
  group: number;
}

export function convShape(at: NodeRef, x: Shape, w: Shape, b: Shape | null, g: ConvGeometry): Shape {
  const spatial = x.length - 2;
  if (spatial < 1 || w.length !== x.length) fail(at, `X ${formatShape(x)} and W ${formatShape(w)} must both be [N, C, spatial...] / [M, C/group, kernel...]`);
  const channels = x[1];
  if (typeof channels === 'number' && typeof w[1] === 'number' && channels !== w[1] * g.group) {
    fail(at, `X has ${channels} channels but W ${formatShape(w)} expects ${w[1]} x group ${g.group}`);
  }
  if (b && (b.length !== 1 || !sameDim(b[0], w[0]))) fail(at, `B ${formatShape(b)} must be [${w[0]}]`);
  const out: Dim[] = [x[0], w[0]];
  for (let i = 0; i < spatial; i++) {
    const size = x[2 + i];
    const k = w[2 + i];
    if (typeof size !== 'number' || typeof k !== 'number') {
      out.push(`${at.node}:${i}`);
      continue;
    }
    const extent = size + g.pads[i] + g.pads[i + spatial] - g.dilations[i] * (k - 1) - 1;
    if (extent < 0) fail(at, `kernel ${formatShape(w)} is larger than padded input ${formatShape(x)}`);
    out.push(Math.floor(extent / g.strides[i]) + 1);
  }
  return out;
}

export function concatShape(at: NodeRef, shapes: readonly Shape[], axis: number): Shape {
  const rank = shapes[0].length;
  const ax = normAxis(at, axis, rank);
  const out: Dim[] = [...shapes[0]];
  for (const s of shapes.slice(1)) {
    if (s.length !== rank) fail(at, `ranks differ: ${formatShape(shapes[0])} and ${formatShape(s)}`);
    for (let i = 0; i < rank; i++) {
      if (i === ax) {
        const a = out[i];
        const d = s[i];
        out[i] = typeof a === 'number' && typeof d === 'number' ? a + d : `${at.node}:${i}`;
      } else if (!sameDim(out[i], s[i])) {
        fail(at, `shapes ${formatShape(shapes[0])} and ${formatShape(s)} differ outside axis ${axis}`);
      } else out[i] = unify(out[i], s[i]);
    }
  }
  return out;
}

export function unsqueezeShape(at: NodeRef, x: Shape, axes: readonly number[]): Shape {
  const rank = x.length + axes.length;
  const set = new Set(axes.map((a) => normAxis(at, a, rank)));
  if (set.size !== axes.length) fail(at, `repeated axis in [${axes.join(', ')}]`);
  const out: Dim[] = [];
  let j = 0;
  for (let i = 0; i < rank; i++) out.push(set.has(i) ? 1 : x[j++]);
  return out;
}

export function squeezeShape(at: NodeRef, x: Shape, axes: readonly number[]): Shape {
  const set = new Set(axes.map((a) => normAxis(at, a, x.length)));
  for (const a of set) if (x[a] !== 1 && typeof x[a] === 'number') fail(at, `axis ${a} of ${formatShape(x)} has size ${x[a]}, not 1`);
  return x.filter((_, i) => !set.has(i));
}

export function checkAxis(at: NodeRef, axis: number, rank: number): number {
  return normAxis(at, axis, rank);
}
