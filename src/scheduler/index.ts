/**
 * Registry: the `executor` input's names -> schedulers. main and the post step both ask here; the
 * input accepts exactly the names registered. A new scheduler is a new file plus one
 * `registerScheduler` line below (or a call from elsewhere, as the tests do).
 */
import type { Transport } from '../cluster/transport.js'
import { err, ok, type Result } from '../result.js'
import { LocalScheduler } from './local.js'
import type { Scheduler } from './scheduler.js'
import { SlurmScheduler, slurmReachable } from './slurm.js'

/** What a scheduler is made from: the transport, the run directory and the action's settings for it. */
export interface SchedulerOptions {
  transport: Transport
  /** The experiment's run directory on the cluster (absolute). */
  runDir: string
  /**
   * Where the local executor keeps its job records: outside the run directory, so that a cleaned or
   * copied run directory neither loses nor forges them.
   */
  jobsDir: string
  /** Local executor: jobs at once. */
  maxParallel: number
  /** Local executor: seconds a job whose script sets no `#SBATCH --time` may run (0: no limit). */
  localTimeLimit: number
  /** Queued or running jobs at once (QoS limits). */
  maxSubmit: number
  /** Seconds between two submissions. */
  stagger: number
  /** Seconds outputs may lag behind a job's end. */
  outputWait: number
  /** Where commands run, for messages: `this runner` or the SSH host. */
  where: string
}

export interface SchedulerFactory {
  readonly name: string
  /** One line for the documentation and error messages. */
  readonly description: string
  create(options: SchedulerOptions): Promise<Result<Scheduler>>
}

const factories = new Map<string, SchedulerFactory>()

/** Registers a scheduler under its name; a later registration of a name replaces it. */
export function registerScheduler(factory: SchedulerFactory): void {
  factories.set(factory.name, factory)
}

export function schedulerNames(): string[] {
  return [...factories.keys()]
}

export async function createScheduler(name: string, options: SchedulerOptions): Promise<Result<Scheduler>> {
  const factory = factories.get(name)
  if (!factory) {
    return err({
      field: 'executor',
      message: `unknown executor "${name}"`,
      hint: `one of ${schedulerNames().join(', ')}`,
    })
  }
  return factory.create(options)
}

registerScheduler({
  name: 'slurm',
  description: 'SLURM: sbatch, squeue and sacct where the transport runs commands (login node, or over SSH)',
  async create(o) {
    const probe = await slurmReachable(o.transport)
    if (!probe.ok) {
      const why = probe.error
      return err({
        field: 'executor',
        message: `executor is slurm, but ${o.where} has no SLURM client (sbatch: ${why})`,
        hint:
          o.where === 'this runner'
            ? 'run on a login node with SLURM, reach one with ssh-host, or set executor: local to run the job ' +
              'scripts on this machine'
            : 'check that sbatch is on the PATH of a non-interactive shell there, or set executor: local',
      })
    }
    return ok(
      new SlurmScheduler(o.transport, {
        maxSubmit: o.maxSubmit,
        staggerSeconds: o.stagger,
        outputWaitSeconds: o.outputWait,
      }),
    )
  },
})

registerScheduler({
  name: 'local',
  description: 'the embedded executor: job scripts run as detached processes where the transport runs commands',
  create(o) {
    return Promise.resolve(ok(new LocalScheduler(o.transport, o.jobsDir, o.maxParallel, o.localTimeLimit)))
  },
})
