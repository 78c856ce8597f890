import * as fs from 'node:fs';

/** log.txt in the run directory, mirrored to stderr so a terminal shows the same lines. */
export class TextLog {
  constructor(
    private readonly file: string,
    private readonly echo: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  ) {}

  info(message: string): void {
    this.line('info', message);
  }

  warn(message: string): void {
    this.line('warn', message);
  }

  private line(level: string, message: string): void {
    const line = `${new Date().toISOString()} ${level} ${message}`;
    fs.appendFileSync(this.file, `${line}\n`);
    this.echo(line);
  }
}
