import { tf, type RandomStream, type Tensor, type Variable } from '@cristal/tensor';

/**
 * The tensors of a parameter tree (a nested plain object of tensors, as every layer and model here
 * keeps its parameters) keyed by their path (`pooling/keyWeight`), in the tree's key order: the names
 * under which a checkpoint (e.g. safetensors) can store them.
 */
export function flattenParameters(tree: object, prefix = ''): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}/${key}` : key;
    if (value instanceof tf.Tensor) out[path] = value;
    else if (value !== null && typeof value === 'object') Object.assign(out, flattenParameters(value as object, path));
    else throw new Error(`flattenParameters: '${path}' is ${String(value)}, not a tensor; a parameter tree holds only tensors and nested objects of tensors.`);
  }
  return out;
}

/** The trainable variables of a tree, for `tf.variableGrads` or an optimizer. */
export function trainableVariables(tree: object): Variable[] {
  return Object.values(flattenParameters(tree)).filter((t): t is Variable => t instanceof tf.Variable && t.trainable);
}

export function disposeParameters(tree: object): void {
  tf.dispose(Object.values(flattenParameters(tree)));
}

/**
 * A trainable variable drawn from `stream`. Named `${scope}/${name}` when a scope is given; without
 * one TF.js picks a unique name (variable names are global in TF.js, so fixed names collide when
 * two layers are built in one process).
 */
export function drawVariable(stream: RandomStream, shape: number[], init: { uniform: number } | { normal: number }, name: string, scope?: string): Variable {
  const initial = 'uniform' in init ? stream.uniformTensor(shape, -init.uniform, init.uniform) : stream.normalTensor(shape, 0, init.normal);
  const variable = tf.variable(initial, true, scope ? `${scope}/${name}` : undefined);
  initial.dispose();
  return variable;
}
