// The report's charts, each a pure function from scores to a standalone SVG string: the HTML report
// inlines them, and each can be written to its own .svg file as is.
export { accuracyEnergyChart, type MarkerShape } from './accuracy-energy-chart';
export { reliabilityDiagram, reliabilityDiagrams } from './reliability-diagram';
export { rotationChart } from './rotation-chart';
