import { displayWidth, padToWidth, singleLine, truncateToWidth, wrapToWidth } from './display-width';

describe('displayWidth', () => {
  it('counts terminal cells: units and dashes one, CJK and emoji two, combining marks none', () => {
    expect(displayWidth('acc 30°')).toBe(7);
    expect(displayWidth('3.08 µJ –')).toBe(9);
    expect(displayWidth('模型')).toBe(4);
    expect(displayWidth('🚀')).toBe(2);
    expect(displayWidth('e\u0301')).toBe(1);
  });
});

describe('padding and cutting', () => {
  it('pads to a display width on the side the alignment asks for', () => {
    expect(padToWidth('模', 4, 'left')).toBe('模  ');
    expect(padToWidth('12', 4, 'right')).toBe('  12');
    expect(padToWidth('toolong', 3, 'left')).toBe('toolong');
  });

  it('cuts to at most the width, marking the cut', () => {
    expect(truncateToWidth('Dense MLP 784-400', 8)).toBe('Dense M…');
    expect(displayWidth(truncateToWidth('模型模型模型', 5))).toBeLessThanOrEqual(5);
    expect(truncateToWidth('short', 8)).toBe('short');
  });

  it('replaces control characters, so a label cannot break a line or send terminal escapes', () => {
    expect(singleLine('a\nb\x1b[31mc\td')).toBe('a b [31mc d');
  });
});

describe('wrapToWidth', () => {
  it('wraps at spaces into lines no wider than the width, keeping every word', () => {
    const text = 'Data: MNIST test (10,000 images), also rotated by 15°, 30°, 45°; OOD: Fashion-MNIST test';
    const lines = wrapToWidth(text, 24);
    expect(lines.every((line) => displayWidth(line) <= 24)).toBe(true);
    expect(lines.join(' ')).toBe(text);
  });

  it('cuts a word longer than the width into pieces', () => {
    expect(wrapToWidth('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
  });
});
