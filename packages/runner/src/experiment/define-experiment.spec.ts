import { z } from 'zod';
import { defineExperiment } from './define-experiment';
import { ExperimentRegistry } from './registry';

const run = async (): Promise<Record<string, number>> => ({});

describe('defineExperiment', () => {
  it('rejects config fields without a description, naming them', () => {
    const schema = z.object({ a: z.number().default(1).describe('a'), b: z.object({ c: z.number().default(2) }).describe('b') });
    expect(() => defineExperiment({ name: 'x', description: '', schema, profiles: { quick: {}, full: {} }, run })).toThrow(/b\.c/);
  });

  it('rejects names that are not lowercase identifiers', () => {
    expect(() => defineExperiment({ name: 'Bad Name', description: '', schema: z.object({}), profiles: { quick: {}, full: {} }, run })).toThrow(/lowercase/);
  });
});

describe('ExperimentRegistry', () => {
  const make = (name: string) => defineExperiment({ name, description: name, schema: z.object({}), profiles: { quick: {}, full: {} }, run });
  const registry = new ExperimentRegistry([
    { project: 'spiking-hopfield', load: () => [make('classifier'), make('capacity')] },
    { project: 'benchmarks', load: () => [make('leaderboard')] },
  ]);

  it('finds experiments by project:name', () => {
    expect(registry.get('benchmarks:leaderboard').experiment.name).toBe('leaderboard');
    expect(registry.all()).toHaveLength(3);
  });

  it('suggests the closest names for a typo in either part', () => {
    expect(() => registry.get('spiking-hopfield:clasifier')).toThrow(/Did you mean spiking-hopfield:classifier\?/);
    expect(() => registry.get('spiking-hopfeld:capacity')).toThrow(/spiking-hopfield:capacity/);
    expect(() => registry.get('nocolon')).toThrow(/<project>:<experiment>/);
  });
});
