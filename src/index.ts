/**
 * Entry point of the action (main and post). Main: wires SIGINT/SIGTERM/SIGHUP to a detach, runs
 * the pipeline, exits. Post (STATE_isPost set by main): cancel-on-abort clean-up.
 */
import * as core from '@actions/core'
import { coreIO } from './io.js'
import { run } from './main.js'
import { SAVED } from './names.js'
import { post } from './post.js'

// Stack traces name src/ files and lines: dist/ carries source maps.
process.setSourceMapsEnabled(true)

const io = coreIO()

if (core.getState(SAVED.isPost) === 'true') {
  post(io, (name) => core.getState(name))
    .catch((e: unknown) => {
      core.warning(`run-experiment post: ${e instanceof Error ? e.message : String(e)}`)
    })
    .finally(() => process.exit(0))
} else {
  const controller = new AbortController()
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (controller.signal.aborted) process.exit(130)
      controller.abort(signal)
    })
  }
  run({ io, signal: controller.signal })
    .then(() => process.exit(process.exitCode ?? 0))
    .catch((e: unknown) => {
      io.setFailed(`run-experiment crashed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`)
      process.exit(1)
    })
}
