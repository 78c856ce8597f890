/** The store cannot be used (unwritable, full, corrupt, newer schema): the message says what to do. */
export class StoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
  }
}

const EXPLANATIONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ENOTDIR: 'a path component is not a directory',
  SQLITE_READONLY: 'the database is read-only',
  SQLITE_READONLY_DIRECTORY: 'the directory is read-only',
  SQLITE_CANTOPEN: 'the database file cannot be opened (missing or unwritable directory?)',
  SQLITE_FULL: 'the disk is full',
  SQLITE_IOERR: 'an I/O error occurred (disk full or failing?)',
  SQLITE_CORRUPT: 'the database file is corrupt',
  SQLITE_NOTADB: 'the file is not an SQLite database',
};

/** Turns file-system and SQLite errors into a StoreError naming the location and the cause. */
export function storeError(where: string, error: unknown): Error {
  if (error instanceof StoreError) return error;
  const code = (error as { code?: string }).code ?? '';
  const known = EXPLANATIONS[code] ?? Object.entries(EXPLANATIONS).find(([prefix]) => code.startsWith(prefix))?.[1];
  if (!known) return error instanceof Error ? error : new Error(String(error));
  return new StoreError(`Cannot use the run store at ${where}: ${known} (${code}). Set LAB_HOME to a writable directory with free space.`, { cause: error });
}
