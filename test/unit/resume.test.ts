/**
 * A training the scheduler stopped (TIMEOUT, PREEMPTED, NODE_FAIL) after an epoch checkpoint continues
 * from its last complete epoch with torchtune's own resume: the engine's phase loop on an in-memory
 * transport and a fake scheduler, the real torchtune module deciding and judging, and a stand-in for
 * torchtune 0.6.1 that saves and resumes as its LoRA recipe does (epoch_N/adapter_model.pt, then
 * recipe_state/recipe_state.pt for every epoch but the last; a resume starts after the largest epoch_N).
 */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { LogFile } from '../../src/engine/log.ts'
import { runPhase } from '../../src/engine/phase.ts'
import { StateStore, type StateEntry } from '../../src/engine/state.ts'
import { InputDigests } from '../../src/engine/inputs.ts'
import type { RetryContext } from '../../src/tools/tool.ts'
import { torchtune } from '../../src/tools/torchtune.ts'
import { FakeScheduler, type FakeEnd, type FakeJob } from '../helpers/fake-scheduler.ts'
import { MemoryTransport } from '../helpers/memory-transport.ts'
import { experimentAt, phaseContext, plannedJobs, RUN_DIR, SETTINGS } from '../helpers/phase.ts'

const KEY = 'a/finetune.slurm'
const ART = `${RUN_DIR}/a/artifacts`
const CONFIG = `${RUN_DIR}/a/finetune.yaml`
const USER_CONFIG =
  'output_dir: artifacts\nresume_from_checkpoint: False  # the user wrote this\nbatch_size: 8\nepochs: 3\n'
const HOUR = 3600_000

/** Run a trained for `epochs`, every epoch evaluated (so the judge needs all of them). */
const experiment = (epochs: number) =>
  experimentAt(
    Array.from({ length: epochs }, (_, epoch) => ({ run: 'a', task: 'caps', epoch })),
    epochs,
  )

/** A whole `torch.save` file: a zip ending with its end-of-central-directory record. */
function torchFile(): Buffer {
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  return Buffer.concat([Buffer.from('PK\u0003\u0004 tensors'), end])
}

/** torchtune 0.6.1's save of one epoch, in its order: weights, adapter, then (not for the last) the recipe state. */
function saveEpoch(t: MemoryTransport, epoch: number, total: number, mtime = t.now()): void {
  t.put(`${ART}/epoch_${epoch}/model-00001-of-00001.safetensors`, 'merged', mtime)
  t.put(`${ART}/epoch_${epoch}/adapter_model.pt`, torchFile(), mtime)
  t.put(`${ART}/epoch_${epoch}/adapter_model.safetensors`, 'adapter', mtime)
  if (epoch + 1 < total) t.put(`${ART}/recipe_state/recipe_state.pt`, torchFile(), mtime)
}

/** Where torchtune starts: after the largest epoch_N when its config says resume_from_checkpoint: True. */
function startEpoch(t: MemoryTransport, config: string): number {
  if (!/^resume_from_checkpoint:[ \t]*True\b/m.test(t.text(config) ?? '')) return 0
  const epochs = [...t.dirs].flatMap((d) => /^.*\/artifacts\/epoch_(\d+)$/.exec(d)?.slice(1) ?? []).map(Number)
  return Math.max(...epochs) + 1
}

interface Tune {
  /** The epochs each submission trained, in order. */
  trained: number[][]
  plan: (spec: unknown, submission: number) => FakeEnd
}

/**
 * A stand-in for torchtune training `total` epochs: submission n trains from where torchtune would start and
 * is stopped as `stops[n-1]` says (after that many epochs of its own, with that state), or completes.
 */
function tune(
  t: MemoryTransport,
  total: number,
  stops: { after: number; state: FakeEnd['state'] }[],
  config: string,
): Tune {
  const trained: number[][] = []
  return {
    trained,
    plan: (_spec, submission) => {
      const stop = stops[submission - 1]
      return {
        state: stop?.state ?? 'COMPLETED',
        ...(stop ? { exitCode: 0 } : {}),
        effect: (_job: FakeJob) => {
          const from = startEpoch(t, config)
          const to = stop ? Math.min(total, from + stop.after) : total
          const mine: number[] = []
          for (let e = from; e < to; e++) {
            saveEpoch(t, e, total)
            mine.push(e)
          }
          trained.push(mine)
        },
      }
    },
  }
}

