import type { OnnxModel } from './onnx-structure';
import { StaticShapeError } from './static-shape-error';
import { type StaticNode, inferStaticShapes } from './static-shapes';
import { type SymInt, formatSym, formatSymShape, symMul, symProduct } from './sym-int';

/** One multiply-accumulating node and its share of the count. */
export interface NodeMacs {
  /** The node's name (or `<unnamed #i -> output>`). */
  node: string;
  op: string;
  macsPerSample: number;
}

export interface GraphMacs {
  /** Sum over `nodes`. */
  perSample: number;
  /** Every Gemm, MatMul and Conv, in graph order (0 for those computed from constants alone). */
  nodes: NodeMacs[];
}

/** Total MACs of one node as a multiple of a power of the batch, or undefined for a node without MACs. */
function nodeMacs(n: StaticNode): SymInt | undefined {
  const shapeOf = (i: number) => n.inputs[i]?.shape ?? [];
  switch (n.node.opType) {
    case 'Gemm': {
      // the rule checked A and B are 2-D: M x K x N, however they are transposed
      const [a, b] = [shapeOf(0), shapeOf(1)];
      const transA = n.node.attribute?.some((x) => x.name === 'transA' && Number(x.i ?? 0n) !== 0) ?? false;
      const transB = n.node.attribute?.some((x) => x.name === 'transB' && Number(x.i ?? 0n) !== 0) ?? false;
      return symProduct([transA ? a[1] : a[0], transA ? a[0] : a[1], transB ? b[0] : b[1]]);
    }
    case 'MatMul': {
      // every output element is a dot product over A's last axis
      const a = shapeOf(0);
      return symMul(symProduct(n.outputs[0]?.shape ?? []), a[a.length - 1]);
    }
    case 'Conv': {
      // every output element sums over C/group input channels x the kernel window: W[1] x prod(W[2:])
      const w = shapeOf(1);
      return symMul(symProduct(n.outputs[0]?.shape ?? []), symProduct(w.slice(1)));
    }
    default:
      return undefined;
  }
}

/**
 * Dense multiply-accumulates of the graph, per sample, from its static shapes (`inferStaticShapes`):
 * - Gemm: M x K x N, i.e. K x N per row of A;
 * - MatMul: (elements of the output) x (the reduced axis), batched and broadcast MatMuls included,
 *   so K stacked networks of a Bayesian ensemble cost K times one network;
 * - Conv: (elements of the output) x (C_in / group) x kH x kW (x kD ...).
 * Everything else counts 0: elementwise ops, activations, softmax, normalisations, pooling, and the
 * bias additions are not multiply-accumulates, and are small next to the products (the convention
 * of thop, fvcore and the SNN energy literature). A product computed from constants alone (no path
 * from an input) counts 0 too: onnxruntime folds it once when it loads the model.
 *
 * Each node's total is c x B for the symbolic batch B and counts c per sample; a node whose cost
 * does not scale like that (independent of the batch, or B^2 from mixing samples) is refused with a
 * `StaticShapeError`, as is any graph the shape pass cannot resolve.
 */
export function countGraphMacs(model: OnnxModel): GraphMacs {
  const nodes: NodeMacs[] = [];
  for (const n of inferStaticShapes(model).nodes) {
    const total = nodeMacs(n);
    if (total === undefined) continue;
    const fromInput = n.inputs.some((v) => v?.fromInput === true);
    let perSample = 0;
    if (fromInput && total.factor !== 0) {
      if (total.power !== 1) {
        const shapes = n.inputs.map((v) => (v ? formatSymShape(v.shape) : '-')).join(', ');
        throw new StaticShapeError(
          n.label,
          n.node.opType,
          `costs ${formatSym(total)} MACs for a batch of B (inputs ${shapes}), not a fixed number per sample; it mixes samples or ignores the batch, so a per-sample count would be wrong: have the exporter write 'macs_per_sample'`,
        );
      }
      perSample = total.factor;
    }
    nodes.push({ node: n.label, op: n.node.opType, macsPerSample: perSample });
  }
  return { perSample: nodes.reduce((s, n) => s + n.macsPerSample, 0), nodes };
}

/** `countGraphMacs(model).perSample`: dense MACs per sample counted on the graph. */
export function graphMacsPerSample(model: OnnxModel): number {
  return countGraphMacs(model).perSample;
}
