/** Metric gates (`require`): parsing with located errors, binding names to the plan, evaluation. */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {
  bindGates,
  evaluateGates,
  parseRequire,
  type Condition,
  type GateEvaluation,
  type GatePlan,
} from '../../src/require/gates.ts'
import { cellDisplayName, type Cell } from '../../src/experiment/model.ts'
import type { GateOutcome } from '../../src/report/model.ts'

const GRAMMAR = 'a condition is [every|any] <ref> <op> (<ref>|<number>) [± <number>], e.g. cap_ood >= control + 0.05'

/** Two fine-tuned runs and the control of the same model, two tasks, epochs 0 and 1. */
const plan: GatePlan = {
  runs: [
    { name: 'lr3e-4', type: 'fine-tuned', model: 'tiny', parameters: {} },
    { name: 'lr1e-3', type: 'fine-tuned', model: 'tiny', parameters: {} },
    { name: 'base', type: 'control', model: 'tiny', parameters: {} },
  ],
  cells: [
    ...['lr3e-4', 'lr1e-3'].flatMap((run) =>
      ['capitalize', 'cap_ood'].flatMap((task) => [0, 1].map((epoch) => ({ run, task, epoch }))),
    ),
    { run: 'base', task: 'capitalize', epoch: null },
    { run: 'base', task: 'cap_ood', epoch: null },
  ],
}

/** A planned cell and what became of its evaluation. */
type Evaluated = Cell & { evaluation: GateEvaluation }

function result(run: string, task: string, epoch: number | null, accuracy: number, extra = {}): Evaluated {
  const scores = [{ name: 'exact_case', metrics: { accuracy, stderr: 0.01, ...extra } }]
  const output = { kind: 'evaluation' as const, log: '/scratch/exp/x.eval', status: 'success', scores }
  return { run, task, epoch, evaluation: { result: 'succeeded', output } }
}

/** Every planned cell succeeded with the given accuracy per run (task cap_ood is 0.1 lower). */
function results(acc: Record<string, number>): Evaluated[] {
  return plan.cells.map((c) =>
    result(c.run, c.task, c.epoch, (acc[c.run] ?? 0) - (c.task === 'cap_ood' ? 0.1 : 0) + (c.epoch ?? 0) * 0.01),
  )
}

/** Exactly n items, typed as a tuple so that destructuring needs no checks for undefined. */
function defined<T>(xs: readonly T[], n: 1): [T]
function defined<T>(xs: readonly T[], n: 2): [T, T]
function defined<T>(xs: readonly T[], n: 3): [T, T, T]
function defined<T>(xs: readonly T[], n: number): T[] {
  assert.equal(xs.length, n)
  return xs.slice()
}

function conditions(text: string): Condition[] {
  const parsed = parseRequire(text)
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error.map((p) => p.message).join('\n'))
  return parsed.value
}

function problems(text: string): string[] {
  const parsed = parseRequire(text)
  assert.ok(!parsed.ok, `expected "${text}" to be refused`)
  return parsed.error.map((p) => `${p.field ?? ''}: ${p.message}${p.hint ? ` (${p.hint})` : ''}`)
}

function run(text: string, evaluations: Evaluated[], p: GatePlan = plan): GateOutcome[] {
  const bound = bindGates(conditions(text), p)
  assert.ok(bound.ok, bound.ok ? '' : bound.error.map((e) => e.message).join('\n'))
  return evaluateGates(bound.value, new Map(evaluations.map((e) => [cellDisplayName(e), e.evaluation])))
}

