import { UsageError } from '../config/config-error';
import { integerOption, parseArgs } from './args';

describe('parseArgs', () => {
  const spec = { set: { kind: 'list' as const }, seed: { kind: 'string' as const }, json: { kind: 'flag' as const } };
  it('reads positionals, repeated lists, = forms and flags', () => {
    const args = parseArgs(['x:y', '--set', 'a=1', '--set=b=2', '--seed', '4', '--json'], spec);
    expect(args).toEqual({ positional: ['x:y'], options: { set: ['a=1', 'b=2'], seed: '4', json: true } });
    expect(integerOption(args, 'seed')).toBe(4);
  });
  it('rejects unknown, missing and repeated options', () => {
    expect(() => parseArgs(['--sed', '1'], spec)).toThrow(/Unknown option --sed/);
    expect(() => parseArgs(['--seed'], spec)).toThrow(UsageError);
    expect(() => parseArgs(['--seed', '1', '--seed', '2'], spec)).toThrow(/twice/);
    expect(() => integerOption(parseArgs(['--seed', '-1'], spec), 'seed')).toThrow(/non-negative/);
  });
});
