/** Transport for a runner that is itself on the cluster's login node (or the demo machine). */
import { spawn } from 'node:child_process'
import { promises as fs, constants as fsc } from 'node:fs'
import { dirname } from 'node:path'
import { tempName } from './paths.js'
import type { DirEntry, ExecOptions, ExecResult, FileStat, Transport, WriteOptions } from './transport.js'

export class LocalTransport implements Transport {
  readonly description = 'local'

  exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    return new Promise((resolve) => {
      const [cmd, ...args] = argv
      if (!cmd) {
        resolve({ code: -1, stdout: '', stderr: 'empty command' })
        return
      }
      const child = spawn(cmd, args, {
        cwd: options.cwd,
        env: { ...jobSafeEnv(), ...options.env },
        stdio: ['pipe', 'pipe', 'pipe'],
      })
      const out: Buffer[] = []
      const errs: Buffer[] = []
      let timedOut = false
      const timer = options.timeoutMs
        ? setTimeout(() => {
            timedOut = true
            child.kill('SIGKILL')
          }, options.timeoutMs)
        : undefined
      child.stdout.on('data', (d: Buffer) => out.push(d))
      child.stderr.on('data', (d: Buffer) => errs.push(d))
      child.on('error', (e: NodeJS.ErrnoException) => {
        if (timer) clearTimeout(timer)
        resolve({ code: e.code === 'ENOENT' ? 127 : -1, stdout: '', stderr: `${cmd}: ${e.message}` })
      })
      child.on('close', (code, signal) => {
        if (timer) clearTimeout(timer)
        resolve({
          code: timedOut ? 124 : (code ?? (signal ? 128 : -1)),
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(errs).toString('utf8'),
        })
      })
      child.stdin.on('error', () => undefined)
      child.stdin.end(options.stdin ?? '')
    })
  }

  async readFile(path: string): Promise<Buffer | null> {
    try {
      return await fs.readFile(path)
    } catch (e) {
      if (isMissing(e)) return null
      throw e
    }
  }

  async readRange(path: string, start: number, length: number): Promise<Buffer | null> {
    let handle: fs.FileHandle
    try {
      handle = await fs.open(path, 'r')
    } catch (e) {
      if (isMissing(e)) return null
      throw e
    }
    try {
      const buf = Buffer.alloc(Math.max(0, length))
      let got = 0
      while (got < buf.length) {
        const { bytesRead } = await handle.read(buf, got, buf.length - got, start + got)
        if (bytesRead <= 0) break
        got += bytesRead
      }
      return buf.subarray(0, got)
    } finally {
      await handle.close()
    }
  }

  async writeFileAtomic(path: string, data: string | Buffer, options: WriteOptions = {}): Promise<void> {
    await this.mkdirp(dirname(path))
    const tmp = tempName(path)
    const handle = await fs.open(tmp, 'w')
    try {
      await handle.writeFile(data)
      if (options.mode !== undefined) await handle.chmod(options.mode)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await fs.rename(tmp, path)
  }

  async appendFile(path: string, data: string): Promise<void> {
    await this.mkdirp(dirname(path))
    await fs.appendFile(path, data)
  }

  async createExclusive(path: string, data: string): Promise<boolean> {
    await this.mkdirp(dirname(path))
    try {
      const handle = await fs.open(path, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL)
      try {
        await handle.writeFile(data)
        await handle.sync()
      } finally {
        await handle.close()
      }
      return true
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false
      throw e
    }
  }

  async stat(path: string): Promise<FileStat | null> {
    try {
      const s = await fs.stat(path)
      return { isDirectory: s.isDirectory(), size: s.size, mtimeMs: s.mtimeMs, ino: s.ino }
    } catch (e) {
      if (isMissing(e)) return null
      throw e
    }
  }

  async realpath(path: string): Promise<string | null> {
    try {
      return await fs.realpath(path)
    } catch (e) {
      if (isMissing(e) || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return null
      throw e
    }
  }

  async list(path: string): Promise<DirEntry[] | null> {
    try {
      const entries = await fs.readdir(path, { withFileTypes: true })
      const result: DirEntry[] = []
      for (const e of entries) {
        let isDirectory = e.isDirectory()
        if (e.isSymbolicLink()) {
          const s = await this.stat(`${path}/${e.name}`)
          isDirectory = s?.isDirectory ?? false
        }
        result.push({ name: e.name, isDirectory })
      }
      return result.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    } catch (e) {
      if (isMissing(e) || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return null
      throw e
    }
  }

  async mkdirp(path: string): Promise<void> {
    try {
      await fs.mkdir(path, { recursive: true })
    } catch (e) {
      // A recursive mkdir on a read-only file system says ENOENT: ask for the first missing directory
      // alone, which fails with the real reason (EROFS, EACCES, ...).
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
      let missing = path
      for (let parent = dirname(missing); parent !== missing; parent = dirname(missing)) {
        if (
          await fs.stat(parent).then(
            () => true,
            () => false,
          )
        )
          break
        missing = parent
      }
      await fs.mkdir(missing)
      await fs.mkdir(path, { recursive: true })
    }
  }

  async remove(path: string): Promise<void> {
    try {
      const s = await fs.lstat(path)
      if (s.isDirectory()) await fs.rmdir(path)
      else await fs.unlink(path)
    } catch (e) {
      if (!isMissing(e)) throw e
    }
  }

  async close(): Promise<void> {}
}

/**
 * The environment of every command we run and of the jobs they start (sbatch exports the submitter's
 * environment, and the local executor does the same): this process's environment without
 * - the action's inputs and saved state (INPUT_*, STATE_*: ssh-private-key is one) and the runner's
 *   tokens (ACTIONS_RUNTIME_TOKEN, ACTIONS_ID_TOKEN_REQUEST_*, ACTIONS_RESULTS_URL, ACTIONS_CACHE_URL,
 *   GITHUB_TOKEN);
 * - what makes bash run or change code before our scripts: BASH_ENV and ENV (files sourced by
 *   non-interactive shells), exported functions (BASH_FUNC_*), SHELLOPTS, BASHOPTS, CDPATH and
 *   GLOBIGNORE. With `bash --norc --noprofile` this is how SLURM runs a batch script: no rc files.
 */
export function jobSafeEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(INPUT_|STATE_|BASH_FUNC_)/.test(k) || RUNNER_SECRETS.has(k) || SHELL_HOOKS.has(k)) continue
    env[k] = v
  }
  return env
}

const RUNNER_SECRETS = new Set([
  'ACTIONS_RUNTIME_TOKEN',
  'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
  'ACTIONS_ID_TOKEN_REQUEST_URL',
  'ACTIONS_RESULTS_URL',
  'ACTIONS_CACHE_URL',
  'GITHUB_TOKEN',
])
const SHELL_HOOKS = new Set(['BASH_ENV', 'ENV', 'SHELLOPTS', 'BASHOPTS', 'CDPATH', 'GLOBIGNORE'])

function isMissing(e: unknown): boolean {
  return (e as NodeJS.ErrnoException).code === 'ENOENT'
}
