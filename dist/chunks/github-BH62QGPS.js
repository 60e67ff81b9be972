import { createRequire as __reCreateRequire } from 'node:module';
import { fileURLToPath as __reFileURLToPath } from 'node:url';
import { dirname as __reDirnameOf } from 'node:path';
const require = __reCreateRequire(import.meta.url);
const __reFilename = __reFileURLToPath(import.meta.url);
const __reDirname = __reDirnameOf(__reFilename);
import {
  context,
  getOctokit
} from "./chunk-F2W6TKOB.js";
import "./chunk-6JDRXBDD.js";
import "./chunk-AURFBE5G.js";
export {
  context,
  getOctokit
};
//# sourceMappingURL=github-BH62QGPS.js.map
