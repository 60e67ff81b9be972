/** Real git repositories for tests of pull requests and checkouts. */
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir } from './experiment.ts'

/** git in `cwd`, with an identity of its own; its output, trimmed. */
export const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', ['-C', cwd, '-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { encoding: 'utf8' }).trim()

/** A new repository: `main` with one commit (its sha is `base`), and the branch `feature` checked out from it. */
export function featureBranch(prefix: string): { ws: string; base: string } {
  const ws = tempDir(prefix)
  git(ws, 'init', '-q', '-b', 'main')
  writeFileSync(join(ws, 'README.md'), 'lab\n')
  git(ws, 'add', '-A')
  git(ws, 'commit', '-qm', 'base')
  const base = git(ws, 'rev-parse', 'HEAD')
  git(ws, 'checkout', '-qb', 'feature')
  return { ws, base }
}

/** What actions/checkout does to the workspace before a run: `git clean -ffdx`, `git reset --hard`. */
export function cleanCheckout(ws: string): void {
  git(ws, 'clean', '-ffdx')
  git(ws, 'reset', '--hard')
}
