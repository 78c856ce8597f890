import { ATTRIBUTE_TYPE, type OnnxAttribute, type OnnxGraph, type OnnxModel, type OnnxSparseTensor, type OnnxTensor, elementCount, isFloatingPoint } from './onnx-structure';

function floatElements(tensor: OnnxTensor | undefined): number {
  return tensor && isFloatingPoint(tensor.dataType) ? elementCount(tensor.dims) : 0;
}

/** A sparse tensor stores only its non-zeros: those are the parameters. */
function sparseFloatElements(sparse: OnnxSparseTensor | undefined): number {
  return floatElements(sparse?.values);
}

/** Float numbers a Constant node holds, in any of the forms ONNX allows. */
function constantElements(attribute: OnnxAttribute): number {
  switch (attribute.name) {
    case 'value':
      return floatElements(attribute.t);
    case 'sparse_value':
      return sparseFloatElements(attribute.sparseTensor);
    case 'value_float':
      return 1;
    case 'value_floats':
      return attribute.floats?.length ?? 0;
    default:
      // value_int(s) and value_string(s): shapes, axes, labels, never weights
      return 0;
  }
}

/** Subgraphs (If, Loop, Scan bodies) own initializers and constants too. */
function subgraphs(attribute: OnnxAttribute): readonly OnnxGraph[] {
  if (attribute.type === ATTRIBUTE_TYPE.GRAPH && attribute.g) return [attribute.g];
  if (attribute.type === ATTRIBUTE_TYPE.GRAPHS) return attribute.graphs ?? [];
  return [];
}

function graphParameters(graph: OnnxGraph): number {
  let count = 0;
  for (const t of graph.initializer) count += floatElements(t);
  for (const s of graph.sparseInitializer ?? []) count += sparseFloatElements(s);
  for (const node of graph.node) {
    for (const a of node.attribute ?? []) {
      if (node.opType === 'Constant' && (!node.domain || node.domain === 'ai.onnx')) count += constantElements(a);
      for (const g of subgraphs(a)) count += graphParameters(g);
    }
  }
  return count;
}

/**
 * Parameters of a model: the element count of its floating-point tensors (float32, float16,
 * float64, bfloat16 and the 8/4-bit float formats), wherever the file keeps them:
 * - initializers (dense, and the stored non-zeros of sparse ones), also inside subgraphs;
 * - Constant nodes holding floats, because some exporters (PyTorch without constant folding,
 *   tf2onnx) write weights that way and a weight is a weight wherever it is stored. The scalars this
 *   also counts (a softmax temperature, a LIF beta and threshold) are a handful of numbers.
 * Integer tensors never count: they are shapes, axes, indices (a Reshape target is not a parameter),
 * and neither do bool ones (masks). What counts is what the file stores: a sampled Bayesian
 * ensemble counts its K stacked weight samples (a layer shared by all of them once).
 */
export function countParameters(model: OnnxModel): number {
  return model.graph ? graphParameters(model.graph) : 0;
}
