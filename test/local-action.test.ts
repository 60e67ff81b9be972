/**
 * `npx @github/local-action run . src/main.ts .env`, as GitHub's action template documents it: the
 * TypeScript sources run under local-action with inputs from a .env file, and `run()` needs nothing
 * injected. local-action 7 stubs @actions/core 2, while the action uses core 3, so outputs come back
 * as the `::set-output` lines core prints without a runner. Needs `bash scripts/render-setup.sh`.
 */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { makeExperiment, tempDir } from './helpers/experiment.ts'

const ROOT = resolve(import.meta.dirname, '..')
const LOCAL_ACTION = join(ROOT, 'test/github-tools/node_modules/.bin/local-action')
if (!existsSync(LOCAL_ACTION)) throw new Error('@github/local-action is not installed: bash scripts/render-setup.sh')

describe('@github/local-action', () => {
  it('runs the action from its sources with a .env file, run() taking its defaults', async () => {
    const exp = makeExperiment(tempDir())
    const env = join(tempDir(), '.env')
    writeFileSync(
      env,
      [
        `INPUT_EXPERIMENT-DIR=${exp}`,
        'INPUT_EXECUTOR=local',
        'INPUT_POLL-INTERVAL=0.2',
        'INPUT_MAX-POLL-INTERVAL=0.5',
        'INPUT_MAX-PARALLEL=2',
        'INPUT_REQUIRE=fine-tuned >= control',
        'GITHUB_EVENT_NAME=workflow_dispatch',
        `GITHUB_WORKSPACE=${ROOT}`,
        '',
      ].join('\n'),
    )
    const t0 = Date.now()
    const out = await new Promise<{ code: number | null; text: string }>((done) => {
      execFile(
        LOCAL_ACTION,
        ['run', '.', 'src/main.ts', env],
        { cwd: ROOT, timeout: 180_000, maxBuffer: 16 * 1024 * 1024 },
        (e, stdout, stderr) => {
          done({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, text: stdout + stderr })
        },
      )
    })
    console.log(`local-action: ${((Date.now() - t0) / 1000).toFixed(1)} s`)
    assert.equal(out.code, 0, out.text.slice(-4000))
    assert.match(out.text, /run-experiment: success — all 6 jobs succeeded/)
    // local-action's stand-in for @actions/core prints info lines as `::info::` when it resolves the action's
    // @actions/core (a plain checkout); through a linked node_modules the action's own core prints them bare.
    assert.match(out.text, /^(?:::info::)?evaluate: 4\/4 done · /m)
    assert.match(out.text, /::set-output name=status::success/)
    const gates = /::set-output name=gates::(.*)$/m.exec(out.text)?.[1] ?? '[]'
    assert.deepEqual(
      (JSON.parse(gates) as { condition: string; passed: boolean }[]).map((g) => [g.condition, g.passed]),
      [['fine-tuned >= control', true]],
    )
  })
})
