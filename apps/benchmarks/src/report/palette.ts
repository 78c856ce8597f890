// Series colours: the Okabe-Ito palette, distinguishable with the common colour-vision deficiencies.
// Its yellow is nearly invisible on white, so it comes last.

/** Okabe-Ito colours in the order series get them. */
export const OKABE_ITO = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'] as const;

/** The colour of the `index`-th series; the palette cycles. */
export function seriesColour(index: number): string {
  return OKABE_ITO[((index % OKABE_ITO.length) + OKABE_ITO.length) % OKABE_ITO.length];
}

/**
 * A stroke-dasharray for the `index`-th series: none for the first round of colours, then dashes, so two
 * series that share a colour after the palette cycles still differ.
 */
export function seriesDash(index: number): string | undefined {
  const round = Math.floor(index / OKABE_ITO.length);
  return round === 0 ? undefined : ['6 3', '2 3', '8 3 2 3'][(round - 1) % 3];
}
