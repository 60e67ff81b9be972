import { createRequire as __reCreateRequire } from 'node:module';
import { fileURLToPath as __reFileURLToPath } from 'node:url';
import { dirname as __reDirnameOf } from 'node:path';
const require = __reCreateRequire(import.meta.url);
const __reFilename = __reFileURLToPath(import.meta.url);
const __reDirname = __reDirnameOf(__reFilename);

// src/scheduler/scheduler.ts
var TERMINAL_STATES = [
  "COMPLETED",
  "FAILED",
  "CANCELLED",
  "TIMEOUT",
  "OUT_OF_MEMORY",
  "NODE_FAIL",
  "PREEMPTED",
  "BOOT_FAIL",
  "DEADLINE",
  "SUBMIT_FAILED"
];
var ACTIVE_STATES = [
  "PENDING",
  "CONFIGURING",
  "RUNNING",
  "COMPLETING",
  "SUSPENDED",
  "REQUEUED",
  "RESIZING",
  "STOPPED",
  "SIGNALING",
  "STAGE_OUT"
];
function isTerminal(state) {
  return TERMINAL_STATES.includes(state);
}
function normaliseState(raw) {
  const word = (raw.trim().split(/[\s+]/)[0] ?? "").toUpperCase();
  const short = {
    PD: "PENDING",
    R: "RUNNING",
    CG: "COMPLETING",
    CD: "COMPLETED",
    F: "FAILED",
    CA: "CANCELLED",
    TO: "TIMEOUT",
    OOM: "OUT_OF_MEMORY",
    NF: "NODE_FAIL",
    PR: "PREEMPTED",
    BF: "BOOT_FAIL",
    DL: "DEADLINE",
    S: "SUSPENDED",
    CF: "CONFIGURING",
    RQ: "REQUEUED",
    RS: "RESIZING",
    ST: "STOPPED",
    SI: "SIGNALING",
    SO: "STAGE_OUT"
  };
  if (short[word]) return short[word];
  if (TERMINAL_STATES.includes(word)) return word;
  if (ACTIVE_STATES.includes(word)) return word;
  if (word === "REQUEUE_FED" || word === "REQUEUE_HOLD" || word === "RESV_DEL_HOLD" || word === "REVOKED" || word === "SPECIAL_EXIT") {
    return "PENDING";
  }
  return "UNKNOWN";
}

export {
  isTerminal,
  normaliseState
};
