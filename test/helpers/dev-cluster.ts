/**
 * The dev cluster the SSH and SLURM tests run against (scripts/dev-cluster/start.sh: a one-node
 * SLURM with accounting and an sshd on 127.0.0.1). Reads $RE_DEV_CLUSTER_DIR/env and FAILS, never
 * skips, when the cluster is not running.
 */
import { execFile } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { SshTransport, type SshConnectOptions } from '../../src/cluster/ssh.ts'

export interface DevCluster {
  dir: string
  host: string
  port: number
  user: string
  keyPath: string
  privateKey: string
  knownHostsPath: string
  knownHosts: string
  slurm: boolean
}

export const scriptsDir = resolve(import.meta.dirname, '../../scripts/dev-cluster')

/** The running dev cluster, or an Error that says how to start it. */
export function devCluster(): DevCluster {
  const dir = process.env['RE_DEV_CLUSTER_DIR'] ?? '/tmp/re-dev-cluster'
  const envFile = join(dir, 'env')
  if (!existsSync(envFile)) throw new Error(`dev cluster not running: run scripts/dev-cluster/start.sh (no ${envFile})`)
  const env: Record<string, string> = {}
  for (const line of readFileSync(envFile, 'utf8').split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim())
    if (m?.[1]) env[m[1]] = (m[2] ?? '').replace(/^['"]|['"]$/g, '')
  }
  const need = (k: string): string => {
    const v = env[k]
    if (!v) throw new Error(`dev cluster env file ${envFile} lacks ${k}: rerun scripts/dev-cluster/start.sh`)
    return v
  }
  const keyPath = need('RE_SSH_KEY')
  const knownHostsPath = need('RE_SSH_KNOWN_HOSTS')
  return {
    dir,
    host: need('RE_SSH_HOST'),
    port: Number(need('RE_SSH_PORT')),
    user: need('RE_SSH_USER'),
    keyPath,
    privateKey: readFileSync(keyPath, 'utf8'),
    knownHostsPath,
    knownHosts: readFileSync(knownHostsPath, 'utf8'),
    slurm: env['RE_SLURM'] === '1',
  }
}

export function sshOptions(c: DevCluster, extra: Partial<SshConnectOptions> = {}): SshConnectOptions {
  return { host: c.host, port: c.port, username: c.user, privateKey: c.privateKey, knownHosts: c.knownHosts, ...extra }
}

/** An SshTransport to the dev cluster; throws with the connection problem. */
export async function connectSsh(c: DevCluster, extra: Partial<SshConnectOptions> = {}): Promise<SshTransport> {
  const r = await SshTransport.connect(sshOptions(c, extra))
  if (!r.ok) throw new Error(`cannot connect to the dev cluster's sshd: ${r.error.message}`)
  return r.value
}

/** Runs scripts/dev-cluster/NAME with ARGS (async, so in-flight SSH traffic keeps flowing). */
export function runDevScript(name: string, args: readonly string[] = []): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile('bash', [join(scriptsDir, name), ...args], { encoding: 'utf8', timeout: 120_000 }, (e, stdout, stderr) => {
      if (e) reject(new Error(`${name} ${args.join(' ')} failed: ${e.message}\n${stdout}${stderr}`))
      else resolvePromise(stdout + stderr)
    })
  })
}
