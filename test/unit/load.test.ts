/** experiment_summary.yaml validation: located errors and the cross-checks. */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { loadExperiment } from '../../src/experiment/load.ts'
import { loaderToolNames } from '../../src/tools/index.ts'

const BASE = `experiment:
  name: demo
tools: {preparation: torchtune, evaluation: inspect-ai}
controls:
  epochs: 2
runs:
  - {name: lr1, type: fine-tuned, parameters: {lr: 0.1}}
  - {name: base, type: control, parameters: {}}
  - {name: ext, type: eval-only, parameters: {checkpoint_path: /x}}
evaluation:
  tasks:
    - {name: caps, script: t.py}
    - {name: words, script: t.py}
  matrix:
    - {run: lr1, tasks: [caps, words], epochs: [0, 1]}
    - {run: base, tasks: [caps], epochs: null}
    - {run: ext, tasks: [words], epochs: null}
`

const load = (text: string) =>
  loadExperiment(text, '/x/experiment_summary.yaml', 'exp/experiment_summary.yaml', loaderToolNames())
const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1

describe('loadExperiment', () => {
  it('expands the matrix into cells', () => {
    const r = load(BASE)
    assert.deepEqual(r.errors, [])
    assert.deepEqual(r.experiment?.cells, [
      { run: 'lr1', task: 'caps', epoch: 0 },
      { run: 'lr1', task: 'caps', epoch: 1 },
      { run: 'lr1', task: 'words', epoch: 0 },
      { run: 'lr1', task: 'words', epoch: 1 },
      { run: 'base', task: 'caps', epoch: null },
      { run: 'ext', task: 'words', epoch: null },
    ])
    assert.equal(r.experiment?.tools.defaulted, false)
  })

  it('unknown fields are fine', () => {
    const r = load(BASE.replace('controls:', 'extra: {anything: [1, 2]}\ncontrols:\n  system_prompt: ""'))
    assert.deepEqual(r.errors, [])
  })

  it('a missing tools section is a warning and defaults', () => {
    const r = load(BASE.replace('tools: {preparation: torchtune, evaluation: inspect-ai}\n', ''))
    assert.deepEqual(r.errors, [])
    assert.ok(r.warnings.some((w) => w.field === 'tools'))
    assert.equal(r.experiment?.tools.preparation, 'torchtune')
  })

  it('an unknown tool lists the supported ones, at its line', () => {
    const text = BASE.replace('evaluation: inspect-ai}', 'evaluation: lm-eval}')
    const r = load(text)
    assert.equal(r.errors.length, 1)
    assert.equal(r.errors[0]?.line, lineOf(text, 'lm-eval'))
    assert.match(r.errors[0]?.message ?? '', /unknown evaluation tool "lm-eval"/)
    assert.match(r.errors[0]?.hint ?? '', /inspect-ai/)
  })

  const cases: [string, string, string, RegExp][] = [
    ['duplicate run names', '- {name: base, type: control', '- {name: lr1, type: control', /duplicate run name "lr1"/],
    ['traversal in a run name', 'name: base,', 'name: ../base,', /must be usable as a directory name/],
    ['leading dash', 'name: base,', 'name: -base,', /starts with "-"/],
    ['shell characters', 'name: base,', 'name: "a;b",', /may only contain letters/],
    ['matrix names a missing run', '{run: base,', '{run: nope,', /names run "nope", which is not in runs/],
    ['matrix names a missing task', 'tasks: [caps], epochs: null', 'tasks: [nada], epochs: null', /names task "nada"/],
    [
      'epoch beyond controls.epochs',
      'epochs: [0, 1]',
      'epochs: [0, 2]',
      /epoch 2 does not exist: run "lr1" trains 2 epoch/,
    ],
    ['negative epoch', 'epochs: [0, 1]', 'epochs: [-1, 1]', /must be 0 or more/],
    ['fractional epoch', 'epochs: [0, 1]', 'epochs: [0.5, 1]', /whole number/],
    [
      'control with epochs',
      'tasks: [caps], epochs: null',
      'tasks: [caps], epochs: [0]',
      /control: it has no training epochs, so epochs must be null/,
    ],
    [
      'eval-only with epochs',
      'tasks: [words], epochs: null',
      'tasks: [words], epochs: [1]',
      /eval-only: it has no training epochs/,
    ],
    ['fine-tuned without epochs', 'epochs: [0, 1]', 'epochs: null', /fine-tuned: list the epochs/],
    [
      'bad run type',
      'type: control',
      'type: baseline',
      /must be one of fine-tuned, control, eval-only \(found "baseline"\)/,
    ],
    ['wrong type', 'epochs: 2', 'epochs: two', /must be a whole number/],
  ]
  for (const [title, from, to, message] of cases) {
    it(`${title}: located error`, () => {
      const text = BASE.replace(from, to)
      assert.notEqual(text, BASE)
      const r = load(text)
      assert.equal(r.experiment, undefined)
      const e = r.errors.find((x) => message.test(x.message))
      assert.ok(e, `no error matching ${message}: ${JSON.stringify(r.errors)}`)
      assert.equal(e.file, 'exp/experiment_summary.yaml')
      assert.equal(e.line, lineOf(text, to.split('\n')[0] ?? to), JSON.stringify(e))
      assert.ok((e.column ?? 0) >= 1)
    })
  }

  it('a YAML syntax error is located', () => {
    const text = 'experiment:\n  name: x\nruns: [\n  {name: a\n'
    const r = load(text)
    assert.ok(r.errors.length >= 1)
    assert.match(r.errors[0]?.message ?? '', /YAML syntax/)
    assert.ok((r.errors[0]?.line ?? 0) >= 3)
  })

  it('a missing key points at its parent', () => {
    const text = BASE.replace('  - {name: base, type: control, parameters: {}}', '  - {type: control, parameters: {}}')
    const r = load(text)
    const e = r.errors.find((x) => x.field === 'runs[1].name')
    assert.ok(e)
    assert.equal(e.message, 'is required but missing')
    assert.equal(e.line, lineOf(text, '- {type: control'))
  })
})
