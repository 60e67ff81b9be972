import { createRequire as __reCreateRequire } from 'node:module';
import { fileURLToPath as __reFileURLToPath } from 'node:url';
import { dirname as __reDirnameOf } from 'node:path';
const require = __reCreateRequire(import.meta.url);
const __reFilename = __reFileURLToPath(import.meta.url);
const __reDirname = __reDirnameOf(__reFilename);
import {
  LOOKBACK_MS,
  LocalTransport,
  external_exports,
  jobsDirOf,
  makeScheduler,
  reach,
  readSettings,
  resolveRunRoot,
  waitsInVain
} from "./chunk-A7AHHLC2.js";
import {
  SAVED
} from "./chunk-JRKHSVWN.js";
import "./chunk-ACGHYKDK.js";
import {
  messageOf
} from "./chunk-OAUZAC3S.js";
import "./chunk-AURFBE5G.js";

// src/post.ts
var SavedJobs = external_exports.array(external_exports.object({ runDir: external_exports.string(), jobId: external_exports.string() }));
async function post(io, state) {
  if (state(SAVED.completed) === "true") return;
  const settings = readSettings((name) => io.getInput(name));
  if (!settings.ok) return;
  const cancelAll = settings.value.cancelOnAbort;
  let jobs;
  try {
    jobs = SavedJobs.parse(JSON.parse(state(SAVED.jobs) || "[]"));
  } catch (e) {
    io.annotate("warning", {
      message: `run-experiment post: cannot read the saved job ids (${messageOf(e)}); nothing cancelled`
    });
    return;
  }
  io.info(
    cancelAll ? "run-experiment post: the main step did not finish; cancel-on-abort: cancelling its jobs" : "run-experiment post: the main step did not finish; its jobs keep running (re-run the workflow to re-attach); jobs waiting for one that can never succeed are cancelled"
  );
  if (jobs.length === 0) return;
  const transport = await reach(settings.value, new LocalTransport());
  if (!transport.ok) {
    io.annotate("warning", {
      message: `run-experiment post: cannot reach the cluster to check ${jobs.length} job(s): ` + transport.error.message
    });
    return;
  }
  try {
    const workspace = io.env["GITHUB_WORKSPACE"] || process.cwd();
    const root = await resolveRunRoot(transport.value, settings.value.runRoot, workspace, Boolean(settings.value.ssh));
    if (!root.ok) {
      io.annotate("warning", { message: `run-experiment post: ${root.error.message}; nothing cancelled` });
      return;
    }
    for (const runDir of new Set(jobs.map((j) => j.runDir))) {
      const scheduler = await makeScheduler(settings.value, transport.value, runDir, jobsDirOf(root.value));
      if (!scheduler.ok) continue;
      const mine = jobs.filter((j) => j.runDir === runDir).map((j) => j.jobId);
      const ids = cancelAll ? mine : await neverRunnable(scheduler.value, mine);
      if (ids.length === 0) continue;
      try {
        await scheduler.value.cancel(ids);
        io.info(
          `run-experiment post: cancelled job(s) ${ids.join(", ")} of ${runDir}` + (cancelAll ? " (cancel-on-abort)" : ": each waited for a job that can no longer succeed")
        );
      } catch (e) {
        io.annotate("warning", {
          message: `run-experiment post: could not cancel job(s) ${ids.join(", ")} of ${runDir}: ${messageOf(e)}`
        });
      }
    }
  } finally {
    await transport.value.close();
  }
}
async function neverRunnable(scheduler, ids) {
  const since = new Date(Date.now() - LOOKBACK_MS).toISOString();
  const statuses = await scheduler.poll(ids.map((jobId) => ({ jobId, submittedAt: since })));
  return [...statuses.values()].filter(waitsInVain).map((s) => s.jobId);
}
export {
  post
};
//# sourceMappingURL=post-22DM6ZPU.js.map
