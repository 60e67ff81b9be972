/**
 * SshTransport against the dev cluster's real sshd (scripts/dev-cluster/start.sh) and a second real sshd
 * without the SFTP subsystem and with a hostile ~/.bashrc (scripts/dev-cluster/sshd-nosftp.sh). No mocks:
 * quoting, exit codes, channel limits, host key pinning, reconnection after sshd restarts, and the whole
 * file-operation contract both over SFTP and over the exec-channel fallback, plus one action run over the
 * fallback. Fails, never skips, when the dev cluster is not running.
 */
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { createHash, createHmac, generateKeyPairSync, randomBytes } from 'node:crypto'
import { existsSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { countSshEvents } from '../src/cluster/counting.ts'
import { readTail } from '../src/cluster/read.ts'
import { SshTransport, type SshConnectOptions } from '../src/cluster/ssh.ts'
import { fingerprint, parseKnownHosts, verifyHostKey } from '../src/cluster/ssh/known-hosts.ts'
import { runAction, slurmInputs } from './helpers/action.ts'
import { connectSsh, devCluster, runDevScript, sshOptions, type DevCluster } from './helpers/dev-cluster.ts'
import { executions, makeExperiment, tempDir } from './helpers/experiment.ts'
import { startNoSftp, type NoSftpServer } from './helpers/nosftp.ts'

const HOSTILE = [
  '$(touch /tmp/pwned)',
  '`touch /tmp/pwned`',
  "'; rm -rf /",
  '"; rm -rf / #',
  'two words',
  '  leading and trailing  ',
  "it's",
  'say "hi"',
  'line1\nline2\n',
  'tab\there',
  '*',
  '~',
  '$HOME',
  '${PATH}',
  '\\backslash\\',
  '-n',
  '',
  '&& echo injected ;|<>',
  'ünïcödé ✓',
]

/** The base64 blob of the server's host key, from the known_hosts file start.sh wrote. */
function serverKey(c: DevCluster): Buffer {
  const line = c.knownHosts.split('\n').find((l) => l.trim())
  const b64 = line?.split(/\s+/)[2]
  assert.ok(b64, 'known_hosts has a key')
  return Buffer.from(b64, 'base64')
}

/** An SSH ed25519 public key blob that is not the server's. */
function otherEd25519Blob(): Buffer {
  const { publicKey } = generateKeyPairSync('ed25519')
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32)
  const str = (b: Buffer): Buffer => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b])
  return Buffer.concat([str(Buffer.from('ssh-ed25519')), str(raw)])
}

