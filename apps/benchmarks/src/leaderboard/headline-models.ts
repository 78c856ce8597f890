/**
 * One model on the leaderboard: which project experiment trains it, with which settings per
 * profile, and which of the run's ONNX artifacts is the model. The benchmarks app never imports
 * another app: it asks the runner to run `project:experiment` by name and scores the file.
 */
export interface HeadlineModel {
  id: string;
  label: string;
  /** `project:experiment`. */
  experiment: string;
  /** The run's artifact that holds this model. */
  artifact: string;
  /** `key=value` overrides, as `lab run --set`, per profile of the child run. */
  overrides: { quick: readonly string[]; full: readonly string[] };
}

/**
 * The projects' headline models. Quick: each project's quick profile (one epoch on 10,000
 * images), seeds fixed by the leaderboard; full: the projects' full protocols.
 */
export const HEADLINE_MODELS: readonly HeadlineModel[] = [
  {
    id: 'mlp',
    label: 'Deterministic MLP 784-400-400-10',
    experiment: 'info-homeostasis:calibration',
    artifact: 'model.onnx',
    overrides: { quick: ['method=deterministic'], full: ['method=deterministic'] },
  },
  {
    id: 'bbb',
    label: 'Bayes-by-backprop MLP 784-400-400-10',
    experiment: 'info-homeostasis:calibration',
    artifact: 'model.onnx',
    overrides: { quick: ['method=bbb'], full: ['method=bbb'] },
  },
  {
    id: 'homeostatic',
    label: 'Homeostatic BBB MLP (fixed set point)',
    experiment: 'info-homeostasis:calibration',
    artifact: 'model.onnx',
    // the set points where BBB ends its full training (app README): the variant that regulates
    overrides: {
      quick: ['method=homeostatic', 'homeostasis.setPoint=fixed', 'homeostasis.klSetPoint=3', 'homeostasis.snrSetPointDb=17'],
      full: ['method=homeostatic', 'homeostasis.setPoint=fixed', 'homeostasis.klSetPoint=3', 'homeostasis.snrSetPointDb=17'],
    },
  },
  {
    id: 'fc-snn',
    label: 'FC SNN (LIF 784-1000-10, T 25)',
    experiment: 'spiking-hopfield:classifier',
    artifact: 'model.onnx',
    overrides: { quick: ['model=fc-snn'], full: ['model=fc-snn'] },
  },
  {
    id: 'spiking-hopfield',
    label: 'Spiking Hopfield lookup classifier (T 16)',
    experiment: 'spiking-hopfield:classifier',
    artifact: 'model.onnx',
    overrides: { quick: ['model=spiking-hopfield'], full: ['model=spiking-hopfield'] },
  },
  {
    id: 'pc',
    label: 'Predictive coding MLP 784-256-256-10',
    experiment: 'predictive-coding:pc-vs-bp',
    artifact: 'model.onnx',
    overrides: { quick: [], full: [] },
  },
  {
    id: 'bayesian-pc',
    label: 'Bayesian predictive coding MLP 784-256-256-10',
    experiment: 'predictive-coding:bayesian',
    artifact: 'model.onnx',
    overrides: { quick: [], full: [] },
  },
];

/** The headline models named by `ids` (all when empty), in leaderboard order; unknown ids are an error. */
export function selectHeadlineModels(ids: readonly string[], models: readonly HeadlineModel[] = HEADLINE_MODELS): HeadlineModel[] {
  const unknown = ids.filter((id) => !models.some((m) => m.id === id));
  if (unknown.length > 0) throw new Error(`Unknown headline model ${unknown.map((u) => `'${u}'`).join(', ')}; the leaderboard knows ${models.map((m) => m.id).join(', ')}.`);
  return ids.length === 0 ? [...models] : models.filter((m) => ids.includes(m.id));
}