describe('require: parsing', () => {
  it('reads the documented forms into a typed AST', () => {
    const cs = conditions(
      [
        'capitalize >= 0.8',
        '  - fine-tuned > control   # the point of the experiment',
        '',
        '# a comment line',
        'cap_ood >= control + 0.05',
        'any lr1e-3/capitalize/last:exact_case.accuracy >= 0.9',
        'capitalize > control/capitalize - 0.02',
        'any>=1',
      ].join('\n'),
    )
    assert.equal(cs.length, 6)
    assert.deepEqual(
      cs.map((c) => [c.line, c.text, c.quantifier, c.op]),
      [
        [1, 'capitalize >= 0.8', 'every', '>='],
        [2, 'fine-tuned > control', 'every', '>'],
        [5, 'cap_ood >= control + 0.05', 'every', '>='],
        [6, 'any lr1e-3/capitalize/last:exact_case.accuracy >= 0.9', 'any', '>='],
        [7, 'capitalize > control/capitalize - 0.02', 'every', '>'],
        [8, 'any>=1', 'every', '>='],
      ],
    )
    const sides = cs.map((c) => [c.left.text, typeof c.right === 'number' ? c.right : c.right.text, c.margin])
    assert.deepEqual(sides, [
      ['capitalize', 0.8, 0],
      ['fine-tuned', 'control', 0],
      ['cap_ood', 'control', 0.05],
      ['lr1e-3/capitalize/last:exact_case.accuracy', 0.9, 0],
      ['capitalize', 'control/capitalize', -0.02],
      ['any', 1, 0],
    ])
    assert.deepEqual(cs[3]?.left, {
      text: 'lr1e-3/capitalize/last:exact_case.accuracy',
      segments: ['lr1e-3', 'capitalize', 'last'],
      metric: { scorer: 'exact_case', name: 'accuracy' },
    })
  })

  it('names the input, the condition, its line and column, for each bad line at once', () => {
    const text = ['fine-tuned > control', '  - cap_ood >= control +', 'capitalize = 0.8'].join('\n')
    assert.deepEqual(problems(text), [
      `require: "cap_ood >= control +" (line 2, column 25): expected a number after "+" (${GRAMMAR})`,
      'require: "capitalize = 0.8" (line 3, column 12): a single "=" is not a comparison (write == to compare for equality)',
    ])
  })

  it('explains a minus sign written without spaces', () => {
    assert.deepEqual(problems('cap_ood >= control -0.05'), [
      'require: "cap_ood >= control -0.05" (line 1, column 20): unexpected "-0.05" after the condition' +
        ' (a minus sign needs a space on both sides: control - 0.05)',
    ])
    // `control-0.05` is one name (names may hold "-"): binding says no such name exists.
    const bound = bindGates(conditions('cap_ood >= control-0.05'), plan)
    assert.ok(!bound.ok)
    assert.match(bound.error[0]?.message ?? '', /"control-0.05" is not fine-tuned, control, a run/)
  })

  it('refuses what is not one comparison of results', () => {
    assert.match(problems('1 > 0')[0] ?? '', /column 1\): expected a reference, not "1"/)
    assert.match(
      problems('fine-tuned control')[0] ?? '',
      /column 12\): expected a comparison .* after "fine-tuned", not "control"/,
    )
    assert.match(problems('a > b > c')[0] ?? '', /column 7\): one comparison per condition/)
    assert.match(
      problems('capitalize')[0] ?? '',
      /column 11\): expected a comparison \(>= > <= < == !=\) after "capitalize"/,
    )
    assert.match(problems('capitalize >= 0.8 ;')[0] ?? '', /column 19\): unexpected character ";"/)
    assert.match(problems('a//b > 1')[0] ?? '', /"a\/\/b" has an empty part/)
    assert.match(problems('a/b/c/d > 1')[0] ?? '', /more than three parts/)
    assert.match(problems('capitalize: > 1')[0] ?? '', /"" after ":" .* is not a metric name/)
    assert.match(problems('- - x > 1')[0] ?? '', /line 1, column 3\): expected a reference, not "-"/)
  })

  it('refuses what is outside the grammar at its column, saying what the grammar is', () => {
    const refused = (text: string): string => {
      const [problem = '', ...more] = problems(text)
      assert.equal(more.length, 0)
      assert.ok(problem.endsWith(` (${GRAMMAR})`), problem)
      return problem.slice(0, -GRAMMAR.length - 3)
    }
    assert.equal(
      refused('fine-tuned >= control * 1.05'),
      'require: "fine-tuned >= control * 1.05" (line 1, column 23): unexpected character "*"',
    )
    assert.equal(
      refused('  - (control + 0.1) <= fine-tuned'),
      'require: "(control + 0.1) <= fine-tuned" (line 1, column 5): unexpected character "("',
    )
    assert.equal(
      refused('cap_ood >= control + 0.05 + 0.01'),
      'require: "cap_ood >= control + 0.05 + 0.01" (line 1, column 27): unexpected "+" after the condition',
    )
    assert.equal(
      refused('fine-tuned > control + lr1e-3'),
      'require: "fine-tuned > control + lr1e-3" (line 1, column 24): expected a number after "+", not "lr1e-3"',
    )
    assert.equal(
      refused('control/capitalize - 0.02 < capitalize'),
      'require: "control/capitalize - 0.02 < capitalize" (line 1, column 20):' +
        ' expected a comparison (>= > <= < == !=) after "control/capitalize", not "-"',
    )
    assert.equal(
      refused('any 0.5 < capitalize'),
      'require: "any 0.5 < capitalize" (line 1, column 5): expected a reference after "any", not "0.5"',
    )
    assert.equal(
      refused('fine-tuned >'),
      'require: "fine-tuned >" (line 1, column 13): expected a reference or a number after ">"',
    )
  })

  it('never throws, whatever the input (errors are values)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (s) => {
        const r = parseRequire(s)
        if (!r.ok) for (const p of r.error) assert.equal(p.field, 'require')
      }),
      { numRuns: 2000 },
    )
    fc.assert(
      fc.property(
        fc.array(
          fc.constantFrom(
            'fine-tuned',
            'control',
            'capitalize',
            '0.5',
            '+',
            '-',
            '*',
            '(',
            ')',
            '>=',
            '<',
            '==',
            'any',
            'x/y:z',
          ),
          {
            maxLength: 9,
          },
        ),
        (words) => {
          parseRequire(words.join(' '))
        },
      ),
      { numRuns: 2000 },
    )
  })
})

