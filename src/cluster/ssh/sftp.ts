/**
 * File operations over ONE SFTP session on the SSH connection, reused, reopened after a reconnect. Writes are
 * atomic (temporary file, fsync@openssh.com, posix-rename@openssh.com); an operation interrupted by a dropped
 * connection is retried on the new one without appending or creating twice.
 *
 * A server without the SFTP subsystem answers the session request with "Unable to start subsystem": that
 * surfaces as SftpUnavailableError, before any request was sent, so the caller can fall back to exec channels.
 */
import type { FileEntryWithStats, SFTPWrapper, Stats } from 'ssh2'
import { messageOf } from '../../result.js'
import type { DirEntry, FileStat, WriteOptions } from '../transport.js'
import { sleep } from '../backoff.js'
import { isChannelRefused, type Conn, type SshConnection } from './connection.js'
import { dirnameOf, tempName } from '../paths.js'
import type { FileOps } from './files.js'
import {
  call,
  isMissing,
  readRange,
  renameOver,
  SFTP_CONNECTION_LOST,
  SFTP_FAILURE,
  SFTP_NO_CONNECTION,
  sftpStatus,
  statOf,
  writeWhole,
} from './sftp-requests.js'

/** The server offers no SFTP subsystem; nothing was sent over SFTP. */
export class SftpUnavailableError extends Error {}

interface SftpHandle {
  conn: Conn
  sftp: SFTPWrapper
  release: () => void
  /** Whether the session or its connection closed: requests in flight then never answer. */
  lost: boolean
  /** Called once when it is lost; each operation in flight has one here, removed when it settles. */
  onLost: Set<() => void>
}

export class SftpFiles implements FileOps {
  private session: SftpHandle | undefined
  private opening: Promise<SftpHandle> | undefined

  constructor(private readonly ssh: SshConnection) {
    ssh.onDrop((id) => {
      const s = this.session
      if (s?.conn.id !== id) return
      this.session = undefined
      s.release()
    })
  }

  /** Opens the session now (connect time), so that a server without SFTP is known before any work. */
  async open(): Promise<void> {
    await this.handle()
  }

  /** The shared SFTP session (opened on first use, reopened after a reconnect). */
  private async handle(): Promise<SftpHandle> {
    const current = this.session
    if (current && this.ssh.isLive(current.conn)) return current
    this.opening ??= this.openSession().finally(() => {
      this.opening = undefined
    })
    return this.opening
  }

  private async openSession(): Promise<SftpHandle> {
    const backoff = this.ssh.channelBackoff()
    for (;;) {
      const conn = await this.ssh.live()
      const release = await this.ssh.acquire()
      let released = false
      const releaseOnce = (): void => {
        if (!released) {
          released = true
          release()
        }
      }
      const opened = await new Promise<SFTPWrapper | Error>((resolve) => {
        try {
          conn.client.sftp((e, s) => {
            resolve(e ?? s)
          })
        } catch (e) {
          resolve(e instanceof Error ? e : new Error(messageOf(e)))
        }
      })
      if (!(opened instanceof Error)) {
        const handle: SftpHandle = { conn, sftp: opened, release: releaseOnce, lost: false, onLost: new Set() }
        const markLost = (): void => {
          if (handle.lost) return
          handle.lost = true
          for (const watcher of handle.onLost) watcher()
          handle.onLost.clear()
        }
        opened.once('close', markLost)
        conn.client.once('close', markLost)
        opened.on('close', () => {
          if (this.session === handle) this.session = undefined
          releaseOnce()
        })
        opened.on('error', () => undefined)
        if (!this.ssh.isLive(conn)) {
          releaseOnce()
          continue
        }
        this.session = handle
        return handle
      }
      releaseOnce()
      if (/Unable to start subsystem/i.test(opened.message))
        throw new SftpUnavailableError(`${this.ssh.description} offers no SFTP subsystem (${opened.message})`)
      const live = this.ssh.isLive(conn)
      if (isChannelRefused(opened) && live && !backoff.exhausted) {
        await backoff.wait()
        continue
      }
      if (!live) continue
      throw new Error(`cannot open SFTP on ${this.ssh.description}: ${opened.message}`)
    }
  }

