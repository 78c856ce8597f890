import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { z } from 'zod';
import { UsageError } from './config-error';
import { parseOverride, readConfigFile, resolveConfig } from './resolve-config';
import { schemaDefaults } from './schema-walk';

const schema = z.object({
  steps: z.number().int().min(1).default(10).describe('steps'),
  name: z.string().default('base').describe('name'),
  model: z
    .object({
      hidden: z.number().int().min(1).max(64).default(8).describe('hidden units'),
      activation: z.enum(['relu', 'tanh']).default('relu').describe('activation'),
    })
    .default({ hidden: 8, activation: 'relu' })
    .describe('model'),
  lr: z.number().positive().default(0.1).describe('learning rate'),
});

function issuesOf(fn: () => unknown): Array<{ path: string; message: string }> {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return [...(error as UsageError).issues];
  }
  throw new Error('expected a UsageError');
}

describe('resolveConfig', () => {
  it('layers defaults, profile, file and overrides in that order', () => {
    const config = resolveConfig(schema, { profile: { steps: 20, name: 'profile' }, file: { steps: 30, model: { hidden: 16 } }, overrides: ['steps=40'] }, 'x');
    expect(config).toEqual({ steps: 40, name: 'profile', model: { hidden: 16, activation: 'relu' }, lr: 0.1 });
  });

  it('reads override values as YAML scalars', () => {
    expect(parseOverride('a.b=1e-3')).toEqual({ a: { b: 0.001 } });
    expect(parseOverride('flag=true')).toEqual({ flag: true });
    expect(parseOverride('list=[1, 2]')).toEqual({ list: [1, 2] });
    expect(parseOverride('name=adam')).toEqual({ name: 'adam' });
    expect(() => parseOverride('novalue')).toThrow(UsageError);
  });

  it('lists every problem with its key path', () => {
    const issues = issuesOf(() => resolveConfig(schema, { overrides: ['steps=0', 'model.hiden=3', 'model.activation=sigmoid', 'lr=fast', 'extra=1'] }, 'x'));
    expect(issues.map((i) => i.path).sort()).toEqual(['extra', 'lr', 'model.activation', 'model.hiden', 'steps']);
    expect(issues.find((i) => i.path === 'model.hiden')?.message).toContain('"hidden"');
  });

  it('extracts nested defaults from the schema', () => {
    expect(schemaDefaults(schema)).toEqual({ steps: 10, name: 'base', model: { hidden: 8, activation: 'relu' }, lr: 0.1 });
  });

  it('reads YAML config files and rejects non-mappings', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-'));
    fs.writeFileSync(path.join(dir, 'a.yaml'), 'model:\n  hidden: 32\nlr: 1e-2\n');
    fs.writeFileSync(path.join(dir, 'b.yaml'), '- 1\n- 2\n');
    expect(readConfigFile(path.join(dir, 'a.yaml'))).toEqual({ model: { hidden: 32 }, lr: 0.01 });
    expect(() => readConfigFile(path.join(dir, 'b.yaml'))).toThrow(/mapping/);
    expect(() => readConfigFile(path.join(dir, 'missing.yaml'))).toThrow(/no such file/);
  });
});
