import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '@cristal/tensor';
import { sha256 } from '../config/config-hash';
import type { ArtifactRecord } from '../store/run-record';

/** Files in the run directory, each recorded with its sha256 so a result can be traced to its bytes. */
export class ArtifactWriter {
  constructor(
    readonly runDir: string,
    private readonly record: (artifact: ArtifactRecord) => void,
  ) {}

  /** Absolute path for a file inside the run directory; refuses paths that escape it. */
  path(relative: string): string {
    const absolute = path.resolve(this.runDir, relative);
    if (!absolute.startsWith(this.runDir + path.sep)) throw new Error(`Artifact path "${relative}" leaves the run directory.`);
    return absolute;
  }

  write(relative: string, data: string | Uint8Array): ArtifactRecord {
    const file = this.path(relative);
    writeFileAtomic(file, data);
    return this.add(relative);
  }

  /** Records a file some other code wrote into the run directory (an ONNX export, a plot). */
  add(relative: string): ArtifactRecord {
    const bytes = fs.readFileSync(this.path(relative));
    const artifact = { path: relative.split(path.sep).join('/'), sha256: sha256(bytes), bytes: bytes.length };
    this.record(artifact);
    return artifact;
  }
}
