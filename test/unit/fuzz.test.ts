/**
 * Generative test: malformed or hostile experiment summaries through the whole pipeline
 * (in process, local executor). Never an uncaught exception; always status=invalid with at least
 * one located error; nothing executed.
 */
import { it } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readdirSync, writeFileSync, rmSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { stringify } from 'yaml'
import { run } from '../../src/main.ts'
import { recordingIO } from '../helpers/io.ts'
import { makeExperiment, tempDir } from '../helpers/experiment.ts'

type Json = null | boolean | number | string | Json[] | { [k: string]: Json }

const hostileNames = fc.constantFrom(
  '../escape',
  '..',
  'a/b',
  '/etc',
  '-rf',
  '--help',
  '$(touch /tmp/pwned)',
  '`id`',
  'a;rm -rf ~',
  'x && y',
  'a|b',
  'a b',
  "it's",
  'a"b',
  'new\nline',
  'tab\tname',
  '',
  ' ',
  'x'.repeat(5000),
  'a\u0000b',
  '*',
  '~root',
  'a>b',
  'é',
  '😀',
  'a..b',
  '.',
)
const wrongScalar = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant([] as Json[]),
  fc.constant({}),
  fc.constant(1e308),
  fc.constant(-1),
  fc.constant(Number.MAX_SAFE_INTEGER),
)
const hugeNumber = fc.oneof(
  fc.constant(1e300),
  fc.constant(-5),
  fc.constant(2.5),
  fc.constant(10 ** 12),
  fc.constant('three'),
  fc.constant(true),
)

function valid(): { [k: string]: Json } {
  return {
    experiment: { name: 'fuzz', project: 'p' },
    tools: { preparation: 'torchtune', evaluation: 'inspect-ai' },
    controls: { epochs: 2 },
    runs: [
      { name: 'lr1', type: 'fine-tuned', parameters: { lr: 0.001 } },
      { name: 'lr2', type: 'fine-tuned', parameters: { lr: 0.002 } },
      { name: 'base', type: 'control', parameters: {} },
    ],
    evaluation: {
      tasks: [{ name: 'caps', script: 'task.py' }],
      matrix: [
        { run: 'lr1', tasks: ['caps'], epochs: [0, 1] },
        { run: 'lr2', tasks: ['caps'], epochs: [1] },
        { run: 'base', tasks: ['caps'], epochs: null },
      ],
    },
  }
}

type Doc = { [k: string]: Json }
type Mutation = (d: Doc) => void
/** The node at path; a throw-away object when an earlier mutation removed it (the mutation then does nothing). */
const at = (d: Json, path: (string | number)[]): { [k: string]: Json } => {
  let cur: Json | undefined = d
  for (const p of path) {
    cur = cur !== null && typeof cur === 'object' ? (cur as Record<string | number, Json>)[p] : undefined
  }
  return cur !== null && typeof cur === 'object' ? (cur as { [k: string]: Json }) : {}
}

/** Every mutation makes the summary invalid, whatever the values drawn. */
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constantFrom<(string | number)[]>(['experiment'], ['runs']).map((path) => (d: Doc) => {
    Reflect.deleteProperty(d, path[0] as string)
  }),
  fc
    .constantFrom<[(string | number)[], string]>(
      [['experiment'], 'name'],
      [['runs', 0], 'name'],
      [['runs', 1], 'type'],
      [['evaluation', 'matrix', 0], 'run'],
      [['evaluation', 'matrix', 1], 'tasks'],
    )
    .map(([path, key]) => (d: Doc) => {
      Reflect.deleteProperty(at(d, path), key)
    }),
  fc
    .tuple(
      fc.constantFrom<[(string | number)[], string]>(
        [[], 'experiment'],
        [[], 'runs'],
        [['experiment'], 'name'],
        [['runs', 0], 'name'],
        [['runs', 2], 'type'],
        [['evaluation', 'matrix', 0], 'tasks'],
        [['evaluation'], 'matrix'],
        [['evaluation'], 'tasks'],
        [[], 'tools'],
      ),
      wrongScalar.filter((v) => v !== null && typeof v !== 'object'),
    )
    .map(([[path, key], v]) => (d: Doc) => {
      at(d, path)[key] = v
    }),
  fc.tuple(fc.integer({ min: 0, max: 2 }), hostileNames).map(([i, name]) => (d: Doc) => {
    ;(at(d, ['runs', i]) as { name: Json }).name = name
  }),
  hostileNames.map((name) => (d: Doc) => {
    ;(at(d, ['evaluation', 'tasks', 0]) as { name: Json }).name = name
  }),
  fc.tuple(fc.integer({ min: 0, max: 1 }), hugeNumber).map(([i, v]) => (d: Doc) => {
    const e = at(d, ['evaluation', 'matrix', i, 'epochs'])
    if (Array.isArray(e)) e[0] = v
  }),
  hugeNumber
    .filter((v) => v !== 1e300)
    .map((v) => (d: Doc) => {
      ;(at(d, ['controls']) as { epochs: Json }).epochs = v === 10 ** 12 ? 0 : v
    }),
  fc.constantFrom('fine_tuned', 'FINE-TUNED', 'base', '', 'eval only').map((t) => (d: Doc) => {
    ;(at(d, ['runs', 1]) as { type: Json }).type = t
  }),
  fc
    .string({ maxLength: 20 })
    .filter((s) => !['lr1', 'lr2', 'base'].includes(s))
    .map((s) => (d: Doc) => {
      ;(at(d, ['evaluation', 'matrix', 0]) as { run: Json }).run = s
    }),
  fc
    .string({ maxLength: 20 })
    .filter((s) => s !== 'caps')
    .map((s) => (d: Doc) => {
      const t = at(d, ['evaluation', 'matrix', 1, 'tasks'])
      if (Array.isArray(t)) t.push(s)
    }),
  fc.constant<Mutation>((d) => {
    ;(at(d, ['evaluation', 'matrix', 2]) as { epochs: Json }).epochs = [0]
  }),
  fc.constant<Mutation>((d) => {
    ;(at(d, ['evaluation', 'matrix', 0]) as { epochs: Json }).epochs = null
  }),
  fc.constant<Mutation>((d) => {
    const r = at(d, ['runs'])
    if (Array.isArray(r)) r.push({ name: 'lr1', type: 'control' })
  }),
  fc.constant<Mutation>((d) => {
    const r = at(d, ['runs'])
    if (Array.isArray(r)) r.length = 0
  }),
  // A misspelt key, wherever it is, must never load (it would be ignored silently); so must a known key at
  // another level. (A key near none is a warning: load.test.ts.)
  fc
    .tuple(
      fc.constantFrom<(string | number)[]>(
        [],
        ['experiment'],
        ['tools'],
        ['evaluation'],
        ['runs', 1],
        ['evaluation', 'matrix', 0],
      ),
      fc.constantFrom(
        (k: string) => `${k}s`,
        (k: string) => k.slice(0, -1),
        (k: string) => k.toUpperCase(),
      ),
    )
    .map(([path, misspell]) => (d: Doc) => {
      const node = at(d, path)
      const key = Object.keys(node).filter((k) => misspell(k) !== k && !(misspell(k) in node))[0]
      if (key === undefined) {
        node['matrix'] = 1
        return
      }
      node[misspell(key)] = node[key] as Json
      Reflect.deleteProperty(node, key)
    }),
  fc.constantFrom('slurm-tune', 'axolotl', '', 'torchtune; rm -rf /').map((t) => (d: Doc) => {
    ;(at(d, ['tools']) as { preparation: Json }).preparation = t
  }),
)

