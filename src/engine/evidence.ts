/**
 * What may stand for a job that has no entry of the action's own in the state: a job the scheduler still
 * knows, carrying the action's marker for this run directory and these inputs (the state was lost: a
 * cleaned checkout, a deleted file), or a job that a foreign entry names (cruijff_kit's runner) when the
 * scheduler knows it for this user and it was submitted from this job's directory. Nothing else: a
 * copied or committed record names jobs of another directory, or none at all.
 */
import type { Transport } from '../cluster/transport.js'
import { LOOKBACK_MS, type DescribedJob, type MarkedJob, type Scheduler } from '../scheduler/scheduler.js'
import { messageOf, err, ok, type Result } from '../result.js'
import { InputDigests } from './inputs.js'
import type { Sealer } from './seal.js'
import type { StateStore } from './state.js'

/** What a pass knows besides its own state entries, each asked of the scheduler at most once. */
export interface Evidence {
  digests: InputDigests
  /** The jobs carrying this run directory's marker. */
  marked: Lookup<SealedJob[]>
  /** What the scheduler knows of the jobs foreign entries name. */
  foreign: Lookup<Map<string, DescribedJob>>
}

/** The evidence of one pass over an experiment's phases (their states, for the jobs they name). */
export function evidenceOf(o: {
  transport: Transport
  runDir: string
  scheduler: Scheduler
  sealer: Sealer
  experimentId: string
  states: { state: StateStore; keys: readonly string[] }[]
}): Evidence {
  const foreignIds = o.states.flatMap(({ state, keys }) =>
    keys.flatMap((key) => {
      const id = state.foreignEntry(key)?.entry.job_id
      return id ? [id] : []
    }),
  )
  return {
    digests: new InputDigests(o.transport, o.runDir),
    marked: markedJobs(o.scheduler, o.sealer, o.experimentId),
    foreign: foreignJobs(o.scheduler, foreignIds),
  }
}

const PREFIX = 'run-experiment:'

/** The marker of a job: its name, the digest of its inputs, and a seal binding both to the run directory. */
export function markerOf(sealer: Sealer, jobName: string, digest: string): string {
  return `${PREFIX}${jobName}:${digest}:${sealer.seal('job-marker', jobName, digest)}`
}

/** What every marker of an experiment's jobs starts with. */
export function markerPrefix(experimentId: string): string {
  return `${PREFIX}re-${experimentId}-`
}

/** A marker's name and digest, when its seal holds for this run directory. */
export function readMarker(sealer: Sealer, marker: string): { jobName: string; digest: string } | undefined {
  const [prefix, jobName, digest, seal, ...rest] = marker.split(':')
  if (`${prefix}:` !== PREFIX || !jobName || !digest || rest.length > 0) return undefined
  return sealer.verify(seal, 'job-marker', jobName, digest) ? { jobName, digest } : undefined
}

/** Asks the scheduler once, when first needed, and remembers the answer (or that it could not tell). */
export class Lookup<T> {
  private answer: Promise<Result<T, string>> | undefined
  constructor(private readonly ask: () => Promise<T>) {}
  get(): Promise<Result<T, string>> {
    this.answer ??= this.ask().then(ok, (e: unknown) => err(messageOf(e)))
    return this.answer
  }
}

/** The jobs of this experiment that carry a marker sealed for this run directory, oldest first. */
export function markedJobs(scheduler: Scheduler, sealer: Sealer, experimentId: string): Lookup<SealedJob[]> {
  return new Lookup(async () => {
    const since = new Date(Date.now() - LOOKBACK_MS).toISOString()
    const found = await scheduler.findMarked(markerPrefix(experimentId), since)
    return found.flatMap((j) => {
      const m = readMarker(sealer, j.marker)
      return m ? [{ ...j, ...m }] : []
    })
  })
}

export interface SealedJob extends MarkedJob {
  jobName: string
  digest: string
}

/** What the scheduler knows, for this user, of the jobs foreign entries name. */
export function foreignJobs(scheduler: Scheduler, ids: readonly string[]): Lookup<Map<string, DescribedJob>> {
  return new Lookup(async () => {
    if (ids.length === 0) return new Map<string, DescribedJob>()
    return scheduler.describe(ids, new Date(Date.now() - LOOKBACK_MS).toISOString())
  })
}
