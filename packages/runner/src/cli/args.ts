import { UsageError } from '../config/config-error';

export interface OptionSpec {
  /** `string` takes a value; `list` takes a value and may repeat; `flag` takes none. */
  kind: 'string' | 'list' | 'flag';
}

export interface ParsedArgs {
  positional: string[];
  options: Record<string, string | string[] | boolean>;
}

/** `--name value`, `--name=value`, repeated `--set a=1 --set b=2`; unknown options are usage errors. */
export function parseArgs(argv: readonly string[], spec: Record<string, OptionSpec>): ParsedArgs {
  const positional: string[] = [];
  const options: ParsedArgs['options'] = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq > 0 ? eq : undefined);
    const option = spec[name];
    if (!option) throw new UsageError(`Unknown option --${name}. Options: ${Object.keys(spec).map((k) => `--${k}`).join(', ') || 'none'}.`);
    if (option.kind === 'flag') {
      if (eq > 0) throw new UsageError(`--${name} takes no value.`);
      options[name] = true;
      continue;
    }
    let value: string;
    if (eq > 0) value = arg.slice(eq + 1);
    else {
      if (i + 1 >= argv.length) throw new UsageError(`--${name} needs a value.`);
      value = argv[++i];
    }
    if (option.kind === 'list') options[name] = [...((options[name] as string[] | undefined) ?? []), value];
    else if (name in options) throw new UsageError(`--${name} given twice.`);
    else options[name] = value;
  }
  return { positional, options };
}

export function stringOption(args: ParsedArgs, name: string): string | undefined {
  return args.options[name] as string | undefined;
}

export function listOption(args: ParsedArgs, name: string): string[] {
  return (args.options[name] as string[] | undefined) ?? [];
}

export function flag(args: ParsedArgs, name: string): boolean {
  return args.options[name] === true;
}

export function integerOption(args: ParsedArgs, name: string): number | undefined {
  const text = stringOption(args, name);
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new UsageError(`--${name} must be a non-negative integer, got "${text}".`);
  return Number(text);
}
