import * as fs from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { configError, UsageError, type ConfigIssue } from './config-error';
import { closestNames } from './edit-distance';
import { deepMerge, isPlainObject, objectShape, schemaDefaults } from './schema-walk';

export interface ConfigLayers {
  profile?: Record<string, unknown>;
  file?: Record<string, unknown>;
  /** `key.path=value` strings; values are YAML scalars (`1e-3`, `true`, `[1, 2]`, `adam`). */
  overrides?: readonly string[];
}

/** `a.b=3` -> {a: {b: 3}}; the value is read as YAML so numbers, booleans and lists keep their type. */
export function parseOverride(text: string): Record<string, unknown> {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UsageError(`--set expects key.path=value, got "${text}".`);
  const path = text.slice(0, eq).trim();
  const raw = text.slice(eq + 1);
  if (path.split('.').some((part) => part === '')) throw new UsageError(`--set: bad key path "${path}" in "${text}".`);
  let value: unknown;
  try {
    value = raw.trim() === '' ? '' : parseYaml(raw);
  } catch (error) {
    throw new UsageError(`--set ${path}: cannot read "${raw}" as a YAML value (${(error as Error).message.split('\n')[0]}).`);
  }
  return path
    .split('.')
    .reverse()
    .reduce<unknown>((inner, key) => ({ [key]: inner }), value) as Record<string, unknown>;
}

export function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--config ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}.`);
  }
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new UsageError(`--config ${file}: not valid YAML: ${(error as Error).message}`);
  }
  if (value === null || value === undefined) return {};
  if (!isPlainObject(value)) throw new UsageError(`--config ${file}: expected a mapping of keys to values at the top level.`);
  return value;
}

/** Keys present in `value` that the schema does not declare, with their paths. */
export function unknownKeys(schema: z.ZodType, value: unknown, prefix = ''): ConfigIssue[] {
  const shape = objectShape(schema);
  if (!shape || !isPlainObject(value)) return [];
  const known = Object.keys(shape);
  return Object.entries(value).flatMap(([key, inner]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    if (!(key in shape)) {
      const near = closestNames(key, known);
      return [{ path, message: `unknown key${near.length > 0 ? ` (did you mean ${near.map((n) => `"${n}"`).join(', ')}?)` : ''}` }];
    }
    return unknownKeys(shape[key], inner, path);
  });
}

/**
 * schema defaults -> profile -> file -> overrides, then validation. Every problem is collected (unknown
 * keys and zod's type/range issues) and thrown together, so one attempt shows all that is wrong.
 */
export function resolveConfig<S extends z.ZodType>(schema: S, layers: ConfigLayers, source: string): z.output<S> {
  const defaults = schemaDefaults(schema);
  let merged: Record<string, unknown> = isPlainObject(defaults) ? defaults : {};
  if (layers.profile) merged = deepMerge(merged, layers.profile);
  if (layers.file) merged = deepMerge(merged, layers.file);
  for (const override of layers.overrides ?? []) merged = deepMerge(merged, parseOverride(override));
  const issues = unknownKeys(schema, merged);
  const result = schema.safeParse(merged);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const path = issue.path.map(String).join('.');
      if (issue.code === 'unrecognized_keys') continue; // strict objects: already reported with suggestions
      issues.push({ path, message: issue.message });
    }
  }
  if (issues.length > 0) throw configError(source, issues);
  return (result as { data: z.output<S> }).data;
}