async function setup(
  epochs: number,
  stops: { after: number; state: FakeEnd['state'] }[],
  options: {
    maxResumes?: number
    entries?: Record<string, StateEntry>
    /** Changes how a submission ends (what it writes besides torchtune's own files). */
    around?: (end: FakeEnd, submission: number) => FakeEnd
    /** The config the script names (absolute; default finetune.yaml beside it) and the script's tune line. */
    config?: string
    tuneLine?: string
  } = {},
) {
  const t = new MemoryTransport()
  const config = options.config ?? CONFIG
  t.put(config, USER_CONFIG)
  const tuneLine = options.tuneLine ?? 'tune run lora_finetune_single_device --config finetune.yaml'
  t.put(`${RUN_DIR}/a/finetune.slurm`, `#!/bin/bash\n${tuneLine}\n`)
  if (options.entries) t.put(`${RUN_DIR}/run-torchtune.state.json`, JSON.stringify(options.entries))
  const opened = await StateStore.open(t, `${RUN_DIR}/run-torchtune.state.json`)
  assert.ok(opened.ok)
  const fake = tune(t, epochs, stops, config)
  const around = options.around ?? ((end: FakeEnd) => end)
  const scheduler = new FakeScheduler({ plan: (spec, n) => around(fake.plan(spec, n), n) })
  const exp = experiment(epochs)
  const ctx = phaseContext({
    transport: t,
    experiment: exp,
    jobs: await plannedJobs(t, exp),
    state: opened.value,
    scheduler,
    toolLog: new LogFile(t, `${RUN_DIR}/run-torchtune.log`),
    settings: { ...SETTINGS, maxResumes: options.maxResumes ?? 3 },
  })
  return { t, scheduler, ctx, fake }
}

const entryOf = (t: MemoryTransport): StateEntry | undefined =>
  (JSON.parse(t.text(`${RUN_DIR}/run-torchtune.state.json`) ?? '{}') as Record<string, StateEntry>)[KEY]

const log = (t: MemoryTransport): string => t.text(`${RUN_DIR}/run-torchtune.log`) ?? ''

