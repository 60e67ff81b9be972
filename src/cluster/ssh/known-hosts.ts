/**
 * known_hosts: parsing (`[host]:port`, plain and wildcard patterns, negations, hashed `|1|salt|hash`
 * entries, `@revoked`, `@cert-authority` skipped) and checking a server's host key against it. An unknown
 * or changed key is refused with the host and the offered key's SHA256 fingerprint.
 */
import { createHash, createHmac } from 'node:crypto'
import type { ServerHostKeyAlgorithm } from 'ssh2'

/** One known_hosts line. */
export interface KnownHostEntry {
  marker?: 'revoked' | 'cert-authority'
  keyType: string
  key: Buffer
  /** Whether the entry's host patterns cover host:port (as OpenSSH matches them). */
  matches(host: string, port: number): boolean
}

/** Parses known_hosts text; malformed lines are skipped, as OpenSSH does. */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = []
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (!line || line.startsWith('#')) continue
    const fields = line.split(/\s+/)
    let marker: KnownHostEntry['marker']
    if (fields[0]?.startsWith('@')) {
      const m = fields.shift()
      if (m === '@revoked') marker = 'revoked'
      else if (m === '@cert-authority') marker = 'cert-authority'
      else continue
    }
    const [patterns, keyType, b64] = fields
    if (!patterns || !keyType || !b64 || !/^[A-Za-z0-9+/]+=*$/.test(b64)) continue
    const key = Buffer.from(b64, 'base64')
    const list = patterns.split(',').filter(Boolean)
    entries.push({
      ...(marker ? { marker } : {}),
      keyType,
      key,
      matches: (host, port) => hostMatches(list, host, port),
    })
  }
  return entries
}

/** The name known_hosts uses for host:port: `host` for port 22, else `[host]:port`. */
function hostLabel(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`
}

function hostMatches(patterns: readonly string[], host: string, port: number): boolean {
  const name = hostLabel(host, port).toLowerCase()
  let matched = false
  for (const p of patterns) {
    const negated = p.startsWith('!')
    const pattern = negated ? p.slice(1) : p
    let hit: boolean
    if (pattern.startsWith('|1|')) {
      const [, , salt, hash] = pattern.split('|')
      hit =
        !!salt &&
        !!hash &&
        createHmac('sha1', Buffer.from(salt, 'base64')).update(hostLabel(host, port)).digest('base64') === hash
    } else {
      hit = globToRegExp(pattern.toLowerCase()).test(name)
    }
    if (hit && negated) return false
    if (hit) matched = true
  }
  return matched
}

function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.')
  return new RegExp(`^${body}$`)
}

/** `SHA256:…` as ssh-keygen -l prints it. */
export function fingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`
}

/** The key type inside an SSH public key blob (its first string). */
function blobType(key: Buffer): string {
  if (key.length < 4) return 'unknown'
  const n = key.readUInt32BE(0)
  return n > 0 && n < 64 && key.length >= 4 + n ? key.subarray(4, 4 + n).toString('latin1') : 'unknown'
}

/** true, or why the key is refused (naming the host and the key's fingerprint). */
export function verifyHostKey(
  entries: readonly KnownHostEntry[],
  host: string,
  port: number,
  key: Buffer,
): true | string {
  const who = hostLabel(host, port)
  const fp = `${blobType(key)} ${fingerprint(key)}`
  const mine = entries.filter((e) => e.marker !== 'cert-authority' && e.matches(host, port))
  if (mine.some((e) => e.marker === 'revoked' && e.key.equals(key)))
    return `the host key of ${who} (${fp}) is marked @revoked in known_hosts; refusing to connect`
  if (mine.some((e) => e.marker === undefined && e.key.equals(key))) return true
  const pinned = mine.filter((e) => e.marker === undefined)
  if (pinned.length === 0)
    return `the host key of ${who} (${fp}) is unknown: known_hosts has no entry for ${who}; refusing to connect`
  const pins = pinned.map((e) => `${e.keyType} ${fingerprint(e.key)}`).join(', ')
  return (
    `the host key of ${who} has CHANGED or does not match known_hosts: the server offered ${fp}, ` +
    `known_hosts pins ${pins}; refusing to connect (possible man-in-the-middle)`
  )
}

const HOST_KEY_ALGORITHMS: Record<string, readonly ServerHostKeyAlgorithm[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
  'ssh-dss': ['ssh-dss'],
}

export function hostKeyAlgorithms(
  entries: readonly KnownHostEntry[],
  host: string,
  port: number,
): ServerHostKeyAlgorithm[] {
  const out: ServerHostKeyAlgorithm[] = []
  for (const e of entries) {
    if (e.marker !== undefined || !e.matches(host, port)) continue
    for (const a of HOST_KEY_ALGORITHMS[blobType(e.key)] ?? []) if (!out.includes(a)) out.push(a)
  }
  return out
}
