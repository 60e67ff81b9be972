import { createRequire as __reCreateRequire } from 'node:module';
import { fileURLToPath as __reFileURLToPath } from 'node:url';
import { dirname as __reDirnameOf } from 'node:path';
const require = __reCreateRequire(import.meta.url);
const __reFilename = __reFileURLToPath(import.meta.url);
const __reDirname = __reDirnameOf(__reFilename);

// src/cluster/paths.ts
import { randomBytes } from "node:crypto";
function joinPath(...parts) {
  return parts.filter((p) => p !== "").join("/").replace(/\/+/g, "/");
}
function resolvePath(base, p) {
  const full = p.startsWith("/") ? p : `${base}/${p}`;
  const out = [];
  for (const seg of full.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") out.pop();
    else out.push(seg);
  }
  return `/${out.join("/")}`;
}
function dirnameOf(path) {
  return path.replace(/\/+[^/]*\/*$/, "") || "/";
}
function tempName(path) {
  return `${path}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
}
function isWithin(root, path) {
  const r = resolvePath("/", root);
  const p = resolvePath("/", path);
  return p === r || p.startsWith(r === "/" ? "/" : `${r}/`);
}

export {
  joinPath,
  resolvePath,
  dirnameOf,
  tempName,
  isWithin
};
//# sourceMappingURL=chunk-3YCHJOJY.js.map