describe('require: names against the experiment', () => {
  it('lists, for each check, the cells it reads: each fine-tuned cell against the control of its model', () => {
    const bound = bindGates(conditions('fine-tuned > control\ncap_ood >= control + 0.05\ncapitalize/last > 0.5'), plan)
    assert.ok(bound.ok)
    const [beat, margin, last] = defined(bound.value, 3)
    const pairs = (b: typeof beat): string[] =>
      b.checks.map((c) => [...c.cells.values()].map((x) => `${x.run}/${x.task}/${x.epoch ?? '-'}`).join(' vs '))
    assert.deepEqual(pairs(beat), [
      'lr3e-4/capitalize/0 vs base/capitalize/-',
      'lr3e-4/capitalize/1 vs base/capitalize/-',
      'lr3e-4/cap_ood/0 vs base/cap_ood/-',
      'lr3e-4/cap_ood/1 vs base/cap_ood/-',
      'lr1e-3/capitalize/0 vs base/capitalize/-',
      'lr1e-3/capitalize/1 vs base/capitalize/-',
      'lr1e-3/cap_ood/0 vs base/cap_ood/-',
      'lr1e-3/cap_ood/1 vs base/cap_ood/-',
    ])
    assert.deepEqual(pairs(margin), [
      'lr3e-4/cap_ood/0 vs base/cap_ood/-',
      'lr3e-4/cap_ood/1 vs base/cap_ood/-',
      'lr1e-3/cap_ood/0 vs base/cap_ood/-',
      'lr1e-3/cap_ood/1 vs base/cap_ood/-',
    ])
    assert.deepEqual(pairs(last), ['lr3e-4/capitalize/1', 'lr1e-3/capitalize/1'])
  })

  it('pairs runs with the control of their own base model, and each control when several', () => {
    const two: GatePlan = {
      runs: [
        { name: 'ft-a', type: 'fine-tuned', model: 'a', parameters: {} },
        { name: 'ft-b', type: 'fine-tuned', model: 'b', parameters: {} },
        { name: 'base-a', type: 'control', model: 'a', parameters: {} },
        { name: 'base-b', type: 'control', model: 'b', parameters: {} },
        { name: 'base-b-prompt', type: 'control', model: 'b', parameters: {} },
      ],
      cells: [
        { run: 'ft-a', task: 't', epoch: 0 },
        { run: 'ft-b', task: 't', epoch: 0 },
        { run: 'base-a', task: 't', epoch: null },
        { run: 'base-b', task: 't', epoch: null },
        { run: 'base-b-prompt', task: 't', epoch: null },
      ],
    }
    const bound = bindGates(conditions('fine-tuned > control'), two)
    assert.ok(bound.ok)
    assert.deepEqual(
      bound.value[0]?.checks.map((c) => [...c.cells.values()].map((x) => x.run).join('>')),
      ['ft-a>base-a', 'ft-b>base-b', 'ft-b>base-b-prompt'],
    )
  })

  it('refuses names the experiment does not have, before anything runs', () => {
    const messages = (text: string, p: GatePlan = plan): string[] => {
      const b = bindGates(conditions(text), p)
      assert.ok(!b.ok, `expected "${text}" to be refused`)
      return b.error.map((e) => e.message)
    }
    assert.deepEqual(messages('capitalise >= 0.8'), [
      '"capitalise >= 0.8" (line 1): "capitalise" is not fine-tuned, control, a run (lr3e-4, lr1e-3, base), an evaluated task (capitalize, cap_ood), epochN or last',
    ])
    assert.match(messages('capitalize/epoch7 > 0.5')[0] ?? '', /"capitalize\/epoch7" matches no evaluation/)
    assert.match(messages('epoch1/capitalize > 0.5')[0] ?? '', /"capitalize" is out of place in "epoch1\/capitalize"/)
    const noControl: GatePlan = {
      runs: plan.runs.filter((r) => r.type !== 'control'),
      cells: plan.cells.filter((c) => c.run !== 'base'),
    }
    assert.match(
      messages('fine-tuned > control', noControl)[0] ?? '',
      /no control run of model tiny to compare lr3e-4 with/,
    )
    const partial: GatePlan = {
      runs: plan.runs,
      cells: plan.cells.filter((c) => !(c.run === 'base' && c.task === 'cap_ood')),
    }
    assert.match(
      messages('cap_ood >= control + 0.05', partial)[0] ?? '',
      /run base is not evaluated on cap_ood \(evaluation.matrix\), needed for lr3e-4\/cap_ood\/epoch0/,
    )
    const clash: GatePlan = {
      runs: [...plan.runs, { name: 'capitalize', type: 'eval-only', parameters: {} }],
      cells: plan.cells,
    }
    assert.match(messages('capitalize > 0.5', clash)[0] ?? '', /names both a run and a task: write capitalize\/<task>/)
  })
})