describe('a training stopped by its time limit continues from its last epoch', () => {
  it('TIMEOUT after epoch 0: finetune.yaml resumes, the job is requeued, no epoch is trained twice', async () => {
    const s = await setup(3, [{ after: 1, state: 'TIMEOUT' }])
    const r = await runPhase(s.ctx)
    const o = r.outcomes[0]
    assert.equal(o?.result, 'succeeded', o?.error)
    assert.equal(o.attempt, 2)
    assert.equal(s.scheduler.jobs.length, 2)
    assert.deepEqual(s.fake.trained, [[0], [1, 2]], 'the resumed attempt starts with epoch 1')
    const written = s.t.files.get(`${ART}/epoch_0/model-00001-of-00001.safetensors`)?.mtimeMs
    assert.deepEqual(o.retries, [{ resume_from_epoch: 1, epoch_0_mtime_ms: written }])
    // The edit: the user's line set in place, its comment and the other lines kept.
    assert.equal(
      s.t.text(CONFIG),
      'output_dir: artifacts\nresume_from_checkpoint: True  # the user wrote this\nbatch_size: 8\nepochs: 3\n',
    )
    assert.match(
      log(s.t),
      /RESUME: a\nDetails: hit its time limit after epoch 0: continues from epoch 1 \(resume 1\/3\)/,
    )
    assert.doesNotMatch(log(s.t), /OOM_/)
    const entry = entryOf(s.t)
    assert.ok(entry)
    assert.equal(entry.oom_detected_via, undefined, 'a resume is not an out-of-memory retry')
    assert.deepEqual(
      entry.history?.map((h) => h.state),
      ['TIMEOUT'],
    )
  })

  it('the config edit is the action own (RetryDecision.edited): a re-run keeps the success, epoch 0 included', async () => {
    const s = await setup(2, [{ after: 1, state: 'TIMEOUT' }])
    const user = await new InputDigests(s.t, RUN_DIR).file(CONFIG)
    await runPhase(s.ctx)
    const entry = entryOf(s.t)
    assert.ok(entry)
    assert.equal(entry.inputs?.['a/finetune.yaml'], user, "the user's digest stays the input")
    assert.equal(entry.edits?.['a/finetune.yaml'], await new InputDigests(s.t, RUN_DIR).file(CONFIG))
    // A later run of the action on the same run directory: nothing changed, nothing runs again (the
    // epoch_0 of the first attempt still counts for the resumed one).
    const again = await setup(2, [], { entries: { [KEY]: entry } })
    for (const [k, v] of s.t.files) if (k.includes('/artifacts/') || k === CONFIG) again.t.put(k, v.data, v.mtimeMs)
    const r = await runPhase(again.ctx)
    assert.equal(r.outcomes[0]?.resolution, 'already-succeeded', r.outcomes[0]?.error)
    assert.equal(again.scheduler.jobs.length, 0)
  })

  for (const [state, words] of [
    ['PREEMPTED', 'was preempted'],
    ['NODE_FAIL', 'lost its node'],
  ] as const) {
    it(`${state} after epoch 0: resumed the same way`, async () => {
      const s = await setup(2, [{ after: 1, state }])
      const r = await runPhase(s.ctx)
      assert.equal(r.outcomes[0]?.result, 'succeeded', r.outcomes[0]?.error)
      assert.deepEqual(s.fake.trained, [[0], [1]])
      assert.match(s.t.text(CONFIG) ?? '', /^resume_from_checkpoint: True/m)
      assert.match(log(s.t), new RegExp(`RESUME: a\\nDetails: ${words} after epoch 0: continues from epoch 1`))
    })
  }

  it('TIMEOUT before the first epoch checkpoint: a failure with that reason, nothing resubmitted', async () => {
    const s = await setup(2, [{ after: 0, state: 'TIMEOUT' }])
    const r = await runPhase(s.ctx)
    assert.equal(r.outcomes[0]?.result, 'failed')
    assert.match(r.outcomes[0].error ?? '', /^TIMEOUT \(exit 0\): hit its time limit before its first epoch checkpoint/)
    assert.equal(s.scheduler.jobs.length, 1)
    assert.match(s.t.text(CONFIG) ?? '', /^resume_from_checkpoint: False/m, 'finetune.yaml untouched')
    assert.match(log(s.t), /RESUME_EXHAUSTED: a\nDetails: hit its time limit before its first epoch checkpoint/)
  })

  it('the max-resumes limit reached: a failure; the out-of-memory retries are not counted in it', async () => {
    const s = await setup(
      3,
      [
        { after: 1, state: 'TIMEOUT' },
        { after: 1, state: 'TIMEOUT' },
      ],
      { maxResumes: 1 },
    )
    const r = await runPhase(s.ctx)
    assert.equal(r.outcomes[0]?.result, 'failed')
    assert.match(r.outcomes[0].error ?? '', /hit its time limit after epoch 1, and max-resumes \(1\) is reached/)
    assert.deepEqual(s.fake.trained, [[0], [1]])
    assert.equal(s.scheduler.jobs.length, 2)

    const off = await setup(2, [{ after: 1, state: 'TIMEOUT' }], { maxResumes: 0 })
    const o = (await runPhase(off.ctx)).outcomes[0]
    assert.match(o?.error ?? '', /resuming is off \(max-resumes: 0\)/)

    // Three resumes and no out-of-memory retry yet: an out-of-memory still gets its first retry.
    const resumes = [1, 2, 3].map((e) => ({ resume_from_epoch: e }))
    const t = new MemoryTransport()
    t.put(CONFIG, USER_CONFIG)
    const decision = await torchtune.retry?.(retryContext(t, 'OUT_OF_MEMORY', resumes))
    assert.ok(decision?.retry === true)
    assert.match(decision.description, /^batch_size 8 -> 4, .*\(attempt 1\/3\)/)
  })

  it('a TIMEOUT again before finishing the epoch it resumed with: no resume (the limit is shorter than an epoch)', async () => {
    const s = await setup(3, [
      { after: 1, state: 'TIMEOUT' },
      { after: 0, state: 'TIMEOUT' },
    ])
    const r = await runPhase(s.ctx)
    assert.match(r.outcomes[0]?.error ?? '', /hit its time limit again before finishing epoch 1/)
    assert.equal(s.scheduler.jobs.length, 2)
  })

  it('a checkpoint the job was stopped while writing is removed: torchtune would resume from it', async () => {
    const box: { t?: MemoryTransport } = {}
    // Epoch 1's save began (its weights are newer than the recipe state of epoch 0) when the limit came.
    const s = await setup(3, [{ after: 1, state: 'TIMEOUT' }], {
      around: (end, n) =>
        n > 1
          ? end
          : {
              ...end,
              effect: async (job) => {
                await end.effect?.(job)
                box.t?.put(`${ART}/epoch_1/model-00001-of-00001.safetensors`, 'half', Date.now() + 1000)
              },
            },
    })
    box.t = s.t
    const r = await runPhase(s.ctx)
    assert.equal(r.outcomes[0]?.result, 'succeeded', r.outcomes[0]?.error)
    assert.deepEqual(s.fake.trained, [[0], [1, 2]])
    assert.match(log(s.t), /continues from epoch 1 .*removed the unfinished epoch_1/)
  })

  it('a recipe state cut short is no resume point', async () => {
    const box: { t?: MemoryTransport } = {}
    const s = await setup(3, [{ after: 1, state: 'TIMEOUT' }], {
      around: (end) => ({
        ...end,
        effect: async (job) => {
          await end.effect?.(job)
          box.t?.put(`${ART}/recipe_state/recipe_state.pt`, 'PK\u0003\u0004 half of it')
        },
      }),
    })
    box.t = s.t
    const r = await runPhase(s.ctx)
    assert.match(r.outcomes[0]?.error ?? '', /after epoch 0, but \S+recipe_state\.pt is cut short/)
  })
  it('the config is the one the script names: that file resumes, a finetune.yaml beside it stays as it was', async () => {
    const named = `${RUN_DIR}/a/configs/lora.yaml`
    const s = await setup(2, [{ after: 1, state: 'TIMEOUT' }], {
      config: named,
      tuneLine: 'tune run lora_finetune_single_device --config configs/lora.yaml',
    })
    s.t.put(CONFIG, USER_CONFIG)
    const r = await runPhase(s.ctx)
    assert.equal(r.outcomes[0]?.result, 'succeeded', r.outcomes[0]?.error)
    assert.deepEqual(s.fake.trained, [[0], [1]])
    assert.match(s.t.text(named) ?? '', /^resume_from_checkpoint: True {2}# the user wrote this$/m)
    assert.equal(s.t.text(CONFIG), USER_CONFIG)
    assert.match(log(s.t), /continues from epoch 1 \(resume 1\/3\); configs\/lora\.yaml sets resume_from_checkpoint/)
  })

  it('a command line that sets resume_from_checkpoint itself: no resume (an edit of the config would not count)', async () => {
    const s = await setup(2, [{ after: 1, state: 'TIMEOUT' }], {
      tuneLine: 'tune run lora_finetune_single_device --config finetune.yaml resume_from_checkpoint=False',
    })
    const r = await runPhase(s.ctx)
    assert.equal(r.outcomes[0]?.result, 'failed')
    assert.match(r.outcomes[0].error ?? '', /line 2 of the script sets resume_from_checkpoint/)
    assert.equal(s.t.text(CONFIG), USER_CONFIG, 'the config untouched')
    assert.equal(s.scheduler.jobs.length, 1)
  })
})

describe('judging a resumed attempt: the chain of attempts, and nothing else', () => {
  /** The state of attempt 1, submitted and stopped an hour ago after writing epoch 0 (also an hour ago). */
  function earlierAttempt(t: MemoryTransport): StateEntry {
    saveEpoch(t, 0, 2, Date.now() - HOUR + 60_000)
    return {
      job_id: '900',
      submitted_at: '2026-01-01 00:00:00',
      submitted_iso: new Date(Date.now() - HOUR).toISOString(),
      state: 'TIMEOUT',
      exit_code: 0,
      attempt: 1,
    }
  }

  it('epochs before the resume count when an earlier attempt of the job wrote them', async () => {
    const s = await setup(2, [])
    await s.ctx.state.put(KEY, earlierAttempt(s.t))
    const r = await runPhase(s.ctx)
    const o = r.outcomes[0]
    assert.equal(o?.result, 'succeeded', o?.error)
    assert.equal(o.resolution, 'resubmitted')
    assert.deepEqual(s.fake.trained, [[1]])
    assert.deepEqual(Object.keys(o.output?.kind === 'training' ? o.output.checkpoints : {}), ['0', '1'])
  })

  it('a resumed attempt that wrote nothing is not a success', async () => {
    // The resumed attempt exits 0 and writes nothing.
    const s = await setup(2, [], { around: () => ({ state: 'COMPLETED' }) })
    await s.ctx.state.put(KEY, earlierAttempt(s.t))
    const r = await runPhase(s.ctx)
    const o = r.outcomes[0]
    assert.equal(o?.result, 'failed')
    assert.match(o.error ?? '', /^completed, but checkpoint missing: \S+\/epoch_1$/)
    assert.equal(s.scheduler.jobs.length, 1)
  })

  it('a checkpoint changed since the resume, or a config that no longer resumes, breaks the chain', async () => {
    const t = new MemoryTransport()
    saveEpoch(t, 0, 2, Date.now() - HOUR)
    saveEpoch(t, 1, 2)
    const epoch0 = t.files.get(`${ART}/epoch_0/adapter_model.pt`)?.mtimeMs ?? 0
    const chain = [{ resume_from_epoch: 1, epoch_0_mtime_ms: epoch0 }]
    const judge = async (config: string, history: unknown[]) => {
      t.put(CONFIG, config)
      return torchtune.judge({ ...retryContext(t, 'COMPLETED', history), exitCode: 0 })
    }
    const resumed = 'output_dir: artifacts\nresume_from_checkpoint: True\n'
    assert.equal((await judge(resumed, chain)).ok, true)
    assert.equal((await judge(resumed, [])).ok, false, 'no resume recorded')
    assert.equal((await judge(USER_CONFIG, chain)).ok, false, 'the user changed finetune.yaml: a fresh start')
    const other = [{ resume_from_epoch: 1, epoch_0_mtime_ms: epoch0 - 1 }]
    assert.equal((await judge(resumed, other)).ok, false, 'epoch 0 is not the one recorded')
    // Epoch 1 from before the resumed attempt: only epochs before the resume may be the chain's.
    saveEpoch(t, 1, 2, Date.now() - HOUR)
    const both = [{ ...chain[0], epoch_1_mtime_ms: Date.now() - HOUR }]
    const stale = await judge(resumed, both)
    assert.match(stale.ok ? '' : stale.error.why, /^checkpoint written before this attempt was submitted .*epoch_1$/)
  })
  it('an epoch before the resume counts only as its files were when the resumed attempt was submitted', async () => {
    const run = async (copy: boolean) => {
      const box: { t?: MemoryTransport } = {}
      const s = await setup(2, [{ after: 1, state: 'TIMEOUT' }], {
        around: (end, n) => ({
          ...end,
          effect: async (job) => {
            await end.effect?.(job)
            // A weight file copied into epoch 0 with its old mtime (cp -p) while the resumed attempt ran:
            // neither that attempt's (by its time) nor the chain's, though epoch 0's newest mtime is still
            // the one the resume recorded.
            if (n === 2 && copy) box.t?.put(`${ART}/epoch_0/copied.bin`, 'foreign', Date.now() - HOUR)
          },
        }),
      })
      box.t = s.t
      return (await runPhase(s.ctx)).outcomes[0]
    }
    const clean = await run(false)
    assert.equal(clean?.result, 'succeeded', clean?.error)
    const copied = await run(true)
    assert.equal(copied?.result, 'failed')
    assert.match(copied.error ?? '', /checkpoint written before this attempt was submitted .*\/epoch_0$/)
  })
})

/** What the engine hands the tool for the attempt submitted now. */
function retryContext(t: MemoryTransport, state: string, history: unknown[]): RetryContext {
  return {
    transport: t,
    runDir: RUN_DIR,
    experiment: experiment(2),
    job: { key: KEY, display: 'a', run: 'a', dir: 'a', script: 'finetune.slurm', inputs: [] },
    state,
    since: new Date().toISOString(),
    history,
    maxResumes: 3,
  }
}
