// The dependency rules are only real if a violation fails lint. These cases lint a probe file placed
// (virtually: nothing is written) inside a project, with the repository's own ESLint config and graph.
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createProjectGraphAsync } from '@nx/devkit';

const workspaceRoot = path.resolve(__dirname, '..', '..');
const RULE = '@nx/enforce-module-boundaries';

// The real ESLint CLI in a child process: exactly what `nx lint` runs (its ESM config cannot load
// inside Jest's module sandbox anyway).
async function boundaryErrors(projectDir: string, importName: string): Promise<string[]> {
  const eslintBin = path.join(path.dirname(require.resolve('eslint')), '..', 'bin', 'eslint.js');
  const probe = path.join(projectDir, 'src', 'boundary-probe.ts');
  const r = spawnSync(process.execPath, [eslintBin, '--format', 'json', '--stdin', '--stdin-filename', probe], {
    cwd: workspaceRoot,
    input: `import * as probe from '${importName}';\nexport const used = probe;\n`,
    encoding: 'utf8',
  });
  if (!r.stdout.startsWith('[')) throw new Error(`eslint did not run: ${r.stderr}`);
  const [result] = JSON.parse(r.stdout) as { messages: { ruleId: string; message: string }[] }[];
  return result.messages.filter((m) => m.ruleId === RULE).map((m) => m.message);
}

beforeAll(async () => {
  // The rule reads the cached project graph; make sure it exists and is current.
  await createProjectGraphAsync({ exitOnError: false });
});

describe('module boundaries', () => {
  it('fails lint when an app imports another app', async () => {
    const errors = await boundaryErrors('apps/spiking-hopfield', '@cristal/predictive-coding');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/type:app.*type:lib/);
  });

  it('fails lint when a library imports an app', async () => {
    const errors = await boundaryErrors('packages/metrics', '@cristal/benchmarks');
    expect(errors).toHaveLength(1);
  });

  it('fails lint when tensor imports any of our libraries', async () => {
    expect(await boundaryErrors('packages/tensor', '@cristal/datasets')).toHaveLength(1);
  });

  it('fails lint when a model family imports the other one', async () => {
    expect(await boundaryErrors('packages/spiking', '@cristal/bayesian')).toHaveLength(1);
  });

  it('allows the declared direction: an app uses libraries, a library uses a lower layer', async () => {
    expect(await boundaryErrors('apps/spiking-hopfield', '@cristal/spiking')).toEqual([]);
    expect(await boundaryErrors('packages/spiking', '@cristal/tensor')).toEqual([]);
  });
});
