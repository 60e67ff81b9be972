import { createRequire as __reCreateRequire } from 'node:module';
import { fileURLToPath as __reFileURLToPath } from 'node:url';
import { dirname as __reDirnameOf } from 'node:path';
const require = __reCreateRequire(import.meta.url);
const __reFilename = __reFileURLToPath(import.meta.url);
const __reDirname = __reDirnameOf(__reFilename);

// src/names.ts
var INPUTS = {
  "experiment-dir": "",
  phases: "all",
  "evaluate-after": "all",
  executor: "slurm",
  "max-parallel": "1",
  "local-time-limit": "24:00:00",
  "poll-interval": "60",
  "max-poll-interval": "300",
  "max-submit": "25",
  stagger: "5",
  "output-wait": "120",
  "max-summary-bytes": "262144",
  "max-cells": "2000",
  "max-jobs": "2000",
  "max-resumes": "3",
  "fail-on": "any-failure",
  summarize: "true",
  "artifact-name": "",
  "retention-days": "0",
  "include-eval-logs": "true",
  "allow-fork-pull-requests": "false",
  "ssh-host": "",
  "ssh-port": "22",
  "ssh-user": "",
  "ssh-private-key": "",
  "ssh-known-hosts": "",
  "remote-experiment-dir": "",
  "run-root": "~/run-experiment",
  "allowed-roots": "",
  "cancel-on-abort": "false",
  "github-token": "${{ github.token }}",
  comment: "always",
  require: ""
};
var OUTPUTS = [
  "status",
  "runs-total",
  "runs-succeeded",
  "runs-failed",
  "evals-total",
  "evals-succeeded",
  "evals-failed",
  "evals-skipped",
  "experiment-dir",
  "summary-path",
  "artifact-id",
  "gates"
];
var SAVED = {
  /** "true": this process is the post step. */
  isPost: "isPost",
  /** JSON list of {runDir, jobId}: every job the main step watched. */
  jobs: "jobs",
  /** "true": the main step finished (nothing for the post step to do). */
  completed: "completed"
};
var FILES = {
  /** The orchestration log of the requirement. */
  mainLog: "run-experiment.log",
  /** The job summary's markdown. */
  jobSummary: "run-experiment-summary.md",
  /** The results table (cruijff_kit's summarize step writes the same file). */
  results: "summary.md",
  /** Bars per task and training-loss curves. */
  chart: "results.svg",
  /** The action's own working files in the run directory: the lock, submissions in progress. */
  workDir: ".run-experiment",
  /** Under the run root: the local executor's job records (see connect.ts jobsDirOf). */
  jobsDir: ".local-jobs"
};

export {
  INPUTS,
  OUTPUTS,
  SAVED,
  FILES
};
//# sourceMappingURL=chunk-JRKHSVWN.js.map
