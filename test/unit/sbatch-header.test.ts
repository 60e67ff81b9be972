/** A job script's #SBATCH header as the executors read it (src/scheduler/script.ts). */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { sbatchOutput, substituteOutput } from '../../src/scheduler/script.ts'

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
