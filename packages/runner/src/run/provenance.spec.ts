import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { gitCommit, gitDirty } from './provenance';

describe('git provenance', () => {
  const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-provenance-'));
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.email=lab@example.invalid', '-c', 'user.name=lab', '-c', 'init.defaultBranch=main', ...args], { cwd: repo, encoding: 'utf8' }).trim();
  afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));

  it('records the commit from the git files and whether the tree is dirty', () => {
    git('init', '-q');
    fs.writeFileSync(path.join(repo, 'a.txt'), 'one\n');
    git('add', 'a.txt');
    git('commit', '-q', '-m', 'first');
    fs.mkdirSync(path.join(repo, 'sub'));
    expect(gitCommit(path.join(repo, 'sub'))).toBe(git('rev-parse', 'HEAD'));
    expect(gitDirty(repo)).toBe(false);
    fs.writeFileSync(path.join(repo, 'a.txt'), 'two\n');
    expect(gitDirty(repo)).toBe(true);
  });

  it('follows packed refs after git gc', () => {
    git('commit', '-q', '-am', 'second');
    git('pack-refs', '--all');
    expect(gitCommit(repo)).toBe(git('rev-parse', 'HEAD'));
  });

  it('says null outside a repository', () => {
    expect(gitCommit(os.tmpdir() === '/' ? '/' : fs.mkdtempSync(path.join(os.tmpdir(), 'no-repo-')))).toBeNull();
  });
});
