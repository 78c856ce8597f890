import * as os from 'node:os';
import * as path from 'node:path';

/**
 * The workspace's cache directory for derived, re-creatable files (staged libraries, converted
 * datasets): $CRISTAL_CACHE_DIR, else $XDG_CACHE_HOME/cristal, else ~/.cache/cristal.
 * The same rule as tools/provision-tfjs.
 */
export function cacheDir(...parts: string[]): string {
  const env = process.env;
  const root = env.CRISTAL_CACHE_DIR || path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'cristal');
  return path.join(root, ...parts);
}
