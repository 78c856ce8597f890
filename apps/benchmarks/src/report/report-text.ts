// The sentences every report states about how the leaderboard was produced, as plain text. Each
// renderer escapes them for its own format, so the three reports cannot drift apart in wording.
import type { Leaderboard } from '../leaderboard/leaderboard-types';
import { formatCount, formatDegrees, formatTimestamp } from './format';

/** The report's heading. */
export const REPORT_TITLE = 'MNIST classifier leaderboard';

/** 'profile quick, 2026-01-02 10:00 UTC, run abc' (the run only when recorded). */
export function provenanceSummary(board: Leaderboard): string {
  const run = board.runId === undefined ? '' : `, run ${board.runId}`;
  return `profile ${board.profile}, ${formatTimestamp(board.createdAt)}${run}`;
}

/** '2 CPUs (AMD EPYC 7B13), 24 GiB memory, linux'. */
export function machineSummary(board: Leaderboard): string {
  const { cpus, cpuModel, memoryGiB, platform } = board.machine;
  const memory = Number.isFinite(memoryGiB) ? `${Number(memoryGiB.toFixed(1))} GiB` : 'unknown';
  return `${cpus} ${cpus === 1 ? 'CPU' : 'CPUs'} (${cpuModel}), ${memory} memory, ${platform}`;
}

/** 'node 20.20.2, onnxruntime-node 1.30.0' in the record's order; 'none recorded' when empty. */
export function versionsSummary(board: Leaderboard): string {
  const entries = Object.entries(board.versions);
  return entries.length === 0 ? 'none recorded' : entries.map(([name, version]) => `${name} ${version}`).join(', ');
}

/** What every model was scored on: test set, rotations and OOD set, with image counts. */
export function dataSummary(board: Leaderboard): string {
  const { test, testImages, ood, oodImages, rotations } = board.data;
  const rotated = rotations.filter((degrees) => degrees !== 0);
  const rotation = rotated.length === 0 ? 'no rotations' : `rotated by ${rotated.map(formatDegrees).join(', ')}`;
  return `${test} (${formatCount(testImages)} images), also ${rotation}; OOD: ${ood} (${formatCount(oodImages)} images) against the test images`;
}

/** How the cost columns were obtained, which the table headers are too short to say. */
export function measurementNote(board: Leaderboard): string {
  const energyModels = distinct(board.models.map((m) => m.cost.energyModel));
  const batches = distinct(board.models.map((m) => String(m.speed.throughputBatch)));
  const energy = energyModels.length === 0 ? '' : `Energy per sample = MACs × E_MAC + SOPs × E_AC under ${energyModels.join('; ')}. `;
  const speed = `Latency: onnxruntime-node, batch 1, median; throughput: batch ${batches.join('/') || '–'}, median, on this machine.`;
  return `${energy}${speed} SOPs: synaptic operations of spiking models (– for non-spiking ones).`;
}

function distinct(values: readonly string[]): string[] {
  return [...new Set(values)];
}
