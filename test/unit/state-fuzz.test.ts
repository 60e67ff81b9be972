/**
 * Generative test of the resume state as a pull request or a copy can write it (issue 15): state files of
 * random JSON, near-valid entries, huge strings, deep nesting, wrong types, `retry_history` items of any
 * shape, forged and borrowed seals, and submissions in progress of the same kinds, opened by
 * `StateStore.open` with the run directory's sealer. It never throws; an entry is the store's own only
 * when this sealer sealed it, unchanged, under its key; every other entry of a file it reads is foreign.
 * A phase run over such a state (fake scheduler, memory transport) submits every job itself and never
 * adopts, watches or reports a foreign entry's claim.
 *
 * Cases: FUZZ_CASES (default 150, a few seconds); `FUZZ_CASES=2000` for a longer run. Seeds are fixed.
 */
import { it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { runPhase } from '../../src/engine/phase.ts'
import { Sealer } from '../../src/engine/seal.ts'
import { StateStore, type StateEntry, type StateLocation } from '../../src/engine/state.ts'
import { FakeScheduler, type FakeJob } from '../helpers/fake-scheduler.ts'
import { MemoryTransport } from '../helpers/memory-transport.ts'
import { putTrainingJobs, RUN_DIR, trainingPhase } from '../helpers/phase.ts'

const CASES = Number(process.env['FUZZ_CASES'] ?? 150)
const LOCATION: StateLocation = {
  shared: `${RUN_DIR}/logs/run-torchtune.state.json`,
  intents: `${RUN_DIR}/.run-experiment/submitting-run-torchtune.state.json`,
}
const RUNS = ['a', 'b', 'c']
const KEYS = RUNS.map((r) => `${r}/finetune.slurm`)
const SEALER = Sealer.forTests(RUN_DIR, Buffer.alloc(32, 7))

type Json = null | boolean | number | string | Json[] | { [k: string]: Json }

/** What the sealer itself wrote: a success per key, as the store writes it (with its seal). */
async function sealedEntries(): Promise<Record<string, Record<string, Json>>> {
  const t = new MemoryTransport()
  const store = await StateStore.open(t, LOCATION, { sealer: SEALER })
  assert.ok(store.ok)
  for (const [i, key] of KEYS.entries()) {
    const entry: StateEntry = {
      job_id: String(100 + i),
      submitted_at: '2026-01-01 00:00:00',
      submitted_iso: '2026-01-01T00:00:00.000Z',
      ended_iso: '2026-01-01T01:00:00.000Z',
      state: 'COMPLETED',
      exit_code: 0,
      validated: true,
      job_name: `re-exp-abc123-${RUNS[i] ?? ''}`,
      inputs: { [key]: 'f'.repeat(64) },
      output: { kind: 'training', outputDir: `${RUN_DIR}/x/artifacts`, checkpoints: {}, finalLoss: 0.0001 },
    }
    await store.value.put(key, entry)
  }
  return JSON.parse(t.text(LOCATION.shared) ?? '{}') as Record<string, Record<string, Json>>
}

const json: fc.Arbitrary<Json> = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>
const deep = (n: number, leaf: Json = 1): Json => {
  let v: Json = leaf
  for (let i = 0; i < n; i++) v = i % 2 ? [v] : { d: v }
  return v
}
const huge = (n: number): string => 'x'.repeat(n)
const hex32 = fc.stringMatching(/^[0-9a-f]{32}$/)
/** Mostly what the field holds, sometimes any JSON at all (a wrong type: the file is then refused). */
const mostly = <T extends Json>(valid: fc.Arbitrary<T>): fc.Arbitrary<Json> =>
  fc.oneof({ weight: 99, arbitrary: valid }, { weight: 1, arbitrary: json })
const seal = mostly(
  fc.oneof(
    hex32,
    fc.constantFrom('', 'ab'.repeat(16), 'AB'.repeat(16), 'g'.repeat(32), '0'.repeat(31), '0'.repeat(33)),
  ),
)
const jobId = mostly(
  fc.oneof(
    fc.constantFrom('1', '900', '0', '-1', '01', '1;touch /tmp/pwned', '$(id)', '', ' 2', '1e3', '9'.repeat(40)),
    fc.nat().map(String),
    fc.constant(null),
  ),
)
const time = mostly(
  fc.oneof(
    fc.constantFrom('2026-01-01 00:00:00', '2099-12-31 23:59:59', '1970-01-01 00:00:00', 'yesterday', ''),
    fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  ),
)
const state = mostly(
  fc.oneof(
    fc.constantFrom('COMPLETED', 'FAILED', 'RUNNING', 'PENDING', 'SUBMITTING', 'CANCELLED', 'TIMEOUT', 'completed'),
    fc.string(),
  ),
)
const retryItem = fc.oneof(
  json,
  fc.constantFrom<Json>(
    { batch_size: 4, gradient_accumulation_steps: 2 },
    { resume_from_epoch: 0, epoch_0_mtime_ms: 1 },
    { resume_from_epoch: 'x' },
    'halve_batch',
    [],
  ),
  fc.integer({ min: 10, max: 60 }).map((n) => deep(n)),
)
const output = mostly(
  fc.constantFrom<Json>(
    { kind: 'training', outputDir: '/etc', checkpoints: { '0': '/etc' }, finalLoss: 0 },
    { kind: 'evaluation', log: '/root/.ssh/id_rsa', status: 'success', scores: [{ name: 'm', metrics: { a: 1 } }] },
  ),
)

/** A near-valid entry: cruijff_kit's and the action's fields, each sometimes of another type or size. */
const entry: fc.Arbitrary<Record<string, Json>> = fc.record(
  {
    job_id: jobId,
    submitted_at: time,
    submitted_iso: time,
    ended_iso: time,
    state,
    validated: mostly(fc.boolean()),
    exit_code: mostly(fc.integer()),
    seal,
    inputs: mostly(fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 })),
    output,
    output_file: mostly(fc.oneof(fc.constantFrom('/root/.ssh/id_rsa', '../../x', ''), fc.string())),
    retry_history: mostly(fc.array(retryItem, { maxLength: 4 })),
    job_name: mostly(fc.oneof(fc.string(), fc.constant(huge(200_000)))),
    error: mostly(fc.oneof(fc.string(), fc.constant(huge(1_000_000)))),
    after: mostly(fc.array(fc.string(), { maxLength: 3 })),
  },
  { requiredKeys: ['job_id', 'submitted_at', 'state'] },
)

