/** POSIX paths on the cluster, built without node:path so they mean the same on every runner. */
import { randomBytes } from 'node:crypto'

export function joinPath(...parts: string[]): string {
  return parts
    .filter((p) => p !== '')
    .join('/')
    .replace(/\/+/g, '/')
}

/** Resolves `p` against `base` unless it is absolute; normalises `.` and `..`. */
export function resolvePath(base: string, p: string): string {
  const full = p.startsWith('/') ? p : `${base}/${p}`
  const out: string[] = []
  for (const seg of full.split('/')) {
    if (seg === '' || seg === '.') continue
    if (seg === '..') out.pop()
    else out.push(seg)
  }
  return `/${out.join('/')}`
}

/** The directory part of a path, trailing slashes ignored (`/` for a top-level entry). */
export function dirnameOf(path: string): string {
  return path.replace(/\/+[^/]*\/*$/, '') || '/'
}

/** `${path}.tmp-PID-RANDOM`: a fresh name a write goes to before it is renamed into place. */
export function tempName(path: string): string {
  return `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`
}

/** Whether `path` is `root` itself or lies under it (both absolute; `.` and `..` are resolved first). */
export function isWithin(root: string, path: string): boolean {
  const r = resolvePath('/', root)
  const p = resolvePath('/', path)
  return p === r || p.startsWith(r === '/' ? '/' : `${r}/`)
}
