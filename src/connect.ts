/** Reaching the cluster: the transport (this host, or SSH to the login node) and the scheduler the inputs name. */
import type { Transport } from './cluster/transport.js'
import type { Settings } from './inputs.js'
import { err, ok, type Result } from './result.js'
import { createScheduler } from './scheduler/index.js'
import type { Scheduler } from './scheduler/scheduler.js'

/** The transport: this host, or one SSH connection to the login node. */
export async function reach(
  settings: Settings,
  runnerFs: Transport,
  log?: (message: string) => void,
): Promise<Result<Transport>> {
  if (!settings.ssh) return ok(runnerFs)
  const { SshTransport } = await import('./cluster/ssh.js')
  const r = await SshTransport.connect({
    host: settings.ssh.host,
    port: settings.ssh.port,
    username: settings.ssh.user,
    privateKey: settings.ssh.privateKey,
    knownHosts: settings.ssh.knownHosts,
    ...(log ? { log } : {}),
  })
  return r.ok ? ok(r.value) : err({ field: 'ssh-host', ...r.error })
}

/** The scheduler the `executor` input names, from the registry. */
export function makeScheduler(settings: Settings, transport: Transport, runDir: string): Promise<Result<Scheduler>> {
  return createScheduler(settings.executor, {
    transport,
    runDir,
    maxParallel: settings.maxParallel,
    maxSubmit: settings.maxSubmit,
    stagger: settings.stagger,
    outputWait: settings.outputWait,
    where: settings.ssh ? settings.ssh.host : 'this runner',
  })
}
