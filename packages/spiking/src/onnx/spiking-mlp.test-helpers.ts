import type { ClassifierMetadata } from '@cristal/onnx';

export const SPIKING_TEST_METADATA: ClassifierMetadata = {
  project: 'spiking',
  experiment: 'onnx-export',
  runId: 'run-0007',
  gitCommit: '89abcdef0123456789abcdef0123456789abcdef',
  configHash: 'sha256:def',
  modelFamily: 'spiking-mlp',
  testMetrics: { accuracy: 0.9731, ece: 0.021 },
};
