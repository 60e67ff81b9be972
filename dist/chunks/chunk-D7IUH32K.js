import { createRequire as __reCreateRequire } from 'node:module';
import { fileURLToPath as __reFileURLToPath } from 'node:url';
import { dirname as __reDirnameOf } from 'node:path';
const require = __reCreateRequire(import.meta.url);
const __reFilename = __reFileURLToPath(import.meta.url);
const __reDirname = __reDirnameOf(__reFilename);
import {
  error,
  getInput,
  info,
  notice,
  saveState,
  setFailed,
  setOutput,
  setSecret,
  summary,
  warning
} from "./chunk-YYX5CJYW.js";

// src/io.ts
function coreIO() {
  return {
    getInput: (name) => getInput(name),
    setOutput: (name, value) => {
      setOutput(name, value);
    },
    info: (m) => {
      info(m);
    },
    annotate: (kind, p) => {
      const props = {
        title: p.field ? `experiment: ${p.field}` : "run-experiment",
        ...p.file ? { file: p.file } : {},
        ...p.line ? { startLine: p.line } : {},
        ...p.column ? { startColumn: p.column } : {}
      };
      const message = `${p.field ? `${p.field}: ` : ""}${p.message}${p.hint ? ` (${p.hint})` : ""}`;
      if (kind === "error") error(message, props);
      else if (kind === "warning") warning(message, props);
      else notice(message, props);
    },
    writeSummary: async (markdown) => {
      if (!process.env["GITHUB_STEP_SUMMARY"]) return;
      await summary.addRaw(markdown, true).write({ overwrite: false });
    },
    setFailed: (m) => {
      setFailed(m);
    },
    saveState: (name, value) => {
      saveState(name, value);
    },
    mask: (secret) => {
      setSecret(secret);
    },
    env: process.env
  };
}

export {
  coreIO
};
//# sourceMappingURL=chunk-D7IUH32K.js.map
