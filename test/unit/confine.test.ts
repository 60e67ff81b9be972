/** Reads of job outputs stay inside the run directory and what the jobs name (engine/confine.ts). */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { LocalTransport } from '../../src/cluster/local.ts'
import { ConfinedTransport } from '../../src/engine/confine.ts'
import { tempDir } from '../helpers/experiment.ts'

function layout() {
  const top = tempDir('re-confine-')
  const runDir = join(top, 'run')
  const secret = join(top, 'home/.ssh/id_rsa')
  mkdirSync(join(runDir, 'a/logs'), { recursive: true })
  mkdirSync(join(top, 'home/.ssh'), { recursive: true })
  mkdirSync(join(top, 'scratch/out'), { recursive: true })
  writeFileSync(secret, 'PRIVATE KEY')
  writeFileSync(join(runDir, 'a/logs/ok.eval'), 'log')
  writeFileSync(join(top, 'scratch/out/slurm-1.out'), 'job output')
  symlinkSync(secret, join(runDir, 'a/logs/evil.eval'))
  symlinkSync(join(top, 'home/.ssh'), join(runDir, 'a/keys'))
  return { top, runDir, secret }
}

describe('confined reads', () => {
  it('inside the run directory: read; a path outside, or a symlink leading out: absent', async () => {
    const { runDir, secret } = layout()
    const t = new ConfinedTransport(new LocalTransport(), [runDir])
    assert.equal((await t.readFile(join(runDir, 'a/logs/ok.eval')))?.toString(), 'log')
    assert.equal(await t.readFile(secret), null)
    assert.equal(await t.readFile(join(runDir, 'a/logs/evil.eval')), null)
    assert.equal(await t.readRange(join(runDir, 'a/keys/id_rsa'), 0, 100), null)
    assert.equal(await t.readFile(join(runDir, 'a/../../home/.ssh/id_rsa')), null)
    // Metadata is not content: a listing still shows the entry (the judge then cannot read it).
    assert.ok((await t.list(join(runDir, 'a/logs')))?.some((e) => e.name === 'evil.eval'))
  })

  it('a path the job names (its --output directory) may be read once allowed', async () => {
    const { top, runDir } = layout()
    const t = new ConfinedTransport(new LocalTransport(), [runDir])
    const out = join(top, 'scratch/out/slurm-1.out')
    assert.equal(await t.readFile(out), null)
    t.allow([join(top, 'scratch/out')])
    assert.equal((await t.readFile(out))?.toString(), 'job output')
  })

  it('allowed-roots: only under them, even inside the run directory roots', async () => {
    const { top, runDir } = layout()
    const t = new ConfinedTransport(new LocalTransport(), [runDir, join(top, 'scratch')], [runDir])
    assert.equal((await t.readFile(join(runDir, 'a/logs/ok.eval')))?.toString(), 'log')
    assert.equal(await t.readFile(join(top, 'scratch/out/slurm-1.out')), null)
  })
})
