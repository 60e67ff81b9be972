/**
 * Detaching: the signal the phases watch (the workflow's cancellation, cruijff_kit's detach sentinel), and
 * how long a cancelled run waits for its uploads.
 */
import type { Transport } from '../cluster/transport.js'
import { withDeadline } from '../report/deadline.js'

/**
 * The signal the phases watch: the workflow's cancellation, or cruijff_kit's detach sentinel
 * (`logs/.detach`, sticky until removed), looked for before each submission and after each poll.
 */
export function detachOn(
  cancelled: AbortSignal,
  transport: Transport,
  sentinel: string,
): { signal: AbortSignal; check: () => Promise<void> } {
  const controller = new AbortController()
  const follow = (): void => {
    controller.abort(cancelled.reason)
  }
  if (cancelled.aborted) follow()
  else cancelled.addEventListener('abort', follow, { once: true })
  return {
    signal: controller.signal,
    check: async () => {
      if (!controller.signal.aborted && (await transport.stat(sentinel)) !== null) controller.abort('sentinel')
    },
  }
}

/** How long a cancelled run waits for the upload between phases before it finishes (SIGTERM follows SIGINT). */
export const ABORTED_UPLOAD_WAIT_MS = 3000

/** The final upload's deadline in a cancelled run: a runner sends SIGTERM 7.5 s after SIGINT. */
export const ABORTED_UPLOAD_DEADLINE_MS = 4000

/** Waits for a background task, at most `ms` when given; its failures are its own (recorded in the report). */
export async function settled(task: Promise<void> | undefined, ms?: number): Promise<void> {
  if (!task) return
  await (ms === undefined ? task : withDeadline(task, ms, () => undefined))
}
