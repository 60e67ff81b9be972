/**
 * SshTransport against the dev cluster's real sshd (scripts/dev-cluster/start.sh). No mocks:
 * quoting, exit codes, channel limits, SFTP, host key pinning and reconnection after sshd restarts.
 * Fails, never skips, when the dev cluster is not running.
 */
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createHash, createHmac, generateKeyPairSync, randomBytes } from 'node:crypto'
import { existsSync, rmSync } from 'node:fs'
import { SshTransport, fingerprint, parseKnownHosts, verifyHostKey } from '../src/cluster/ssh.ts'
import { connectSsh, devCluster, runDevScript, sshOptions, type DevCluster } from './helpers/dev-cluster.ts'

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

  before(async () => {
    c = devCluster()
    t = await connectSsh(c)
  })
  after(async () => {
    await t?.close()
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
    const before = t.connectionsOpened
    for (const n of [10, 30]) {
      const results = await Promise.all(
        Array.from({ length: n }, (_, i) => t.exec(['sh', '-c', `sleep 0.3; echo ${i}`])),
      )
      // stdout and exit codes exact; stderr may carry the login shell's own noise (e.g. pyenv rehash races).
      results.forEach((r, i) => assert.deepEqual({ code: r.code, stdout: r.stdout }, { code: 0, stdout: `${i}\n` }))
    }
    assert.equal(t.channelRetries, 0, 'the semaphore keeps under MaxSessions: no channel was refused')
    // past the semaphore, the server's own limit: 12 raw channels on a fresh connection, retried
    const raw = await connectSsh(c, { maxChannels: 12 })
    try {
      const results = await Promise.all(
        Array.from({ length: 24 }, (_, i) => raw.exec(['sh', '-c', `sleep 0.5; echo ${i}`])),
      )
      // stdout and exit codes exact; stderr may carry the login shell's own noise (e.g. pyenv rehash races).
      results.forEach((r, i) => assert.deepEqual({ code: r.code, stdout: r.stdout }, { code: 0, stdout: `${i}\n` }))
      assert.ok(raw.channelRetries > 0, 'sshd refused some channels (MaxSessions 10) and they were retried')
    } finally {
      await raw.close()
    }
    assert.equal(t.connectionsOpened, before, 'no new connection')
  })

  it('reads, writes, appends, creates exclusively, lists, stats and removes files over SFTP', async () => {
    const base = `/tmp/re-ssh-sftp-${randomBytes(4).toString('hex')}`
    const f = `${base}/deep/er/file.txt`
    assert.equal(await t.readFile(f), null)
    assert.equal(await t.stat(f), null)
    assert.equal(await t.list(base), null)
    await t.writeFileAtomic(f, 'first')
    assert.equal((await t.readFile(f))?.toString(), 'first')
    await t.writeFileAtomic(f, 'second, longer content')
    assert.equal((await t.readFile(f))?.toString(), 'second, longer content')
    const binary = randomBytes(300_000)
    await t.writeFileAtomic(`${base}/bin`, binary)
    assert.ok((await t.readFile(`${base}/bin`))?.equals(binary))
    await t.appendFile(`${base}/log/a.jsonl`, 'one\n')
    await t.appendFile(`${base}/log/a.jsonl`, 'two\n')
    assert.equal((await t.readFile(`${base}/log/a.jsonl`))?.toString(), 'one\ntwo\n')
    assert.equal(await t.createExclusive(`${base}/lock`, 'me'), true)
    assert.equal(await t.createExclusive(`${base}/lock`, 'someone else'), false)
    assert.equal((await t.readFile(`${base}/lock`))?.toString(), 'me')
    const st = await t.stat(f)
    assert.equal(st?.isDirectory, false)
    assert.equal(st?.size, Buffer.byteLength('second, longer content'))
    assert.ok(st && Math.abs(st.mtimeMs - Date.now()) < 60_000)
    assert.equal((await t.stat(`${base}/deep`))?.isDirectory, true)
    await t.exec(['ln', '-s', `${base}/deep`, `${base}/link`])
    assert.deepEqual(await t.list(base), [
      { name: 'bin', isDirectory: false },
      { name: 'deep', isDirectory: true },
      { name: 'link', isDirectory: true },
      { name: 'lock', isDirectory: false },
      { name: 'log', isDirectory: true },
    ])
    assert.equal(await t.list(f), null, 'listing a file gives null')
    await t.mkdirp(`${base}/deep/er`) // existing: fine
    await t.remove(`${base}/lock`)
    await t.remove(`${base}/lock`) // missing: fine
    assert.equal(await t.readFile(`${base}/lock`), null)
    await t.remove(`${base}/link`)
    assert.equal((await t.stat(`${base}/deep`))?.isDirectory, true, 'remove of a symlink keeps its target')
    // no temporary files left behind by atomic writes
    assert.deepEqual(
      (await t.list(`${base}/deep/er`))?.map((e) => e.name),
      ['file.txt'],
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
    mixed.forEach((s, i) => assert.equal(s, `${i}\n`))
    await t.exec(['rm', '-rf', base])
  })

  it('refuses a host whose key differs from known_hosts, naming host and fingerprint', async () => {
    const real = serverKey(c)
    const wrong = otherEd25519Blob()
    const r = await SshTransport.connect(
      sshOptions(c, { knownHosts: `[${c.host}]:${c.port} ssh-ed25519 ${wrong.toString('base64')}\n` }),
    )
    assert.equal(r.ok, false)
    if (r.ok) return
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
      assert.equal(r.ok, false, kh)
      if (r.ok) continue
      assert.match(r.error.message, /host key of \[127\.0\.0\.1\]:\d+ .* is unknown.*refusing/, r.error.message)
      assert.ok(r.error.message.includes(fingerprint(serverKey(c))), r.error.message)
      assert.equal(r.error.field, 'ssh-known-hosts')
    }
    const revoked = await SshTransport.connect(
      sshOptions(c, { knownHosts: `@revoked * ssh-ed25519 ${key}\n[${c.host}]:${c.port} ssh-ed25519 ${key}` }),
    )
    assert.equal(revoked.ok, false)
    if (!revoked.ok) assert.match(revoked.error.message, /revoked/)
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
      assert.equal(r.ok, true, `${kh}: ${r.ok ? '' : r.error.message}`)
      if (r.ok) await r.value.close()
    }
  })

  it('parses known_hosts and verifies keys without a server', () => {
    const key = serverKey(c)
    const entries = parseKnownHosts(
      `example.org,*.example.com ssh-ed25519 ${key.toString('base64')}\nbad line\n@cert-authority * ssh-ed25519 ${key.toString('base64')}`,
    )
    assert.equal(entries.length, 2)
    assert.equal(verifyHostKey(entries, 'example.org', 22, key), true)
    assert.equal(verifyHostKey(entries, 'a.example.com', 22, key), true)
    assert.match(String(verifyHostKey(entries, 'example.org', 2222, key)), /unknown/)
    assert.match(String(verifyHostKey(entries, 'example.org', 22, otherEd25519Blob())), /CHANGED.*SHA256:/)
  })

  it('returns a bad private key or a refused login as a Problem', async () => {
    const bad = await SshTransport.connect(sshOptions(c, { privateKey: 'not a key' }))
    assert.equal(bad.ok, false)
    if (!bad.ok) assert.equal(bad.error.field, 'ssh-private-key')
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const other = privateKey.export({ format: 'pem', type: 'pkcs1' }).toString()
    const refused = await SshTransport.connect(sshOptions(c, { privateKey: other }))
    assert.equal(refused.ok, false)
    if (!refused.ok) assert.match(refused.error.message, /refused the key/)
    const closed = await SshTransport.connect(sshOptions(c, { port: 1, connectAttempts: 1 }))
    assert.equal(closed.ok, false)
  })

  it('survives an sshd restart: the next exec reconnects, in-flight idempotent commands rerun', async () => {
    const opened = t.connectionsOpened
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
    assert.equal(t.connectionsOpened, opened + 1, 'exactly one reconnection')
    // SFTP reopens on the new connection too
    await t.writeFileAtomic('/tmp/re-ssh-after-restart', 'ok')
    assert.equal((await t.readFile('/tmp/re-ssh-after-restart'))?.toString(), 'ok')
    await t.remove('/tmp/re-ssh-after-restart')
  })

  it('keeps SFTP operations in flight through an sshd restart, appending exactly once each', async () => {
    const base = `/tmp/re-ssh-drop-${randomBytes(4).toString('hex')}`
    await t.writeFileAtomic(`${base}/x`, 'x')
    let stop = false
    let n = 0
    const loop = (async () => {
      while (!stop) {
        await t.appendFile(`${base}/log`, `${n++}\n`)
        assert.equal((await t.readFile(`${base}/x`))?.toString(), 'x')
        await t.writeFileAtomic(`${base}/state.json`, JSON.stringify({ n }))
      }
    })()
    await new Promise((r) => setTimeout(r, 300))
    await runDevScript('restart-sshd.sh')
    await new Promise((r) => setTimeout(r, 500))
    stop = true
    await loop
    const lines = (await t.readFile(`${base}/log`))?.toString().split('\n').filter(Boolean)
    assert.deepEqual(
      lines,
      Array.from({ length: n }, (_, i) => String(i)),
    )
    assert.deepEqual(JSON.parse((await t.readFile(`${base}/state.json`))?.toString() ?? ''), { n })
    await t.exec(['rm', '-rf', base])
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
