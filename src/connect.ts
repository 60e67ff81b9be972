/** Reaching the cluster: the transport (this host, or SSH to the login node) and the scheduler the inputs name. */
import type { Transport } from './cluster/transport.js'
import type { Settings } from './inputs.js'
import { FILES } from './names.js'
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

/**
 * Where the local executor's job records of a run directory lived so far: inside it. (To move under the
 * persistent run root, outside the run directory, once that is wired.)
 */
export function defaultJobsDir(runDir: string): string {
  return `${runDir}/${FILES.workDir}/local-jobs`
}

/** The scheduler the `executor` input names, from the registry; `jobsDir` holds the local executor's job records. */
export function makeScheduler(
  settings: Settings,
  transport: Transport,
  runDir: string,
  jobsDir: string,
): Promise<Result<Scheduler>> {
  return createScheduler(settings.executor, {
    transport,
    runDir,
    jobsDir,
    maxParallel: settings.maxParallel,
    localTimeLimit: settings.localTimeLimit,
    maxSubmit: settings.maxSubmit,
    stagger: settings.stagger,
    outputWait: settings.outputWait,
    where: settings.ssh ? settings.ssh.host : 'this runner',
  })
}
