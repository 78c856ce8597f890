import type { DType } from '../proto/data-type';

/** A dimension: a size, or a symbol (`'batch'`) fixed only when the model runs. */
export type Dim = number | string;
export type Shape = readonly Dim[];

/** A named tensor in a graph under construction (an input, an initializer or a node's output). */
export interface Value {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: Shape;
}

export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}
