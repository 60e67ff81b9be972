import { createRequire as __reCreateRequire } from 'node:module';
import { fileURLToPath as __reFileURLToPath } from 'node:url';
import { dirname as __reDirnameOf } from 'node:path';
const require = __reCreateRequire(import.meta.url);
const __reFilename = __reFileURLToPath(import.meta.url);
const __reDirname = __reDirnameOf(__reFilename);
import {
  coreIO
} from "./chunk-D7IUH32K.js";
import "./chunk-YYX5CJYW.js";
import "./chunk-FDSWEUOS.js";
import "./chunk-AURFBE5G.js";
export {
  coreIO
};
//# sourceMappingURL=io-WQ3ZAICN.js.map
