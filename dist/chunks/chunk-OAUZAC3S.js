import { createRequire as __reCreateRequire } from 'node:module';
import { fileURLToPath as __reFileURLToPath } from 'node:url';
import { dirname as __reDirnameOf } from 'node:path';
const require = __reCreateRequire(import.meta.url);
const __reFilename = __reFileURLToPath(import.meta.url);
const __reDirname = __reDirnameOf(__reFilename);

// src/result.ts
var ok = (value) => ({ ok: true, value });
var err = (error) => ({ ok: false, error });
function formatProblem(p) {
  const where = p.file ? `${p.file}${p.line ? `:${p.line}${p.column ? `:${p.column}` : ""}` : ""}: ` : "";
  const field = p.field ? `${p.field}: ` : "";
  return `${where}${field}${p.message}${p.hint ? ` (${p.hint})` : ""}`;
}
function firstLine(s) {
  return s.split("\n")[0] ?? s;
}
function messageOf(e) {
  if (e instanceof Error) return e.message;
  return String(e);
}

export {
  ok,
  err,
  formatProblem,
  firstLine,
  messageOf
};
//# sourceMappingURL=chunk-OAUZAC3S.js.map
