import { estimateTextWidth, placeLabels } from './label-placement';

const bounds = { left: 0, top: 0, right: 400, bottom: 300 };

/** The label's box as placeLabels estimates it. */
function box(p: { x: number; y: number; anchor: 'start' | 'end' }, text: string): { left: number; right: number; top: number; bottom: number } {
  const width = estimateTextWidth(text, 11);
  const left = p.anchor === 'start' ? p.x : p.x - width;
  return { left, right: left + width, top: p.y - 11, bottom: p.y + 11 * 0.25 };
}

describe('placeLabels', () => {
  it('puts a lone label above-right of its marker', () => {
    expect(placeLabels([{ x: 100, y: 100, text: 'model' }], bounds)).toEqual([{ x: 108, y: 92, anchor: 'start' }]);
  });

  it('moves a label that would leave the bounds to the other side', () => {
    const [placement] = placeLabels([{ x: 390, y: 100, text: 'a long model label' }], bounds);
    expect(placement.anchor).toBe('end');
    expect(box(placement, 'a long model label').left).toBeGreaterThanOrEqual(0);
  });

  it('keeps labels of neighbouring markers from overlapping', () => {
    const requests = [
      { x: 100, y: 100, text: 'Bayes-by-backprop MLP' },
      { x: 180, y: 100, text: 'Dense MLP 784-400-400-10' },
      { x: 140, y: 104, text: 'FC SNN' },
    ];
    const boxes = placeLabels(requests, bounds).map((p, i) => box(p, requests[i].text));
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, b] = [boxes[i], boxes[j]];
        expect(a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom).toBe(false);
      }
    }
  });
});
