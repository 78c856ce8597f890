import { reliabilityDiagram, type Matrix } from '@cristal/metrics';
import { svgLineChart, type Series } from '@cristal/runner';

/** Reliability diagram (15 bins): accuracy against mean confidence per non-empty bin, with the diagonal of perfect calibration. */
export function reliabilitySvg(title: string, probabilities: Matrix, labels: ArrayLike<number>): string {
  const bins = reliabilityDiagram(probabilities, labels, 15).filter((b) => b.count > 0);
  const series: Series[] = [
    { name: 'perfect calibration', points: [[0, 0], [1, 1]] },
    { name: 'accuracy per confidence bin', points: bins.map((b) => [b.confidence, b.accuracy] as const) },
  ];
  return svgLineChart(title, series, 480, 320);
}
