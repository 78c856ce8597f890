import { type OnnxModel, type OnnxNode, type OnnxTensor, type OnnxValueInfo, elementCount, readIntegerValues } from './onnx-structure';
import { SHAPE_RULES, type RuleContext, type StaticValue } from './static-shape-rules';
import { StaticShapeError } from './static-shape-error';
import { BATCH, type SymInt, fixed } from './sym-int';

export type { StaticValue } from './static-shape-rules';
export { SUPPORTED_OPS } from './static-shape-rules';

/** One node with what the pass knows about its inputs and outputs. */
export interface StaticNode {
  readonly node: OnnxNode;
  /** The node's name, or `<unnamed #i -> output>` when the file gives none: what messages call it. */
  readonly label: string;
  /** One per input position; undefined for an omitted optional input. */
  readonly inputs: readonly (StaticValue | undefined)[];
  /** One per output position; undefined for an omitted optional output. */
  readonly outputs: readonly (StaticValue | undefined)[];
}

export interface StaticShapes {
  /** Every named tensor of the graph: inputs, initializers and node outputs. */
  readonly values: ReadonlyMap<string, StaticValue>;
  /** The nodes in the order they were resolved (the file's order when it is topologically sorted). */
  readonly nodes: readonly StaticNode[];
}

/** Integer initializers longer than this are data (embedding indices), not shapes: not tracked. */
const MAX_TRACKED_INITIALIZER = 1 << 16;

function nodeLabel(node: OnnxNode, index: number): string {
  return node.name !== '' ? node.name : `<unnamed #${index} -> ${node.output[0] ?? '?'}>`;
}

function initializerValue(tensor: OnnxTensor): StaticValue {
  const values = elementCount(tensor.dims) <= MAX_TRACKED_INITIALIZER ? readIntegerValues(tensor) : undefined;
  return { shape: tensor.dims.map((d) => fixed(Number(d))), ints: values?.map(fixed), fromInput: false };
}

/**
 * A graph input as the pass sees it: axis 0 is the batch B whatever the file declares there (a
 * symbol, or a number from an exporter that fixed it), every other axis must be a fixed size.
 */
function graphInputValue(info: OnnxValueInfo): StaticValue {
  const where = `graph input '${info.name}'`;
  const type = info.type?.value;
  if (type?.case !== 'tensorType') throw new StaticShapeError(where, '', 'is not a tensor');
  const dims = type.value.shape?.dim;
  if (!dims || dims.length === 0) throw new StaticShapeError(where, '', 'declares no shape (or is a scalar); the pass needs [batch, ...] with fixed sizes after the batch');
  const shape: SymInt[] = dims.map((d, axis) => {
    if (axis === 0) return BATCH;
    if (d.value.case !== 'dimValue') {
      throw new StaticShapeError(where, '', `has a symbolic or unknown size on axis ${axis}; only axis 0 (the batch) may vary: export it with a fixed size there`);
    }
    return fixed(Number(d.value.value));
  });
  return { shape, fromInput: true };
}

function resolveNode(node: OnnxNode, label: string, values: ReadonlyMap<string, StaticValue>): StaticNode {
  const fail: (detail: string) => never = (detail) => {
    throw new StaticShapeError(label, node.opType, detail);
  };
  if (node.domain && node.domain !== 'ai.onnx') fail(`is in operator domain '${node.domain}', which the static shape pass does not know`);
  const rule = SHAPE_RULES[node.opType];
  if (!rule) {
    fail(
      `is not supported by the static shape pass; add a shape rule for ${node.opType} in apps/benchmarks/src/scoring/cost/static-shape-rules.ts, or have the exporter write the 'macs_per_sample' metadata`,
    );
  }
  const inputs = node.input.map((name) => (name === '' ? undefined : values.get(name)));
  const ctx: RuleContext = { node, inputs, fail };
  const results = rule(ctx);
  const fromInput = inputs.some((v) => v?.fromInput === true);
  const outputs = node.output.map((name, i) => {
    if (name === '') return undefined;
    const r = results[i];
    if (!r) fail(`has output ${i} ('${name}'), which the static shape pass does not model for ${node.opType}`);
    return { shape: r.shape, ints: r.ints, fromInput: r.fromInput ?? fromInput };
  });
  return { node, label, inputs, outputs };
}

/**
 * Static shape propagation through the main graph, with the batch size kept as the symbol B (see
 * `SymInt`): every graph input is [B, fixed...], initializers and Constant nodes are known tensors,
 * and each node's outputs follow from its operator's rule (`SUPPORTED_OPS`). Nodes are taken in
 * dependency order even when the file lists them otherwise.
 *
 * Throws `StaticShapeError` naming the node and its operator when an operator has no rule, a shape
 * depends on data (a Reshape to a computed shape), or the shapes are inconsistent: the caller shows
 * 'n/a' rather than a count that might be wrong.
 */
export function inferStaticShapes(model: OnnxModel): StaticShapes {
  const graph = model.graph;
  if (!graph) throw new StaticShapeError('the model', '', 'has no graph');
  const values = new Map<string, StaticValue>();
  for (const t of graph.initializer) values.set(t.name, initializerValue(t));
  // initializers listed among the inputs too (older PyTorch exports) stay constants
  for (const info of graph.input) if (!values.has(info.name)) values.set(info.name, graphInputValue(info));

  const resolved: { index: number; node: StaticNode }[] = [];
  let queue = graph.node.map((node, index) => ({ node, index }));
  while (queue.length > 0) {
    const deferred: typeof queue = [];
    for (const item of queue) {
      if (item.node.input.some((name) => name !== '' && !values.has(name))) {
        deferred.push(item);
        continue;
      }
      const node = resolveNode(item.node, nodeLabel(item.node, item.index), values);
      node.outputs.forEach((v, i) => {
        if (v) values.set(item.node.output[i], v);
      });
      resolved.push({ index: item.index, node });
    }
    if (deferred.length === queue.length) {
      const stuck = deferred[0];
      const missing = stuck.node.input.find((name) => name !== '' && !values.has(name));
      throw new StaticShapeError(
        nodeLabel(stuck.node, stuck.index),
        stuck.node.opType,
        `reads '${missing}', which is neither a graph input, an initializer nor the output of a node that can be resolved (a cycle, or a value produced inside a subgraph)`,
      );
    }
    queue = deferred;
  }
  resolved.sort((a, b) => a.index - b.index);
  return { values, nodes: resolved.map((r) => r.node) };
}
