import { createRequire as __reCreateRequire } from 'node:module';
import { fileURLToPath as __reFileURLToPath } from 'node:url';
import { dirname as __reDirnameOf } from 'node:path';
const require = __reCreateRequire(import.meta.url);
const __reFilename = __reFileURLToPath(import.meta.url);
const __reDirname = __reDirnameOf(__reFilename);
import {
  LocalTransport,
  external_exports,
  makeScheduler,
  reach,
  readSettings
} from "./chunk-EVME6BSA.js";
import {
  SAVED
} from "./chunk-LTF7R3RG.js";
import "./chunk-3YCHJOJY.js";
import {
  messageOf
} from "./chunk-EJXAYVF5.js";
import "./chunk-AURFBE5G.js";

// src/post.ts
var SavedJobs = external_exports.array(external_exports.object({ runDir: external_exports.string(), jobId: external_exports.string() }));
async function post(io, state) {
  if (state(SAVED.completed) === "true") return;
  const settings = readSettings((name) => io.getInput(name));
  if (!settings.ok || !settings.value.cancelOnAbort) {
    io.info(
      "run-experiment post: the main step did not finish; its jobs keep running (re-run the workflow to re-attach)"
    );
    return;
  }
  let jobs;
  try {
    jobs = SavedJobs.parse(JSON.parse(state(SAVED.jobs) || "[]"));
  } catch (e) {
    io.annotate("warning", {
      message: `run-experiment post: cannot read the saved job ids (${messageOf(e)}); nothing cancelled`
    });
    return;
  }
  if (jobs.length === 0) return;
  const transport = await reach(settings.value, new LocalTransport());
  if (!transport.ok) {
    io.annotate("warning", {
      message: `run-experiment post: cannot reach the cluster to cancel ${jobs.length} job(s): ` + transport.error.message
    });
    return;
  }
  try {
    for (const runDir of new Set(jobs.map((j) => j.runDir))) {
      const scheduler = await makeScheduler(settings.value, transport.value, runDir);
      if (!scheduler.ok) continue;
      const ids = jobs.filter((j) => j.runDir === runDir).map((j) => j.jobId);
      try {
        await scheduler.value.cancel(ids);
        io.info(`run-experiment post: cancel-on-abort: cancelled job(s) ${ids.join(", ")} of ${runDir}`);
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
export {
  post
};
//# sourceMappingURL=post-2VMTFEEQ.js.map
