import type { Layer } from '@cristal/bayesian';

/**
 * Per-layer sensor readings are keyed by layer name, so two layers with one name would overwrite each
 * other's reading without a trace. Throws, naming the duplicates, unless every name is distinct.
 */
export function assertUniqueLayerNames(layers: readonly Layer[], who: string): void {
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const layer of layers) {
    if (seen.has(layer.name)) duplicates.add(layer.name);
    seen.add(layer.name);
  }
  if (duplicates.size > 0) {
    throw new Error(
      `${who}: readings are keyed by layer name, but ${[...duplicates].map((n) => `'${n}'`).join(', ')} ` +
        `name more than one layer; give every variational layer its own \`name\` option.`,
    );
  }
}
