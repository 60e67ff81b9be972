import { createRequire as __reCreateRequire } from 'node:module';
import { fileURLToPath as __reFileURLToPath } from 'node:url';
import { dirname as __reDirnameOf } from 'node:path';
const require = __reCreateRequire(import.meta.url);
const __reFilename = __reFileURLToPath(import.meta.url);
const __reDirname = __reDirnameOf(__reFilename);
import {
  context,
  getOctokit
} from "./chunk-LPCZG3CT.js";
import "./chunk-FDSWEUOS.js";
import "./chunk-AURFBE5G.js";
export {
  context,
  getOctokit
};
//# sourceMappingURL=github-K6LTBLJC.js.map
