/**
 * Waiting between tries, one policy for every loop that tries again: the SSH connection's first
 * connection and its reconnections, a channel the server refuses, SLURM commands while slurmctld is
 * unreachable. A policy is data (first wait, growth, cap, jitter, deadline, number of tries); `Backoff`
 * keeps the state of one series of tries, `retry` runs a whole series for a step that returns a Result.
 */
import type { Result } from '../result.js'

export interface BackoffPolicy {
  /** The first wait, in milliseconds. */
  readonly initialMs: number
  /** Each wait is the one before times this (2: doubling). */
  readonly factor: number
  /** No wait is longer than this. */
  readonly maxMs?: number
  /** Each wait is scaled by a random factor from 1 - jitter to 1 + jitter (0.2: 0.8 to 1.2). */
  readonly jitter?: number
  /**
   * The tries stop once this long has passed since the series began; no wait goes past it, so the last try
   * comes at the deadline.
   */
  readonly deadlineMs?: number
  /** The tries stop after this many. */
  readonly attempts?: number
}

/** One series of tries under a policy: call `wait` after each failed try, while `exhausted` is false. */
export class Backoff {
  private nextMs: number
  /** Tries made so far: the first comes before any wait. */
  private tries = 1

  /**
   * @param since when the series began (epoch ms), for the deadline: a reconnection counts from the
   *   moment the connection went down, not from its first try
   * @param onWait called before each wait (observers count them)
   */
  constructor(
    readonly policy: BackoffPolicy,
    private readonly since = Date.now(),
    private readonly onWait?: () => void,
  ) {
    this.nextMs = policy.initialMs
  }

  /** Milliseconds since the series began. */
  get elapsedMs(): number {
    return Date.now() - this.since
  }

  /** Whether the policy allows no further try: its deadline has passed, or its tries are used up. */
  get exhausted(): boolean {
    const { deadlineMs, attempts } = this.policy
    return (
      (deadlineMs !== undefined && this.elapsedMs >= deadlineMs) || (attempts !== undefined && this.tries >= attempts)
    )
  }

  /** Tells the observer, then waits before the next try (never past the deadline). */
  async wait(): Promise<void> {
    const { factor, maxMs, jitter = 0, deadlineMs } = this.policy
    const scaled = this.nextMs * (1 - jitter + Math.random() * 2 * jitter)
    const left = deadlineMs === undefined ? scaled : deadlineMs - this.elapsedMs
    this.onWait?.()
    this.tries++
    this.nextMs = Math.min(this.nextMs * factor, maxMs ?? Infinity)
    await sleep(Math.min(scaled, left))
  }
}

export interface RetryOptions<E> {
  /** Whether another try can help after this error (default: always). */
  retryable?: (error: E) => boolean
  /** When the series began (epoch ms), for the deadline; default now. */
  since?: number
}

/**
 * Calls `attempt` (with its 1-based number) until it succeeds, fails with an error `retryable` refuses, or
 * the policy allows no further try; then returns its last result.
 */
export async function retry<T, E>(
  policy: BackoffPolicy,
  attempt: (n: number) => Promise<Result<T, E>>,
  { retryable = () => true, since }: RetryOptions<E> = {},
): Promise<Result<T, E>> {
  const backoff = new Backoff(policy, since)
  for (let n = 1; ; n++) {
    const r = await attempt(n)
    if (r.ok || !retryable(r.error) || backoff.exhausted) return r
    await backoff.wait()
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, ms)))
}