describe('require: evaluation', () => {
  it('passes when every fine-tuned cell beats its control, and says by how much', () => {
    const [o] = defined(run('fine-tuned > control', results({ 'lr3e-4': 0.6, 'lr1e-3': 0.9, base: 0.3 })), 1)
    assert.equal(o.passed, true)
    assert.equal(o.checks.length, 8)
    assert.ok(o.checks.every((c) => c.holds && c.left !== null && c.right !== null && c.left > c.right))
    assert.match(o.summary, /^all 8 hold: lr3e-4\/capitalize\/epoch0: 0\.6 > 0\.3 \(base\/capitalize\)/)
  })

  it('fails when fine-tuning did not beat the control, naming the cells that did not', () => {
    const [o] = defined(run('fine-tuned > control', results({ 'lr3e-4': 0.3, 'lr1e-3': 0.9, base: 0.305 })), 1)
    assert.equal(o.passed, false)
    const failing = o.checks.filter((c) => !c.holds).map((c) => c.subject)
    assert.deepEqual(failing, ['lr3e-4/capitalize/epoch0', 'lr3e-4/cap_ood/epoch0'])
    assert.match(
      o.summary,
      /^2 of 8 do not hold: lr3e-4\/capitalize\/epoch0: 0\.3 is not > 0\.305 \(base\/capitalize\)/,
    )
  })

  it('applies margins and floors per task, with a rounding slack', () => {
    // 0.47 + 0.05 is 0.5199999999999999 in floating point: a score of 0.52 meets the margin.
    const evals = [
      ...plan.cells.filter((c) => c.run !== 'base').map((c) => result(c.run, c.task, c.epoch, 0.52)),
      result('base', 'capitalize', null, 0.9),
      result('base', 'cap_ood', null, 0.47),
    ]
    const text = 'cap_ood >= control + 0.05\ncapitalize >= 0.52\ncap_ood >= control + 0.06'
    const [margin, floor, tooHigh] = defined(run(text, evals), 3)
    assert.equal(margin.passed, true)
    assert.equal(floor.passed, true)
    assert.equal(tooHigh.passed, false)
    assert.equal(tooHigh.checks[0]?.right, 0.47 + 0.06)
  })

  it('never passes on results that are not there', () => {
    const evals = results({ 'lr3e-4': 0.9, 'lr1e-3': 0.9, base: 0.1 }).map((e) =>
      e.run === 'lr1e-3' && e.task === 'capitalize' && e.epoch === 1
        ? { ...e, evaluation: { result: 'failed' as const } }
        : e,
    )
    const withoutOne = evals.filter((e) => !(e.run === 'lr3e-4' && e.task === 'cap_ood' && e.epoch === 0))
    const [o] = defined(run('fine-tuned > control', withoutOne), 1)
    assert.equal(o.passed, false)
    const missing = o.checks.filter((c) => c.missing).map((c) => c.missing)
    assert.deepEqual(missing, ['lr3e-4/cap_ood/epoch0 has no result', 'lr1e-3/capitalize/epoch1 failed'])
    const skipped = evals.map((e) => (e.run === 'base' ? { ...e, evaluation: { reason: 'no checkpoint' } } : e))
    const [control] = defined(run('fine-tuned > control', skipped), 1)
    assert.equal(control.passed, false)
    assert.match(control.summary, /lr3e-4\/capitalize\/epoch0: base\/capitalize skipped/)
    const detached = evals.map((e) => (e.run === 'base' ? { ...e, evaluation: { result: 'detached' as const } } : e))
    const [open] = defined(run('fine-tuned > control', detached), 1)
    assert.equal(open.passed, false)
    assert.match(open.summary, /lr3e-4\/capitalize\/epoch0: base\/capitalize is still running/)
  })

  it('any: at least one check must hold', () => {
    const evals = results({ 'lr3e-4': 0.5, 'lr1e-3': 0.95, base: 0.1 })
    const [some, none] = defined(run('any capitalize >= 0.95\nany capitalize >= 0.99', evals), 2)
    assert.equal(some.passed, true)
    assert.match(some.summary, /^2 of 4 hold, e\.g\. lr1e-3\/capitalize\/epoch0: 0\.95 >= 0\.95/)
    assert.equal(none.passed, false)
    assert.match(none.summary, /^none of 4 holds/)
  })

  it('reads named metrics and scorers, and says which metrics exist when one is not there', () => {
    const evals = results({ 'lr3e-4': 0.5, 'lr1e-3': 0.9, base: 0.1 })
    const text =
      'fine-tuned:stderr <= 0.01\nlr1e-3/capitalize/epoch1:exact_case.accuracy == 0.91\nlr1e-3/capitalize:f1 > 0'
    const [stderr, scorer, absent] = defined(run(text, evals), 3)
    assert.equal(stderr.passed, true)
    assert.equal(scorer.passed, true)
    assert.equal(absent.passed, false)
    assert.equal(
      absent.checks[0]?.missing,
      'lr1e-3/capitalize/epoch0: no metric f1 (it has exact_case.accuracy, exact_case.stderr)',
    )
  })

  it('compares named runs at the same epoch', () => {
    const [o] = defined(run('lr1e-3 > lr3e-4', results({ 'lr3e-4': 0.5, 'lr1e-3': 0.9, base: 0.1 })), 1)
    assert.equal(o.passed, true)
    assert.deepEqual(
      o.checks.map((c) => c.cells.join(' > ')),
      [
        'lr1e-3/capitalize/epoch0 > lr3e-4/capitalize/epoch0',
        'lr1e-3/capitalize/epoch1 > lr3e-4/capitalize/epoch1',
        'lr1e-3/cap_ood/epoch0 > lr3e-4/cap_ood/epoch0',
        'lr1e-3/cap_ood/epoch1 > lr3e-4/cap_ood/epoch1',
      ],
    )
  })
})