/** How a file's entry for a key is made. `own`: the sealer's own entry for that key, unchanged. */
type Made = { own: boolean; value: Json }

function entryFor(key: string, sealed: Record<string, Record<string, Json>>): fc.Arbitrary<Made> {
  const mine = sealed[key] ?? {}
  const other = KEYS.find((k) => k !== key) ?? key
  const tamper = (field: string, v: Json): Made => ({ own: false, value: { ...mine, [field]: v } })
  return fc.oneof(
    fc.constant({ own: true, value: mine }),
    // the sealer's entry, changed in one field (a hand-made success), or moved to another key
    fc
      .tuple(fc.constantFrom('validated', 'job_id', 'state', 'inputs', 'output', 'extra', 'retry_history'), json)
      .map(([field, v]) => tamper(field, v)),
    fc.constant(tamper('output', { kind: 'training', outputDir: '/x', checkpoints: {}, finalLoss: 0.5 })),
    fc.constant({ own: false, value: sealed[other] ?? {} }),
    // sealed by another run directory's secret, or with a seal of its own making
    fc.constant({ own: false, value: { ...mine, seal: Sealer.forTests('/scratch/copy').seal('state-entry', key) } }),
    entry.map((value): Made => ({ own: false, value })),
    json.map((value): Made => ({ own: false, value })),
    // nested within the state's limit (kept), or deeper than any parser's stack (the file is refused)
    fc
      .oneof(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 65, max: 20_000 }))
      .map((n): Made => ({ own: false, value: { ...mine, retry_history: [`${DEEP}${n}`] } })),
  )
}

/** A string the file's text replaces with arrays nested that deep (too deep to build as a value here). */
const DEEP = '\u0000deep:'
const nestDeep = (text: string): string =>
  text.replace(/"\\u0000deep:(\d+)"/g, (_, n: string) => `${'['.repeat(Number(n))}${']'.repeat(Number(n))}`)

/** A state file (its text) and, for each key, whether its entry is the sealer's own. */
function stateFile(sealed: Record<string, Record<string, Json>>): fc.Arbitrary<{ text: string; own: Set<string> }> {
  const keyed = fc
    .tuple(
      fc.subarray(KEYS),
      ...KEYS.map((k) => entryFor(k, sealed)),
      fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'toString', '')), entry, {
        maxKeys: 2,
      }),
    )
    .map(([keys, ...rest]) => {
      const extra = rest.pop() as Record<string, Json>
      const made = rest as Made[]
      const file: Record<string, Json> = {}
      for (const [k, v] of Object.entries(extra)) Object.defineProperty(file, k, { value: v, enumerable: true })
      const own = new Set<string>()
      for (const key of keys) {
        const m = made[KEYS.indexOf(key)] as Made
        file[key] = m.value
        if (m.own) own.add(key)
        else own.delete(key)
      }
      return { text: nestDeep(JSON.stringify(file)), own }
    })
  const broken = fc.oneof(
    fc.string(),
    fc.constantFrom(
      '',
      '{',
      '[]',
      'null',
      '"x"',
      '{"a/finetune.slurm": 1}',
      `${'['.repeat(50_000)}${']'.repeat(50_000)}`,
    ),
    json.map((v) => JSON.stringify(v)),
  )
  return fc.oneof(
    { weight: 4, arbitrary: keyed },
    { weight: 1, arbitrary: broken.map((text) => ({ text, own: new Set<string>() })) },
  )
}

