import { closestNames, editDistance } from './edit-distance';

describe('editDistance', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
    expect(editDistance('regresion', 'regression')).toBe(1);
  });
});

describe('closestNames', () => {
  it('offers the nearest candidates first and drops distant ones', () => {
    expect(closestNames('clasifier', ['classifier', 'capacity', 'calibration'])).toEqual(['classifier']);
    expect(closestNames('lr', ['learningRate', 'steps'])).toEqual([]);
    expect(closestNames('step', ['steps', 'stepDelayMs', 'seed'])[0]).toBe('steps');
  });
});