describe('SshTransport on the dev cluster', () => {
  let c: DevCluster
  let t: SshTransport
  const events = countSshEvents()

  before(async () => {
    c = devCluster()
    t = await connectSsh(c, { onEvent: events.onEvent })
  })
  after(async () => {
    await t.close()
  })

  it('runs commands and reports their exit codes, stdout and stderr', async () => {
    assert.equal(t.description, `ssh:${c.user}@${c.host}:${c.port}`)
    const okr = await t.exec(['sh', '-c', 'echo out; echo err >&2; exit 0'])
    assert.deepEqual(okr, { code: 0, stdout: 'out\n', stderr: 'err\n' })
    assert.equal((await t.exec(['sh', '-c', 'exit 7'])).code, 7)
    assert.equal((await t.exec(['false'])).code, 1)
    assert.equal((await t.exec(['definitely-not-a-program-xyz'])).code, 127)
    const cwd = await t.exec(['pwd'], { cwd: '/tmp' })
    assert.equal(cwd.stdout, '/tmp\n')
    const stdin = await t.exec(['cat'], { stdin: 'fed\nthrough stdin' })
    assert.equal(stdin.stdout, 'fed\nthrough stdin')
    const killed = await t.exec(['sh', '-c', 'kill -9 $$'])
    assert.equal(killed.code, 137)
  })

  it('passes hostile arguments, environment values and directories verbatim', async () => {
    rmSync('/tmp/pwned', { force: true })
    const r = await t.exec(['printf', '%s\\0', ...HOSTILE])
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(r.stdout.split('\0').slice(0, -1), HOSTILE)
    const env = await t.exec(['sh', '-c', 'printf "%s" "$RE_HOSTILE"'], { env: { RE_HOSTILE: HOSTILE.join('|') } })
    assert.equal(env.stdout, HOSTILE.join('|'))
    const dir = `/tmp/re ssh test '$(touch /tmp/pwned)' ${randomBytes(3).toString('hex')}`
    await t.mkdirp(dir)
    const pwd = await t.exec(['pwd'], { cwd: dir })
    assert.equal(pwd.stdout, `${dir}\n`)
    await t.remove(dir)
    assert.equal(existsSync('/tmp/pwned'), false, 'no argument was interpreted by the remote shell')
    const nul = await t.exec(['echo', 'a\0b'])
    assert.equal(nul.code, -1)
    assert.match(nul.stderr, /NUL/)
  })

  it('times a command out on the remote side (code 124)', async () => {
    const started = Date.now()
    const r = await t.exec(['sleep', '30'], { timeoutMs: 1000 })
    assert.equal(r.code, 124)
    assert.ok(Date.now() - started < 8000, `took ${Date.now() - started} ms`)
  })

  it('runs 10 (and 30) execs in parallel on one connection, all succeeding', async () => {
    const before = events.counts.connections
    for (const n of [10, 30]) {
      const results = await Promise.all(
        Array.from({ length: n }, (_, i) => t.exec(['sh', '-c', `sleep 0.3; echo ${i}`])),
      )
      // stdout and exit codes exact; stderr may carry the login shell's own noise (e.g. pyenv rehash races).
      for (const [i, r] of results.entries())
        assert.deepEqual({ code: r.code, stdout: r.stdout }, { code: 0, stdout: `${i}\n` })
    }
    assert.equal(events.counts.channelRefusals, 0, 'the semaphore keeps under MaxSessions: no channel was refused')
    // past the semaphore, the server's own limit: 12 raw channels on a fresh connection, retried
    const rawEvents = countSshEvents()
    const raw = await connectSsh(c, { maxChannels: 12, onEvent: rawEvents.onEvent })
    try {
      const results = await Promise.all(
        Array.from({ length: 24 }, (_, i) => raw.exec(['sh', '-c', `sleep 0.5; echo ${i}`])),
      )
      // stdout and exit codes exact; stderr may carry the login shell's own noise (e.g. pyenv rehash races).
      for (const [i, r] of results.entries())
        assert.deepEqual({ code: r.code, stdout: r.stdout }, { code: 0, stdout: `${i}\n` })
      assert.ok(rawEvents.counts.channelRefusals > 0, 'sshd refused some channels (MaxSessions 10), retried')
    } finally {
      await raw.close()
    }
    assert.equal(events.counts.connections, before, 'no new connection')
  })

  it('refuses a host whose key differs from known_hosts, naming host and fingerprint', async () => {
    const real = serverKey(c)
    const wrong = otherEd25519Blob()
    const r = await SshTransport.connect(
      sshOptions(c, { knownHosts: `[${c.host}]:${c.port} ssh-ed25519 ${wrong.toString('base64')}\n` }),
    )
    assert.ok(!r.ok)
    assert.match(r.error.message, /CHANGED/)
    assert.ok(r.error.message.includes(`[${c.host}]:${c.port}`), r.error.message)
    assert.ok(
      r.error.message.includes(fingerprint(real)),
      `names the offered key ${fingerprint(real)}: ${r.error.message}`,
    )
    assert.ok(r.error.message.includes(fingerprint(wrong)), 'names the pinned key')
    assert.match(fingerprint(real), /^SHA256:[A-Za-z0-9+/]{43}$/)
    assert.equal(fingerprint(real), `SHA256:${createHash('sha256').update(real).digest('base64').replace(/=+$/, '')}`)
  })

  it('refuses a host that known_hosts does not list (plain name without port, other port, negated)', async () => {
    const key = serverKey(c).toString('base64')
    for (const kh of [
      '',
      `${c.host} ssh-ed25519 ${key}`, // plain host means port 22
      `[${c.host}]:${c.port + 1} ssh-ed25519 ${key}`,
      `[${c.host}]:*,![${c.host}]:${c.port} ssh-ed25519 ${key}`,
    ]) {
      const r = await SshTransport.connect(sshOptions(c, { knownHosts: kh }))
      assert.ok(!r.ok, kh)
      assert.match(r.error.message, /host key of \[127\.0\.0\.1\]:\d+ .* is unknown.*refusing/, r.error.message)
      assert.ok(r.error.message.includes(fingerprint(serverKey(c))), r.error.message)
      assert.equal(r.error.field, 'ssh-known-hosts')
    }
    const revoked = await SshTransport.connect(
      sshOptions(c, { knownHosts: `@revoked * ssh-ed25519 ${key}\n[${c.host}]:${c.port} ssh-ed25519 ${key}` }),
    )
    assert.ok(!revoked.ok)
    assert.match(revoked.error.message, /revoked/)
  })

  it('accepts hashed, wildcard and comma-list known_hosts entries', async () => {
    const key = serverKey(c).toString('base64')
    const salt = randomBytes(20)
    const hash = createHmac('sha1', salt).update(`[${c.host}]:${c.port}`).digest('base64')
    for (const kh of [
      `# comment\n\n|1|${salt.toString('base64')}|${hash} ssh-ed25519 ${key}`,
      `[127.0.0.*]:${c.port} ssh-ed25519 ${key}`,
      `other.example,[${c.host}]:${c.port} ssh-ed25519 ${key} a comment`,
      `[${c.host}]:${c.port} ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQC7\n[${c.host}]:${c.port} ssh-ed25519 ${key}`,
    ]) {
      const r = await SshTransport.connect(sshOptions(c, { knownHosts: kh }))
      assert.ok(r.ok, `${kh}: ${r.ok ? '' : r.error.message}`)
      await r.value.close()
    }
  })

  it('parses known_hosts and verifies keys without a server', () => {
    const key = serverKey(c)
    const b64 = key.toString('base64')
    const entries = parseKnownHosts(
      `example.org,*.example.com ssh-ed25519 ${b64}\nbad line\n@cert-authority * ssh-ed25519 ${b64}`,
    )
    assert.equal(entries.length, 2)
    assert.equal(verifyHostKey(entries, 'example.org', 22, key), true)
    assert.equal(verifyHostKey(entries, 'a.example.com', 22, key), true)
    assert.match(String(verifyHostKey(entries, 'example.org', 2222, key)), /unknown/)
    assert.match(String(verifyHostKey(entries, 'example.org', 22, otherEd25519Blob())), /CHANGED.*SHA256:/)
  })

  it('returns a bad private key or a refused login as a Problem', async () => {
    const bad = await SshTransport.connect(sshOptions(c, { privateKey: 'not a key' }))
    assert.ok(!bad.ok)
    assert.equal(bad.error.field, 'ssh-private-key')
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const other = privateKey.export({ format: 'pem', type: 'pkcs1' }).toString()
    const refused = await SshTransport.connect(sshOptions(c, { privateKey: other }))
    assert.ok(!refused.ok)
    assert.match(refused.error.message, /refused the key/)
    const closed = await SshTransport.connect(sshOptions(c, { port: 1, connectAttempts: 1 }))
    assert.equal(closed.ok, false)
  })

  it('survives an sshd restart: the next exec reconnects, in-flight idempotent commands rerun', async () => {
    const opened = events.counts.connections
    assert.equal((await t.exec(['echo', 'before'])).stdout, 'before\n')
    // one command in flight while sshd and every connection it serves are killed
    const inFlight = t.exec(['sh', '-c', 'sleep 2; echo survived'])
    const notIdempotent = t.exec(['sh', '-c', 'sleep 2; echo once'], { idempotent: false })
    await new Promise((r) => setTimeout(r, 500))
    await runDevScript('restart-sshd.sh')
    const after1 = await t.exec(['echo', 'after'])
    assert.deepEqual(after1, { code: 0, stdout: 'after\n', stderr: '' })
    assert.deepEqual(await inFlight, { code: 0, stdout: 'survived\n', stderr: '' })
    const once = await notIdempotent
    assert.equal(once.code, -1)
    assert.match(once.stderr, /may or may not have run/)
    assert.equal(events.counts.connections, opened + 1, 'exactly one reconnection')
    // SFTP reopens on the new connection too
    await t.writeFileAtomic('/tmp/re-ssh-after-restart', 'ok')
    assert.equal((await t.readFile('/tmp/re-ssh-after-restart'))?.toString(), 'ok')
    await t.remove('/tmp/re-ssh-after-restart')
  })

  it('waits out an sshd outage with back-off, and fails clearly only past reconnectForMs', async () => {
    const patient = await connectSsh(c)
    const impatient = await connectSsh(c, { reconnectForMs: 1500 })
    try {
      const outage = runDevScript('restart-sshd.sh', ['4'])
      await new Promise((r) => setTimeout(r, 1000)) // sshd is down now
      const [p, i] = await Promise.all([patient.exec(['echo', 'patient']), impatient.exec(['echo', 'impatient'])])
      await outage
      assert.deepEqual(p, { code: 0, stdout: 'patient\n', stderr: '' })
      assert.equal(i.code, -1)
      assert.match(i.stderr, /cannot reach ssh:.*down for \d+ s/)
      // once the server is back, the impatient one recovers on its next use
      assert.equal((await impatient.exec(['echo', 'back'])).stdout, 'back\n')
    } finally {
      await patient.close()
      await impatient.close()
    }
  })
})