/** Texts that are not a summary at all: syntax errors, alias bombs, scalars, lists, binary. */
const brokenText = fc.oneof(
  fc.string({ maxLength: 200 }).map((s) => `runs: [${s}`),
  fc.constant(
    'a: &a [1]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n',
  ),
  fc.constant('experiment: {name: x}\nexperiment: {name: y}\nruns: []\n'),
  fc
    .string({ maxLength: 100 })
    .filter(
      (s) => !s.includes(':') && !s.trim().startsWith('-') && !s.trim().startsWith('[') && !s.trim().startsWith('{'),
    ),
  fc.array(fc.integer(), { maxLength: 5 }).map((a) => stringify(a)),
  fc.uint8Array({ minLength: 1, maxLength: 64 }).map((b) => Buffer.from(b).toString('latin1')),
  fc.constant('\t\tbad: indentation\n  - mixed'),
  fc.constant(`runs:\n${'  - {name: x, type: control}\n'.repeat(3)}`),
)

/**
 * Cases: 1050 in `npm test` (FUZZ_CASES=1050, set by scripts/test.sh), a 260-case sample in the fast tier.
 * The seeds are fixed, so the sample is the first part of the full run.
 */
const CASES = Number(process.env['FUZZ_CASES'] ?? 260)

it(`${CASES} malformed or hostile summaries: always invalid, located, nothing executed`, async () => {
  const root = tempDir('re-fuzz-')
  let n = 0
  const check = async (text: string): Promise<void> => {
    const dir = join(root, String(n++))
    mkdirSync(dir)
    makeExperiment(dir) // real job scripts: any that ran would leave executions.txt
    writeFileSync(join(dir, 'experiment_summary.yaml'), text)
    const io = recordingIO({ 'experiment-dir': dir, executor: 'local', 'poll-interval': '0.05' })
    const report = await run({ io, signal: new AbortController().signal })
    assert.equal(report.status, 'invalid', `not invalid for:\n${text.slice(0, 2000)}`)
    assert.equal(io.outputs['status'], 'invalid')
    const errors = io.annotations.filter((a) => a.kind === 'error')
    assert.ok(errors.length >= 1, 'no error annotation')
    assert.ok(
      errors.some((e) => e.problem.file && typeof e.problem.line === 'number' && e.problem.line >= 1),
      `no located error: ${JSON.stringify(errors)}`,
    )
    assert.ok(!existsSync(join(dir, 'executions.txt')), 'a job ran')
    assert.ok(!existsSync(join(dir, '.run-experiment')), 'the executor was started')
    assert.ok(!readdirSync(dir).some((f) => f.endsWith('.state.json')))
    rmSync(dir, { recursive: true, force: true })
  }
  await fc.assert(
    fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (mutations) => {
      const d = valid()
      for (const m of mutations) m(d)
      await check(stringify(d))
    }),
    { numRuns: Math.round(CASES * 0.76), seed: 20261126 },
  )
  await fc.assert(fc.asyncProperty(brokenText, check), { numRuns: Math.round(CASES * 0.24), seed: 42 })
  assert.ok(n >= CASES - 1, `only ${n} cases`)
})
