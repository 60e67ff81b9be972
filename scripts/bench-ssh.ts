/**
 * Benchmark of the SSH transport (figures, not pass/fail), on the dev cluster's sshd (SFTP, root's own
 * ~/.bashrc) and the second sshd without SFTP (scripts/dev-cluster/sshd-nosftp.sh: a hostile ~/.bashrc):
 * - what the login shell costs each command: sshd runs `$SHELL -c LINE` for every exec request and Debian's
 *   bash then reads ~/.bashrc; we cannot skip that, only measure it;
 * - file operations per second over SFTP and over exec channels, on the SAME server and rc file;
 * - reading a 300 MB file in 8 MiB ranges: time and peak RSS.
 * Operations and connections are counted outside the production classes (src/cluster/counting.ts).
 *   flock /tmp/integration.lock node --import tsx scripts/bench-ssh.ts [--big-mb 300]
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { execFileSync } from 'node:child_process'
import { CountingTransport, countSshEvents } from '../src/cluster/counting.ts'
import { SshTransport, type SshConnectOptions } from '../src/cluster/ssh.ts'

const args = process.argv.slice(2)
const bigMb = Number(args[args.indexOf('--big-mb') + 1] ?? 300) || 300
const dir = process.env['RE_DEV_CLUSTER_DIR'] ?? '/tmp/re-dev-cluster'
const here = import.meta.dirname

function envFile(name: string): Record<string, string> {
  const env: Record<string, string> = {}
  for (const line of readFileSync(join(dir, name), 'utf8').split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim())
    if (m?.[1]) env[m[1]] = m[2] ?? ''
  }
  return env
}

execFileSync('bash', [join(here, 'dev-cluster/start.sh')], { stdio: 'ignore' })
execFileSync('bash', [join(here, 'dev-cluster/sshd-nosftp.sh'), 'start'], { stdio: 'ignore' })
const main = envFile('env')
const nosftp = envFile('env-nosftp')
const base: SshConnectOptions = {
  host: main['RE_SSH_HOST'] ?? '',
  port: Number(main['RE_SSH_PORT']),
  username: main['RE_SSH_USER'] ?? '',
  privateKey: readFileSync(main['RE_SSH_KEY'] ?? ''),
  knownHosts: readFileSync(main['RE_SSH_KNOWN_HOSTS'] ?? '', 'utf8'),
}
const servers = {
  'dev sshd, SFTP': base,
  'dev sshd, exec channels': { ...base, files: 'exec' as const },
  'no-SFTP sshd (hostile rc)': {
    ...base,
    port: Number(nosftp['RE_SSH_NOSFTP_PORT']),
    knownHosts: readFileSync(nosftp['RE_SSH_NOSFTP_KNOWN_HOSTS'] ?? '', 'utf8'),
  },
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN
const ms = (x: number): string => `${x.toFixed(1)} ms`

async function timed(n: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < n; i++) {
    const t0 = performance.now()
    await fn(i)
    times.push(performance.now() - t0)
  }
  return median(times)
}

for (const [name, options] of Object.entries(servers)) {
  const events = countSshEvents()
  const r = await SshTransport.connect({ ...options, onEvent: events.onEvent })
  if (!r.ok) throw new Error(`${name}: ${r.error.message}`)
  const t = new CountingTransport(r.value)
  const work = `/tmp/re-bench-ssh-${String(process.pid)}`
  console.log(`\n${name} (files over ${r.value.fileChannel}):`)

  // 1. the login shell: a command's round trip, and the time its rc file takes on the server
  const rc = await t.exec([
    'env',
    '-u',
    'BASH_ENV',
    'bash',
    '--norc',
    '--noprofile',
    '-c',
    'TIMEFORMAT=%R; { time . "$HOME/.bashrc" >/dev/null 2>&1; } 2>&1',
  ])
  const rcMs = Number(/([\d.]+)\s*$/.exec(rc.stdout)?.[1]) * 1000
  const trueMs = await timed(20, () => t.exec(['true']))
  console.log(`  exec round trip (true): median ${ms(trueMs)}; its ~/.bashrc alone takes ${ms(rcMs)} there`)

  // 2. file operations, one at a time
  await t.mkdirp(work)
  const payload = 'x'.repeat(1000)
  const figures = {
    'writeFileAtomic 1 kB': await timed(20, (i) => t.writeFileAtomic(`${work}/f${i % 4}`, payload)),
    'readFile 1 kB': await timed(20, (i) => t.readFile(`${work}/f${i % 4}`)),
    stat: await timed(20, (i) => t.stat(`${work}/f${i % 4}`)),
    'appendFile 100 B': await timed(20, () => t.appendFile(`${work}/log`, `${'y'.repeat(99)}\n`)),
    createExclusive: await timed(20, (i) => t.createExclusive(`${work}/lock${i}`, 'me')),
    'list (45 entries)': await timed(20, () => t.list(work)),
  }
  for (const [op, m] of Object.entries(figures)) console.log(`  ${op.padEnd(22)} median ${ms(m)}`)

  // 3. a big file in bounded ranges
  const size = bigMb * 1024 * 1024
  await t.exec(['sh', '-c', `head -c ${String(size)} /dev/zero > ${work}/big`])
  const chunk = 8 * 1024 * 1024
  const rss0 = process.memoryUsage().rss
  let peak = rss0
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss)
  }, 10)
  const t0 = performance.now()
  for (let pos = 0; pos < size; pos += chunk) await t.readRange(`${work}/big`, pos, chunk)
  const secs = (performance.now() - t0) / 1000
  clearInterval(sampler)
  const growth = (peak - rss0) / 1024 / 1024
  console.log(
    `  ${String(bigMb)} MB in 8 MiB ranges: ${secs.toFixed(1)} s (${(bigMb / secs).toFixed(0)} MB/s), ` +
      `peak RSS +${growth.toFixed(0)} MiB (garbage V8 had not collected yet included)`,
  )
  await t.exec(['rm', '-rf', work])
  await t.close()
  console.log(
    `  transport calls: ${String(t.total)} (${String(t.calls.exec)} exec); SSH connections: ` +
      `${String(events.counts.connections)}, channel refusals: ${String(events.counts.channelRefusals)}`,
  )
}
