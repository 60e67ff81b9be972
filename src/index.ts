/** Entry point of the action: wires signals to a detach, runs the pipeline, exits. */
import { coreIO } from './io.js'
import { run } from './main.js'

const controller = new AbortController()
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (controller.signal.aborted) process.exit(130)
    controller.abort(signal)
  })
}

const io = coreIO()
run({ io, signal: controller.signal })
  .then(() => process.exit(process.exitCode ?? 0))
  .catch((e: unknown) => {
    io.setFailed(`run-experiment crashed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`)
    process.exit(1)
  })