  /**
   * Runs an SFTP operation; when the connection drops meanwhile, reconnects and calls `retry`
   * (default: the operation again). Real SFTP errors (no such file, permission) are thrown.
   */
  private async withSftp<T>(op: (s: SFTPWrapper) => Promise<T>, retry?: (s: SFTPWrapper) => Promise<T>): Promise<T> {
    let interrupted = false
    let sessionLosses = 0
    for (;;) {
      let h: SftpHandle
      try {
        h = await this.handle()
      } catch (e) {
        // a subsystem that went away between two requests of one operation: no silent switch midway
        if (e instanceof SftpUnavailableError && interrupted) throw new Error(e.message, { cause: e })
        throw e
      }
      try {
        const outcome = await untilLost(h, interrupted && retry ? retry(h.sftp) : op(h.sftp))
        if (outcome !== 'lost') return outcome.value
        throw new Error('the SFTP session closed with requests in flight')
      } catch (e) {
        const code = sftpStatus(e)
        const statusError = code !== undefined && code !== SFTP_NO_CONNECTION && code !== SFTP_CONNECTION_LOST
        if (statusError) throw e
        // give the client's 'close' a moment to arrive, then decide
        if (this.ssh.isLive(h.conn)) await sleep(200)
        if (this.ssh.isLive(h.conn)) {
          // the connection is fine: a local error, or only the SFTP session ended (reopen it)
          if (this.session === h || ++sessionLosses > 5) throw e
        }
        interrupted = true
      }
    }
  }

  async readFile(path: string): Promise<Buffer | null> {
    return this.withSftp((s) =>
      call<Buffer | null>((cb) => {
        s.readFile(path, (e: Error | null | undefined, data: Buffer) => {
          if (e && isMissing(e)) cb(null, null)
          else cb(e, data)
        })
      }),
    )
  }

  async readRange(path: string, start: number, length: number): Promise<Buffer | null> {
    return this.withSftp((s) => readRange(s, path, start, Math.max(0, length)))
  }

  async writeFileAtomic(path: string, data: string | Buffer, options: WriteOptions = {}): Promise<void> {
    await this.mkdirp(dirnameOf(path))
    const tmp = tempName(path)
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data
    await this.withSftp(async (s) => {
      await writeWhole(s, tmp, 'w', bytes)
      const { mode } = options
      if (mode !== undefined) {
        await call<undefined>((cb) => {
          s.chmod(tmp, mode, (e) => {
            cb(e)
          })
        })
      }
      await renameOver(s, tmp, path)
    })
  }

  async appendFile(path: string, data: string): Promise<void> {
    await this.mkdirp(dirnameOf(path))
    const bytes = Buffer.from(data, 'utf8')
    // A retry after a drop must not append twice: compare with the size before.
    let sizeBefore = -1
    await this.withSftp(
      async (s) => {
        sizeBefore = (await statOf(s, path))?.size ?? 0
        await writeWhole(s, path, 'a', bytes)
      },
      async (s) => {
        const now = (await statOf(s, path))?.size ?? 0
        if (sizeBefore >= 0 && now === sizeBefore + bytes.length) {
          const tail = await readRange(s, path, sizeBefore, bytes.length)
          if (tail?.equals(bytes)) return
        }
        if (sizeBefore >= 0 && now !== sizeBefore)
          throw new Error(`append to ${path} was interrupted by a dropped connection and the file changed meanwhile`)
        await writeWhole(s, path, 'a', bytes)
      },
    )
  }

  async createExclusive(path: string, data: string): Promise<boolean> {
    await this.mkdirp(dirnameOf(path))
    const bytes = Buffer.from(data, 'utf8')
    const attempt = async (s: SFTPWrapper): Promise<boolean> => {
      try {
        await writeWhole(s, path, 'wx', bytes)
        return true
      } catch (e) {
        // OpenSSH reports an existing file as a generic failure: look before concluding
        if (sftpStatus(e) !== undefined && (await statOf(s, path))) return false
        throw e
      }
    }
    return this.withSftp(attempt, async (s) => {
      // After a drop the file may be ours: same content means our create went through.
      const existing = await statOf(s, path)
      if (existing && existing.size === bytes.length && (await readRange(s, path, 0, bytes.length))?.equals(bytes))
        return true
      return attempt(s)
    })
  }

