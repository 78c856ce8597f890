// The experiments `lab run spiking-hopfield:<name>` finds (exported from src/index.ts).
import { capacity } from './capacity/capacity.experiment';
import { classifier } from './classifier/classifier.experiment';
import { spikingAttention } from './spiking-attention/spiking-attention.experiment';

export const experiments = [capacity, spikingAttention, classifier];
