/**
 * Quick: a smoke test of the whole path in seconds to a minute on 2 cores. Full: the numbers the
 * README quotes (one seed per run; `lab sweep --seeds 0..4` for five).
 */
export const PC_VS_BP_PROFILES = {
  quick: { trainExamples: 10_000, epochs: 1 },
  full: { trainExamples: 0, epochs: 20 },
};

export const EQUIVALENCE_PROFILES = {
  quick: { hidden: [64, 64], batchSize: 16, convergedSteps: 2000 },
  full: { hidden: [256, 256], batchSize: 64, convergedSteps: 3000 },
};

export const SPIKING_ONLINE_PROFILES = {
  quick: { samples: 1_000, testSamples: 500, evaluateEvery: 250, switchAt: 500, baselines: ['pc'], budgetScales: [1, 10], budgetSamples: 500 },
  full: { samples: 10_000, testSamples: 2_000, evaluateEvery: 1_000, switchAt: 5_000, baselines: ['pc', 'backprop'], budgetScales: [1, 3, 10], budgetSamples: 5_000 },
};

export const BAYESIAN_PROFILES = {
  quick: { trainExamples: 10_000, epochs: 1, predictiveSamples: 8, exportSamples: 8 },
  full: { trainExamples: 0, epochs: 10, predictiveSamples: 16, exportSamples: 16 },
};
