import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level, so equal configs serialise identically. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Identifies a resolved config independent of key order: the first 16 hex digits of its sha256. */
export function configHash(config: unknown): string {
  return sha256(canonicalJson(config)).slice(0, 16);
}
