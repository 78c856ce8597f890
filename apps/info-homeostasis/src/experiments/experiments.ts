// The experiments `lab run info-homeostasis:<name>` finds (exported from src/index.ts).
import { calibration } from './calibration.experiment';
import { shift } from './shift.experiment';
import { stability } from './stability.experiment';

export const experiments = [calibration, shift, stability];
