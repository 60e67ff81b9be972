import { createRequire as __reCreateRequire } from 'node:module';
import { fileURLToPath as __reFileURLToPath } from 'node:url';
import { dirname as __reDirnameOf } from 'node:path';
const require = __reCreateRequire(import.meta.url);
const __reFilename = __reFileURLToPath(import.meta.url);
const __reDirname = __reDirnameOf(__reFilename);
import {
  coreIO
} from "./chunk-5YOQI4JE.js";
import "./chunk-7U4NOCYI.js";
import "./chunk-FDSWEUOS.js";
import "./chunk-AURFBE5G.js";
export {
  coreIO
};
//# sourceMappingURL=io-2N6S53S2.js.map