/** Names a file system allows (no '/') and a shell must never interpret. */
const HOSTILE_NAMES = [
  'two words',
  "it's",
  'say "hi"',
  '$HOME',
  '${PATH}',
  '$(id)',
  '`id`',
  '-n',
  '--',
  'semi;colon&amp|pipe',
  'back\\slash',
  'new\nline',
  'tab\there',
  '*',
  '?',
  '~',
  'ünïcödé ✓',
  ' leading space',
]

interface FileServer {
  name: string
  /** A fresh transport to it. */
  connect(extra?: Partial<SshConnectOptions>): Promise<SshTransport>
  /** Kills sshd and every session it serves, and starts it again. */
  restart(): Promise<string>
  /** The channel its transports use for files. */
  channel: 'sftp' | 'exec'
}

const servers: FileServer[] = [
  {
    name: 'SFTP (the dev cluster sshd)',
    connect: (extra) => connectSsh(devCluster(), extra),
    restart: () => runDevScript('restart-sshd.sh'),
    channel: 'sftp',
  },
  {
    name: 'exec channels (an sshd without the SFTP subsystem, hostile ~/.bashrc)',
    connect: async (extra) => connectSsh(await startNoSftp(devCluster()), extra),
    restart: () => runDevScript('sshd-nosftp.sh', ['restart']),
    channel: 'exec',
  },
]

