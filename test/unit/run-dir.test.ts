/** Where an experiment runs (pipeline/run-dir.ts): never inside the workspace that actions/checkout cleans. */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { chooseRunDir, refKey, resolveRunRoot } from '../../src/pipeline/run-dir.ts'
import { LocalTransport } from '../../src/cluster/local.ts'
import { tempDir } from '../helpers/experiment.ts'

const ws = '/runner/_work/repo/repo'
const base = {
  workspace: ws,
  remote: false,
  runRoot: '/scratch/me/run-experiment',
  repository: 'lab/experiments',
  ref: 'pr-12',
}

describe('the run directory', () => {
  it('an experiment in the checkout runs under run-root, keyed by repository, pull request and path', () => {
    const c = chooseRunDir({ ...base, expDir: `${ws}/experiments/cap` })
    assert.equal(c.runDir, '/scratch/me/run-experiment/lab/experiments/pr-12/experiments/cap')
    assert.equal(c.warning, undefined)
    const other = chooseRunDir({ ...base, ref: 'pr-13', expDir: `${ws}/experiments/cap` })
    assert.notEqual(other.runDir, c.runDir, 'two pull requests never share one')
  })

  it('the experiment at the workspace root, and names that are not plain ASCII, stay unambiguous', () => {
    assert.equal(chooseRunDir({ ...base, expDir: ws }).runDir, '/scratch/me/run-experiment/lab/experiments/pr-12/_root')
    const a = chooseRunDir({ ...base, expDir: `${ws}/experiments/über α` }).runDir
    const b = chooseRunDir({ ...base, expDir: `${ws}/experiments/über β` }).runDir
    assert.notEqual(a, b)
    assert.match(a, /^\/scratch\/me\/run-experiment\/lab\/experiments\/pr-12\/experiments\/_ber__-[0-9a-f]{8}$/)
    const branch = chooseRunDir({ ...base, ref: refKey({ GITHUB_REF_NAME: 'feature/x' }, undefined), expDir: ws })
    assert.match(branch.runDir, /\/branch-feature_x-[0-9a-f]{8}\/_root$/)
  })

  it('an absolute experiment.dir is used as given; inside the workspace, with a warning', () => {
    const out = chooseRunDir({ ...base, expDir: `${ws}/e`, declaredDir: '/scratch/me/e' })
    assert.deepEqual([out.runDir, out.warning], ['/scratch/me/e', undefined])
    const inside = chooseRunDir({ ...base, expDir: `${ws}/e`, declaredDir: `${ws}/e` })
    assert.equal(inside.runDir, `${ws}/e`)
    assert.match(inside.warning?.message ?? '', /inside the workspace, which actions\/checkout cleans/)
  })

  it('remote-experiment-dir wins; an experiment outside the workspace runs in place', () => {
    assert.equal(chooseRunDir({ ...base, expDir: `${ws}/e`, remoteRunDir: '/x/y' }).runDir, '/x/y')
    assert.equal(chooseRunDir({ ...base, expDir: '/data/me/e' }).runDir, '/data/me/e')
    // Over SSH the checkout is not on the cluster: under run-root again.
    assert.match(
      chooseRunDir({ ...base, remote: true, expDir: '/data/me/e' }).runDir,
      /^\/scratch\/me\/run-experiment\//,
    )
  })

  it('the key: the pull request, else the branch or tag, else local', () => {
    assert.equal(refKey({ GITHUB_REF_NAME: 'main' }, 7), 'pr-7')
    assert.equal(refKey({ GITHUB_REF_NAME: 'main', GITHUB_REF_TYPE: 'branch' }, undefined), 'branch-main')
    assert.equal(refKey({ GITHUB_REF_NAME: 'v1', GITHUB_REF_TYPE: 'tag' }, undefined), 'tag-v1')
    assert.equal(refKey({}, undefined), 'local')
  })

  it('run-root: ~ is the home directory; inside the workspace it is refused', async () => {
    const t = new LocalTransport()
    const home = await resolveRunRoot(t, '~/runs', '/nonexistent-ws', false)
    assert.ok(home.ok)
    assert.match(home.value, /^\/.*\/runs$/)
    const w = tempDir()
    mkdirSync(join(w, 'sub'))
    const inside = await resolveRunRoot(t, join(w, 'sub'), w, false)
    assert.ok(!inside.ok)
    assert.match(inside.error.message, /inside the workspace/)
  })
})
