import { createRequire as __reCreateRequire } from 'node:module';
import { fileURLToPath as __reFileURLToPath } from 'node:url';
import { dirname as __reDirnameOf } from 'node:path';
const require = __reCreateRequire(import.meta.url);
const __reFilename = __reFileURLToPath(import.meta.url);
const __reDirname = __reDirnameOf(__reFilename);
import {
  coreIO
} from "./chunk-ELUBAPMQ.js";
import "./chunk-P2DC7536.js";
import "./chunk-6JDRXBDD.js";
import "./chunk-AURFBE5G.js";
export {
  coreIO
};
//# sourceMappingURL=io-R4FDWVBO.js.map
