import { createRequire as __reCreateRequire } from 'node:module';
import { fileURLToPath as __reFileURLToPath } from 'node:url';
import { dirname as __reDirnameOf } from 'node:path';
const require = __reCreateRequire(import.meta.url);
const __reFilename = __reFileURLToPath(import.meta.url);
const __reDirname = __reDirnameOf(__reFilename);
import {
  isTerminal,
  normaliseState
} from "./chunk-LVSZMQOM.js";
import {
  messageOf
} from "./chunk-DJTLSRDM.js";
import "./chunk-J52I6C33.js";

// src/scheduler/slurm.ts
import { randomBytes } from "node:crypto";
var SUBMIT_LIMIT = /QOSMaxSubmitJob\w*|AssocMaxSubmitJob\w*|AssocGrpSubmitJob\w*|QOSGrpSubmitJob\w*|MaxSubmitJobs?\w*/i;
var NAMED_LIMIT = /\b(?:QOS|Assoc)\w*Limit\b/;
var GENERIC_POLICY = /Job violates accounting\/QOS policy/i;
var TRANSIENT = /Socket timed out|Unable to contact slurm controller|Slurm temporarily unable|Resource temporarily unavailable|Zero Bytes were transmitted|Connection refused|Communication connection failure|slurm_persist_conn|try again/i;
var SQUEUE_FIELDS = "JobArrayId:|,State:|,Reason:|,exit_code:|";
var SACCT_FIELDS = "JobIDRaw,State,ExitCode,Start,End,Reason";
var SINCE_SLACK_S = 600;
var SlurmScheduler = class {
  constructor(transport, options = {}) {
    this.transport = transport;
    this.options = options;
    this.maxInFlight = options.maxSubmit ?? 25;
    this.staggerSeconds = options.staggerSeconds ?? 5;
    this.timeoutMs = options.commandTimeoutMs ?? 6e4;
  }
  transport;
  options;
  kind = "slurm";
  maxInFlight;
  staggerSeconds;
  /** SLURM commands run (for benchmarks: commands per poll cycle). */
  commands = 0;
  /** What the last sacct told about accounting; undefined until the first one. */
  accounting;
  timeoutMs;
  run(argv, options = {}) {
    this.commands++;
    return this.transport.exec(argv, { timeoutMs: this.timeoutMs, ...options });
  }
  // ------------------------------------------------------------------ submit
  async submit(job) {
    const outDir = dirnameOf(job.outputPattern);
    try {
      await this.transport.mkdirp(outDir);
    } catch (e) {
      const message2 = `cannot create the log directory ${outDir}: ${messageOf(e)}`;
      return { ok: false, error: { message: message2, retryLater: /cannot reach|connection|timed out/i.test(message2) } };
    }
    const extra = this.options.extraSbatchArgs ?? [];
    const nonce = `run-experiment:${randomBytes(6).toString("hex")}`;
    const useNonce = !extra.some((a) => a === "--comment" || a.startsWith("--comment="));
    const argv = [
      "sbatch",
      "--parsable",
      `--job-name=${job.name}`,
      `--output=${job.outputPattern}`,
      ...useNonce ? [`--comment=${nonce}`] : [],
      ...extra,
      job.script
    ];
    const r = await this.run(argv, { cwd: job.dir, ...job.env ? { env: job.env } : {}, idempotent: false });
    const id = /^\s*(\d+)(?:;\S*)?\s*$/.exec(r.stdout.split("\n").find((l) => l.trim()) ?? "")?.[1];
    if (r.code === 0 && id) return { ok: true, value: { jobId: id } };
    const message = sbatchMessage(r);
    if (r.code === -1 || r.code === 124 || /Socket timed out/i.test(message)) {
      if (!useNonce)
        return {
          ok: false,
          error: {
            message: `${message} (the job may have been submitted: look for ${job.name} before submitting again)`,
            retryLater: true
          }
        };
      const found = await this.findByNonce(job.name, nonce);
      if (found.ok && found.jobId) return { ok: true, value: { jobId: found.jobId } };
      return {
        ok: false,
        error: {
          message: found.ok ? `${message} (not submitted)` : `${message}; whether the job was submitted is unknown (${found.why}): look for ${job.name} before submitting again`,
          retryLater: true
        }
      };
    }
    return { ok: false, error: { message, retryLater: isRetryLater(message) } };
  }
  /** The job submitted under this name with this nonce in its comment, if slurmctld has it. */
  async findByNonce(name, nonce) {
    const q = await this.run(["squeue", "-h", "-t", "all", `--name=${name}`, "-o", "%i|%k"]);
    if (q.code !== 0) return { ok: false, why: `squeue: ${oneLine(q)}` };
    for (const line of q.stdout.split("\n")) {
      const [id, comment] = line.trim().split("|");
      if (id && comment === nonce) return { ok: true, jobId: id };
    }
    return { ok: true };
  }
  // ------------------------------------------------------------------ poll
  async poll(jobs) {
    const result = /* @__PURE__ */ new Map();
    const ids = [...new Set(jobs.map((j) => j.jobId))];
    if (ids.length === 0) return result;
    const unknown = (id, why) => ({ jobId: id, state: "UNKNOWN", raw: why });
    const bad = ids.filter((id) => !/^\d+(?:_\d+)?$/.test(id));
    for (const id of bad) result.set(id, unknown(id, `not a SLURM job id: ${id}`));
    const valid = ids.filter((id) => !bad.includes(id));
    if (valid.length === 0) return result;
    const queue = await this.squeue(valid);
    if (!queue.ok) {
      for (const id of valid) result.set(id, unknown(id, queue.why));
      return result;
    }
    for (const [id, s] of queue.jobs) result.set(id, s);
    const need = valid.filter((id) => {
      const s = result.get(id);
      return !s || isTerminal(s.state);
    });
    if (need.length === 0) return result;
    const earliest = Math.min(
      ...jobs.filter((j) => need.includes(j.jobId)).map((j) => Date.parse(j.submittedAt)).map((t) => Number.isFinite(t) ? t : Date.now() - 7 * 864e5)
    );
    const rows = await this.accountingRows(need, earliest);
    for (const id of need) {
      const fromQueue = queue.jobs.get(id);
      const row = rows.ok ? rows.rows.get(id) : void 0;
      if (row) result.set(id, merge(fromQueue, row));
      else if (fromQueue)
        result.set(id, fromQueue);
      else result.set(id, unknown(id, rows.ok ? "neither squeue nor accounting knows this job (yet)" : rows.why));
    }
    return result;
  }
  /** One squeue for these ids; `-j` with a single unknown id is an error, not an empty answer. */
  async squeue(ids) {
    const r = await this.run(["squeue", "-h", "-t", "all", "-j", ids.join(","), "-O", SQUEUE_FIELDS]);
    if (r.code === 0) return { ok: true, jobs: parseSqueue(r.stdout, ids) };
    if (/Invalid job id/i.test(r.stderr)) {
      if (ids.length === 1) return { ok: true, jobs: /* @__PURE__ */ new Map() };
      const who = this.options.user ? ["-u", this.options.user] : ["--me"];
      const all = await this.run(["squeue", "-h", "-t", "all", ...who, "-O", SQUEUE_FIELDS]);
      if (all.code === 0) return { ok: true, jobs: parseSqueue(all.stdout, ids) };
      return { ok: false, why: `squeue failed: ${oneLine(all)}` };
    }
    return { ok: false, why: `squeue failed: ${oneLine(r)}` };
  }
  /** One accounting query for these ids (sacct, or sacct -c, or scontrol per job without either). */
  async accountingRows(ids, earliestMs) {
    const since = sinceArg(earliestMs);
    const env = { SLURM_TIME_FORMAT: "%s" };
    if (this.accounting === void 0 || this.accounting === "slurmdbd") {
      const r = await this.run(["sacct", "-X", "-n", "-P", "-S", since, "-j", ids.join(","), "-o", SACCT_FIELDS], {
        env
      });
      if (r.code === 0) {
        this.accounting = "slurmdbd";
        return { ok: true, rows: parseSacct(r.stdout, ids) };
      }
      if (!/accounting storage is disabled/i.test(r.stderr + r.stdout))
        return { ok: false, why: `sacct failed: ${oneLine(r)}` };
      this.accounting = "jobcomp";
    }
    if (this.accounting === "jobcomp") {
      const r = await this.run(["sacct", "-c", "-n", "-P", "-S", since, "-j", ids.join(","), "-o", SACCT_FIELDS], {
        env
      });
      if (r.code === 0) return { ok: true, rows: parseSacct(r.stdout, ids) };
      if (!/not configured|jobcomp|disabled|No such file/i.test(r.stderr + r.stdout))
        return { ok: false, why: `sacct -c failed: ${oneLine(r)}` };
      this.accounting = "none";
    }
    const rows = /* @__PURE__ */ new Map();
    for (const id of ids) {
      const r = await this.run(["scontrol", "-o", "show", "job", id], { env });
      if (r.code !== 0) continue;
      const s = parseScontrol(r.stdout, id);
      if (s) rows.set(id, s);
    }
    return { ok: true, rows };
  }
  // ------------------------------------------------------------------ findByName
  async findByName(name, since) {
    const sinceMs = Date.parse(since);
    const q = await this.retrying(
      () => this.run(["squeue", "-h", "-t", "all", `--name=${name}`, "-O", `${SQUEUE_FIELDS},SubmitTime:|`], {
        env: { SLURM_TIME_FORMAT: "%s" }
      }),
      "squeue"
    );
    const found = /* @__PURE__ */ new Map();
    for (const line of q.stdout.split("\n")) {
      const [id, state, reason, exit, submitted] = line.trim().split("|");
      if (!id || !state || !/^\d+$/.test(id)) continue;
      found.set(id, { status: queueStatus(id, state, reason, exit), submitted: Number(submitted) || 0 });
    }
    if (this.accounting !== "none") {
      const args = [
        "-X",
        "-n",
        "-P",
        "-S",
        sinceArg(Number.isFinite(sinceMs) ? sinceMs : Date.now() - 7 * 864e5),
        `--name=${name}`,
        "-o",
        `${SACCT_FIELDS},Submit`
      ];
      const a = await this.retrying(
        () => this.run(["sacct", ...this.accounting === "jobcomp" ? ["-c"] : [], ...args], {
          env: { SLURM_TIME_FORMAT: "%s" }
        }),
        "sacct",
        (r) => /accounting storage is disabled/i.test(r.stderr + r.stdout)
      );
      if (a.code === 0) {
        for (const line of a.stdout.split("\n")) {
          const fields = line.trim().split("|");
          const id = fields[0];
          if (!id || !/^\d+$/.test(id)) continue;
          const row = sacctStatus(fields);
          if (!row) continue;
          const prev = found.get(id);
          found.set(id, { status: merge(prev?.status, row), submitted: prev?.submitted || Number(fields[6]) || 0 });
        }
      }
    }
    return [...found.values()].sort((a, b) => a.submitted - b.submitted || Number(a.status.jobId) - Number(b.status.jobId)).map((f) => f.status);
  }
  /** Runs a query up to ~1 minute while SLURM is unreachable; throws if it keeps failing. */
  async retrying(cmd, what, acceptable = () => false) {
    let delay = 1e3;
    const deadline = Date.now() + 6e4;
    for (; ; ) {
      const r = await cmd();
      if (r.code === 0 || acceptable(r)) return r;
      if (Date.now() > deadline)
        throw new Error(`${what} failed, so it is unknown whether the job exists: ${oneLine(r)}`);
      await new Promise((res) => setTimeout(res, delay));
      delay = Math.min(delay * 2, 15e3);
    }
  }
  // ------------------------------------------------------------------ cancel
  async cancel(jobIds) {
    const ids = [...new Set(jobIds)].filter((id) => /^\d+(?:_\d+)?$/.test(id));
    if (ids.length === 0) return;
    await this.retrying(() => this.run(["scancel", ...ids]), "scancel");
  }
};
async function slurmReachable(transport) {
  const r = await transport.exec(["sbatch", "--version"], { timeoutMs: 3e4 });
  return { ok: r.code === 0, detail: (r.code === 0 ? r.stdout : r.stderr || `exit ${r.code}`).trim() };
}
function parseSqueue(stdout, ids) {
  const wanted = new Set(ids);
  const jobs = /* @__PURE__ */ new Map();
  for (const line of stdout.split("\n")) {
    const [id, state, reason, exit] = line.trim().split("|");
    if (!id || !state || !wanted.has(id)) continue;
    jobs.set(id, queueStatus(id, state, reason, exit));
  }
  return jobs;
}
function queueStatus(id, state, reason, exit) {
  const status = statusOf(id, state, reason);
  if (!isTerminal(status.state)) return status;
  return { ...status, ...exitFields(parseExit(exit)) };
}
function exitFields(exit) {
  return exit ? { exitCode: exit.code, ...exit.signal ? { signal: exit.signal } : {} } : {};
}
function parseExit(text) {
  const t = (text ?? "").trim();
  const pair = /^(\d+):(\d+)$/.exec(t);
  if (pair) return { code: Number(pair[1]), signal: Number(pair[2]) };
  if (!/^\d+$/.test(t)) return void 0;
  const raw = Number(t);
  const signal = raw & 127;
  return signal ? { code: 0, signal } : { code: raw >> 8 & 255, signal: 0 };
}
function statusOf(id, state, reason) {
  return {
    jobId: id,
    state: normaliseState(state),
    raw: state,
    ...reason && reason !== "None" && reason !== "(null)" ? { reason } : {}
  };
}
function parseSacct(stdout, ids) {
  const wanted = new Set(ids);
  const rows = /* @__PURE__ */ new Map();
  for (const line of stdout.split("\n")) {
    const fields = line.trim().split("|");
    if (!fields[0] || !wanted.has(fields[0])) continue;
    const s = sacctStatus(fields);
    if (s) rows.set(fields[0], s);
  }
  return rows;
}
function sacctStatus(fields) {
  const [id, state, exit, start, end, reason] = fields;
  if (!id || !state) return void 0;
  const startedAt = epochIso(start);
  const endedAt = epochIso(end);
  return {
    ...statusOf(id, state, reason),
    ...exitFields(parseExit(exit)),
    ...startedAt ? { startedAt } : {},
    ...endedAt ? { endedAt } : {}
  };
}
function parseScontrol(stdout, id) {
  const field = (k) => new RegExp(`(?:^|\\s)${k}=(\\S+)`).exec(stdout)?.[1];
  const state = field("JobState");
  if (!state) return void 0;
  const startedAt = epochIso(field("StartTime"));
  const endedAt = epochIso(field("EndTime"));
  return {
    ...statusOf(id, state, field("Reason")),
    ...exitFields(parseExit(field("ExitCode"))),
    ...startedAt ? { startedAt } : {},
    ...endedAt ? { endedAt } : {}
  };
}
function merge(fromQueue, row) {
  if (!fromQueue) return row;
  const times = {
    ...row.startedAt ? { startedAt: row.startedAt } : {},
    ...row.endedAt ? { endedAt: row.endedAt } : {}
  };
  if (!isTerminal(fromQueue.state) || !isTerminal(row.state)) return { ...fromQueue, ...times };
  return { ...row, ...row.reason ? {} : fromQueue.reason ? { reason: fromQueue.reason } : {} };
}
function isRetryLater(message) {
  const named = NAMED_LIMIT.exec(message)?.[0];
  if (named) return SUBMIT_LIMIT.test(named);
  return SUBMIT_LIMIT.test(message) || GENERIC_POLICY.test(message) || TRANSIENT.test(message);
}
function sbatchMessage(r) {
  const lines = (r.stderr || r.stdout).split("\n").map((l) => l.replace(/^sbatch:\s*(?:error:\s*)?/, "").trim()).filter(Boolean);
  return lines.join("; ") || `sbatch exited with code ${r.code}`;
}
function oneLine(r) {
  return (r.stderr || r.stdout).trim().split("\n").filter(Boolean).join("; ") || `exit code ${r.code}`;
}
function sinceArg(earliestMs) {
  const seconds = Math.max(0, Math.ceil((Date.now() - earliestMs) / 1e3)) + SINCE_SLACK_S;
  return `now-${seconds}`;
}
function epochIso(s) {
  if (!s || !/^\d+$/.test(s) || s === "0") return void 0;
  return new Date(Number(s) * 1e3).toISOString();
}
function dirnameOf(path) {
  return path.replace(/\/+[^/]*$/, "") || "/";
}
export {
  SlurmScheduler,
  parseExit,
  slurmReachable
};