  async stat(path: string): Promise<FileStat | null> {
    const st = await this.withSftp((s) => statOf(s, path))
    return st ? { isDirectory: st.isDirectory(), size: st.size, mtimeMs: st.mtime * 1000 } : null
  }

  /** SFTP's REALPATH; some servers normalise a missing path instead of failing, so the answer is checked. */
  async realpath(path: string): Promise<string | null> {
    return this.withSftp(async (s) => {
      const real = await call<string | null>((cb) => {
        s.realpath(path, (e, p) => {
          if (e && isMissing(e)) cb(null, null)
          else cb(e, p)
        })
      })
      return real !== null && (await statOf(s, real)) ? real : null
    })
  }

  async list(path: string): Promise<DirEntry[] | null> {
    const entries = await this.withSftp((s) =>
      call<FileEntryWithStats[] | null>((cb) => {
        s.readdir(path, (e, list) => {
          if (e && (isMissing(e) || sftpStatus(e) === SFTP_FAILURE)) cb(null, null)
          else cb(e, list)
        })
      }),
    )
    if (!entries) return null
    const result: DirEntry[] = []
    for (const e of entries) {
      if (e.filename === '.' || e.filename === '..') continue
      let isDirectory = e.attrs.isDirectory()
      if (e.attrs.isSymbolicLink())
        isDirectory = (await this.stat(`${path.replace(/\/+$/, '')}/${e.filename}`))?.isDirectory ?? false
      result.push({ name: e.filename, isDirectory })
    }
    return result.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  }

  async mkdirp(path: string): Promise<void> {
    await this.withSftp(async (s) => {
      const parts = path.split('/').filter(Boolean)
      // find the deepest existing ancestor, then create downwards
      let i = parts.length
      for (; i > 0; i--) {
        const st = await statOf(s, `/${parts.slice(0, i).join('/')}`)
        if (st) {
          if (!st.isDirectory()) throw new Error(`mkdirp ${path}: /${parts.slice(0, i).join('/')} is not a directory`)
          break
        }
      }
      for (i = i + 1; i <= parts.length; i++) {
        const dir = `/${parts.slice(0, i).join('/')}`
        try {
          await call<undefined>((cb) => {
            s.mkdir(dir, (e) => {
              cb(e)
            })
          })
        } catch (e) {
          if (!(await statOf(s, dir))?.isDirectory()) throw e
        }
      }
    })
  }

  async remove(path: string): Promise<void> {
    await this.withSftp(async (s) => {
      const st = await call<Stats | null>((cb) => {
        s.lstat(path, (e, a) => {
          if (e && isMissing(e)) cb(null, null)
          else cb(e, a)
        })
      })
      if (!st) return
      await call<undefined>((cb) => {
        const done = (e: Error | null | undefined): void => {
          cb(e && isMissing(e) ? null : e)
        }
        if (st.isDirectory()) s.rmdir(path, done)
        else s.unlink(path, done)
      })
    })
  }

  async close(): Promise<void> {
    const s = this.session
    this.session = undefined
    if (s) {
      s.sftp.end()
      s.release()
    }
    return Promise.resolve()
  }
}

/**
 * The operation's value, or 'lost' when the session goes away first. (Not a Promise.race against one promise
 * that lives as long as the session: each race's result, file contents included, would stay reachable from it
 * until the session closes, and the action's memory would grow with every byte it ever read.)
 */
function untilLost<T>(h: SftpHandle, pending: Promise<T>): Promise<{ value: T } | 'lost'> {
  pending.catch(() => undefined)
  if (h.lost) return Promise.resolve('lost')
  return new Promise((resolve, reject) => {
    const onLost = (): void => {
      resolve('lost')
    }
    h.onLost.add(onLost)
    pending.then(
      (value) => {
        h.onLost.delete(onLost)
        resolve({ value })
      },
      (e: unknown) => {
        h.onLost.delete(onLost)
        reject(e instanceof Error ? e : new Error(messageOf(e)))
      },
    )
  })
}