/** Every submission completes and writes its checkpoint. */
function scheduler(t: MemoryTransport, foreignIds: readonly string[]): FakeScheduler {
  const s = new FakeScheduler({
    plan: () => ({
      state: 'COMPLETED',
      effect: (j: FakeJob) => {
        t.put(`${j.spec.dir}/artifacts/epoch_0/adapter_model.safetensors`, 'weights')
      },
    }),
  })
  // The jobs the entries name are this user's real jobs, of a copied directory.
  for (const id of foreignIds)
    s.external(id, '/scratch/original/a', { state: 'COMPLETED', exitCode: 0 }, '2026-01-01T00:00:00Z')
  return s
}

it(`${CASES} hostile state files: never a throw; own entries only when this sealer sealed them; a phase adopts nothing foreign`, async () => {
  const sealed = await sealedEntries()
  let opened = 0
  let phases = 0
  await fc.assert(
    fc.asyncProperty(
      stateFile(sealed),
      fc.oneof(fc.constant({ text: '{}', own: new Set<string>() }), stateFile(sealed)),
      async (shared, intents) => {
        const t = new MemoryTransport()
        t.put(LOCATION.shared, shared.text)
        t.put(LOCATION.intents ?? '', intents.text)
        let store: Awaited<ReturnType<typeof StateStore.open>>
        try {
          store = await StateStore.open(t, LOCATION, { sealer: SEALER })
        } catch (e) {
          assert.fail(`StateStore.open threw: ${String(e)}\n${shared.text.slice(0, 500)}`)
        }
        if (!store.ok) {
          assert.match(store.error.message, /^the resume state is /)
          return
        }
        opened++
        const keysInFile = Object.keys(JSON.parse(shared.text) as object)
        // A copy of the sealer's own entry counts wherever it is (the shared file or the submissions in progress).
        const ownKeys = new Set([...shared.own, ...intents.own])
        for (const key of KEYS) {
          const own = store.value.get(key)
          assert.equal(own !== undefined, ownKeys.has(key), `${key}: own ${JSON.stringify(own ?? null).slice(0, 300)}`)
          if (own) assert.deepEqual(own, sealed[key])
          else if (keysInFile.includes(key))
            assert.ok(store.value.foreignEntry(key), `${key} is neither own nor foreign`)
        }
        if (ownKeys.size > 0) return
        // Nothing of the files is the run's own: a phase over them submits every job, and believes nothing.
        phases++
        const foreignIds = KEYS.flatMap((k) => {
          const id = store.value.foreignEntry(k)?.entry.job_id
          return id && !/^10\d\d$/.test(id) ? [id] : [] // not an id the fake scheduler gives its own submissions
        })
        const s = scheduler(t, foreignIds)
        putTrainingJobs(t, RUNS)
        for (const r of RUNS)
          t.put(`${RUN_DIR}/${r}/artifacts/epoch_0/adapter_model.safetensors`, 'committed', Date.now() + 3_600_000)
        const watched: string[] = []
        const ctx = await trainingPhase(RUNS, {
          transport: t,
          state: store.value,
          scheduler: s,
          sealer: SEALER,
          onWatched: (id) => watched.push(id),
        })
        const r = await runPhase(ctx)
        const mine = s.jobs.filter((j) => !j.spec.name.startsWith('external-'))
        assert.equal(mine.length, RUNS.length, 'every job submitted once, by this phase')
        assert.deepEqual(
          r.outcomes.map((o) => [o.job.key, o.resolution, o.result, o.jobId]),
          ctx.jobs.map((j) => [
            j.key,
            'submitted',
            'succeeded',
            mine.find((m) => m.spec.dir === `${RUN_DIR}/${j.dir}`)?.id,
          ]),
        )
        for (const o of r.outcomes)
          assert.notEqual(o.output?.kind === 'training' ? o.output.finalLoss : undefined, 0.0001)
        assert.deepEqual(
          watched.filter((id) => !mine.some((m) => m.id === id)),
          [],
          'watched a job the files named',
        )
        assert.deepEqual(s.cancelled, [])
      },
    ),
    { numRuns: CASES, seed: 20261205 },
  )
  assert.ok(opened >= CASES * 0.3, `only ${opened} of ${CASES} files opened`)
  assert.ok(phases >= CASES * 0.15, `only ${phases} phases ran`)
})
