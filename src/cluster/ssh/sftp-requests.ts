/**
 * SFTP requests as promises, each one round trip or a fixed few: stat, a whole write (open, write, fsync,
 * close), a bounded read, an atomic rename over a file. Errors keep ssh2's SFTP status `code`.
 */
import type { SFTPWrapper, Stats } from 'ssh2'
import { messageOf } from '../../result.js'

/** SFTP status codes (draft-ietf-secsh-filexfer-02). */
const SFTP_NO_SUCH_FILE = 2
export const SFTP_FAILURE = 4
export const SFTP_NO_CONNECTION = 6
export const SFTP_CONNECTION_LOST = 7

export function call<T>(fn: (cb: (e: Error | null | undefined, v?: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    try {
      fn((e, v) => {
        if (e) reject(e)
        else resolve(v as T)
      })
    } catch (e) {
      reject(e instanceof Error ? e : new Error(messageOf(e)))
    }
  })
}

export function statOf(s: SFTPWrapper, path: string): Promise<Stats | null> {
  return call<Stats | null>((cb) => {
    s.stat(path, (e, st) => {
      if (e && isMissing(e)) cb(null, null)
      else cb(e, st)
    })
  })
}

/** open with flags, write every byte, fsync when the server offers fsync@openssh.com, close. */
export async function writeWhole(s: SFTPWrapper, path: string, flags: 'w' | 'a' | 'wx', data: Buffer): Promise<void> {
  const handle = await call<Buffer>((cb) => {
    s.open(path, flags, (e, h) => {
      cb(e, h)
    })
  })
  try {
    let offset = 0
    while (offset < data.length) {
      const n = Math.min(32 * 1024, data.length - offset)
      await call<undefined>((cb) => {
        s.write(handle, data, offset, n, offset, (e) => {
          cb(e)
        })
      })
      offset += n
    }
    await call<undefined>((cb) => {
      try {
        s.ext_openssh_fsync(handle, (e) => {
          cb(e)
        })
      } catch {
        cb(null) // server without fsync@openssh.com
      }
    })
  } finally {
    await closeHandle(s, handle)
  }
}

/** Up to `length` bytes from `position`; null when the file does not exist (no stat first: one round trip less). */
export async function readRange(
  s: SFTPWrapper,
  path: string,
  position: number,
  length: number,
): Promise<Buffer | null> {
  const handle = await call<Buffer | null>((cb) => {
    s.open(path, 'r', (e, h) => {
      if (e && isMissing(e)) cb(null, null)
      else cb(e, h)
    })
  })
  if (!handle) return null
  try {
    const buf = Buffer.alloc(length)
    let got = 0
    while (got < length) {
      const n = await call<number>((cb) => {
        s.read(handle, buf, got, length - got, position + got, (e, bytesRead) => {
          cb(e, bytesRead)
        })
      })
      if (n <= 0) break
      got += n
    }
    return buf.subarray(0, got)
  } finally {
    await closeHandle(s, handle)
  }
}

function closeHandle(s: SFTPWrapper, handle: Buffer): Promise<void> {
  return call<undefined>((cb) => {
    s.close(handle, (e) => {
      cb(e)
    })
  }).catch(() => undefined)
}

/** posix-rename@openssh.com (atomic replace) when offered, else remove + rename. */
export async function renameOver(s: SFTPWrapper, from: string, to: string): Promise<void> {
  const extension = { offered: true }
  try {
    await call<undefined>((cb) => {
      try {
        s.ext_openssh_rename(from, to, (e) => {
          cb(e)
        })
      } catch (e) {
        extension.offered = false
        cb(e instanceof Error ? e : new Error(messageOf(e)))
      }
    })
    return
  } catch (e) {
    if (extension.offered) throw e
  }
  await call<undefined>((cb) => {
    s.unlink(to, (e) => {
      cb(e && isMissing(e) ? null : e)
    })
  })
  await call<undefined>((cb) => {
    s.rename(from, to, (e) => {
      cb(e)
    })
  })
}

/** The SFTP status code of a failed request; undefined for an error of another kind. */
export function sftpStatus(e: unknown): number | undefined {
  const code = (e as { code?: unknown }).code
  return typeof code === 'number' ? code : undefined
}

export function isMissing(e: unknown): boolean {
  return sftpStatus(e) === SFTP_NO_SUCH_FILE
}
