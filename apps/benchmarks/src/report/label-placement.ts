// Where to put the text label of each scatter-plot marker so labels neither overlap each other nor leave
// the plot: a greedy choice among four positions around the marker. Text width is estimated from the
// character count, as SVG offers no text metrics without a renderer.

/** A marker at (x, y) with the label text to place beside it. */
export interface LabelRequest {
  x: number;
  y: number;
  text: string;
}

/** Where a label goes: its anchor point and which end of the text sits there. */
export interface LabelPlacement {
  x: number;
  y: number;
  anchor: 'start' | 'end';
}

/** The box labels must stay inside. */
export interface Bounds {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

const GAP = 8;

/**
 * One placement per request, in request order: above-right of its marker if that is free of markers and
 * earlier labels, else above-left, below-right, below-left; a label that fits nowhere free takes the
 * first position inside `bounds`.
 */
export function placeLabels(requests: readonly LabelRequest[], bounds: Bounds, fontSize = 11, markerRadius = 6): LabelPlacement[] {
  // labels avoid every marker too, not only the labels placed before them
  const placed: Box[] = requests.map(({ x, y }) => ({ left: x - markerRadius, right: x + markerRadius, top: y - markerRadius, bottom: y + markerRadius }));
  return requests.map(({ x, y, text }) => {
    const width = estimateTextWidth(text, fontSize);
    const candidates: LabelPlacement[] = [
      { x: x + GAP, y: y - GAP, anchor: 'start' },
      { x: x - GAP, y: y - GAP, anchor: 'end' },
      { x: x + GAP, y: y + GAP + fontSize, anchor: 'start' },
      { x: x - GAP, y: y + GAP + fontSize, anchor: 'end' },
    ];
    const boxes = candidates.map((c) => boxOf(c, width, fontSize));
    const inside = candidates.map((_, i) => i).filter((i) => within(boxes[i], bounds));
    const free = inside.find((i) => placed.every((box) => !overlaps(box, boxes[i])));
    const chosen = free ?? inside[0] ?? 0;
    placed.push(boxes[chosen]);
    return candidates[chosen];
  });
}

/** Rough rendered width of `text` in a sans-serif font: 0.6 em per character. */
export function estimateTextWidth(text: string, fontSize: number): number {
  return [...text].length * fontSize * 0.6;
}

function boxOf(placement: LabelPlacement, width: number, fontSize: number): Box {
  const left = placement.anchor === 'start' ? placement.x : placement.x - width;
  // the anchor y is the text baseline; descenders reach a little below it
  return { left, right: left + width, top: placement.y - fontSize, bottom: placement.y + fontSize * 0.25 };
}

function within(box: Box, bounds: Bounds): boolean {
  return box.left >= bounds.left && box.right <= bounds.right && box.top >= bounds.top && box.bottom <= bounds.bottom;
}

function overlaps(a: Box, b: Box): boolean {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}
