/** experiment_summary.yaml validation: located errors and the cross-checks. */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readFileSync, rmSync, truncateSync } from 'node:fs'
import { join } from 'node:path'
import { DEFAULT_CAPS, loadExperiment } from '../../src/experiment/load.ts'
import { didYouMean } from '../../src/experiment/review.ts'
import { loaderToolNames } from '../../src/tools/index.ts'
import { run } from '../../src/main.ts'
import { FIXTURE_NAMES, FIXTURES } from '../helpers/cruijff.ts'
import { makeExperiment, tempDir } from '../helpers/experiment.ts'
import { recordingIO } from '../helpers/io.ts'

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
    assert.equal(r.experiment.tools.defaulted, false)
  })

  it('open sections take any key; cruijff_kit keys the runner does not read are fine', () => {
    const text = BASE.replace('controls:', 'variables: {lr: [0.1]}\ncontrols:\n  system_prompt: ""\n  anything: [1, 2]')
      .replace('parameters: {lr: 0.1}}', 'parameters: {lr: 0.1, lora_rank: 4}, compute: {time: "1:00:00"}}')
      .replace('- {name: caps, script: t.py}', '- {name: caps, script: t.py, description: d, prompt: "p {input}"}')
    const r = load(text)
    assert.deepEqual(r.errors, [])
    assert.deepEqual(r.warnings, [])
    assert.equal(r.experiment?.cells.length, 6)
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
    assert.match(r.errors[0].message, /unknown evaluation tool "lm-eval"/)
    assert.match(r.errors[0].hint ?? '', /inspect-ai/)
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

describe('loadExperiment: as lenient as cruijff_kit, each time with a located warning', () => {
  it('a duplicate key keeps its last value, as PyYAML does, with a warning at the later line', () => {
    const text = BASE.replace('controls:\n  epochs: 2', 'controls:\n  epochs: 1\n  epochs: 2')
    const r = load(text)
    assert.deepEqual(r.errors, [])
    assert.equal(r.experiment?.runs.find((x) => x.name === 'lr1')?.epochs, 2)
    const w = r.warnings.find((x) => /duplicate key "epochs"/.test(x.message))
    assert.ok(w, JSON.stringify(r.warnings))
    assert.equal(w.line, lineOf(text, 'epochs: 2'))
    assert.equal(w.field, 'controls.epochs')
    assert.match(w.message, new RegExp(`first at line ${lineOf(text, 'epochs: 1')}`))
  })

  it('a problem in a duplicated key points at the value that counts (the last)', () => {
    const text = BASE.replace('controls:\n  epochs: 2', 'controls:\n  epochs: 2\n  epochs: zero')
    const r = load(text)
    const e = r.errors.find((x) => x.field === 'controls.epochs')
    assert.ok(e, JSON.stringify(r.errors))
    assert.equal(e.line, lineOf(text, 'epochs: zero'))
  })

  it('quoted whole numbers are numbers, with a warning at each', () => {
    const text = BASE.replace('epochs: 2', 'epochs: "2"').replace('epochs: [0, 1]}', "epochs: ['0', 1]}")
    const r = load(text)
    assert.deepEqual(r.errors, [])
    assert.equal(r.experiment?.runs[0]?.epochs, 2)
    assert.deepEqual(
      r.experiment.cells.filter((c) => c.run === 'lr1' && c.task === 'caps').map((c) => c.epoch),
      [0, 1],
    )
    const fields = r.warnings.map((w) => `${w.field}@${w.line}`)
    assert.deepEqual(fields, [
      `controls.epochs@${lineOf(text, 'epochs: "2"')}`,
      `evaluation.matrix[0].epochs[0]@${lineOf(text, "epochs: ['0', 1]")}`,
    ])
    assert.match(r.warnings[0]?.message ?? '', /is the text "2", not a number: read as 2/)
  })

  it('text that is not a whole number stays an error', () => {
    const r = load(BASE.replace('epochs: 2', 'epochs: "2.5"'))
    assert.ok(r.errors.some((e) => e.field === 'controls.epochs'))
  })

  it('experiment.directory (the earlier name) is read as experiment.dir, with a warning', () => {
    const text = BASE.replace('  name: demo', '  name: demo\n  directory: /scratch/x')
    const r = load(text)
    assert.deepEqual(r.errors, [])
    assert.equal(r.experiment?.declaredDir, '/scratch/x')
    assert.equal(r.warnings.length, 1)
    assert.equal(r.warnings[0]?.line, lineOf(text, 'directory:'))
    assert.match(r.warnings[0].message, /earlier name of `experiment.dir`/)
  })

  it('with both dir and directory, dir wins and the warning says so', () => {
    const r = load(BASE.replace('  name: demo', '  name: demo\n  dir: /a\n  directory: /b'))
    assert.equal(r.experiment?.declaredDir, '/a')
    assert.match(r.warnings[0]?.message ?? '', /both/)
  })

  it('keys cruijff_kit once wrote and no longer reads are warnings', () => {
    const text = BASE.replace('evaluation:\n', 'evaluation:\n  scorer: [{name: match}]\n')
    const r = load(text)
    assert.deepEqual(r.errors, [])
    assert.equal(r.warnings[0]?.field, 'evaluation.scorer')
    assert.equal(r.warnings[0].line, lineOf(text, 'scorer:'))
  })

  it("a run's own epochs count, quoted or not; a wrong one is an error there and the run trains controls.epochs", () => {
    const own = load(BASE.replace('parameters: {lr: 0.1}', 'parameters: {lr: 0.1, epochs: "3"}'))
    assert.deepEqual(own.errors, [])
    assert.equal(own.experiment?.runs[0]?.epochs, 3)
    assert.match(own.warnings[0]?.message ?? '', /is the text "3", not a number: read as 3/)
    const text = BASE.replace('parameters: {lr: 0.1}', 'parameters: {lr: 0.1, epochs: 0}').replace(
      'epochs: [0, 1]',
      'epochs: [0, 2]',
    )
    const wrong = load(text)
    assert.deepEqual(
      wrong.errors.map((e) => [e.field, e.message, e.line]),
      [
        ['runs[0].parameters.epochs', 'must be a whole number of 1 or more', lineOf(text, 'epochs: 0}')],
        [
          'evaluation.matrix[0].epochs[1]',
          'epoch 2 does not exist: run "lr1" trains 2 epoch(s), numbered 0 to 1',
          lineOf(text, 'epochs: [0, 2]'),
        ],
      ],
    )
  })

  it('sections the runner does not read take any value; their keys are still checked', () => {
    const values = load(`${BASE}models: "see the README"\noutput:\ndata: {training: [1, 2]}\n`)
    assert.deepEqual(values.errors, [])
    const text = `${BASE}models:\n  base: [{name: m, size_gB: 2}]\n`
    const keys = load(text)
    assert.equal(keys.errors.length, 1)
    assert.equal(keys.errors[0]?.field, 'models.base[0].size_gB')
    assert.match(keys.errors[0].message, /did you mean "size_gb"/)
    assert.equal(keys.errors[0].line, lineOf(text, 'size_gB'))
  })
})

describe('loadExperiment: unknown keys are errors with a did-you-mean', () => {
  const cases: [string, string, string, string, RegExp][] = [
    ['top level', 'evaluation:\n', 'evaluaton:\n', 'evaluaton', /unknown key "evaluaton": did you mean "evaluation"\?/],
    ['top level', 'tools: {', 'tool: {', 'tool', /unknown key "tool": did you mean "tools"\?/],
    [
      'matrix entry',
      '{run: base, tasks: [caps], epochs: null}',
      '{run: base, tasks: [caps], epoch: null}',
      'epoch',
      /did you mean "epochs"/,
    ],
    ['a run', '{name: base, type: control', '{name: base, typ: control', 'typ', /did you mean "type"/],
    ['experiment', '  name: demo', '  name: demo\n  Dir: /x', 'Dir', /did you mean "dir"/],
    ['wrong level', 'evaluation:\n', 'matrix: []\nevaluation:\n', 'matrix', /"matrix": it belongs under evaluation/],
    [
      'known at two levels',
      'epochs: [0, 1]}',
      'epochs: [0, 1], gpus: 1}',
      'gpus',
      /"gpus": it belongs under runs\[\]\.compute or evaluation\.compute/,
    ],
    ['an earlier name', '  name: demo', '  name: demo\n  directry: /x', 'directry', /did you mean "directory"/],
    ['a legacy key', 'evaluation:\n', 'evaluation:\n  baseline_: x\n', 'baseline_', /did you mean "baseline"/],
  ]
  for (const [where, from, to, key, message] of cases) {
    it(`${where}: ${key}`, () => {
      const text = BASE.replace(from, to)
      assert.notEqual(text, BASE)
      const r = load(text)
      assert.equal(r.experiment, undefined, 'a misspelt key must never load')
      const e = r.errors.find((x) => message.test(x.message))
      assert.ok(e, JSON.stringify(r.errors))
      const line = text.split('\n').findIndex((l) => new RegExp(`[{ ,]${key}:|^${key}:`).test(l)) + 1
      assert.equal(e.line, line)
      assert.equal(e.column, (text.split('\n')[line - 1] ?? '').indexOf(`${key}:`) + 1)
      assert.match(e.hint ?? '', /keys here: /)
    })
  }
})

describe('loadExperiment: a key near no known key is a warning (a newer cruijff_kit may read it)', () => {
  for (const [where, from, to, field] of [
    ['evaluation', 'evaluation:\n', 'evaluation:\n  enable_thinking: true\n', 'evaluation.enable_thinking'],
    ['top level', 'evaluation:\n', 'zzz_custom: 1\nevaluation:\n', 'zzz_custom'],
    [
      'a matrix entry',
      '{run: base, tasks: [caps],',
      '{run: base, reasoning_effort: high, tasks: [caps],',
      'evaluation.matrix[1].reasoning_effort',
    ],
  ] as const) {
    it(`${where}: ${field}`, () => {
      const text = BASE.replace(from, to)
      assert.notEqual(text, BASE)
      const r = load(text)
      assert.deepEqual(r.errors, [])
      assert.equal(r.experiment?.cells.length, 6, 'the run goes on')
      assert.equal(r.warnings.length, 1)
      const w = r.warnings[0]
      const key = field.split('.').at(-1) ?? ''
      assert.equal(w?.field, field)
      assert.equal(w.message, `unknown key "${key}": run-experiment does not read it; the run goes on`)
      const line = lineOf(text, `${key}:`)
      assert.equal(w.line, line)
      assert.equal(w.column, (text.split('\n')[line - 1] ?? '').indexOf(`${key}:`) + 1)
      assert.match(w.hint ?? '', /keys here: /)
    })
  }

  it("every experiment cruijff_kit's own tools scaffolded loads with no error and no warning", () => {
    for (const name of FIXTURE_NAMES) {
      const file = join(FIXTURES, name, 'experiment_summary.yaml')
      const r = loadExperiment(readFileSync(file, 'utf8'), file, file, loaderToolNames())
      assert.deepEqual([r.errors, r.warnings], [[], []], name)
      assert.ok((r.experiment?.cells.length ?? 0) > 0)
    }
  })
})

describe('loadExperiment: every problem in one pass', () => {
  it('schema errors do not hide duplicate run names or matrix entries naming unknown runs and tasks', () => {
    const text = BASE.replace('type: control', 'type: baseline')
      .replace('{name: ext, type: eval-only', '{name: lr1, type: eval-only')
      .replace('{run: ext,', '{run: nope,')
      .replace('tasks: [caps], epochs: null', 'tasks: [nada], epochs: null')
      .replace('epochs: 2', 'epochs: two')
    const r = load(text)
    const messages = r.errors.map((e) => e.message).join('\n')
    assert.match(messages, /must be one of fine-tuned, control, eval-only/)
    assert.match(messages, /duplicate run name "lr1"/)
    assert.match(messages, /names run "nope"/)
    assert.match(messages, /names task "nada"/)
    assert.match(messages, /must be a whole number/)
    assert.doesNotMatch(messages, /names run "base"/, 'an invalid run is still a known name')
    const lines = r.errors.map((e) => e.line ?? 0)
    assert.deepEqual(
      lines,
      [...lines].sort((a, b) => a - b),
      'sorted by line',
    )
  })

  it('an unknown key and a cross-reference error together', () => {
    const r = load(BASE.replace('evaluation:\n', 'evaluation:\n  matrx: []\n').replace('{run: ext,', '{run: nope,'))
    assert.ok(r.errors.some((e) => /did you mean "matrix"/.test(e.message)))
    assert.ok(r.errors.some((e) => /names run "nope"/.test(e.message)))
  })
})

describe('loadExperiment: tools come from the caller (the registry)', () => {
  it('a name the caller accepts loads; the default set refuses it', () => {
    const text = BASE.replace('preparation: torchtune', 'preparation: axolotl')
    assert.match(load(text).errors[0]?.message ?? '', /unknown preparation tool "axolotl"/)
    const r = loadExperiment(text, '/x/experiment_summary.yaml', 'e.yaml', {
      preparation: { accepted: ['torchtune', 'axolotl'], default: 'torchtune' },
      evaluation: { accepted: ['inspect-ai'], default: 'inspect-ai' },
    })
    assert.deepEqual(r.errors, [])
    assert.equal(r.experiment?.tools.preparation, 'axolotl')
  })

  it("a module's aliases are accepted (the registry maps them to the module)", () => {
    const r = load(BASE.replace('evaluation: inspect-ai}', 'evaluation: inspect}'))
    assert.deepEqual(r.errors, [])
    assert.equal(r.experiment?.tools.evaluation, 'inspect')
  })
})

describe('loadExperiment: nothing to evaluate', () => {
  it('fine-tuned runs without a matrix entry: a warning that says so', () => {
    const text = BASE.replace(/ {2}matrix:\n(?: {4}-.*\n)+/, '  matrix: []\n')
    const r = load(text)
    assert.deepEqual(r.errors, [])
    assert.ok(
      r.warnings.some((w) => /nothing evaluates them/.test(w.message)),
      JSON.stringify(r.warnings),
    )
  })
})

describe('loadExperiment: caps, with located errors, before anything is built', () => {
  it('a summary over max-summary-bytes is refused unread; the caller raises the cap', () => {
    const text = `${BASE}# ${'x'.repeat(300 * 1024)}\n`
    const r = load(text)
    assert.equal(r.experiment, undefined)
    assert.deepEqual(r.errors, [
      {
        file: 'exp/experiment_summary.yaml',
        line: 1,
        column: 1,
        message: `is ${Buffer.byteLength(text)} bytes, over the cap of 262144: real experiment summaries are tens of KB`,
        hint: 'the input max-summary-bytes raises the cap',
      },
    ])
    const raised = loadExperiment(text, '/x/e.yaml', 'e.yaml', loaderToolNames(), {
      ...DEFAULT_CAPS,
      maxSummaryBytes: 400_000,
    })
    assert.deepEqual(raised.errors, [])
  })

  it('cells over max-cells: an error at the matrix entry that passes the cap; the caller raises it', () => {
    const caps = (maxCells: number) => ({ ...DEFAULT_CAPS, maxCells })
    const r = loadExperiment(BASE, '/x/e.yaml', 'e.yaml', loaderToolNames(), caps(5))
    assert.equal(r.experiment, undefined)
    assert.equal(r.errors.length, 1)
    assert.equal(r.errors[0]?.field, 'evaluation.matrix[2]')
    assert.equal(r.errors[0].line, lineOf(BASE, '{run: ext,'))
    assert.equal(r.errors[0].message, 'the matrix lists 6 evaluation cells, over the cap of 5; this entry passes it')
    assert.match(r.errors[0].hint ?? '', /the input max-cells raises the cap/)
    assert.equal(loadExperiment(BASE, '/x/e.yaml', 'e.yaml', loaderToolNames(), caps(6)).experiment?.cells.length, 6)
  })

  it('a matrix bomb (80 KiB listing 9 million cells) is a located error in well under 2 s of CPU', () => {
    const names = Array.from({ length: 3000 }, (_, i) => `t${i}`)
    const text = [
      'experiment: {name: bomb}',
      'tools: {preparation: torchtune, evaluation: inspect-ai}',
      'controls: {epochs: 3000}',
      'runs: [{name: r, type: fine-tuned}]',
      'evaluation:',
      `  tasks: [${names.map((t) => `{name: ${t}}`).join(', ')}]`,
      `  matrix: [{run: r, tasks: [${names.join(', ')}], epochs: [${names.map((_, i) => i).join(', ')}]}]`,
    ].join('\n')
    assert.ok(text.length > 80_000 && text.length < 90_000, String(text.length))
    // CPU time, not wall time: the unit tier shares its machine.
    const before = process.cpuUsage()
    const r = load(text)
    const used = process.cpuUsage(before)
    assert.deepEqual(
      r.errors.map((e) => [e.line, e.field, e.message]),
      [
        [
          7,
          'evaluation.matrix[0]',
          'the matrix lists 9000000 evaluation cells, over the cap of 2000; this entry passes it',
        ],
      ],
    )
    assert.ok(used.user + used.system < 2_000_000, `${used.user + used.system} µs`)
  })

  it('YAML nested deeper than the parser can take is refused at its line, unparsed (no crash)', () => {
    for (const [form, deep] of [
      ['flow', `${'['.repeat(5000)}${']'.repeat(5000)}`],
      ['compact sequences', `\n  ${'- '.repeat(5000)}x`],
    ] as const) {
      const text = `${BASE}deep: ${deep}\n`
      const r = load(text)
      assert.equal(r.errors.length, 1, form)
      assert.equal(r.errors[0]?.line, lineOf(text, deep.trim().slice(0, 100)), form)
      assert.match(r.errors[0].message, /^nests more than 64 levels deep here/, form)
    }
  })

  it('alias expansion stays capped', () => {
    const levels = ['l0: &l0 [x]']
    for (let k = 1; k < 6; k++)
      levels.push(
        `l${k}: &l${k} [${Array(10)
          .fill(`*l${k - 1}`)
          .join(', ')}]`,
      )
    const r = load(`${BASE}${levels.join('\n')}\n`)
    assert.match(r.errors[0]?.message ?? '', /^cannot be read: .*Excessive alias count/)
  })

  it('the inputs max-cells and max-summary-bytes reach the loader: nothing runs', async () => {
    for (const [input, value, message] of [
      ['max-cells', '3', /^the matrix lists 4 evaluation cells, over the cap of 3/],
      ['max-summary-bytes', '100', /^is \d+ bytes, over the cap of 100:/],
    ] as const) {
      const dir = makeExperiment(tempDir('re-caps-'))
      const io = recordingIO({ 'experiment-dir': dir, executor: 'local', [input]: value })
      const report = await run({ io, signal: new AbortController().signal })
      assert.equal(report.status, 'invalid', input)
      const errors = io.annotations.filter((a) => a.kind === 'error').map((a) => a.problem.message)
      assert.ok(
        errors.some((m) => message.test(m)),
        JSON.stringify(errors),
      )
      assert.ok(!existsSync(join(dir, 'executions.txt')), 'a job ran')
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('the summary is measured before it is read', () => {
  it('a summary of 5 GiB is refused from its size, unread, in the words of the loader', async () => {
    const dir = makeExperiment(tempDir('re-huge-'))
    const summary = join(dir, 'experiment_summary.yaml')
    truncateSync(summary, 5 * 1024 ** 3) // sparse: no disk used; Node cannot read it into one string
    const io = recordingIO({ 'experiment-dir': dir, executor: 'local' })
    const report = await run({ io, signal: new AbortController().signal })
    assert.equal(report.status, 'invalid')
    const errors = io.annotations.filter((a) => a.kind === 'error').map((a) => a.problem)
    assert.deepEqual(
      errors.map((p) => [p.line, p.column, p.message, p.hint]),
      [
        [
          1,
          1,
          `is ${5 * 1024 ** 3} bytes, over the cap of 262144: real experiment summaries are tens of KB`,
          'the input max-summary-bytes raises the cap',
        ],
      ],
    )
    assert.match(errors[0]?.file ?? '', /experiment_summary\.yaml$/)
    rmSync(dir, { recursive: true, force: true })
  })
})

describe('didYouMean', () => {
  it('finds typos, swaps and case, not unrelated words', () => {
    assert.equal(didYouMean('evaluaton', ['evaluation', 'experiment']), 'evaluation')
    assert.equal(didYouMean('exprement', ['evaluation', 'experiment']), 'experiment')
    assert.equal(didYouMean('RUNS', ['runs']), 'runs')
    assert.equal(didYouMean('vis_lable', ['vis_label', 'tasks']), 'vis_label')
    assert.equal(didYouMean('banana', ['runs', 'tools', 'data']), undefined)
  })
})
