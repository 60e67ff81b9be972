/**
 * Entry point of the action (main and post). Main: wires SIGINT/SIGTERM/SIGHUP to a detach, runs
 * the pipeline, exits. Post (STATE_isPost set by main): cancel-on-abort clean-up.
 *
 * The signal handlers come first, before the rest of the bundle loads (a few hundred milliseconds on a
 * busy runner): a step cancelled at its very start still detaches cleanly, outputs and summary set.
 */
import { SAVED } from './names.js'
import { messageOf } from './result.js'

// Stack traces name src/ files and lines: dist/ carries source maps.
process.setSourceMapsEnabled(true)

const isPost = process.env[`STATE_${SAVED.isPost}`] === 'true'
// First signal (a runner cancelling sends SIGINT, SIGTERM 7.5 s later): detach, cancel what cancel-on-abort
// asks, write the summary, upload. Second signal: abandon the upload and finish now (outputs, summary),
// exiting at the latest 2 s later. A third: exit at once.
const detach = new AbortController()
const finishNow = new AbortController()
if (!isPost) {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (!detach.signal.aborted) detach.abort(signal)
      else if (!finishNow.signal.aborted) {
        finishNow.abort(signal)
        setTimeout(() => process.exit(130), 2000).unref()
      } else process.exit(130)
    })
  }
}

const core = await import('@actions/core')
const { coreIO } = await import('./io.js')
const io = coreIO()

if (isPost) {
  const { post } = await import('./post.js')
  post(io, (name) => core.getState(name))
    .catch((e: unknown) => {
      core.warning(`run-experiment post: ${messageOf(e)}`)
    })
    .finally(() => process.exit(0))
} else {
  const { run } = await import('./main.js')
  run({ io, signal: detach.signal, finishNow: finishNow.signal })
    .then(() => process.exit(process.exitCode ?? 0))
    .catch((e: unknown) => {
      io.setFailed(`run-experiment crashed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`)
      process.exit(1)
    })
}
