/** A job script's #SBATCH header (src/sbatch.ts) and what the executors take from it (src/scheduler/script.ts). */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { sbatchHeader } from '../../src/sbatch.ts'
import { outputPatternOf, sbatchOutput, substituteOutput, workDirOf } from '../../src/scheduler/script.ts'
import { sbatchTimeLimit } from '../../src/scheduler/time-limit.ts'

describe('#SBATCH --output', () => {
  it('reads #SBATCH --output and substitutes patterns', () => {
    assert.equal(
      sbatchOutput(
        '#!/bin/bash\n#SBATCH --job-name=x\n#SBATCH --output=artifacts/slurm-%j.out\necho\n#SBATCH --output=ignored',
      ),
      'artifacts/slurm-%j.out',
    )
    assert.equal(sbatchOutput('#!/bin/bash\n#SBATCH -o "logs/%x-%j.log"\n'), 'logs/%x-%j.log')
    assert.equal(sbatchOutput('#!/bin/bash\necho hi\n'), undefined)
    assert.equal(substituteOutput('a/%x-%j-%%.out', '12', 'name'), 'a/name-12-%.out')
  })
})

/** What sbatch itself did with these lines on the dev cluster's SLURM (checked with pwd and the output file). */
describe('#SBATCH header (src/sbatch.ts): read as sbatch reads it', () => {
  it('reads every option of a line, not only the first', () => {
    const script = '#!/bin/bash\n#SBATCH -J two --chdir=/data/there --output=out-%j.txt\npwd\n'
    assert.equal(workDirOf(script, '/data/sub'), '/data/there')
    assert.equal(sbatchOutput(script), 'out-%j.txt')
    assert.equal(outputPatternOf(script, '/data/sub'), '/data/there/out-%j.txt')
    assert.deepEqual(sbatchTimeLimit('#!/bin/bash\n#SBATCH -N 1 --time=00:10:00\nrun\n'), { ok: true, value: 600 })
  })

  it('takes no value for an option followed by another, and keeps quoted and escaped values whole', () => {
    assert.equal(sbatchOutput('#SBATCH --exclusive --output=o2-%j.txt\n'), 'o2-%j.txt')
    const quoted = '#SBATCH -J "a b" -D "/data/th"ere -o o3.txt\n'
    assert.equal(workDirOf(quoted, '/x'), '/data/there')
    assert.equal(sbatchOutput(quoted), 'o3.txt')
    assert.equal(sbatchOutput('#SBATCH --output=a\\ b.out\n'), 'a b.out')
    // -J is not one of the short options the action reads; its quoted value is skipped whole.
    assert.deepEqual(
      sbatchHeader(quoted).map((o) => [o.name, o.value, o.raw, o.line, o.column]),
      [
        ['chdir', '/data/there', '"/data/th"ere', 1, 21],
        ['output', 'o3.txt', 'o3.txt', 1, 38],
      ],
    )
  })

  it('ends a line at a comment and the header at the first command; the last value wins', () => {
    const script = [
      '#!/bin/bash',
      '#SBATCH --job-name=eval # Job name -o not/this',
      '#SBATCH -o first.out',
      '',
      '# a comment between',
      '#SBATCH -ofinal.out -t 5',
      'echo run',
      '#SBATCH --output=after-the-first-command.out',
    ].join('\n')
    assert.equal(sbatchOutput(script), 'final.out')
    assert.deepEqual(sbatchTimeLimit(script), { ok: true, value: 300 })
    assert.deepEqual(
      sbatchHeader(script).map((o) => o.name),
      ['job-name', 'output', 'output', 'time'],
    )
  })

  it('takes a line only with #SBATCH (or #SLURM) in its first column, and ends it at an unquoted #', () => {
    const script = [
      '#!/bin/bash',
      '  #SBATCH --chdir=/indented/is/a/comment',
      '#SBATCH --output=logs/run#1.out -t 5',
      '#SBATCH--error=no-space.err',
      '#SLURM -i in.txt',
      '#SBATCH -D "/data/a#b" --error=x\\#y',
      'run',
    ].join('\n')
    assert.deepEqual(
      sbatchHeader(script).map((o) => [o.name, o.value, o.line]),
      [
        ['output', 'logs/run', 3],
        ['error', 'no-space.err', 4],
        ['input', 'in.txt', 5],
        ['chdir', '/data/a#b', 6],
        ['error', 'x#y', 6],
      ],
    )
    assert.equal(workDirOf(script, '/sub'), '/data/a#b')
    assert.deepEqual(sbatchTimeLimit(script), { ok: true, value: undefined })
  })
})
