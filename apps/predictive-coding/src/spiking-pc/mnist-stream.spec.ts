import { loadMnist } from '@cristal/datasets';
import { mnistDefaultRMax, mnistRotationStreamPlan, MNIST_SPIKING_STREAM_DEFAULTS } from './mnist-stream';

describe('the MNIST rotation stream plan', () => {
  it('streams the first training images, then the same images rotated from the switch on, and evaluates on both test versions', () => {
    const plan = mnistRotationStreamPlan({ ...MNIST_SPIKING_STREAM_DEFAULTS, samples: 100, testSamples: 50, evaluateEvery: 20, switchAt: 60, degrees: 90 });
    expect(plan.samples).toBe(100);
    expect(plan.phases.map((p) => [p.name, p.startsAt, p.source.size])).toEqual([['original', 0, 100], ['rotated90', 60, 100]]);
    expect(plan.evaluationSets.map((s) => [s.name, s.source.size])).toEqual([['original', 50], ['rotated90', 50]]);
    // image 60 of the stream (the first after the switch) is training image 60 turned by 90 degrees:
    // the same pixels (a rotation by 90 degrees is a permutation) under the same label, not in place
    const original = plan.phases[0].source.rows(60, 1);
    const rotated = plan.phases[1].source.rows(60, 1);
    expect(Array.from(rotated.labels)).toEqual([loadMnist().train.labels[60]]);
    expect(Array.from(original.labels)).toEqual(Array.from(rotated.labels));
    expect(Array.from(rotated.features).sort()).toEqual(Array.from(original.features).sort());
    expect(Array.from(rotated.features)).not.toEqual(Array.from(original.features));
    // row r, column c of the rotated image is row c, column 27 - r of the original (counter-clockwise)
    const turned = Array.from({ length: 784 }, (_, p) => original.features[(p % 28) * 28 + (27 - Math.floor(p / 28))]);
    expect(Array.from(rotated.features)).toEqual(turned);
  });

  it('without a switch there is one phase and one evaluation set; asking for more images than MNIST has is an error', () => {
    const plan = mnistRotationStreamPlan({ ...MNIST_SPIKING_STREAM_DEFAULTS, samples: 10, testSamples: 10, switchAt: null });
    expect(plan.phases.map((p) => p.name)).toEqual(['original']);
    expect(plan.evaluationSets.map((s) => s.name)).toEqual(['original']);
    expect(() => mnistRotationStreamPlan({ ...MNIST_SPIKING_STREAM_DEFAULTS, samples: 70_000 })).toThrow(/asks for 70000 training and 2000 test images; MNIST has 60000 and 10000/);
    expect(mnistDefaultRMax([256, 256])).toEqual([0.1, 0.1, 1]);
  });
});
