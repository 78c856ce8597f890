import type { ClassifierMetadata } from '@cristal/onnx';

export const PC_TEST_METADATA: ClassifierMetadata = {
  project: 'predictive-coding',
  experiment: 'onnx-export-test',
  runId: 'run-0001',
  gitCommit: '0123456789abcdef0123456789abcdef01234567',
  configHash: 'sha256:abc',
  modelFamily: 'predictive-coding',
  testMetrics: { accuracy: 0.9, ece: 0.02 },
};
