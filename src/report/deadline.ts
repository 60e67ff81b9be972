/** Work that must not hold the run up (an upload, a comment) races a clock: when late, abandoned, not cancelled. */

/**
 * What `work` gives, or `late()` once `ms` have passed, or `stop.value()` as soon as `stop.signal` is
 * aborted (at once when it already is): whichever comes first. The timer and the abort listener go
 * when the race is over, however it ends; a `work` that rejects first rejects the race.
 */
export async function withDeadline<T>(
  work: Promise<T>,
  ms: number,
  late: () => T,
  stop?: { signal: AbortSignal | undefined; value: () => T },
): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  let onStop: (() => void) | undefined
  const deadline = new Promise<T>((resolve) => {
    timer = setTimeout(() => {
      resolve(late())
    }, ms)
    if (!stop?.signal) return
    onStop = () => {
      resolve(stop.value())
    }
    if (stop.signal.aborted) onStop()
    else stop.signal.addEventListener('abort', onStop, { once: true })
  })
  try {
    return await Promise.race([work, deadline])
  } finally {
    clearTimeout(timer)
    if (onStop) stop?.signal?.removeEventListener('abort', onStop)
  }
}