for (const server of servers) {
  describe(`file operations over ${server.name}`, () => {
    let t: SshTransport
    const events = countSshEvents()
    before(async () => {
      t = await server.connect({ onEvent: events.onEvent })
      assert.equal(t.fileChannel, server.channel)
    })
    after(async () => {
      await t.close()
    })

    it('reads, writes, appends, creates exclusively, lists, stats and removes files', async () => {
      const base = `/tmp/re-ssh-files-${randomBytes(4).toString('hex')}`
      const f = `${base}/deep/er/file.txt`
      assert.equal(await t.readFile(f), null)
      assert.equal(await t.readRange(f, 0, 10), null)
      assert.equal(await t.stat(f), null)
      assert.equal(await t.list(base), null)
      await t.writeFileAtomic(f, 'first')
      assert.equal((await t.readFile(f))?.toString(), 'first')
      await t.writeFileAtomic(f, 'second, longer content')
      assert.equal((await t.readFile(f))?.toString(), 'second, longer content')
      assert.equal((await t.readRange(f, 8, 6))?.toString(), 'longer')
      assert.equal((await t.readRange(f, 15, 1000))?.toString(), 'content', 'a range past the end is cut there')
      assert.equal((await t.readRange(f, 1000, 10))?.length, 0)
      assert.equal((await t.readRange(f, 0, 0))?.length, 0)
      await t.writeFileAtomic(`${base}/run.sh`, '#!/bin/sh\n', { mode: 0o755 })
      assert.equal((await t.exec(['stat', '-c', '%a', `${base}/run.sh`])).stdout, '755\n', 'mode as asked')
      await t.writeFileAtomic(`${base}/run.sh`, '#!/bin/sh\n')
      assert.equal((await t.exec(['stat', '-c', '%a', `${base}/run.sh`])).stdout, '644\n', "the umask's mode")
      const binary = randomBytes(300_000)
      await t.writeFileAtomic(`${base}/bin`, binary)
      assert.ok((await t.readFile(`${base}/bin`))?.equals(binary))
      await t.appendFile(`${base}/log/a.jsonl`, 'one\n')
      await t.appendFile(`${base}/log/a.jsonl`, 'two\n')
      assert.equal((await t.readFile(`${base}/log/a.jsonl`))?.toString(), 'one\ntwo\n')
      // another writer appends between ours: ours still land after it, once
      await t.exec(['sh', '-c', `printf 'other\\n' >> ${base}/log/a.jsonl`])
      await t.appendFile(`${base}/log/a.jsonl`, 'three\n')
      assert.equal((await t.readFile(`${base}/log/a.jsonl`))?.toString(), 'one\ntwo\nother\nthree\n')
      assert.equal(await t.createExclusive(`${base}/lock`, 'me'), true)
      assert.equal(await t.createExclusive(`${base}/lock`, 'someone else'), false)
      assert.equal((await t.readFile(`${base}/lock`))?.toString(), 'me')
      const st = await t.stat(f)
      assert.ok(st)
      assert.equal(st.isDirectory, false)
      assert.equal(st.size, Buffer.byteLength('second, longer content'))
      assert.ok(Math.abs(st.mtimeMs - Date.now()) < 60_000)
      assert.equal((await t.stat(`${base}/deep`))?.isDirectory, true)
      await t.exec(['ln', '-s', `${base}/deep`, `${base}/link`])
      // a file's identity includes its inode where the channel can tell it (not over SFTP); real paths
      assert.equal(st.ino === undefined, server.channel === 'sftp')
      assert.equal(await t.realpath(`${base}/link/er/file.txt`), f)
      assert.equal(await t.realpath(`${base}/deep/../deep/er`), `${base}/deep/er`)
      assert.equal(await t.realpath(`${base}/link/missing`), null)
      assert.deepEqual(await t.list(base), [
        { name: 'bin', isDirectory: false },
        { name: 'deep', isDirectory: true },
        { name: 'link', isDirectory: true },
        { name: 'lock', isDirectory: false },
        { name: 'log', isDirectory: true },
        { name: 'run.sh', isDirectory: false },
      ])
      assert.equal(await t.list(f), null, 'listing a file gives null')
      await t.mkdirp(`${base}/deep/er`) // existing: fine
      await assert.rejects(t.mkdirp(`${f}/below-a-file`), 'mkdirp below a file fails')
      await t.remove(`${base}/lock`)
      await t.remove(`${base}/lock`) // missing: fine
      assert.equal(await t.readFile(`${base}/lock`), null)
      await t.remove(`${base}/link`)
      assert.equal((await t.stat(`${base}/deep`))?.isDirectory, true, 'remove of a symlink keeps its target')
      await t.mkdirp(`${base}/empty`)
      await t.remove(`${base}/empty`)
      assert.equal(await t.stat(`${base}/empty`), null, 'an empty directory is removed')
      await assert.rejects(t.remove(`${base}/deep`), 'a directory with files in it is not removed')
      // no temporary files left behind by atomic writes, appends or exclusive creates
      assert.deepEqual(
        (await t.list(`${base}/deep/er`))?.map((e) => e.name),
        ['file.txt'],
      )
      assert.deepEqual(
        (await t.list(`${base}/log`))?.map((e) => e.name),
        ['a.jsonl'],
      )
      // files and execs interleaved in parallel share the channel budget
      const mixed = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          i % 2
            ? t.exec(['echo', String(i)]).then((r) => r.stdout)
            : t
                .writeFileAtomic(`${base}/p${i}`, String(i))
                .then(() => t.readFile(`${base}/p${i}`))
                .then((b) => `${b?.toString()}\n`),
        ),
      )
      for (const [i, out] of mixed.entries()) assert.equal(out, `${i}\n`)
      await t.exec(['rm', '-rf', base])
    })

    it('creates exclusively: of 8 racing creators exactly one wins, and its content is whole', async () => {
      const base = `/tmp/re-ssh-excl-${randomBytes(4).toString('hex')}`
      const contents = Array.from({ length: 8 }, (_, i) => `${String(i).repeat(50_000)}\n`)
      const won = await Promise.all(contents.map((text) => t.createExclusive(`${base}/lock`, text)))
      assert.equal(won.filter(Boolean).length, 1, `winners: ${won.join(',')}`)
      assert.equal((await t.readFile(`${base}/lock`))?.toString(), contents[won.indexOf(true)])
      assert.deepEqual(
        (await t.list(base))?.map((e) => e.name),
        ['lock'],
        'no staging files left',
      )
      await t.exec(['rm', '-rf', base])
    })

    it('writes atomically: concurrent readers see one whole version or the other', async () => {
      const path = `/tmp/re-ssh-atomic-${randomBytes(4).toString('hex')}/state.json`
      const versions = ['a', 'b', 'c'].map((ch) => ch.repeat(200_000))
      await t.writeFileAtomic(path, versions[0] ?? '')
      const seen = new Set<string>()
      await Promise.all([
        (async () => {
          for (let i = 0; i < 6; i++) await t.writeFileAtomic(path, versions[i % 3] ?? '')
        })(),
        (async () => {
          for (let i = 0; i < 10; i++) {
            const text = (await t.readFile(path))?.toString() ?? ''
            assert.ok(versions.includes(text), `a torn read of ${text.length} bytes`)
            seen.add(text[0] ?? '')
          }
        })(),
      ])
      assert.ok(seen.size >= 1)
      await t.exec(['rm', '-rf', path.replace(/\/state\.json$/, '')])
    })

    it('keeps names with spaces, quotes, $, backticks, newlines and leading dashes intact', async () => {
      rmSync('/tmp/pwned', { force: true })
      const base = `/tmp/re-ssh-names ${randomBytes(3).toString('hex')} '$(touch /tmp/pwned)' "$HOME"`
      const dir = `${base}/d $x 'y' "z"`
      for (const [i, name] of HOSTILE_NAMES.entries()) {
        const p = `${dir}/${name}`
        await t.writeFileAtomic(p, `content ${i}`)
        assert.equal((await t.readFile(p))?.toString(), `content ${i}`, JSON.stringify(name))
        await t.appendFile(p, ' more')
        assert.equal((await t.readRange(p, 0, 100))?.toString(), `content ${i} more`)
        assert.equal((await t.stat(p))?.size, Buffer.byteLength(`content ${i} more`))
        assert.equal(await t.createExclusive(`${p}.lock`, 'x'), true)
        assert.equal(await t.createExclusive(`${p}.lock`, 'x'), false)
      }
      const names = (await t.list(dir))?.map((e) => e.name)
      const expected = HOSTILE_NAMES.flatMap((n) => [n, `${n}.lock`]).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      assert.deepEqual(names, expected)
      // the names as the remote file system has them, read independently of the transport
      const ls = await t.exec(['find', dir, '-mindepth', '1', '-maxdepth', '1', '-printf', '%f\\0'])
      assert.deepEqual(ls.stdout.split('\0').slice(0, -1).sort(), [...expected].sort())
      for (const name of HOSTILE_NAMES) {
        await t.remove(`${dir}/${name}`)
        await t.remove(`${dir}/${name}.lock`)
      }
      assert.deepEqual(await t.list(dir), [])
      await t.remove(dir)
      await t.remove(base)
      assert.equal(await t.stat(base), null)
      assert.equal(existsSync('/tmp/pwned'), false, 'no name was interpreted by a shell')
    })

    it('round-trips binary data byte for byte (every byte value, NUL, CR LF, invalid UTF-8)', async () => {
      const base = `/tmp/re-ssh-bin-${randomBytes(4).toString('hex')}`
      const every = Buffer.from(Array.from({ length: 256 * 16 }, (_, i) => i % 256))
      const data = Buffer.concat([every, Buffer.from('\r\n\0\xff\xfe'), randomBytes(3 * 1024 * 1024), every])
      await t.writeFileAtomic(`${base}/blob`, data)
      const back = await t.readFile(`${base}/blob`)
      assert.ok(back?.equals(data), 'whole file')
      const remote = await t.exec(['sha256sum', `${base}/blob`])
      assert.equal(remote.stdout.split(' ')[0], createHash('sha256').update(data).digest('hex'), 'bytes on disk')
      for (const [start, length] of [
        [0, 1],
        [255, 2],
        [4095, 4097],
        [data.length - 10, 10],
        [1_000_000, 1_048_576 + 3],
      ] as const) {
        const piece = await t.readRange(`${base}/blob`, start, length)
        assert.ok(piece?.equals(data.subarray(start, start + length)), `range ${start}+${length}`)
      }
      await t.exec(['rm', '-rf', base])
    })

    it('reads a 300 MB file in bounded ranges with bounded memory', { timeout: 300_000 }, async () => {
      const base = `/tmp/re-ssh-big-${randomBytes(4).toString('hex')}`
      const size = 300 * 1024 * 1024
      const made = await t.exec(['sh', '-c', `mkdir -p ${base} && head -c ${size} /dev/urandom > ${base}/big`])
      assert.equal(made.code, 0, made.stderr)
      const want = (await t.exec(['sha256sum', `${base}/big`])).stdout.split(' ')[0]
      assert.equal((await t.stat(`${base}/big`))?.size, size)
      const chunk = 8 * 1024 * 1024
      const hash = createHash('sha256')
      // Collect garbage after every range, so that what the RSS shows is what is held, not what V8 defers.
      setFlagsFromString('--expose_gc')
      const gc = runInNewContext('gc') as () => void
      gc()
      const rssBefore = process.memoryUsage().rss
      let peak = rssBefore
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().rss)
      }, 10)
      const started = Date.now()
      try {
        for (let pos = 0; pos < size; pos += chunk) {
          const piece = await t.readRange(`${base}/big`, pos, chunk)
          assert.ok(piece)
          assert.equal(piece.length, Math.min(chunk, size - pos))
          hash.update(piece)
          gc()
        }
      } finally {
        clearInterval(sampler)
      }
      const secs = (Date.now() - started) / 1000
      const growth = (peak - rssBefore) / 1024 / 1024
      console.log(
        `# ${server.channel}: 300 MB in 8 MiB ranges in ${secs.toFixed(1)} s, peak RSS +${growth.toFixed(0)} MiB`,
      )
      assert.equal(hash.digest('hex'), want)
      assert.ok(growth < 64, `memory grew by ${growth.toFixed(0)} MiB reading a 300 MiB file in 8 MiB ranges`)
      const tail = await readTail(t, `${base}/big`, 1000)
      assert.equal(tail?.length, 1000)
      await t.exec(['rm', '-rf', base])
    })

    it('keeps file operations in flight through an sshd restart, appending exactly once each', async () => {
      const base = `/tmp/re-ssh-drop-${randomBytes(4).toString('hex')}`
      await t.writeFileAtomic(`${base}/x`, 'x')
      const ctl = { stop: false }
      const connections = events.counts.connections
      let n = 0
      const loop = (async () => {
        while (!ctl.stop) {
          await t.appendFile(`${base}/log`, `${n++}\n`)
          assert.equal((await t.readFile(`${base}/x`))?.toString(), 'x')
          await t.writeFileAtomic(`${base}/state.json`, JSON.stringify({ n }))
        }
      })()
      await new Promise((r) => setTimeout(r, 300))
      await server.restart()
      // let operations go on after the restart (a reconnection takes a moment)
      const atRestart = n
      for (let waited = 0; n <= atRestart + 2 && waited < 20_000; waited += 100)
        await new Promise((r) => setTimeout(r, 100))
      ctl.stop = true
      await loop
      assert.equal(events.counts.connections, connections + 1, 'the restart dropped the connection; one reconnect')
      assert.ok(n > atRestart + 2, `operations went on after the restart (${atRestart} -> ${n})`)
      const lines = (await t.readFile(`${base}/log`))?.toString().split('\n').filter(Boolean)
      assert.deepEqual(
        lines,
        Array.from({ length: n }, (_, i) => String(i)),
      )
      assert.deepEqual(JSON.parse((await t.readFile(`${base}/state.json`))?.toString() ?? ''), { n })
      await t.exec(['rm', '-rf', base])
    })
  })
}

