/**
 * The artifact upload under a failing or silent service (issue #9, defect 11): a deadline of its own,
 * and a reason that is never empty. The real @actions/artifact client against a local stand-in.
 */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { LocalTransport } from '../src/cluster/local.ts'
import { describeError, uploadArtifact, type ArtifactRequest } from '../src/report/artifact.ts'
import { startArtifactServer, unzip } from './helpers/artifact-server.ts'
import { tempDir } from './helpers/experiment.ts'

function request(env: Record<string, string>, extra: Partial<ArtifactRequest> = {}): ArtifactRequest {
  const runDir = tempDir()
  writeFileSync(join(runDir, 'run-experiment.log'), 'log\n')
  return {
    transport: new LocalTransport(),
    runDir,
    files: [join(runDir, 'run-experiment.log')],
    name: 'artifact',
    retentionDays: 0,
    replace: false,
    env: { ...env, RUNNER_TEMP: tempDir() },
    ...extra,
  }
}

/**
 * The artifact client reads its token and URL from process.env (at every retry: an upload abandoned at its
 * deadline may reach the next test's service, so each test uploads under its own name).
 */
async function withEnv<T>(env: Record<string, string>, f: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]))
  Object.assign(process.env, env)
  try {
    return await f()
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) Reflect.deleteProperty(process.env, k)
      else process.env[k] = v
    }
  }
}

describe('artifact upload', () => {
  it('a service that never answers costs the deadline, no more', async () => {
    const server = await startArtifactServer()
    server.silent = true
    try {
      const t0 = Date.now()
      const r = await withEnv(server.env, () =>
        uploadArtifact(request(server.env, { deadlineMs: 1500, name: 'silent' })),
      )
      const took = Date.now() - t0
      assert.equal(r.ok, false)
      assert.equal(r.error, 'no answer from the artifact service within 2 s')
      assert.ok(took < 5000, `took ${took} ms`)
    } finally {
      await server.close()
    }
  })

  it('a 401 with an empty body from the blob store gives a reason', async () => {
    const server = await startArtifactServer()
    server.failBlobWith = 401
    try {
      const r = await withEnv(server.env, () =>
        uploadArtifact(request(server.env, { deadlineMs: 60_000, name: 'refused' })),
      )
      assert.equal(r.ok, false)
      assert.notEqual(r.error.trim(), '')
      assert.match(r.error, /401/)
    } finally {
      await server.close()
    }
  })

  it('uploads the last 20 MiB of a file, read in bounded ranges', async () => {
    const server = await startArtifactServer()
    try {
      const req = request(server.env, { name: 'tail' })
      const big = join(req.runDir, 'slurm-1.out')
      writeFileSync(big, Buffer.concat([Buffer.alloc(21 * 1024 * 1024, 'a'), Buffer.from('the end\n')]))
      const r = await withEnv(server.env, () => uploadArtifact({ ...req, files: [big] }))
      assert.ok(r.ok && 'id' in r.value, JSON.stringify(r))
      const files = await unzip(server.artifacts[0]?.zip ?? Buffer.alloc(0))
      const got = files.get('slurm-1.out')
      assert.ok(got)
      assert.equal(got.length, 20 * 1024 * 1024)
      assert.ok(got.toString('utf8').endsWith('the end\n'))
    } finally {
      await server.close()
    }
  })

  it('describes errors without a message', () => {
    assert.equal(describeError(Object.assign(new Error(''), { statusCode: 401 })), 'HTTP 401')
    assert.equal(describeError(Object.assign(new Error(''), { name: 'RestError' })), 'RestError')
    assert.equal(describeError(new Error('')), 'an error without a message')
    assert.equal(describeError(''), 'an error without a message')
    assert.equal(describeError(new Error('boom')), 'boom')
  })
})
