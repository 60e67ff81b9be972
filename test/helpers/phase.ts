/**
 * The fixtures of a phase in memory, shared by the unit tests that drive the engine's phase loop or a
 * tool's judge: an experiment in the run directory RUN_DIR, torchtune's job files, the jobs a tool
 * scaffolds from what the transport holds, and a PhaseContext whose every field a test may replace.
 */
import { ConfinedTransport } from '../../src/engine/confine.ts'
import { LogFile } from '../../src/engine/log.ts'
import { Sealer } from '../../src/engine/seal.ts'
import type { StateStore } from '../../src/engine/state.ts'
import type { PhaseContext, PhaseSettings } from '../../src/engine/types.ts'
import type { Cell, Experiment, Run } from '../../src/experiment/model.ts'
import type { Scheduler } from '../../src/scheduler/scheduler.ts'
import type { PlannedJob, ToolModule } from '../../src/tools/tool.ts'
import { torchtune } from '../../src/tools/torchtune.ts'
import type { MemoryTransport } from './memory-transport.ts'

export const RUN_DIR = '/scratch/exp'

/** Polls that do not wait, and the default `max-resumes`. */
export const SETTINGS: PhaseSettings = { pollInterval: 0.001, maxPollInterval: 0.001, maxResumes: 3 }

/** One evaluation per run: task caps on its epoch 0 checkpoint. */
const trainedCells = (runs: readonly string[]): Cell[] => runs.map((run) => ({ run, task: 'caps', epoch: 0 }))

/**
 * An experiment in RUN_DIR (torchtune, then inspect-ai) whose matrix is `cells`. Its runs are the ones the
 * cells name, in order, each trained for `epochs` (a run no cell evaluates at an epoch is a control); its
 * tasks are the ones the cells name.
 */
export function experimentAt(cells: Cell[], epochs = 1): Experiment {
  const runs = [...new Set(cells.map((c) => c.run))].map((name): Run => ({
    name,
    type: cells.some((c) => c.run === name && c.epoch !== null) ? 'fine-tuned' : 'control',
    parameters: {},
    epochs,
  }))
  return {
    name: 'exp',
    summaryPath: `${RUN_DIR}/experiment_summary.yaml`,
    sourceDir: RUN_DIR,
    tools: { preparation: 'torchtune', evaluation: 'inspect-ai', defaulted: false },
    runs,
    tasks: [...new Set(cells.map((c) => c.task))].map((name) => ({ name })),
    cells,
  }
}

/** Each run's `finetune.yaml` and the `finetune.slurm` that trains with it. */
export function putTrainingJobs(
  t: MemoryTransport,
  runs: readonly string[],
  files: { config?: string; script?: string } = {},
): void {
  for (const run of runs) {
    t.put(`${RUN_DIR}/${run}/finetune.yaml`, files.config ?? 'output_dir: artifacts\nbatch_size: 8\n')
    t.put(`${RUN_DIR}/${run}/finetune.slurm`, files.script ?? '#!/bin/bash\ntune run x --config finetune.yaml\n')
  }
}

/** The jobs `tool` scaffolds for `experiment` from the files `t` holds in RUN_DIR. */
export async function plannedJobs(t: MemoryTransport, experiment: Experiment, tool: ToolModule = torchtune) {
  return (await tool.scaffold(experiment, (rel) => Promise.resolve(t.files.has(`${RUN_DIR}/${rel}`)))).jobs
}

/** What a phase cannot do without; every other field of the context has a default. */
export interface PhaseFixture extends Partial<PhaseContext> {
  transport: MemoryTransport
  experiment: Experiment
  jobs: PlannedJob[]
  state: StateStore
  scheduler: Scheduler
}

/**
 * A torchtune phase of experiment `exp-abc123` in RUN_DIR: reads confined to RUN_DIR, a fresh sealer for
 * RUN_DIR, the tool log in `logs/`, polls that do not wait, never aborted; `fields` replace any of these.
 */
export function phaseContext(fields: PhaseFixture): PhaseContext {
  const t = fields.transport
  return {
    tool: torchtune,
    experimentId: 'exp-abc123',
    runDir: RUN_DIR,
    reads: new ConfinedTransport(t, [RUN_DIR]),
    sealer: Sealer.forTests(RUN_DIR),
    toolLog: new LogFile(t, `${RUN_DIR}/logs/run-torchtune.log`),
    settings: { ...SETTINGS },
    signal: new AbortController().signal,
    ...fields,
  }
}

/** A phase training `runs` (each evaluated once, on its epoch 0), its jobs scaffolded from what the transport holds. */
export async function trainingPhase(
  runs: readonly string[],
  fields: Omit<PhaseFixture, 'experiment' | 'jobs'>,
): Promise<PhaseContext> {
  const experiment = experimentAt(trainedCells(runs))
  return phaseContext({ experiment, jobs: await plannedJobs(fields.transport, experiment), ...fields })
}