describe('a login node without the SFTP subsystem', () => {
  let c: DevCluster
  let server: NoSftpServer
  before(async () => {
    c = devCluster()
    server = await startNoSftp(c)
  })

  it('really has no SFTP, and its rc file is noisy (the conditions under test)', () => {
    const ssh = (args: string[]): { status: number | null; stdout: string; stderr: string } => {
      try {
        const out = execFileSync('ssh', [...sshArgs(server), ...args], { encoding: 'utf8', stdio: 'pipe' })
        return { status: 0, stdout: out, stderr: '' }
      } catch (e) {
        const x = e as { status: number | null; stdout: string; stderr: string }
        return { status: x.status, stdout: x.stdout, stderr: x.stderr }
      }
    }
    const sftp = ssh(['-s', 'sftp'])
    assert.notEqual(sftp.status, 0)
    assert.match(sftp.stderr, /subsystem request failed/)
    const plain = ssh(['echo', 'hello'])
    assert.match(plain.stdout, /rc noise on stdout[\s\S]*hello/, 'plain ssh shows the rc output')
  })

  it('is detected at connect: file operations go over exec channels, said once in the log', async () => {
    const said: string[] = []
    const t = await connectSsh(server, { log: (m) => said.push(m) })
    try {
      assert.equal(t.fileChannel, 'exec')
      assert.equal(said.filter((m) => /no SFTP subsystem.*exec channels/.test(m)).length, 1, said.join('\n'))
      // the rc file's output never reaches a command's output, nor its functions our commands
      assert.deepEqual(await t.exec(['echo', 'clean']), { code: 0, stdout: 'clean\n', stderr: '' })
      const noisy = await t.exec(['sh', '-c', 'echo out; echo err >&2; exit 3'])
      assert.deepEqual(noisy, { code: 3, stdout: 'out\n', stderr: 'err\n' })
      await t.writeFileAtomic('/tmp/re-ssh-nosftp-probe/x', 'y')
      assert.equal((await t.readFile('/tmp/re-ssh-nosftp-probe/x'))?.toString(), 'y')
      await t.exec(['rm', '-rf', '/tmp/re-ssh-nosftp-probe'])
      assert.equal(said.length, 1, said.join('\n'))
    } finally {
      await t.close()
    }
  })

  it('where the exec fallback cannot work either, connect returns a Problem that names the cause', async () => {
    const r = await SshTransport.connect(sshOptions(server, { privateKey: server.bareKey }))
    assert.ok(!r.ok, 'connect must fail')
    assert.match(r.error.message, /no SFTP subsystem/)
    assert.match(r.error.message, /dd is not installed/)
    assert.equal(r.error.field, 'ssh-host')
    assert.match(r.error.hint ?? '', /Subsystem sftp/)
  })

  it('runs a whole action over it: staging, SLURM jobs, state and logs', { timeout: 180_000 }, async () => {
    execFileSync('node', ['scripts/build.mjs'], { stdio: 'ignore' })
    const remote = join(tempDir('re-remote-'), 'scratch/exp')
    const exp = makeExperiment(tempDir(), { sleep: 1, name: 'ssh-nosftp', dir: remote })
    const r = await runAction({
      inputs: slurmInputs(exp, {
        'ssh-host': server.host,
        'ssh-port': String(server.port),
        'ssh-user': server.user,
        'ssh-private-key': server.privateKey,
        'ssh-known-hosts': server.knownHosts,
      }),
    })
    assert.equal(r.outputs['status'], 'success', r.summary + r.stderr)
    assert.match(r.stdout, /no SFTP subsystem.*exec channels/)
    assert.doesNotMatch(r.stdout + r.summary, /rc noise/)
    assert.ok(existsSync(join(remote, 'lr1/artifacts/epoch_1/adapter_model.safetensors')))
    assert.ok(existsSync(join(remote, 'run-experiment.log')))
    assert.equal(executions(remote).length, 6)
  })
})

function sshArgs(s: NoSftpServer): string[] {
  return [
    ...['-i', s.keyPath, '-p', String(s.port), '-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes'],
    ...['-o', `UserKnownHostsFile=${s.knownHostsPath}`, '-o', 'GlobalKnownHostsFile=/dev/null'],
    `${s.user}@${s.host}`,
  ]
}
