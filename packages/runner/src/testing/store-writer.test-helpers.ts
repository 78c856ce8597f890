// A child process of the concurrency test: opens the shared store and writes runs and metrics,
// each write in its own transaction, as a real run would.
import { RunStore } from '../store/run-store';
import type { RunRecord } from '../store/run-record';

const [home, worker, runs, metricsPerRun] = process.argv.slice(2);

function record(id: string): RunRecord {
  return {
    id,
    project: 'p',
    experiment: 'e',
    profile: 'quick',
    name: null,
    tags: ['concurrency'],
    status: 'running',
    config: { worker: Number(worker) },
    configHash: 'h',
    seed: 0,
    git: { commit: null, dirty: null },
    command: ['test'],
    host: 'h',
    pid: process.pid,
    versions: { node: process.version, runner: '0', packages: {}, backend: null },
    startedAt: new Date().toISOString(),
    endedAt: null,
    summary: null,
    error: null,
    checkpointStep: null,
    sweepId: null,
    runDir: '/nowhere',
    artifacts: [],
  };
}

const store = RunStore.open(home);
for (let r = 0; r < Number(runs); r++) {
  const id = `w${worker}-r${r}`;
  store.createRun(record(id));
  for (let step = 1; step <= Number(metricsPerRun); step++) {
    store.addMetrics(id, [{ context: 'train', name: 'loss', step, epoch: null, value: step / 7, time: new Date().toISOString() }]);
  }
  store.addArtifact(id, { path: 'a.txt', sha256: 'x'.repeat(64), bytes: 1 });
  store.updateRun(id, { status: 'finished', summary: { last: Number(metricsPerRun) }, endedAt: new Date().toISOString() });
}
store.close();
