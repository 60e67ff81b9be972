/**
 * The dev cluster's second sshd, without the SFTP subsystem and with a hostile ~/.bashrc
 * (scripts/dev-cluster/sshd-nosftp.sh). Started here (idempotent, about a second when it already runs).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { runDevScript, type DevCluster } from './dev-cluster.ts'

export interface NoSftpServer extends DevCluster {
  /** HOME of its sessions (holds the hostile .bashrc). */
  home: string
  /** A client key whose sessions have a PATH with only env and bash in it. */
  bareKey: string
}

export async function startNoSftp(c: DevCluster): Promise<NoSftpServer> {
  await runDevScript('sshd-nosftp.sh', ['start'])
  const env: Record<string, string> = {}
  for (const line of readFileSync(join(c.dir, 'env-nosftp'), 'utf8').split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim())
    if (m?.[1]) env[m[1]] = m[2] ?? ''
  }
  const need = (k: string): string => {
    const v = env[k]
    if (!v) throw new Error(`${join(c.dir, 'env-nosftp')} lacks ${k}: rerun scripts/dev-cluster/sshd-nosftp.sh`)
    return v
  }
  const knownHostsPath = need('RE_SSH_NOSFTP_KNOWN_HOSTS')
  return {
    ...c,
    port: Number(need('RE_SSH_NOSFTP_PORT')),
    knownHostsPath,
    knownHosts: readFileSync(knownHostsPath, 'utf8'),
    home: need('RE_SSH_NOSFTP_HOME'),
    bareKey: readFileSync(need('RE_SSH_NOSFTP_BARE_KEY'), 'utf8'),
  }
}
