import { createRequire as __reCreateRequire } from 'node:module';
import { fileURLToPath as __reFileURLToPath } from 'node:url';
import { dirname as __reDirnameOf } from 'node:path';
const require = __reCreateRequire(import.meta.url);
const __reFilename = __reFileURLToPath(import.meta.url);
const __reDirname = __reDirnameOf(__reFilename);

// src/cluster/paths.ts
import { randomBytes } from "node:crypto";
function joinPath(...parts) {
  return parts.filter((p) => p !== "").join("/").replace(/\/+/g, "/");
}
function resolvePath(base, p) {
  const full = p.startsWith("/") ? p : `${base}/${p}`;
  const out = [];
  for (const seg of full.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") out.pop();
    else out.push(seg);
  }
  return `/${out.join("/")}`;
}
function dirnameOf(path) {
  return path.replace(/\/+[^/]*\/*$/, "") || "/";
}
function tempName(path) {
  return `${path}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
}
function isWithin(root, path) {
  const r = resolvePath("/", root);
  const p = resolvePath("/", path);
  return p === r || p.startsWith(r === "/" ? "/" : `${r}/`);
}

// src/cluster/backoff.ts
var Backoff = class {
  /**
   * @param since when the series began (epoch ms), for the deadline: a reconnection counts from the
   *   moment the connection went down, not from its first try
   * @param onWait called before each wait (observers count them)
   */
  constructor(policy, since = Date.now(), onWait) {
    this.policy = policy;
    this.since = since;
    this.onWait = onWait;
    this.nextMs = policy.initialMs;
  }
  policy;
  since;
  onWait;
  nextMs;
  /** Tries made so far: the first comes before any wait. */
  tries = 1;
  /** Milliseconds since the series began. */
  get elapsedMs() {
    return Date.now() - this.since;
  }
  /** Whether the policy allows no further try: its deadline has passed, or its tries are used up. */
  get exhausted() {
    const { deadlineMs, attempts } = this.policy;
    return deadlineMs !== void 0 && this.elapsedMs >= deadlineMs || attempts !== void 0 && this.tries >= attempts;
  }
  /** Tells the observer, then waits before the next try (never past the deadline). */
  async wait() {
    const { factor, maxMs, jitter = 0, deadlineMs } = this.policy;
    const scaled = this.nextMs * (1 - jitter + Math.random() * 2 * jitter);
    const left = deadlineMs === void 0 ? scaled : deadlineMs - this.elapsedMs;
    this.onWait?.();
    this.tries++;
    this.nextMs = Math.min(this.nextMs * factor, maxMs ?? Infinity);
    await sleep(Math.min(scaled, left));
  }
};
async function retry(policy, attempt, { retryable = () => true, since } = {}) {
  const backoff = new Backoff(policy, since);
  for (let n = 1; ; n++) {
    const r = await attempt(n);
    if (r.ok || !retryable(r.error) || backoff.exhausted) return r;
    await backoff.wait();
  }
}
function sleep(ms) {
  return new Promise((r) => setTimeout(r, Math.max(0, ms)));
}

export {
  joinPath,
  resolvePath,
  dirnameOf,
  tempName,
  isWithin,
  Backoff,
  retry,
  sleep
};
//# sourceMappingURL=chunk-ACGHYKDK.js.map
