import { median } from '../scoring/inference-speed';
import type { ModelScore, ReliabilityBin } from './leaderboard-types';

const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / v.length;
/** Sample standard deviation (n - 1), as `lab compare` reports it. */
const std = (v: readonly number[]) => {
  if (v.length < 2) return 0;
  const m = mean(v);
  return Math.sqrt(v.reduce((a, x) => a + (x - m) ** 2, 0) / (v.length - 1));
};
const meanOrNull = (v: readonly (number | null)[]) => (v.some((x) => x === null) ? null : mean(v as number[]));

/** Pools reliability bins over seeds: counts add, confidence and accuracy average weighted by count. */
function poolBins(perSeed: readonly ReliabilityBin[][]): ReliabilityBin[] {
  const byRange = new Map<string, ReliabilityBin[]>();
  for (const bins of perSeed) for (const b of bins) byRange.set(`${b.lower}|${b.upper}`, [...(byRange.get(`${b.lower}|${b.upper}`) ?? []), b]);
  return [...byRange.values()]
    .map((group) => {
      const count = group.reduce((n, b) => n + b.count, 0);
      const weighted = (key: 'confidence' | 'accuracy') => (count > 0 ? group.reduce((s, b) => s + b.count * b[key], 0) / count : 0);
      return { lower: group[0].lower, upper: group[0].upper, count, confidence: weighted('confidence'), accuracy: weighted('accuracy') };
    })
    .sort((a, b) => a.lower - b.lower || a.upper - b.upper);
}

/**
 * One leaderboard row for a model trained with several seeds: the mean of every score (rotation
 * by angle), reliability bins pooled over seeds, mean operation counts, median speed, and the
 * spread over seeds of the headline metrics. The seeds must be the same model (same id prefix,
 * same parameter count): averaging different architectures would mean nothing.
 */
export function aggregateSeedScores(id: string, label: string, seeds: readonly ModelScore[]): ModelScore {
  if (seeds.length === 0) throw new Error(`aggregateSeedScores: no scores for ${id}.`);
  const parameters = new Set(seeds.map((s) => s.cost.parameters));
  if (parameters.size > 1) throw new Error(`aggregateSeedScores: the seeds of ${id} have different parameter counts (${[...parameters].join(', ')}); they are not the same model.`);
  const degrees = seeds[0].rotation.map((r) => r.degrees);
  for (const s of seeds) {
    if (s.rotation.map((r) => r.degrees).join() !== degrees.join()) throw new Error(`aggregateSeedScores: ${s.id} was scored at other rotations than ${seeds[0].id}.`);
  }
  const pick = (f: (s: ModelScore) => number) => seeds.map(f);
  const first = seeds[0];
  return {
    id,
    label,
    project: first.project,
    family: first.family,
    source: seeds.map((s) => s.source).join(', '),
    onnxFile: first.onnxFile,
    spiking: first.spiking,
    test: {
      accuracy: mean(pick((s) => s.test.accuracy)),
      nll: mean(pick((s) => s.test.nll)),
      ece: mean(pick((s) => s.test.ece)),
      brier: mean(pick((s) => s.test.brier)),
      reliability: poolBins(seeds.map((s) => s.test.reliability)),
    },
    rotation: degrees.map((d, i) => ({ degrees: d, accuracy: mean(pick((s) => s.rotation[i].accuracy)), ece: mean(pick((s) => s.rotation[i].ece)) })),
    oodAuroc: mean(pick((s) => s.oodAuroc)),
    cost: {
      parameters: first.cost.parameters,
      macsPerSample: meanOrNull(seeds.map((s) => s.cost.macsPerSample)),
      sopsPerSample: meanOrNull(seeds.map((s) => s.cost.sopsPerSample)),
      energyNanojoulesPerSample: meanOrNull(seeds.map((s) => s.cost.energyNanojoulesPerSample)),
      energyModel: first.cost.energyModel,
      macsSource: first.cost.macsSource,
      ...(seeds.find((s) => s.cost.unavailable) ? { unavailable: seeds.find((s) => s.cost.unavailable)?.cost.unavailable } : {}),
    },
    speed: { latencyMs: median(pick((s) => s.speed.latencyMs)), throughputPerSecond: median(pick((s) => s.speed.throughputPerSecond)), throughputBatch: first.speed.throughputBatch },
    seeds: {
      count: seeds.length,
      sources: seeds.map((s) => s.source),
      std: {
        accuracy: std(pick((s) => s.test.accuracy)),
        nll: std(pick((s) => s.test.nll)),
        ece: std(pick((s) => s.test.ece)),
        brier: std(pick((s) => s.test.brier)),
        oodAuroc: std(pick((s) => s.oodAuroc)),
      },
    },
  };
}
