import { loadFashionMnist, shiftedMnistTest } from '@cristal/datasets';
import { assessPredictive, oodDetection } from '@cristal/metrics';
import { defineExperiment, svgLineChart } from '@cristal/runner';
import { z } from 'zod';
import { exportingMethodSchema, STOCHASTIC_METHODS } from '../methods/method-config';
import { CALIBRATION_PROFILES } from './profiles';
import { ROTATIONS, shiftProtocolData } from './protocol';
import { trainAndExport } from './train-and-export';

const schema = exportingMethodSchema.extend({
  rotations: z.array(z.number().min(0).max(360)).min(1).default(ROTATIONS).describe('Rotation angles of the MNIST test set, degrees.'),
});

interface RotationRow {
  degrees: number;
  accuracy: number;
  nll: number;
  ece: number;
  brier: number;
  meanEntropy: number;
}

function table(method: string, rows: RotationRow[], ood: Record<string, number>): string {
  const lines = [
    `# Shift: ${method}`,
    '',
    '| rotation (deg) | accuracy | NLL | ECE | Brier | mean predictive entropy (nats) |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.degrees} | ${r.accuracy.toFixed(4)} | ${r.nll.toFixed(4)} | ${r.ece.toFixed(4)} | ${r.brier.toFixed(4)} | ${r.meanEntropy.toFixed(4)} |`),
    '',
    '| OOD (Fashion-MNIST test vs MNIST test) | AUROC |',
    '| --- | ---: |',
    ...Object.entries(ood).map(([k, v]) => `| ${k} | ${v.toFixed(4)} |`),
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * Dataset shift (Ovadia et al. 2019): the metrics of the calibration experiment on the MNIST test set
 * rotated from 0 to 180 degrees, and out-of-distribution detection of Fashion-MNIST by predictive
 * entropy and by mutual information (stochastic methods only: a single network has none).
 */
export const shift = defineExperiment({
  name: 'shift',
  description: 'Accuracy, NLL, ECE and Brier against rotation (0-180 deg) and Fashion-MNIST OOD AUROC (entropy, mutual information) of one method; exports model.onnx.',
  schema,
  profiles: CALIBRATION_PROFILES,
  run: async (ctx) => {
    const config = ctx.config;
    const data = shiftProtocolData(config.trainExamples);
    const { model, test, summary } = await trainAndExport(ctx, data, { verifyOnnx: config.verifyOnnx });
    try {
      const shifted = shiftedMnistTest();
      const rows: RotationRow[] = [];
      for (const degrees of config.rotations) {
        const a = degrees === 0 ? test : assessPredictive((x) => model.samples(x), shifted.rotated(degrees));
        const meanEntropy = a.predictiveEntropy.reduce((s, v) => s + v, 0) / a.predictiveEntropy.length;
        rows.push({ degrees, accuracy: a.accuracy, nll: a.nll, ece: a.ece, brier: a.brier, meanEntropy });
        ctx.metrics.logMany({ accuracy: a.accuracy, nll: a.nll, ece: a.ece, brier: a.brier }, { step: degrees, context: 'rotation' });
        for (const [k, v] of Object.entries({ accuracy: a.accuracy, ece: a.ece, nll: a.nll })) summary[`rot${degrees}/${k}`] = v;
      }
      const fashion = assessPredictive((x) => model.samples(x), loadFashionMnist().test);
      // higher uncertainty means out of distribution
      const ood: Record<string, number> = { 'predictive entropy': oodDetection(test.predictiveEntropy, fashion.predictiveEntropy, 'out').auroc };
      if (STOCHASTIC_METHODS.includes(config.method) || config.method === 'deep-ensemble') {
        ood['mutual information'] = oodDetection(test.mutualInformation, fashion.mutualInformation, 'out').auroc;
      }
      summary['ood_auroc_entropy'] = ood['predictive entropy'];
      if (ood['mutual information'] !== undefined) summary['ood_auroc_mi'] = ood['mutual information'];
      const label = `${config.method} (${config.architecture})`;
      ctx.artifacts.write('shift.json', `${JSON.stringify({ method: config.method, architecture: config.architecture, rotations: rows, ood }, null, 2)}\n`);
      ctx.artifacts.write('shift.md', table(label, rows, ood));
      for (const metric of ['accuracy', 'ece', 'nll'] as const) {
        ctx.artifacts.write(`${metric}-vs-rotation.svg`, svgLineChart(`${label}: ${metric} vs rotation (deg)`, [{ name: label, points: rows.map((r) => [r.degrees, r[metric]] as const) }], 560, 300));
      }
      return summary;
    } finally {
      model.dispose();
    }
  },
});
