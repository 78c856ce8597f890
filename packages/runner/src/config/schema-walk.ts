import type { z } from 'zod';

// Zod 4 exposes its structure through `_zod.def`; these helpers read only the parts the runner needs
// (object shapes, wrappers, defaults, descriptions), so a schema stays an ordinary zod schema.
type AnySchema = z.ZodType;
interface Def {
  type: string;
  shape?: Record<string, AnySchema>;
  innerType?: AnySchema;
  defaultValue?: unknown;
}

const WRAPPERS = new Set(['default', 'optional', 'nullable', 'prefault', 'readonly', 'catch', 'nonoptional']);

function defOf(schema: AnySchema): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** The schema under default/optional/nullable wrappers. */
export function unwrapSchema(schema: AnySchema): AnySchema {
  let current = schema;
  for (let def = defOf(current); WRAPPERS.has(def.type) && def.innerType; def = defOf(current)) current = def.innerType;
  return current;
}

/** The fields of an object schema (through wrappers), or undefined for anything else. */
export function objectShape(schema: AnySchema): Record<string, AnySchema> | undefined {
  const def = defOf(unwrapSchema(schema));
  return def.type === 'object' ? def.shape : undefined;
}

/** The description of a field, wherever it sits in its wrapper chain. */
export function describedAs(schema: AnySchema): string | undefined {
  let current: AnySchema | undefined = schema;
  while (current) {
    if (current.description) return current.description;
    const def = defOf(current);
    current = WRAPPERS.has(def.type) ? def.innerType : undefined;
  }
  return undefined;
}

/** The defaults the schema declares, as a plain object tree (fields without a default are absent). */
export function schemaDefaults(schema: AnySchema): unknown {
  const def = defOf(schema);
  if (def.type === 'default' && def.innerType) {
    const own = def.defaultValue;
    const inner = schemaDefaults(def.innerType);
    return isPlainObject(own) && isPlainObject(inner) ? deepMerge(inner, own) : own;
  }
  if (WRAPPERS.has(def.type) && def.innerType) return schemaDefaults(def.innerType);
  if (def.type === 'object' && def.shape) {
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(def.shape)) {
      const value = schemaDefaults(field);
      if (value !== undefined) out[key] = value;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  return undefined;
}

/** Dotted paths of fields (leaves and objects) that carry no description. */
export function undescribedFields(schema: AnySchema, prefix = ''): string[] {
  const shape = objectShape(schema);
  if (!shape) return [];
  const missing: string[] = [];
  for (const [key, field] of Object.entries(shape)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (!describedAs(field)) missing.push(path);
    missing.push(...undescribedFields(field, path));
  }
  return missing;
}

/** Every leaf field as [dotted path, description], for `lab list` and documentation. */
export function describeFields(schema: AnySchema, prefix = ''): Array<{ path: string; description: string }> {
  const shape = objectShape(schema);
  if (!shape) return [];
  return Object.entries(shape).flatMap(([key, field]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    const nested = describeFields(field, path);
    return nested.length > 0 ? nested : [{ path, description: describedAs(field) ?? '' }];
  });
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Later layers win; objects merge key by key, anything else (arrays too) is replaced whole. */
export function deepMerge(base: Record<string, unknown>, layer: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(layer)) {
    const existing = out[key];
    out[key] = isPlainObject(existing) && isPlainObject(value) ? deepMerge(existing, value) : value;
  }
  return out;
}
