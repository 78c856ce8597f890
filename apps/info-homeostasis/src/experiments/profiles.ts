/**
 * Quick: one epoch on 10,000 images, a smoke test of the whole path (minutes on 2 cores). Full: the
 * protocol's numbers, 50 epochs on all 50,000 images with a cosine schedule.
 */
export const CALIBRATION_PROFILES = {
  // 79 steps: the homeostat updates every 4 and sets its set points over the first 5 updates
  quick: { epochs: 1, trainExamples: 10_000, predictiveSamples: 8, exportSamples: 8, homeostasis: { updateEvery: 4, warmupUpdates: 5 } },
  full: { epochs: 50, trainExamples: 0, predictiveSamples: 32, exportSamples: 16 },
};
