import { createRequire as __reCreateRequire } from 'node:module';
import { fileURLToPath as __reFileURLToPath } from 'node:url';
import { dirname as __reDirnameOf } from 'node:path';
const require = __reCreateRequire(import.meta.url);
const __reFilename = __reFileURLToPath(import.meta.url);
const __reDirname = __reDirnameOf(__reFilename);
import {
  coreIO
} from "./chunk-D7IUH32K.js";
import {
  LOOKBACK_MS,
  LocalTransport,
  SHARE_METRICS,
  StickyComment,
  bindGates,
  cellDisplayName,
  checkpointsOf,
  chooseRunDir,
  commentPolicy,
  commentTarget,
  evalLogsOf,
  evaluateGates,
  evaluationOf,
  evaluationsByCell,
  external_exports,
  gatesMarkdown,
  gatesOutput,
  headlineMetric,
  httpStatusOf,
  isTerminal,
  jobsDirOf,
  makeScheduler,
  markdownTable,
  mdCode,
  mdSpans,
  mdText,
  mdUrl,
  mermaidText,
  outputPatternRegex,
  ownerAndRepo,
  reach,
  readEvent,
  readSettings,
  refKey,
  resolveRunRoot,
  restClient,
  sbatchHeader,
  strong,
  trainingOf,
  waitsInVain,
  withDeadline,
  workDirOf,
  xmlText
} from "./chunk-A7AHHLC2.js";
import {
  FILES,
  INPUTS,
  OUTPUTS,
  SAVED
} from "./chunk-JRKHSVWN.js";
import {
  dirnameOf,
  isWithin,
  joinPath,
  resolvePath
} from "./chunk-ACGHYKDK.js";
import {
  err,
  firstLine,
  formatProblem,
  messageOf,
  ok
} from "./chunk-OAUZAC3S.js";
import {
  getExecOutput
} from "./chunk-YYX5CJYW.js";
import "./chunk-FDSWEUOS.js";
import {
  __commonJS,
  __require,
  __toESM
} from "./chunk-AURFBE5G.js";

// node_modules/yaml/dist/nodes/identity.js
var require_identity = __commonJS({
  "node_modules/yaml/dist/nodes/identity.js"(exports) {
    "use strict";
    var ALIAS = /* @__PURE__ */ Symbol.for("yaml.alias");
    var DOC = /* @__PURE__ */ Symbol.for("yaml.document");
    var MAP = /* @__PURE__ */ Symbol.for("yaml.map");
    var PAIR = /* @__PURE__ */ Symbol.for("yaml.pair");
    var SCALAR = /* @__PURE__ */ Symbol.for("yaml.scalar");
    var SEQ = /* @__PURE__ */ Symbol.for("yaml.seq");
    var NODE_TYPE = /* @__PURE__ */ Symbol.for("yaml.node.type");
    var isAlias2 = (node) => !!node && typeof node === "object" && node[NODE_TYPE] === ALIAS;
    var isDocument = (node) => !!node && typeof node === "object" && node[NODE_TYPE] === DOC;
    var isMap3 = (node) => !!node && typeof node === "object" && node[NODE_TYPE] === MAP;
    var isPair2 = (node) => !!node && typeof node === "object" && node[NODE_TYPE] === PAIR;
    var isScalar4 = (node) => !!node && typeof node === "object" && node[NODE_TYPE] === SCALAR;
    var isSeq3 = (node) => !!node && typeof node === "object" && node[NODE_TYPE] === SEQ;
    function isCollection(node) {
      if (node && typeof node === "object")
        switch (node[NODE_TYPE]) {
          case MAP:
          case SEQ:
            return true;
        }
      return false;
    }
    function isNode3(node) {
      if (node && typeof node === "object")
        switch (node[NODE_TYPE]) {
          case ALIAS:
          case MAP:
          case SCALAR:
          case SEQ:
            return true;
        }
      return false;
    }
    var hasAnchor = (node) => (isScalar4(node) || isCollection(node)) && !!node.anchor;
    exports.ALIAS = ALIAS;
    exports.DOC = DOC;
    exports.MAP = MAP;
    exports.NODE_TYPE = NODE_TYPE;
    exports.PAIR = PAIR;
    exports.SCALAR = SCALAR;
    exports.SEQ = SEQ;
    exports.hasAnchor = hasAnchor;
    exports.isAlias = isAlias2;
    exports.isCollection = isCollection;
    exports.isDocument = isDocument;
    exports.isMap = isMap3;
    exports.isNode = isNode3;
    exports.isPair = isPair2;
    exports.isScalar = isScalar4;
    exports.isSeq = isSeq3;
  }
});

// node_modules/yaml/dist/visit.js
var require_visit = __commonJS({
  "node_modules/yaml/dist/visit.js"(exports) {
    "use strict";
    var identity2 = require_identity();
    var BREAK = /* @__PURE__ */ Symbol("break visit");
    var SKIP = /* @__PURE__ */ Symbol("skip children");
    var REMOVE = /* @__PURE__ */ Symbol("remove node");
    function visit2(node, visitor) {
      const visitor_ = initVisitor(visitor);
      if (identity2.isDocument(node)) {
        const cd = visit_(null, node.contents, visitor_, Object.freeze([node]));
        if (cd === REMOVE)
          node.contents = null;
      } else
        visit_(null, node, visitor_, Object.freeze([]));
    }
    visit2.BREAK = BREAK;
    visit2.SKIP = SKIP;
    visit2.REMOVE = REMOVE;
    function visit_(key2, node, visitor, path) {
      const ctrl = callVisitor(key2, node, visitor, path);
      if (identity2.isNode(ctrl) || identity2.isPair(ctrl)) {
        replaceNode(key2, path, ctrl);
        return visit_(key2, ctrl, visitor, path);
      }
      if (typeof ctrl !== "symbol") {
        if (identity2.isCollection(node)) {
          path = Object.freeze(path.concat(node));
          for (let i = 0; i < node.items.length; ++i) {
            const ci = visit_(i, node.items[i], visitor, path);
            if (typeof ci === "number")
              i = ci - 1;
            else if (ci === BREAK)
              return BREAK;
            else if (ci === REMOVE) {
              node.items.splice(i, 1);
              i -= 1;
            }
          }
        } else if (identity2.isPair(node)) {
          path = Object.freeze(path.concat(node));
          const ck = visit_("key", node.key, visitor, path);
          if (ck === BREAK)
            return BREAK;
          else if (ck === REMOVE)
            node.key = null;
          const cv = visit_("value", node.value, visitor, path);
          if (cv === BREAK)
            return BREAK;
          else if (cv === REMOVE)
            node.value = null;
        }
      }
      return ctrl;
    }
    async function visitAsync(node, visitor) {
      const visitor_ = initVisitor(visitor);
      if (identity2.isDocument(node)) {
        const cd = await visitAsync_(null, node.contents, visitor_, Object.freeze([node]));
        if (cd === REMOVE)
          node.contents = null;
      } else
        await visitAsync_(null, node, visitor_, Object.freeze([]));
    }
    visitAsync.BREAK = BREAK;
    visitAsync.SKIP = SKIP;
    visitAsync.REMOVE = REMOVE;
    async function visitAsync_(key2, node, visitor, path) {
      const ctrl = await callVisitor(key2, node, visitor, path);
      if (identity2.isNode(ctrl) || identity2.isPair(ctrl)) {
        replaceNode(key2, path, ctrl);
        return visitAsync_(key2, ctrl, visitor, path);
      }
      if (typeof ctrl !== "symbol") {
        if (identity2.isCollection(node)) {
          path = Object.freeze(path.concat(node));
          for (let i = 0; i < node.items.length; ++i) {
            const ci = await visitAsync_(i, node.items[i], visitor, path);
            if (typeof ci === "number")
              i = ci - 1;
            else if (ci === BREAK)
              return BREAK;
            else if (ci === REMOVE) {
              node.items.splice(i, 1);
              i -= 1;
            }
          }
        } else if (identity2.isPair(node)) {
          path = Object.freeze(path.concat(node));
          const ck = await visitAsync_("key", node.key, visitor, path);
          if (ck === BREAK)
            return BREAK;
          else if (ck === REMOVE)
            node.key = null;
          const cv = await visitAsync_("value", node.value, visitor, path);
          if (cv === BREAK)
            return BREAK;
          else if (cv === REMOVE)
            node.value = null;
        }
      }
      return ctrl;
    }
    function initVisitor(visitor) {
      if (typeof visitor === "object" && (visitor.Collection || visitor.Node || visitor.Value)) {
        return Object.assign({
          Alias: visitor.Node,
          Map: visitor.Node,
          Scalar: visitor.Node,
          Seq: visitor.Node
        }, visitor.Value && {
          Map: visitor.Value,
          Scalar: visitor.Value,
          Seq: visitor.Value
        }, visitor.Collection && {
          Map: visitor.Collection,
          Seq: visitor.Collection
        }, visitor);
      }
      return visitor;
    }
    function callVisitor(key2, node, visitor, path) {
      if (typeof visitor === "function")
        return visitor(key2, node, path);
      if (identity2.isMap(node))
        return visitor.Map?.(key2, node, path);
      if (identity2.isSeq(node))
        return visitor.Seq?.(key2, node, path);
      if (identity2.isPair(node))
        return visitor.Pair?.(key2, node, path);
      if (identity2.isScalar(node))
        return visitor.Scalar?.(key2, node, path);
      if (identity2.isAlias(node))
        return visitor.Alias?.(key2, node, path);
      return void 0;
    }
    function replaceNode(key2, path, node) {
      const parent = path[path.length - 1];
      if (identity2.isCollection(parent)) {
        parent.items[key2] = node;
      } else if (identity2.isPair(parent)) {
        if (key2 === "key")
          parent.key = node;
        else
          parent.value = node;
      } else if (identity2.isDocument(parent)) {
        parent.contents = node;
      } else {
        const pt = identity2.isAlias(parent) ? "alias" : "scalar";
        throw new Error(`Cannot replace node with ${pt} parent`);
      }
    }
    exports.visit = visit2;
    exports.visitAsync = visitAsync;
  }
});

// node_modules/yaml/dist/doc/directives.js
var require_directives = __commonJS({
  "node_modules/yaml/dist/doc/directives.js"(exports) {
    "use strict";
    var identity2 = require_identity();
    var visit2 = require_visit();
    var escapeChars = {
      "!": "%21",
      ",": "%2C",
      "[": "%5B",
      "]": "%5D",
      "{": "%7B",
      "}": "%7D"
    };
    var escapeTagName = (tn) => tn.replace(/[!,[\]{}]/g, (ch) => escapeChars[ch]);
    var Directives = class _Directives {
      constructor(yaml, tags) {
        this.docStart = null;
        this.docEnd = false;
        this.yaml = Object.assign({}, _Directives.defaultYaml, yaml);
        this.tags = Object.assign({}, _Directives.defaultTags, tags);
      }
      clone() {
        const copy = new _Directives(this.yaml, this.tags);
        copy.docStart = this.docStart;
        return copy;
      }
      /**
       * During parsing, get a Directives instance for the current document and
       * update the stream state according to the current version's spec.
       */
      atDocument() {
        const res = new _Directives(this.yaml, this.tags);
        switch (this.yaml.version) {
          case "1.1":
            this.atNextDocument = true;
            break;
          case "1.2":
            this.atNextDocument = false;
            this.yaml = {
              explicit: _Directives.defaultYaml.explicit,
              version: "1.2"
            };
            this.tags = Object.assign({}, _Directives.defaultTags);
            break;
        }
        return res;
      }
      /**
       * @param onError - May be called even if the action was successful
       * @returns `true` on success
       */
      add(line, onError) {
        if (this.atNextDocument) {
          this.yaml = { explicit: _Directives.defaultYaml.explicit, version: "1.1" };
          this.tags = Object.assign({}, _Directives.defaultTags);
          this.atNextDocument = false;
        }
        const parts = line.trim().split(/[ \t]+/);
        const name = parts.shift();
        switch (name) {
          case "%TAG": {
            if (parts.length !== 2) {
              onError(0, "%TAG directive should contain exactly two parts");
              if (parts.length < 2)
                return false;
            }
            const [handle, prefix] = parts;
            this.tags[handle] = prefix;
            return true;
          }
          case "%YAML": {
            this.yaml.explicit = true;
            if (parts.length !== 1) {
              onError(0, "%YAML directive should contain exactly one part");
              return false;
            }
            const [version] = parts;
            if (version === "1.1" || version === "1.2") {
              this.yaml.version = version;
              return true;
            } else {
              const isValid = /^\d+\.\d+$/.test(version);
              onError(6, `Unsupported YAML version ${version}`, isValid);
              return false;
            }
          }
          default:
            onError(0, `Unknown directive ${name}`, true);
            return false;
        }
      }
      /**
       * Resolves a tag, matching handles to those defined in %TAG directives.
       *
       * @returns Resolved tag, which may also be the non-specific tag `'!'` or a
       *   `'!local'` tag, or `null` if unresolvable.
       */
      tagName(source, onError) {
        if (source === "!")
          return "!";
        if (source[0] !== "!") {
          onError(`Not a valid tag: ${source}`);
          return null;
        }
        if (source[1] === "<") {
          const verbatim = source.slice(2, -1);
          if (verbatim === "!" || verbatim === "!!") {
            onError(`Verbatim tags aren't resolved, so ${source} is invalid.`);
            return null;
          }
          if (source[source.length - 1] !== ">")
            onError("Verbatim tags must end with a >");
          return verbatim;
        }
        const [, handle, suffix] = source.match(/^(.*!)([^!]*)$/s);
        if (!suffix)
          onError(`The ${source} tag has no suffix`);
        const prefix = this.tags[handle];
        if (prefix) {
          try {
            return prefix + decodeURIComponent(suffix);
          } catch (error) {
            onError(String(error));
            return null;
          }
        }
        if (handle === "!")
          return source;
        onError(`Could not resolve tag: ${source}`);
        return null;
      }
      /**
       * Given a fully resolved tag, returns its printable string form,
       * taking into account current tag prefixes and defaults.
       */
      tagString(tag) {
        for (const [handle, prefix] of Object.entries(this.tags)) {
          if (tag.startsWith(prefix))
            return handle + escapeTagName(tag.substring(prefix.length));
        }
        return tag[0] === "!" ? tag : `!<${tag}>`;
      }
      toString(doc) {
        const lines = this.yaml.explicit ? [`%YAML ${this.yaml.version || "1.2"}`] : [];
        const tagEntries = Object.entries(this.tags);
        let tagNames;
        if (doc && tagEntries.length > 0 && identity2.isNode(doc.contents)) {
          const tags = {};
          visit2.visit(doc.contents, (_key, node) => {
            if (identity2.isNode(node) && node.tag)
              tags[node.tag] = true;
          });
          tagNames = Object.keys(tags);
        } else
          tagNames = [];
        for (const [handle, prefix] of tagEntries) {
          if (handle === "!!" && prefix === "tag:yaml.org,2002:")
            continue;
          if (!doc || tagNames.some((tn) => tn.startsWith(prefix)))
            lines.push(`%TAG ${handle} ${prefix}`);
        }
        return lines.join("\n");
      }
    };
    Directives.defaultYaml = { explicit: false, version: "1.2" };
    Directives.defaultTags = { "!!": "tag:yaml.org,2002:" };
    exports.Directives = Directives;
  }
});

// node_modules/yaml/dist/doc/anchors.js
var require_anchors = __commonJS({
  "node_modules/yaml/dist/doc/anchors.js"(exports) {
    "use strict";
    var identity2 = require_identity();
    var visit2 = require_visit();
    function anchorIsValid(anchor) {
      if (/[\x00-\x19\s,[\]{}]/.test(anchor)) {
        const sa = JSON.stringify(anchor);
        const msg = `Anchor must not contain whitespace or control characters: ${sa}`;
        throw new Error(msg);
      }
      return true;
    }
    function anchorNames(root) {
      const anchors = /* @__PURE__ */ new Set();
      visit2.visit(root, {
        Value(_key, node) {
          if (node.anchor)
            anchors.add(node.anchor);
        }
      });
      return anchors;
    }
    function findNewAnchor(prefix, exclude) {
      for (let i = 1; true; ++i) {
        const name = `${prefix}${i}`;
        if (!exclude.has(name))
          return name;
      }
    }
    function createNodeAnchors(doc, prefix) {
      const aliasObjects = [];
      const sourceObjects = /* @__PURE__ */ new Map();
      let prevAnchors = null;
      return {
        onAnchor: (source) => {
          aliasObjects.push(source);
          prevAnchors ?? (prevAnchors = anchorNames(doc));
          const anchor = findNewAnchor(prefix, prevAnchors);
          prevAnchors.add(anchor);
          return anchor;
        },
        /**
         * With circular references, the source node is only resolved after all
         * of its child nodes are. This is why anchors are set only after all of
         * the nodes have been created.
         */
        setAnchors: () => {
          for (const source of aliasObjects) {
            const ref = sourceObjects.get(source);
            if (typeof ref === "object" && ref.anchor && (identity2.isScalar(ref.node) || identity2.isCollection(ref.node))) {
              ref.node.anchor = ref.anchor;
            } else {
              const error = new Error("Failed to resolve repeated object (this should not happen)");
              error.source = source;
              throw error;
            }
          }
        },
        sourceObjects
      };
    }
    exports.anchorIsValid = anchorIsValid;
    exports.anchorNames = anchorNames;
    exports.createNodeAnchors = createNodeAnchors;
    exports.findNewAnchor = findNewAnchor;
  }
});

// node_modules/yaml/dist/doc/applyReviver.js
var require_applyReviver = __commonJS({
  "node_modules/yaml/dist/doc/applyReviver.js"(exports) {
    "use strict";
    function applyReviver(reviver, obj, key2, val) {
      if (val && typeof val === "object") {
        if (Array.isArray(val)) {
          for (let i = 0, len = val.length; i < len; ++i) {
            const v0 = val[i];
            const v1 = applyReviver(reviver, val, String(i), v0);
            if (v1 === void 0)
              delete val[i];
            else if (v1 !== v0)
              val[i] = v1;
          }
        } else if (val instanceof Map) {
          for (const k of Array.from(val.keys())) {
            const v0 = val.get(k);
            const v1 = applyReviver(reviver, val, k, v0);
            if (v1 === void 0)
              val.delete(k);
            else if (v1 !== v0)
              val.set(k, v1);
          }
        } else if (val instanceof Set) {
          for (const v0 of Array.from(val)) {
            const v1 = applyReviver(reviver, val, v0, v0);
            if (v1 === void 0)
              val.delete(v0);
            else if (v1 !== v0) {
              val.delete(v0);
              val.add(v1);
            }
          }
        } else {
          for (const [k, v0] of Object.entries(val)) {
            const v1 = applyReviver(reviver, val, k, v0);
            if (v1 === void 0)
              delete val[k];
            else if (v1 !== v0)
              val[k] = v1;
          }
        }
      }
      return reviver.call(obj, key2, val);
    }
    exports.applyReviver = applyReviver;
  }
});

// node_modules/yaml/dist/nodes/toJS.js
var require_toJS = __commonJS({
  "node_modules/yaml/dist/nodes/toJS.js"(exports) {
    "use strict";
    var identity2 = require_identity();
    function toJS(value, arg, ctx) {
      if (Array.isArray(value))
        return value.map((v, i) => toJS(v, String(i), ctx));
      if (value && typeof value.toJSON === "function") {
        if (!ctx || !identity2.hasAnchor(value))
          return value.toJSON(arg, ctx);
        const data = { aliasCount: 0, count: 1, res: void 0 };
        ctx.anchors.set(value, data);
        ctx.onCreate = (res2) => {
          data.res = res2;
          delete ctx.onCreate;
        };
        const res = value.toJSON(arg, ctx);
        if (ctx.onCreate)
          ctx.onCreate(res);
        return res;
      }
      if (typeof value === "bigint" && !ctx?.keep)
        return Number(value);
      return value;
    }
    exports.toJS = toJS;
  }
});

// node_modules/yaml/dist/nodes/Node.js
var require_Node = __commonJS({
  "node_modules/yaml/dist/nodes/Node.js"(exports) {
    "use strict";
    var applyReviver = require_applyReviver();
    var identity2 = require_identity();
    var toJS = require_toJS();
    var NodeBase = class {
      constructor(type) {
        Object.defineProperty(this, identity2.NODE_TYPE, { value: type });
      }
      /** Create a copy of this node.  */
      clone() {
        const copy = Object.create(Object.getPrototypeOf(this), Object.getOwnPropertyDescriptors(this));
        if (this.range)
          copy.range = this.range.slice();
        return copy;
      }
      /** A plain JavaScript representation of this node. */
      toJS(doc, { mapAsMap, maxAliasCount, onAnchor, reviver } = {}) {
        if (!identity2.isDocument(doc))
          throw new TypeError("A document argument is required");
        const ctx = {
          anchors: /* @__PURE__ */ new Map(),
          doc,
          keep: true,
          mapAsMap: mapAsMap === true,
          mapKeyWarned: false,
          maxAliasCount: typeof maxAliasCount === "number" ? maxAliasCount : 100
        };
        const res = toJS.toJS(this, "", ctx);
        if (typeof onAnchor === "function")
          for (const { count, res: res2 } of ctx.anchors.values())
            onAnchor(res2, count);
        return typeof reviver === "function" ? applyReviver.applyReviver(reviver, { "": res }, "", res) : res;
      }
    };
    exports.NodeBase = NodeBase;
  }
});

// node_modules/yaml/dist/nodes/Alias.js
var require_Alias = __commonJS({
  "node_modules/yaml/dist/nodes/Alias.js"(exports) {
    "use strict";
    var anchors = require_anchors();
    var visit2 = require_visit();
    var identity2 = require_identity();
    var Node = require_Node();
    var toJS = require_toJS();
    var Alias = class extends Node.NodeBase {
      constructor(source) {
        super(identity2.ALIAS);
        this.source = source;
        Object.defineProperty(this, "tag", {
          set() {
            throw new Error("Alias nodes cannot have tags");
          }
        });
      }
      /**
       * Resolve the value of this alias within `doc`, finding the last
       * instance of the `source` anchor before this node.
       */
      resolve(doc, ctx) {
        if (ctx?.maxAliasCount === 0)
          throw new ReferenceError("Alias resolution is disabled");
        let nodes;
        if (ctx?.aliasResolveCache) {
          nodes = ctx.aliasResolveCache;
        } else {
          nodes = [];
          visit2.visit(doc, {
            Node: (_key, node) => {
              if (identity2.isAlias(node) || identity2.hasAnchor(node))
                nodes.push(node);
            }
          });
          if (ctx)
            ctx.aliasResolveCache = nodes;
        }
        let found = void 0;
        for (const node of nodes) {
          if (node === this)
            break;
          if (node.anchor === this.source)
            found = node;
        }
        if (found && ctx) {
          const { anchors: anchors2, doc: doc2, maxAliasCount } = ctx;
          let data = anchors2.get(found);
          if (!data) {
            toJS.toJS(found, null, ctx);
            data = anchors2.get(found);
          }
          if (data?.res === void 0) {
            const msg = "This should not happen: Alias anchor was not resolved?";
            throw new ReferenceError(msg);
          }
          if (maxAliasCount >= 0) {
            data.count += 1;
            if (data.aliasCount === 0)
              data.aliasCount = getAliasCount(doc2, found, anchors2);
            if (data.count * data.aliasCount > maxAliasCount) {
              const msg = "Excessive alias count indicates a resource exhaustion attack";
              throw new ReferenceError(msg);
            }
          }
        }
        return found;
      }
      toJSON(_arg, ctx) {
        if (!ctx)
          return { source: this.source };
        const source = this.resolve(ctx.doc, ctx);
        if (!source) {
          const msg = `Unresolved alias (the anchor must be set before the alias): ${this.source}`;
          throw new ReferenceError(msg);
        }
        return ctx.anchors.get(source).res;
      }
      toString(ctx, _onComment, _onChompKeep) {
        const src = `*${this.source}`;
        if (ctx) {
          anchors.anchorIsValid(this.source);
          if (ctx.options.verifyAliasOrder && !ctx.anchors.has(this.source)) {
            const msg = `Unresolved alias (the anchor must be set before the alias): ${this.source}`;
            throw new Error(msg);
          }
          if (ctx.implicitKey)
            return `${src} `;
        }
        return src;
      }
    };
    function getAliasCount(doc, node, anchors2) {
      if (identity2.isAlias(node)) {
        const source = node.resolve(doc);
        const anchor = anchors2 && source && anchors2.get(source);
        return anchor ? anchor.count * anchor.aliasCount : 0;
      } else if (identity2.isCollection(node)) {
        let count = 0;
        for (const item of node.items) {
          const c = getAliasCount(doc, item, anchors2);
          if (c > count)
            count = c;
        }
        return count;
      } else if (identity2.isPair(node)) {
        const kc = getAliasCount(doc, node.key, anchors2);
        const vc = getAliasCount(doc, node.value, anchors2);
        return Math.max(kc, vc);
      }
      return 1;
    }
    exports.Alias = Alias;
  }
});

// node_modules/yaml/dist/nodes/Scalar.js
var require_Scalar = __commonJS({
  "node_modules/yaml/dist/nodes/Scalar.js"(exports) {
    "use strict";
    var identity2 = require_identity();
    var Node = require_Node();
    var toJS = require_toJS();
    var isScalarValue = (value) => !value || typeof value !== "function" && typeof value !== "object";
    var Scalar = class extends Node.NodeBase {
      constructor(value) {
        super(identity2.SCALAR);
        this.value = value;
      }
      toJSON(arg, ctx) {
        return ctx?.keep ? this.value : toJS.toJS(this.value, arg, ctx);
      }
      toString() {
        return String(this.value);
      }
    };
    Scalar.BLOCK_FOLDED = "BLOCK_FOLDED";
    Scalar.BLOCK_LITERAL = "BLOCK_LITERAL";
    Scalar.PLAIN = "PLAIN";
    Scalar.QUOTE_DOUBLE = "QUOTE_DOUBLE";
    Scalar.QUOTE_SINGLE = "QUOTE_SINGLE";
    exports.Scalar = Scalar;
    exports.isScalarValue = isScalarValue;
  }
});

// node_modules/yaml/dist/doc/createNode.js
var require_createNode = __commonJS({
  "node_modules/yaml/dist/doc/createNode.js"(exports) {
    "use strict";
    var Alias = require_Alias();
    var identity2 = require_identity();
    var Scalar = require_Scalar();
    var defaultTagPrefix = "tag:yaml.org,2002:";
    function findTagObject(value, tagName, tags) {
      if (tagName) {
        const match = tags.filter((t) => t.tag === tagName);
        const tagObj = match.find((t) => !t.format) ?? match[0];
        if (!tagObj)
          throw new Error(`Tag ${tagName} not found`);
        return tagObj;
      }
      return tags.find((t) => t.identify?.(value) && !t.format);
    }
    function createNode(value, tagName, ctx) {
      if (identity2.isDocument(value))
        value = value.contents;
      if (identity2.isNode(value))
        return value;
      if (identity2.isPair(value)) {
        const map = ctx.schema[identity2.MAP].createNode?.(ctx.schema, null, ctx);
        map.items.push(value);
        return map;
      }
      if (value instanceof String || value instanceof Number || value instanceof Boolean || typeof BigInt !== "undefined" && value instanceof BigInt) {
        value = value.valueOf();
      }
      const { aliasDuplicateObjects, onAnchor, onTagObj, schema, sourceObjects } = ctx;
      let ref = void 0;
      if (aliasDuplicateObjects && value && typeof value === "object") {
        ref = sourceObjects.get(value);
        if (ref) {
          ref.anchor ?? (ref.anchor = onAnchor(value));
          return new Alias.Alias(ref.anchor);
        } else {
          ref = { anchor: null, node: null };
          sourceObjects.set(value, ref);
        }
      }
      if (tagName?.startsWith("!!"))
        tagName = defaultTagPrefix + tagName.slice(2);
      let tagObj = findTagObject(value, tagName, schema.tags);
      if (!tagObj) {
        if (value && typeof value.toJSON === "function") {
          value = value.toJSON();
        }
        if (!value || typeof value !== "object") {
          const node2 = new Scalar.Scalar(value);
          if (ref)
            ref.node = node2;
          return node2;
        }
        tagObj = value instanceof Map ? schema[identity2.MAP] : Symbol.iterator in Object(value) ? schema[identity2.SEQ] : schema[identity2.MAP];
      }
      if (onTagObj) {
        onTagObj(tagObj);
        delete ctx.onTagObj;
      }
      const node = tagObj?.createNode ? tagObj.createNode(ctx.schema, value, ctx) : typeof tagObj?.nodeClass?.from === "function" ? tagObj.nodeClass.from(ctx.schema, value, ctx) : new Scalar.Scalar(value);
      if (tagName)
        node.tag = tagName;
      else if (!tagObj.default)
        node.tag = tagObj.tag;
      if (ref)
        ref.node = node;
      return node;
    }
    exports.createNode = createNode;
  }
});

// node_modules/yaml/dist/nodes/Collection.js
var require_Collection = __commonJS({
  "node_modules/yaml/dist/nodes/Collection.js"(exports) {
    "use strict";
    var createNode = require_createNode();
    var identity2 = require_identity();
    var Node = require_Node();
    function collectionFromPath(schema, path, value) {
      let v = value;
      for (let i = path.length - 1; i >= 0; --i) {
        const k = path[i];
        if (typeof k === "number" && Number.isInteger(k) && k >= 0) {
          const a = [];
          a[k] = v;
          v = a;
        } else {
          v = /* @__PURE__ */ new Map([[k, v]]);
        }
      }
      return createNode.createNode(v, void 0, {
        aliasDuplicateObjects: false,
        keepUndefined: false,
        onAnchor: () => {
          throw new Error("This should not happen, please report a bug.");
        },
        schema,
        sourceObjects: /* @__PURE__ */ new Map()
      });
    }
    var isEmptyPath = (path) => path == null || typeof path === "object" && !!path[Symbol.iterator]().next().done;
    var Collection = class extends Node.NodeBase {
      constructor(type, schema) {
        super(type);
        Object.defineProperty(this, "schema", {
          value: schema,
          configurable: true,
          enumerable: false,
          writable: true
        });
      }
      /**
       * Create a copy of this collection.
       *
       * @param schema - If defined, overwrites the original's schema
       */
      clone(schema) {
        const copy = Object.create(Object.getPrototypeOf(this), Object.getOwnPropertyDescriptors(this));
        if (schema)
          copy.schema = schema;
        copy.items = copy.items.map((it) => identity2.isNode(it) || identity2.isPair(it) ? it.clone(schema) : it);
        if (this.range)
          copy.range = this.range.slice();
        return copy;
      }
      /**
       * Adds a value to the collection. For `!!map` and `!!omap` the value must
       * be a Pair instance or a `{ key, value }` object, which may not have a key
       * that already exists in the map.
       */
      addIn(path, value) {
        if (isEmptyPath(path))
          this.add(value);
        else {
          const [key2, ...rest] = path;
          const node = this.get(key2, true);
          if (identity2.isCollection(node))
            node.addIn(rest, value);
          else if (node === void 0 && this.schema)
            this.set(key2, collectionFromPath(this.schema, rest, value));
          else
            throw new Error(`Expected YAML collection at ${key2}. Remaining path: ${rest}`);
        }
      }
      /**
       * Removes a value from the collection.
       * @returns `true` if the item was found and removed.
       */
      deleteIn(path) {
        const [key2, ...rest] = path;
        if (rest.length === 0)
          return this.delete(key2);
        const node = this.get(key2, true);
        if (identity2.isCollection(node))
          return node.deleteIn(rest);
        else
          throw new Error(`Expected YAML collection at ${key2}. Remaining path: ${rest}`);
      }
      /**
       * Returns item at `key`, or `undefined` if not found. By default unwraps
       * scalar values from their surrounding node; to disable set `keepScalar` to
       * `true` (collections are always returned intact).
       */
      getIn(path, keepScalar) {
        const [key2, ...rest] = path;
        const node = this.get(key2, true);
        if (rest.length === 0)
          return !keepScalar && identity2.isScalar(node) ? node.value : node;
        else
          return identity2.isCollection(node) ? node.getIn(rest, keepScalar) : void 0;
      }
      hasAllNullValues(allowScalar) {
        return this.items.every((node) => {
          if (!identity2.isPair(node))
            return false;
          const n = node.value;
          return n == null || allowScalar && identity2.isScalar(n) && n.value == null && !n.commentBefore && !n.comment && !n.tag;
        });
      }
      /**
       * Checks if the collection includes a value with the key `key`.
       */
      hasIn(path) {
        const [key2, ...rest] = path;
        if (rest.length === 0)
          return this.has(key2);
        const node = this.get(key2, true);
        return identity2.isCollection(node) ? node.hasIn(rest) : false;
      }
      /**
       * Sets a value in this collection. For `!!set`, `value` needs to be a
       * boolean to add/remove the item from the set.
       */
      setIn(path, value) {
        const [key2, ...rest] = path;
        if (rest.length === 0) {
          this.set(key2, value);
        } else {
          const node = this.get(key2, true);
          if (identity2.isCollection(node))
            node.setIn(rest, value);
          else if (node === void 0 && this.schema)
            this.set(key2, collectionFromPath(this.schema, rest, value));
          else
            throw new Error(`Expected YAML collection at ${key2}. Remaining path: ${rest}`);
        }
      }
    };
    exports.Collection = Collection;
    exports.collectionFromPath = collectionFromPath;
    exports.isEmptyPath = isEmptyPath;
  }
});

// node_modules/yaml/dist/stringify/stringifyComment.js
var require_stringifyComment = __commonJS({
  "node_modules/yaml/dist/stringify/stringifyComment.js"(exports) {
    "use strict";
    var stringifyComment = (str) => str.replace(/^(?!$)(?: $)?/gm, "#");
    function indentComment(comment, indent) {
      if (/^\n+$/.test(comment))
        return comment.substring(1);
      return indent ? comment.replace(/^(?! *$)/gm, indent) : comment;
    }
    var lineComment = (str, indent, comment) => str.endsWith("\n") ? indentComment(comment, indent) : comment.includes("\n") ? "\n" + indentComment(comment, indent) : (str.endsWith(" ") ? "" : " ") + comment;
    exports.indentComment = indentComment;
    exports.lineComment = lineComment;
    exports.stringifyComment = stringifyComment;
  }
});

// node_modules/yaml/dist/stringify/foldFlowLines.js
var require_foldFlowLines = __commonJS({
  "node_modules/yaml/dist/stringify/foldFlowLines.js"(exports) {
    "use strict";
    var FOLD_FLOW = "flow";
    var FOLD_BLOCK = "block";
    var FOLD_QUOTED = "quoted";
    function foldFlowLines(text, indent, mode = "flow", { indentAtStart, lineWidth = 80, minContentWidth = 20, onFold, onOverflow } = {}) {
      if (!lineWidth || lineWidth < 0)
        return text;
      if (lineWidth < minContentWidth)
        minContentWidth = 0;
      const endStep = Math.max(1 + minContentWidth, 1 + lineWidth - indent.length);
      if (text.length <= endStep)
        return text;
      const folds = [];
      const escapedFolds = {};
      let end = lineWidth - indent.length;
      if (typeof indentAtStart === "number") {
        if (indentAtStart > lineWidth - Math.max(2, minContentWidth))
          folds.push(0);
        else
          end = lineWidth - indentAtStart;
      }
      let split = void 0;
      let prev = void 0;
      let overflow = false;
      let i = -1;
      let escStart = -1;
      let escEnd = -1;
      if (mode === FOLD_BLOCK) {
        i = consumeMoreIndentedLines(text, i, indent.length);
        if (i !== -1)
          end = i + endStep;
      }
      for (let ch; ch = text[i += 1]; ) {
        if (mode === FOLD_QUOTED && ch === "\\") {
          escStart = i;
          switch (text[i + 1]) {
            case "x":
              i += 3;
              break;
            case "u":
              i += 5;
              break;
            case "U":
              i += 9;
              break;
            default:
              i += 1;
          }
          escEnd = i;
        }
        if (ch === "\n") {
          if (mode === FOLD_BLOCK)
            i = consumeMoreIndentedLines(text, i, indent.length);
          end = i + indent.length + endStep;
          split = void 0;
        } else {
          if (ch === " " && prev && prev !== " " && prev !== "\n" && prev !== "	") {
            const next = text[i + 1];
            if (next && next !== " " && next !== "\n" && next !== "	")
              split = i;
          }
          if (i >= end) {
            if (split) {
              folds.push(split);
              end = split + endStep;
              split = void 0;
            } else if (mode === FOLD_QUOTED) {
              while (prev === " " || prev === "	") {
                prev = ch;
                ch = text[i += 1];
                overflow = true;
              }
              const j = i > escEnd + 1 ? i - 2 : escStart - 1;
              if (escapedFolds[j])
                return text;
              folds.push(j);
              escapedFolds[j] = true;
              end = j + endStep;
              split = void 0;
            } else {
              overflow = true;
            }
          }
        }
        prev = ch;
      }
      if (overflow && onOverflow)
        onOverflow();
      if (folds.length === 0)
        return text;
      if (onFold)
        onFold();
      let res = text.slice(0, folds[0]);
      for (let i2 = 0; i2 < folds.length; ++i2) {
        const fold = folds[i2];
        const end2 = folds[i2 + 1] || text.length;
        if (fold === 0)
          res = `
${indent}${text.slice(0, end2)}`;
        else {
          if (mode === FOLD_QUOTED && escapedFolds[fold])
            res += `${text[fold]}\\`;
          res += `
${indent}${text.slice(fold + 1, end2)}`;
        }
      }
      return res;
    }
    function consumeMoreIndentedLines(text, i, indent) {
      let end = i;
      let start = i + 1;
      let ch = text[start];
      while (ch === " " || ch === "	") {
        if (i < start + indent) {
          ch = text[++i];
        } else {
          do {
            ch = text[++i];
          } while (ch && ch !== "\n");
          end = i;
          start = i + 1;
          ch = text[start];
        }
      }
      return end;
    }
    exports.FOLD_BLOCK = FOLD_BLOCK;
    exports.FOLD_FLOW = FOLD_FLOW;
    exports.FOLD_QUOTED = FOLD_QUOTED;
    exports.foldFlowLines = foldFlowLines;
  }
});

// node_modules/yaml/dist/stringify/stringifyString.js
var require_stringifyString = __commonJS({
  "node_modules/yaml/dist/stringify/stringifyString.js"(exports) {
    "use strict";
    var Scalar = require_Scalar();
    var foldFlowLines = require_foldFlowLines();
    var getFoldOptions = (ctx, isBlock) => ({
      indentAtStart: isBlock ? ctx.indent.length : ctx.indentAtStart,
      lineWidth: ctx.options.lineWidth,
      minContentWidth: ctx.options.minContentWidth
    });
    var containsDocumentMarker = (str) => /^(%|---|\.\.\.)/m.test(str);
    function lineLengthOverLimit(str, lineWidth, indentLength) {
      if (!lineWidth || lineWidth < 0)
        return false;
      const limit = lineWidth - indentLength;
      const strLen = str.length;
      if (strLen <= limit)
        return false;
      for (let i = 0, start = 0; i < strLen; ++i) {
        if (str[i] === "\n") {
          if (i - start > limit)
            return true;
          start = i + 1;
          if (strLen - start <= limit)
            return false;
        }
      }
      return true;
    }
    function doubleQuotedString(value, ctx) {
      const json = JSON.stringify(value);
      if (ctx.options.doubleQuotedAsJSON)
        return json;
      const { implicitKey } = ctx;
      const minMultiLineLength = ctx.options.doubleQuotedMinMultiLineLength;
      const indent = ctx.indent || (containsDocumentMarker(value) ? "  " : "");
      let str = "";
      let start = 0;
      for (let i = 0, ch = json[i]; ch; ch = json[++i]) {
        if (ch === " " && json[i + 1] === "\\" && json[i + 2] === "n") {
          str += json.slice(start, i) + "\\ ";
          i += 1;
          start = i;
          ch = "\\";
        }
        if (ch === "\\")
          switch (json[i + 1]) {
            case "u":
              {
                str += json.slice(start, i);
                const code = json.substr(i + 2, 4);
                switch (code) {
                  case "0000":
                    str += "\\0";
                    break;
                  case "0007":
                    str += "\\a";
                    break;
                  case "000b":
                    str += "\\v";
                    break;
                  case "001b":
                    str += "\\e";
                    break;
                  case "0085":
                    str += "\\N";
                    break;
                  case "00a0":
                    str += "\\_";
                    break;
                  case "2028":
                    str += "\\L";
                    break;
                  case "2029":
                    str += "\\P";
                    break;
                  default:
                    if (code.substr(0, 2) === "00")
                      str += "\\x" + code.substr(2);
                    else
                      str += json.substr(i, 6);
                }
                i += 5;
                start = i + 1;
              }
              break;
            case "n":
              if (implicitKey || json[i + 2] === '"' || json.length < minMultiLineLength) {
                i += 1;
              } else {
                str += json.slice(start, i) + "\n\n";
                while (json[i + 2] === "\\" && json[i + 3] === "n" && json[i + 4] !== '"') {
                  str += "\n";
                  i += 2;
                }
                str += indent;
                if (json[i + 2] === " ")
                  str += "\\";
                i += 1;
                start = i + 1;
              }
              break;
            default:
              i += 1;
          }
      }
      str = start ? str + json.slice(start) : json;
      return implicitKey ? str : foldFlowLines.foldFlowLines(str, indent, foldFlowLines.FOLD_QUOTED, getFoldOptions(ctx, false));
    }
    function singleQuotedString(value, ctx) {
      if (ctx.options.singleQuote === false || ctx.implicitKey && value.includes("\n") || /[ \t]\n|\n[ \t]/.test(value))
        return doubleQuotedString(value, ctx);
      const indent = ctx.indent || (containsDocumentMarker(value) ? "  " : "");
      const res = "'" + value.replace(/'/g, "''").replace(/\n+/g, `$&
${indent}`) + "'";
      return ctx.implicitKey ? res : foldFlowLines.foldFlowLines(res, indent, foldFlowLines.FOLD_FLOW, getFoldOptions(ctx, false));
    }
    function quotedString(value, ctx) {
      const { singleQuote } = ctx.options;
      let qs;
      if (singleQuote === false)
        qs = doubleQuotedString;
      else {
        const hasDouble = value.includes('"');
        const hasSingle = value.includes("'");
        if (hasDouble && !hasSingle)
          qs = singleQuotedString;
        else if (hasSingle && !hasDouble)
          qs = doubleQuotedString;
        else
          qs = singleQuote ? singleQuotedString : doubleQuotedString;
      }
      return qs(value, ctx);
    }
    var blockEndNewlines;
    try {
      blockEndNewlines = new RegExp("(^|(?<!\n))\n+(?!\n|$)", "g");
    } catch {
      blockEndNewlines = /\n+(?!\n|$)/g;
    }
    function blockString({ comment, type, value }, ctx, onComment, onChompKeep) {
      const { blockQuote, commentString, lineWidth } = ctx.options;
      if (!blockQuote || /\n[\t ]+$/.test(value)) {
        return quotedString(value, ctx);
      }
      const indent = ctx.indent || (ctx.forceBlockIndent || containsDocumentMarker(value) ? "  " : "");
      const literal = blockQuote === "literal" ? true : blockQuote === "folded" || type === Scalar.Scalar.BLOCK_FOLDED ? false : type === Scalar.Scalar.BLOCK_LITERAL ? true : !lineLengthOverLimit(value, lineWidth, indent.length);
      if (!value)
        return literal ? "|\n" : ">\n";
      let chomp;
      let endStart;
      for (endStart = value.length; endStart > 0; --endStart) {
        const ch = value[endStart - 1];
        if (ch !== "\n" && ch !== "	" && ch !== " ")
          break;
      }
      let end = value.substring(endStart);
      const endNlPos = end.indexOf("\n");
      if (endNlPos === -1) {
        chomp = "-";
      } else if (value === end || endNlPos !== end.length - 1) {
        chomp = "+";
        if (onChompKeep)
          onChompKeep();
      } else {
        chomp = "";
      }
      if (end) {
        value = value.slice(0, -end.length);
        if (end[end.length - 1] === "\n")
          end = end.slice(0, -1);
        end = end.replace(blockEndNewlines, `$&${indent}`);
      }
      let startWithSpace = false;
      let startEnd;
      let startNlPos = -1;
      for (startEnd = 0; startEnd < value.length; ++startEnd) {
        const ch = value[startEnd];
        if (ch === " ")
          startWithSpace = true;
        else if (ch === "\n")
          startNlPos = startEnd;
        else
          break;
      }
      let start = value.substring(0, startNlPos < startEnd ? startNlPos + 1 : startEnd);
      if (start) {
        value = value.substring(start.length);
        start = start.replace(/\n+/g, `$&${indent}`);
      }
      const indentSize = indent ? "2" : "1";
      let header = (startWithSpace ? indentSize : "") + chomp;
      if (comment) {
        header += " " + commentString(comment.replace(/ ?[\r\n]+/g, " "));
        if (onComment)
          onComment();
      }
      if (!literal) {
        const foldedValue = value.replace(/\n+/g, "\n$&").replace(/(?:^|\n)([\t ].*)(?:([\n\t ]*)\n(?![\n\t ]))?/g, "$1$2").replace(/\n+/g, `$&${indent}`);
        let literalFallback = false;
        const foldOptions = getFoldOptions(ctx, true);
        if (blockQuote !== "folded" && type !== Scalar.Scalar.BLOCK_FOLDED) {
          foldOptions.onOverflow = () => {
            literalFallback = true;
          };
        }
        const body = foldFlowLines.foldFlowLines(`${start}${foldedValue}${end}`, indent, foldFlowLines.FOLD_BLOCK, foldOptions);
        if (!literalFallback)
          return `>${header}
${indent}${body}`;
      }
      value = value.replace(/\n+/g, `$&${indent}`);
      return `|${header}
${indent}${start}${value}${end}`;
    }
    function plainString(item, ctx, onComment, onChompKeep) {
      const { type, value } = item;
      const { actualString, implicitKey, indent, indentStep, inFlow } = ctx;
      if (implicitKey && value.includes("\n") || inFlow && /[[\]{},]/.test(value)) {
        return quotedString(value, ctx);
      }
      if (/^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/.test(value)) {
        return implicitKey || inFlow || !value.includes("\n") ? quotedString(value, ctx) : blockString(item, ctx, onComment, onChompKeep);
      }
      if (!implicitKey && !inFlow && type !== Scalar.Scalar.PLAIN && value.includes("\n")) {
        return blockString(item, ctx, onComment, onChompKeep);
      }
      if (containsDocumentMarker(value)) {
        if (indent === "") {
          ctx.forceBlockIndent = true;
          return blockString(item, ctx, onComment, onChompKeep);
        } else if (implicitKey && indent === indentStep) {
          return quotedString(value, ctx);
        }
      }
      const str = value.replace(/\n+/g, `$&
${indent}`);
      if (actualString) {
        const test = (tag) => tag.default && tag.tag !== "tag:yaml.org,2002:str" && tag.test?.test(str);
        const { compat, tags } = ctx.doc.schema;
        if (tags.some(test) || compat?.some(test))
          return quotedString(value, ctx);
      }
      return implicitKey ? str : foldFlowLines.foldFlowLines(str, indent, foldFlowLines.FOLD_FLOW, getFoldOptions(ctx, false));
    }
    function stringifyString(item, ctx, onComment, onChompKeep) {
      const { implicitKey, inFlow } = ctx;
      const ss = typeof item.value === "string" ? item : Object.assign({}, item, { value: String(item.value) });
      let { type } = item;
      if (type !== Scalar.Scalar.QUOTE_DOUBLE) {
        if (/[\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}]/u.test(ss.value))
          type = Scalar.Scalar.QUOTE_DOUBLE;
      }
      const _stringify = (_type) => {
        switch (_type) {
          case Scalar.Scalar.BLOCK_FOLDED:
          case Scalar.Scalar.BLOCK_LITERAL:
            return implicitKey || inFlow ? quotedString(ss.value, ctx) : blockString(ss, ctx, onComment, onChompKeep);
          case Scalar.Scalar.QUOTE_DOUBLE:
            return doubleQuotedString(ss.value, ctx);
          case Scalar.Scalar.QUOTE_SINGLE:
            return singleQuotedString(ss.value, ctx);
          case Scalar.Scalar.PLAIN:
            return plainString(ss, ctx, onComment, onChompKeep);
          default:
            return null;
        }
      };
      let res = _stringify(type);
      if (res === null) {
        const { defaultKeyType, defaultStringType } = ctx.options;
        const t = implicitKey && defaultKeyType || defaultStringType;
        res = _stringify(t);
        if (res === null)
          throw new Error(`Unsupported default string type ${t}`);
      }
      return res;
    }
    exports.stringifyString = stringifyString;
  }
});

// node_modules/yaml/dist/stringify/stringify.js
var require_stringify = __commonJS({
  "node_modules/yaml/dist/stringify/stringify.js"(exports) {
    "use strict";
    var anchors = require_anchors();
    var identity2 = require_identity();
    var stringifyComment = require_stringifyComment();
    var stringifyString = require_stringifyString();
    function createStringifyContext(doc, options2) {
      const opt = Object.assign({
        blockQuote: true,
        commentString: stringifyComment.stringifyComment,
        defaultKeyType: null,
        defaultStringType: "PLAIN",
        directives: null,
        doubleQuotedAsJSON: false,
        doubleQuotedMinMultiLineLength: 40,
        falseStr: "false",
        flowCollectionPadding: true,
        indentSeq: true,
        lineWidth: 80,
        minContentWidth: 20,
        nullStr: "null",
        simpleKeys: false,
        singleQuote: null,
        trailingComma: false,
        trueStr: "true",
        verifyAliasOrder: true
      }, doc.schema.toStringOptions, options2);
      let inFlow;
      switch (opt.collectionStyle) {
        case "block":
          inFlow = false;
          break;
        case "flow":
          inFlow = true;
          break;
        default:
          inFlow = null;
      }
      return {
        anchors: /* @__PURE__ */ new Set(),
        doc,
        flowCollectionPadding: opt.flowCollectionPadding ? " " : "",
        indent: "",
        indentStep: typeof opt.indent === "number" ? " ".repeat(opt.indent) : "  ",
        inFlow,
        options: opt
      };
    }
    function getTagObject(tags, item) {
      if (item.tag) {
        const match = tags.filter((t) => t.tag === item.tag);
        if (match.length > 0)
          return match.find((t) => t.format === item.format) ?? match[0];
      }
      let tagObj = void 0;
      let obj;
      if (identity2.isScalar(item)) {
        obj = item.value;
        let match = tags.filter((t) => t.identify?.(obj));
        if (match.length > 1) {
          const testMatch = match.filter((t) => t.test);
          if (testMatch.length > 0)
            match = testMatch;
        }
        tagObj = match.find((t) => t.format === item.format) ?? match.find((t) => !t.format);
      } else {
        obj = item;
        tagObj = tags.find((t) => t.nodeClass && obj instanceof t.nodeClass);
      }
      if (!tagObj) {
        const name = obj?.constructor?.name ?? (obj === null ? "null" : typeof obj);
        throw new Error(`Tag not resolved for ${name} value`);
      }
      return tagObj;
    }
    function stringifyProps(node, tagObj, { anchors: anchors$1, doc }) {
      if (!doc.directives)
        return "";
      const props = [];
      const anchor = (identity2.isScalar(node) || identity2.isCollection(node)) && node.anchor;
      if (anchor && anchors.anchorIsValid(anchor)) {
        anchors$1.add(anchor);
        props.push(`&${anchor}`);
      }
      const tag = node.tag ?? (tagObj.default ? null : tagObj.tag);
      if (tag)
        props.push(doc.directives.tagString(tag));
      return props.join(" ");
    }
    function stringify(item, ctx, onComment, onChompKeep) {
      if (identity2.isPair(item))
        return item.toString(ctx, onComment, onChompKeep);
      if (identity2.isAlias(item)) {
        if (ctx.doc.directives)
          return item.toString(ctx);
        if (ctx.resolvedAliases?.has(item)) {
          throw new TypeError(`Cannot stringify circular structure without alias nodes`);
        } else {
          if (ctx.resolvedAliases)
            ctx.resolvedAliases.add(item);
          else
            ctx.resolvedAliases = /* @__PURE__ */ new Set([item]);
          item = item.resolve(ctx.doc);
        }
      }
      let tagObj = void 0;
      const node = identity2.isNode(item) ? item : ctx.doc.createNode(item, { onTagObj: (o) => tagObj = o });
      tagObj ?? (tagObj = getTagObject(ctx.doc.schema.tags, node));
      const props = stringifyProps(node, tagObj, ctx);
      if (props.length > 0)
        ctx.indentAtStart = (ctx.indentAtStart ?? 0) + props.length + 1;
      const str = typeof tagObj.stringify === "function" ? tagObj.stringify(node, ctx, onComment, onChompKeep) : identity2.isScalar(node) ? stringifyString.stringifyString(node, ctx, onComment, onChompKeep) : node.toString(ctx, onComment, onChompKeep);
      if (!props)
        return str;
      return identity2.isScalar(node) || str[0] === "{" || str[0] === "[" ? `${props} ${str}` : `${props}
${ctx.indent}${str}`;
    }
    exports.createStringifyContext = createStringifyContext;
    exports.stringify = stringify;
  }
});

// node_modules/yaml/dist/stringify/stringifyPair.js
var require_stringifyPair = __commonJS({
  "node_modules/yaml/dist/stringify/stringifyPair.js"(exports) {
    "use strict";
    var identity2 = require_identity();
    var Scalar = require_Scalar();
    var stringify = require_stringify();
    var stringifyComment = require_stringifyComment();
    function stringifyPair({ key: key2, value }, ctx, onComment, onChompKeep) {
      const { allNullValues, doc, indent, indentStep, options: { commentString, indentSeq, simpleKeys } } = ctx;
      let keyComment = identity2.isNode(key2) && key2.comment || null;
      if (simpleKeys) {
        if (keyComment) {
          throw new Error("With simple keys, key nodes cannot have comments");
        }
        if (identity2.isCollection(key2) || !identity2.isNode(key2) && typeof key2 === "object") {
          const msg = "With simple keys, collection cannot be used as a key value";
          throw new Error(msg);
        }
      }
      let explicitKey = !simpleKeys && (!key2 || keyComment && value == null && !ctx.inFlow || identity2.isCollection(key2) || (identity2.isScalar(key2) ? key2.type === Scalar.Scalar.BLOCK_FOLDED || key2.type === Scalar.Scalar.BLOCK_LITERAL : typeof key2 === "object"));
      ctx = Object.assign({}, ctx, {
        allNullValues: false,
        implicitKey: !explicitKey && (simpleKeys || !allNullValues),
        indent: indent + indentStep
      });
      let keyCommentDone = false;
      let chompKeep = false;
      let str = stringify.stringify(key2, ctx, () => keyCommentDone = true, () => chompKeep = true);
      if (!explicitKey && !ctx.inFlow && str.length > 1024) {
        if (simpleKeys)
          throw new Error("With simple keys, single line scalar must not span more than 1024 characters");
        explicitKey = true;
      }
      if (ctx.inFlow) {
        if (allNullValues || value == null) {
          if (keyCommentDone && onComment)
            onComment();
          return str === "" ? "?" : explicitKey ? `? ${str}` : str;
        }
      } else if (allNullValues && !simpleKeys || value == null && explicitKey) {
        str = `? ${str}`;
        if (keyComment && !keyCommentDone) {
          str += stringifyComment.lineComment(str, ctx.indent, commentString(keyComment));
        } else if (chompKeep && onChompKeep)
          onChompKeep();
        return str;
      }
      if (keyCommentDone)
        keyComment = null;
      if (explicitKey) {
        if (keyComment)
          str += stringifyComment.lineComment(str, ctx.indent, commentString(keyComment));
        str = `? ${str}
${indent}:`;
      } else {
        str = `${str}:`;
        if (keyComment)
          str += stringifyComment.lineComment(str, ctx.indent, commentString(keyComment));
      }
      let vsb, vcb, valueComment;
      if (identity2.isNode(value)) {
        vsb = !!value.spaceBefore;
        vcb = value.commentBefore;
        valueComment = value.comment;
      } else {
        vsb = false;
        vcb = null;
        valueComment = null;
        if (value && typeof value === "object")
          value = doc.createNode(value);
      }
      ctx.implicitKey = false;
      if (!explicitKey && !keyComment && identity2.isScalar(value))
        ctx.indentAtStart = str.length + 1;
      chompKeep = false;
      if (!indentSeq && indentStep.length >= 2 && !ctx.inFlow && !explicitKey && identity2.isSeq(value) && !value.flow && !value.tag && !value.anchor) {
        ctx.indent = ctx.indent.substring(2);
      }
      let valueCommentDone = false;
      const valueStr = stringify.stringify(value, ctx, () => valueCommentDone = true, () => chompKeep = true);
      let ws = " ";
      if (keyComment || vsb || vcb) {
        ws = vsb ? "\n" : "";
        if (vcb) {
          const cs = commentString(vcb);
          ws += `
${stringifyComment.indentComment(cs, ctx.indent)}`;
        }
        if (valueStr === "" && !ctx.inFlow) {
          if (ws === "\n" && valueComment)
            ws = "\n\n";
        } else {
          ws += `
${ctx.indent}`;
        }
      } else if (!explicitKey && identity2.isCollection(value)) {
        const vs0 = valueStr[0];
        const nl0 = valueStr.indexOf("\n");
        const hasNewline = nl0 !== -1;
        const flow = ctx.inFlow ?? value.flow ?? value.items.length === 0;
        if (hasNewline || !flow) {
          let hasPropsLine = false;
          if (hasNewline && (vs0 === "&" || vs0 === "!")) {
            let sp0 = valueStr.indexOf(" ");
            if (vs0 === "&" && sp0 !== -1 && sp0 < nl0 && valueStr[sp0 + 1] === "!") {
              sp0 = valueStr.indexOf(" ", sp0 + 1);
            }
            if (sp0 === -1 || nl0 < sp0)
              hasPropsLine = true;
          }
          if (!hasPropsLine)
            ws = `
${ctx.indent}`;
        }
      } else if (valueStr === "" || valueStr[0] === "\n") {
        ws = "";
      }
      str += ws + valueStr;
      if (ctx.inFlow) {
        if (valueCommentDone && onComment)
          onComment();
      } else if (valueComment && !valueCommentDone) {
        str += stringifyComment.lineComment(str, ctx.indent, commentString(valueComment));
      } else if (chompKeep && onChompKeep) {
        onChompKeep();
      }
      return str;
    }
    exports.stringifyPair = stringifyPair;
  }
});

// node_modules/yaml/dist/log.js
var require_log = __commonJS({
  "node_modules/yaml/dist/log.js"(exports) {
    "use strict";
    var node_process = __require("process");
    function debug(logLevel, ...messages) {
      if (logLevel === "debug")
        console.log(...messages);
    }
    function warn2(logLevel, warning2) {
      if (logLevel === "debug" || logLevel === "warn") {
        if (typeof node_process.emitWarning === "function")
          node_process.emitWarning(warning2);
        else
          console.warn(warning2);
      }
    }
    exports.debug = debug;
    exports.warn = warn2;
  }
});

// node_modules/yaml/dist/schema/yaml-1.1/merge.js
var require_merge = __commonJS({
  "node_modules/yaml/dist/schema/yaml-1.1/merge.js"(exports) {
    "use strict";
    var identity2 = require_identity();
    var Scalar = require_Scalar();
    var MERGE_KEY = "<<";
    var merge = {
      identify: (value) => value === MERGE_KEY || typeof value === "symbol" && value.description === MERGE_KEY,
      default: "key",
      tag: "tag:yaml.org,2002:merge",
      test: /^<<$/,
      resolve: () => Object.assign(new Scalar.Scalar(Symbol(MERGE_KEY)), {
        addToJSMap: addMergeToJSMap
      }),
      stringify: () => MERGE_KEY
    };
    var isMergeKey = (ctx, key2) => (merge.identify(key2) || identity2.isScalar(key2) && (!key2.type || key2.type === Scalar.Scalar.PLAIN) && merge.identify(key2.value)) && ctx?.doc.schema.tags.some((tag) => tag.tag === merge.tag && tag.default);
    function addMergeToJSMap(ctx, map, value) {
      const source = resolveAliasValue(ctx, value);
      if (identity2.isSeq(source))
        for (const it of source.items)
          mergeValue(ctx, map, it);
      else if (Array.isArray(source))
        for (const it of source)
          mergeValue(ctx, map, it);
      else
        mergeValue(ctx, map, source);
    }
    function mergeValue(ctx, map, value) {
      const source = resolveAliasValue(ctx, value);
      if (!identity2.isMap(source))
        throw new Error("Merge sources must be maps or map aliases");
      const srcMap = source.toJSON(null, ctx, Map);
      for (const [key2, value2] of srcMap) {
        if (map instanceof Map) {
          if (!map.has(key2))
            map.set(key2, value2);
        } else if (map instanceof Set) {
          map.add(key2);
        } else if (!Object.prototype.hasOwnProperty.call(map, key2)) {
          Object.defineProperty(map, key2, {
            value: value2,
            writable: true,
            enumerable: true,
            configurable: true
          });
        }
      }
      return map;
    }
    function resolveAliasValue(ctx, value) {
      return ctx && identity2.isAlias(value) ? value.resolve(ctx.doc, ctx) : value;
    }
    exports.addMergeToJSMap = addMergeToJSMap;
    exports.isMergeKey = isMergeKey;
    exports.merge = merge;
  }
});

// node_modules/yaml/dist/nodes/addPairToJSMap.js
var require_addPairToJSMap = __commonJS({
  "node_modules/yaml/dist/nodes/addPairToJSMap.js"(exports) {
    "use strict";
    var log = require_log();
    var merge = require_merge();
    var stringify = require_stringify();
    var identity2 = require_identity();
    var toJS = require_toJS();
    function addPairToJSMap(ctx, map, { key: key2, value }) {
      if (identity2.isNode(key2) && key2.addToJSMap)
        key2.addToJSMap(ctx, map, value);
      else if (merge.isMergeKey(ctx, key2))
        merge.addMergeToJSMap(ctx, map, value);
      else {
        const jsKey = toJS.toJS(key2, "", ctx);
        if (map instanceof Map) {
          map.set(jsKey, toJS.toJS(value, jsKey, ctx));
        } else if (map instanceof Set) {
          map.add(jsKey);
        } else {
          const stringKey = stringifyKey(key2, jsKey, ctx);
          const jsValue = toJS.toJS(value, stringKey, ctx);
          if (stringKey in map)
            Object.defineProperty(map, stringKey, {
              value: jsValue,
              writable: true,
              enumerable: true,
              configurable: true
            });
          else
            map[stringKey] = jsValue;
        }
      }
      return map;
    }
    function stringifyKey(key2, jsKey, ctx) {
      if (jsKey === null)
        return "";
      if (typeof jsKey !== "object")
        return String(jsKey);
      if (identity2.isNode(key2) && ctx?.doc) {
        const strCtx = stringify.createStringifyContext(ctx.doc, {});
        strCtx.anchors = /* @__PURE__ */ new Set();
        for (const node of ctx.anchors.keys())
          strCtx.anchors.add(node.anchor);
        strCtx.inFlow = true;
        strCtx.inStringifyKey = true;
        const strKey = key2.toString(strCtx);
        if (!ctx.mapKeyWarned) {
          let jsonStr = JSON.stringify(strKey);
          if (jsonStr.length > 40)
            jsonStr = jsonStr.substring(0, 36) + '..."';
          log.warn(ctx.doc.options.logLevel, `Keys with collection values will be stringified due to JS Object restrictions: ${jsonStr}. Set mapAsMap: true to use object keys.`);
          ctx.mapKeyWarned = true;
        }
        return strKey;
      }
      return JSON.stringify(jsKey);
    }
    exports.addPairToJSMap = addPairToJSMap;
  }
});

// node_modules/yaml/dist/nodes/Pair.js
var require_Pair = __commonJS({
  "node_modules/yaml/dist/nodes/Pair.js"(exports) {
    "use strict";
    var createNode = require_createNode();
    var stringifyPair = require_stringifyPair();
    var addPairToJSMap = require_addPairToJSMap();
    var identity2 = require_identity();
    function createPair(key2, value, ctx) {
      const k = createNode.createNode(key2, void 0, ctx);
      const v = createNode.createNode(value, void 0, ctx);
      return new Pair(k, v);
    }
    var Pair = class _Pair {
      constructor(key2, value = null) {
        Object.defineProperty(this, identity2.NODE_TYPE, { value: identity2.PAIR });
        this.key = key2;
        this.value = value;
      }
      clone(schema) {
        let { key: key2, value } = this;
        if (identity2.isNode(key2))
          key2 = key2.clone(schema);
        if (identity2.isNode(value))
          value = value.clone(schema);
        return new _Pair(key2, value);
      }
      toJSON(_, ctx) {
        const pair = ctx?.mapAsMap ? /* @__PURE__ */ new Map() : {};
        return addPairToJSMap.addPairToJSMap(ctx, pair, this);
      }
      toString(ctx, onComment, onChompKeep) {
        return ctx?.doc ? stringifyPair.stringifyPair(this, ctx, onComment, onChompKeep) : JSON.stringify(this);
      }
    };
    exports.Pair = Pair;
    exports.createPair = createPair;
  }
});

// node_modules/yaml/dist/stringify/stringifyCollection.js
var require_stringifyCollection = __commonJS({
  "node_modules/yaml/dist/stringify/stringifyCollection.js"(exports) {
    "use strict";
    var identity2 = require_identity();
    var stringify = require_stringify();
    var stringifyComment = require_stringifyComment();
    function stringifyCollection(collection, ctx, options2) {
      const flow = ctx.inFlow ?? collection.flow;
      const stringify2 = flow ? stringifyFlowCollection : stringifyBlockCollection;
      return stringify2(collection, ctx, options2);
    }
    function stringifyBlockCollection({ comment, items }, ctx, { blockItemPrefix, flowChars, itemIndent, onChompKeep, onComment }) {
      const { indent, options: { commentString } } = ctx;
      const itemCtx = Object.assign({}, ctx, { indent: itemIndent, type: null });
      let chompKeep = false;
      const lines = [];
      for (let i = 0; i < items.length; ++i) {
        const item = items[i];
        let comment2 = null;
        if (identity2.isNode(item)) {
          if (!chompKeep && item.spaceBefore)
            lines.push("");
          addCommentBefore(ctx, lines, item.commentBefore, chompKeep);
          if (item.comment)
            comment2 = item.comment;
        } else if (identity2.isPair(item)) {
          const ik = identity2.isNode(item.key) ? item.key : null;
          if (ik) {
            if (!chompKeep && ik.spaceBefore)
              lines.push("");
            addCommentBefore(ctx, lines, ik.commentBefore, chompKeep);
          }
        }
        chompKeep = false;
        let str2 = stringify.stringify(item, itemCtx, () => comment2 = null, () => chompKeep = true);
        if (comment2)
          str2 += stringifyComment.lineComment(str2, itemIndent, commentString(comment2));
        if (chompKeep && comment2)
          chompKeep = false;
        lines.push(blockItemPrefix + str2);
      }
      let str;
      if (lines.length === 0) {
        str = flowChars.start + flowChars.end;
      } else {
        str = lines[0];
        for (let i = 1; i < lines.length; ++i) {
          const line = lines[i];
          str += line ? `
${indent}${line}` : "\n";
        }
      }
      if (comment) {
        str += "\n" + stringifyComment.indentComment(commentString(comment), indent);
        if (onComment)
          onComment();
      } else if (chompKeep && onChompKeep)
        onChompKeep();
      return str;
    }
    function stringifyFlowCollection({ items }, ctx, { flowChars, itemIndent }) {
      const { indent, indentStep, flowCollectionPadding: fcPadding, options: { commentString } } = ctx;
      itemIndent += indentStep;
      const itemCtx = Object.assign({}, ctx, {
        indent: itemIndent,
        inFlow: true,
        type: null
      });
      let reqNewline = false;
      let linesAtValue = 0;
      const lines = [];
      for (let i = 0; i < items.length; ++i) {
        const item = items[i];
        let comment = null;
        if (identity2.isNode(item)) {
          if (item.spaceBefore)
            lines.push("");
          addCommentBefore(ctx, lines, item.commentBefore, false);
          if (item.comment)
            comment = item.comment;
        } else if (identity2.isPair(item)) {
          const ik = identity2.isNode(item.key) ? item.key : null;
          if (ik) {
            if (ik.spaceBefore)
              lines.push("");
            addCommentBefore(ctx, lines, ik.commentBefore, false);
            if (ik.comment)
              reqNewline = true;
          }
          const iv = identity2.isNode(item.value) ? item.value : null;
          if (iv) {
            if (iv.comment)
              comment = iv.comment;
            if (iv.commentBefore)
              reqNewline = true;
          } else if (item.value == null && ik?.comment) {
            comment = ik.comment;
          }
        }
        if (comment)
          reqNewline = true;
        let str = stringify.stringify(item, itemCtx, () => comment = null);
        reqNewline || (reqNewline = lines.length > linesAtValue || str.includes("\n"));
        if (i < items.length - 1) {
          str += ",";
        } else if (ctx.options.trailingComma) {
          if (ctx.options.lineWidth > 0) {
            reqNewline || (reqNewline = lines.reduce((sum, line) => sum + line.length + 2, 2) + (str.length + 2) > ctx.options.lineWidth);
          }
          if (reqNewline) {
            str += ",";
          }
        }
        if (comment)
          str += stringifyComment.lineComment(str, itemIndent, commentString(comment));
        lines.push(str);
        linesAtValue = lines.length;
      }
      const { start, end } = flowChars;
      if (lines.length === 0) {
        return start + end;
      } else {
        if (!reqNewline) {
          const len = lines.reduce((sum, line) => sum + line.length + 2, 2);
          reqNewline = ctx.options.lineWidth > 0 && len > ctx.options.lineWidth;
        }
        if (reqNewline) {
          let str = start;
          for (const line of lines)
            str += line ? `
${indentStep}${indent}${line}` : "\n";
          return `${str}
${indent}${end}`;
        } else {
          return `${start}${fcPadding}${lines.join(" ")}${fcPadding}${end}`;
        }
      }
    }
    function addCommentBefore({ indent, options: { commentString } }, lines, comment, chompKeep) {
      if (comment && chompKeep)
        comment = comment.replace(/^\n+/, "");
      if (comment) {
        const ic = stringifyComment.indentComment(commentString(comment), indent);
        lines.push(ic.trimStart());
      }
    }
    exports.stringifyCollection = stringifyCollection;
  }
});

// node_modules/yaml/dist/nodes/YAMLMap.js
var require_YAMLMap = __commonJS({
  "node_modules/yaml/dist/nodes/YAMLMap.js"(exports) {
    "use strict";
    var stringifyCollection = require_stringifyCollection();
    var addPairToJSMap = require_addPairToJSMap();
    var Collection = require_Collection();
    var identity2 = require_identity();
    var Pair = require_Pair();
    var Scalar = require_Scalar();
    function findPair(items, key2) {
      const k = identity2.isScalar(key2) ? key2.value : key2;
      for (const it of items) {
        if (identity2.isPair(it)) {
          if (it.key === key2 || it.key === k)
            return it;
          if (identity2.isScalar(it.key) && it.key.value === k)
            return it;
        }
      }
      return void 0;
    }
    var YAMLMap = class extends Collection.Collection {
      static get tagName() {
        return "tag:yaml.org,2002:map";
      }
      constructor(schema) {
        super(identity2.MAP, schema);
        this.items = [];
      }
      /**
       * A generic collection parsing method that can be extended
       * to other node classes that inherit from YAMLMap
       */
      static from(schema, obj, ctx) {
        const { keepUndefined, replacer } = ctx;
        const map = new this(schema);
        const add = (key2, value) => {
          if (typeof replacer === "function")
            value = replacer.call(obj, key2, value);
          else if (Array.isArray(replacer) && !replacer.includes(key2))
            return;
          if (value !== void 0 || keepUndefined)
            map.items.push(Pair.createPair(key2, value, ctx));
        };
        if (obj instanceof Map) {
          for (const [key2, value] of obj)
            add(key2, value);
        } else if (obj && typeof obj === "object") {
          for (const key2 of Object.keys(obj))
            add(key2, obj[key2]);
        }
        if (typeof schema.sortMapEntries === "function") {
          map.items.sort(schema.sortMapEntries);
        }
        return map;
      }
      /**
       * Adds a value to the collection.
       *
       * @param overwrite - If not set `true`, using a key that is already in the
       *   collection will throw. Otherwise, overwrites the previous value.
       */
      add(pair, overwrite) {
        let _pair;
        if (identity2.isPair(pair))
          _pair = pair;
        else if (!pair || typeof pair !== "object" || !("key" in pair)) {
          _pair = new Pair.Pair(pair, pair?.value);
        } else
          _pair = new Pair.Pair(pair.key, pair.value);
        const prev = findPair(this.items, _pair.key);
        const sortEntries = this.schema?.sortMapEntries;
        if (prev) {
          if (!overwrite)
            throw new Error(`Key ${_pair.key} already set`);
          if (identity2.isScalar(prev.value) && Scalar.isScalarValue(_pair.value))
            prev.value.value = _pair.value;
          else
            prev.value = _pair.value;
        } else if (sortEntries) {
          const i = this.items.findIndex((item) => sortEntries(_pair, item) < 0);
          if (i === -1)
            this.items.push(_pair);
          else
            this.items.splice(i, 0, _pair);
        } else {
          this.items.push(_pair);
        }
      }
      delete(key2) {
        const it = findPair(this.items, key2);
        if (!it)
          return false;
        const del = this.items.splice(this.items.indexOf(it), 1);
        return del.length > 0;
      }
      get(key2, keepScalar) {
        const it = findPair(this.items, key2);
        const node = it?.value;
        return (!keepScalar && identity2.isScalar(node) ? node.value : node) ?? void 0;
      }
      has(key2) {
        return !!findPair(this.items, key2);
      }
      set(key2, value) {
        this.add(new Pair.Pair(key2, value), true);
      }
      /**
       * @param ctx - Conversion context, originally set in Document#toJS()
       * @param {Class} Type - If set, forces the returned collection type
       * @returns Instance of Type, Map, or Object
       */
      toJSON(_, ctx, Type) {
        const map = Type ? new Type() : ctx?.mapAsMap ? /* @__PURE__ */ new Map() : {};
        if (ctx?.onCreate)
          ctx.onCreate(map);
        for (const item of this.items)
          addPairToJSMap.addPairToJSMap(ctx, map, item);
        return map;
      }
      toString(ctx, onComment, onChompKeep) {
        if (!ctx)
          return JSON.stringify(this);
        for (const item of this.items) {
          if (!identity2.isPair(item))
            throw new Error(`Map items must all be pairs; found ${JSON.stringify(item)} instead`);
        }
        if (!ctx.allNullValues && this.hasAllNullValues(false))
          ctx = Object.assign({}, ctx, { allNullValues: true });
        return stringifyCollection.stringifyCollection(this, ctx, {
          blockItemPrefix: "",
          flowChars: { start: "{", end: "}" },
          itemIndent: ctx.indent || "",
          onChompKeep,
          onComment
        });
      }
    };
    exports.YAMLMap = YAMLMap;
    exports.findPair = findPair;
  }
});

// node_modules/yaml/dist/schema/common/map.js
var require_map = __commonJS({
  "node_modules/yaml/dist/schema/common/map.js"(exports) {
    "use strict";
    var identity2 = require_identity();
    var YAMLMap = require_YAMLMap();
    var map = {
      collection: "map",
      default: true,
      nodeClass: YAMLMap.YAMLMap,
      tag: "tag:yaml.org,2002:map",
      resolve(map2, onError) {
        if (!identity2.isMap(map2))
          onError("Expected a mapping for this tag");
        return map2;
      },
      createNode: (schema, obj, ctx) => YAMLMap.YAMLMap.from(schema, obj, ctx)
    };
    exports.map = map;
  }
});

// node_modules/yaml/dist/nodes/YAMLSeq.js
var require_YAMLSeq = __commonJS({
  "node_modules/yaml/dist/nodes/YAMLSeq.js"(exports) {
    "use strict";
    var createNode = require_createNode();
    var stringifyCollection = require_stringifyCollection();
    var Collection = require_Collection();
    var identity2 = require_identity();
    var Scalar = require_Scalar();
    var toJS = require_toJS();
    var YAMLSeq = class extends Collection.Collection {
      static get tagName() {
        return "tag:yaml.org,2002:seq";
      }
      constructor(schema) {
        super(identity2.SEQ, schema);
        this.items = [];
      }
      add(value) {
        this.items.push(value);
      }
      /**
       * Removes a value from the collection.
       *
       * `key` must contain a representation of an integer for this to succeed.
       * It may be wrapped in a `Scalar`.
       *
       * @returns `true` if the item was found and removed.
       */
      delete(key2) {
        const idx = asItemIndex(key2);
        if (typeof idx !== "number")
          return false;
        const del = this.items.splice(idx, 1);
        return del.length > 0;
      }
      get(key2, keepScalar) {
        const idx = asItemIndex(key2);
        if (typeof idx !== "number")
          return void 0;
        const it = this.items[idx];
        return !keepScalar && identity2.isScalar(it) ? it.value : it;
      }
      /**
       * Checks if the collection includes a value with the key `key`.
       *
       * `key` must contain a representation of an integer for this to succeed.
       * It may be wrapped in a `Scalar`.
       */
      has(key2) {
        const idx = asItemIndex(key2);
        return typeof idx === "number" && idx < this.items.length;
      }
      /**
       * Sets a value in this collection. For `!!set`, `value` needs to be a
       * boolean to add/remove the item from the set.
       *
       * If `key` does not contain a representation of an integer, this will throw.
       * It may be wrapped in a `Scalar`.
       */
      set(key2, value) {
        const idx = asItemIndex(key2);
        if (typeof idx !== "number")
          throw new Error(`Expected a valid index, not ${key2}.`);
        const prev = this.items[idx];
        if (identity2.isScalar(prev) && Scalar.isScalarValue(value))
          prev.value = value;
        else
          this.items[idx] = value;
      }
      toJSON(_, ctx) {
        const seq = [];
        if (ctx?.onCreate)
          ctx.onCreate(seq);
        let i = 0;
        for (const item of this.items)
          seq.push(toJS.toJS(item, String(i++), ctx));
        return seq;
      }
      toString(ctx, onComment, onChompKeep) {
        if (!ctx)
          return JSON.stringify(this);
        return stringifyCollection.stringifyCollection(this, ctx, {
          blockItemPrefix: "- ",
          flowChars: { start: "[", end: "]" },
          itemIndent: (ctx.indent || "") + "  ",
          onChompKeep,
          onComment
        });
      }
      static from(schema, obj, ctx) {
        const { replacer } = ctx;
        const seq = new this(schema);
        if (obj && Symbol.iterator in Object(obj)) {
          let i = 0;
          for (let it of obj) {
            if (typeof replacer === "function") {
              const key2 = obj instanceof Set ? it : String(i++);
              it = replacer.call(obj, key2, it);
            }
            seq.items.push(createNode.createNode(it, void 0, ctx));
          }
        }
        return seq;
      }
    };
    function asItemIndex(key2) {
      let idx = identity2.isScalar(key2) ? key2.value : key2;
      if (idx && typeof idx === "string")
        idx = Number(idx);
      return typeof idx === "number" && Number.isInteger(idx) && idx >= 0 ? idx : null;
    }
    exports.YAMLSeq = YAMLSeq;
  }
});

// node_modules/yaml/dist/schema/common/seq.js
var require_seq = __commonJS({
  "node_modules/yaml/dist/schema/common/seq.js"(exports) {
    "use strict";
    var identity2 = require_identity();
    var YAMLSeq = require_YAMLSeq();
    var seq = {
      collection: "seq",
      default: true,
      nodeClass: YAMLSeq.YAMLSeq,
      tag: "tag:yaml.org,2002:seq",
      resolve(seq2, onError) {
        if (!identity2.isSeq(seq2))
          onError("Expected a sequence for this tag");
        return seq2;
      },
      createNode: (schema, obj, ctx) => YAMLSeq.YAMLSeq.from(schema, obj, ctx)
    };
    exports.seq = seq;
  }
});

// node_modules/yaml/dist/schema/common/string.js
var require_string = __commonJS({
  "node_modules/yaml/dist/schema/common/string.js"(exports) {
    "use strict";
    var stringifyString = require_stringifyString();
    var string = {
      identify: (value) => typeof value === "string",
      default: true,
      tag: "tag:yaml.org,2002:str",
      resolve: (str) => str,
      stringify(item, ctx, onComment, onChompKeep) {
        ctx = Object.assign({ actualString: true }, ctx);
        return stringifyString.stringifyString(item, ctx, onComment, onChompKeep);
      }
    };
    exports.string = string;
  }
});

// node_modules/yaml/dist/schema/common/null.js
var require_null = __commonJS({
  "node_modules/yaml/dist/schema/common/null.js"(exports) {
    "use strict";
    var Scalar = require_Scalar();
    var nullTag = {
      identify: (value) => value == null,
      createNode: () => new Scalar.Scalar(null),
      default: true,
      tag: "tag:yaml.org,2002:null",
      test: /^(?:~|[Nn]ull|NULL)?$/,
      resolve: () => new Scalar.Scalar(null),
      stringify: ({ source }, ctx) => typeof source === "string" && nullTag.test.test(source) ? source : ctx.options.nullStr
    };
    exports.nullTag = nullTag;
  }
});

// node_modules/yaml/dist/schema/core/bool.js
var require_bool = __commonJS({
  "node_modules/yaml/dist/schema/core/bool.js"(exports) {
    "use strict";
    var Scalar = require_Scalar();
    var boolTag = {
      identify: (value) => typeof value === "boolean",
      default: true,
      tag: "tag:yaml.org,2002:bool",
      test: /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/,
      resolve: (str) => new Scalar.Scalar(str[0] === "t" || str[0] === "T"),
      stringify({ source, value }, ctx) {
        if (source && boolTag.test.test(source)) {
          const sv = source[0] === "t" || source[0] === "T";
          if (value === sv)
            return source;
        }
        return value ? ctx.options.trueStr : ctx.options.falseStr;
      }
    };
    exports.boolTag = boolTag;
  }
});

// node_modules/yaml/dist/stringify/stringifyNumber.js
var require_stringifyNumber = __commonJS({
  "node_modules/yaml/dist/stringify/stringifyNumber.js"(exports) {
    "use strict";
    function stringifyNumber({ format, minFractionDigits, tag, value }) {
      if (typeof value === "bigint")
        return String(value);
      const num = typeof value === "number" ? value : Number(value);
      if (!isFinite(num))
        return isNaN(num) ? ".nan" : num < 0 ? "-.inf" : ".inf";
      let n = Object.is(value, -0) ? "-0" : JSON.stringify(value);
      if (!format && minFractionDigits && (!tag || tag === "tag:yaml.org,2002:float") && /^-?\d/.test(n) && !n.includes("e")) {
        let i = n.indexOf(".");
        if (i < 0) {
          i = n.length;
          n += ".";
        }
        let d = minFractionDigits - (n.length - i - 1);
        while (d-- > 0)
          n += "0";
      }
      return n;
    }
    exports.stringifyNumber = stringifyNumber;
  }
});

// node_modules/yaml/dist/schema/core/float.js
var require_float = __commonJS({
  "node_modules/yaml/dist/schema/core/float.js"(exports) {
    "use strict";
    var Scalar = require_Scalar();
    var stringifyNumber = require_stringifyNumber();
    var floatNaN = {
      identify: (value) => typeof value === "number",
      default: true,
      tag: "tag:yaml.org,2002:float",
      test: /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
      resolve: (str) => str.slice(-3).toLowerCase() === "nan" ? NaN : str[0] === "-" ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY,
      stringify: stringifyNumber.stringifyNumber
    };
    var floatExp = {
      identify: (value) => typeof value === "number",
      default: true,
      tag: "tag:yaml.org,2002:float",
      format: "EXP",
      test: /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/,
      resolve: (str) => parseFloat(str),
      stringify(node) {
        const num = Number(node.value);
        return isFinite(num) ? num.toExponential() : stringifyNumber.stringifyNumber(node);
      }
    };
    var float = {
      identify: (value) => typeof value === "number",
      default: true,
      tag: "tag:yaml.org,2002:float",
      test: /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/,
      resolve(str) {
        const node = new Scalar.Scalar(parseFloat(str));
        const dot = str.indexOf(".");
        if (dot !== -1 && str[str.length - 1] === "0")
          node.minFractionDigits = str.length - dot - 1;
        return node;
      },
      stringify: stringifyNumber.stringifyNumber
    };
    exports.float = float;
    exports.floatExp = floatExp;
    exports.floatNaN = floatNaN;
  }
});

// node_modules/yaml/dist/schema/core/int.js
var require_int = __commonJS({
  "node_modules/yaml/dist/schema/core/int.js"(exports) {
    "use strict";
    var stringifyNumber = require_stringifyNumber();
    var intIdentify = (value) => typeof value === "bigint" || Number.isInteger(value);
    var intResolve = (str, offset, radix, { intAsBigInt }) => intAsBigInt ? BigInt(str) : parseInt(str.substring(offset), radix);
    function intStringify(node, radix, prefix) {
      const { value } = node;
      if (intIdentify(value) && value >= 0)
        return prefix + value.toString(radix);
      return stringifyNumber.stringifyNumber(node);
    }
    var intOct = {
      identify: (value) => intIdentify(value) && value >= 0,
      default: true,
      tag: "tag:yaml.org,2002:int",
      format: "OCT",
      test: /^0o[0-7]+$/,
      resolve: (str, _onError, opt) => intResolve(str, 2, 8, opt),
      stringify: (node) => intStringify(node, 8, "0o")
    };
    var int = {
      identify: intIdentify,
      default: true,
      tag: "tag:yaml.org,2002:int",
      test: /^[-+]?[0-9]+$/,
      resolve: (str, _onError, opt) => intResolve(str, 0, 10, opt),
      stringify: stringifyNumber.stringifyNumber
    };
    var intHex = {
      identify: (value) => intIdentify(value) && value >= 0,
      default: true,
      tag: "tag:yaml.org,2002:int",
      format: "HEX",
      test: /^0x[0-9a-fA-F]+$/,
      resolve: (str, _onError, opt) => intResolve(str, 2, 16, opt),
      stringify: (node) => intStringify(node, 16, "0x")
    };
    exports.int = int;
    exports.intHex = intHex;
    exports.intOct = intOct;
  }
});

// node_modules/yaml/dist/schema/core/schema.js
var require_schema = __commonJS({
  "node_modules/yaml/dist/schema/core/schema.js"(exports) {
    "use strict";
    var map = require_map();
    var _null = require_null();
    var seq = require_seq();
    var string = require_string();
    var bool = require_bool();
    var float = require_float();
    var int = require_int();
    var schema = [
      map.map,
      seq.seq,
      string.string,
      _null.nullTag,
      bool.boolTag,
      int.intOct,
      int.int,
      int.intHex,
      float.floatNaN,
      float.floatExp,
      float.float
    ];
    exports.schema = schema;
  }
});

// node_modules/yaml/dist/schema/json/schema.js
var require_schema2 = __commonJS({
  "node_modules/yaml/dist/schema/json/schema.js"(exports) {
    "use strict";
    var Scalar = require_Scalar();
    var map = require_map();
    var seq = require_seq();
    function intIdentify(value) {
      return typeof value === "bigint" || Number.isInteger(value);
    }
    var stringifyJSON = ({ value }) => JSON.stringify(value);
    var jsonScalars = [
      {
        identify: (value) => typeof value === "string",
        default: true,
        tag: "tag:yaml.org,2002:str",
        resolve: (str) => str,
        stringify: stringifyJSON
      },
      {
        identify: (value) => value == null,
        createNode: () => new Scalar.Scalar(null),
        default: true,
        tag: "tag:yaml.org,2002:null",
        test: /^null$/,
        resolve: () => null,
        stringify: stringifyJSON
      },
      {
        identify: (value) => typeof value === "boolean",
        default: true,
        tag: "tag:yaml.org,2002:bool",
        test: /^true$|^false$/,
        resolve: (str) => str === "true",
        stringify: stringifyJSON
      },
      {
        identify: intIdentify,
        default: true,
        tag: "tag:yaml.org,2002:int",
        test: /^-?(?:0|[1-9][0-9]*)$/,
        resolve: (str, _onError, { intAsBigInt }) => intAsBigInt ? BigInt(str) : parseInt(str, 10),
        stringify: ({ value }) => intIdentify(value) ? value.toString() : JSON.stringify(value)
      },
      {
        identify: (value) => typeof value === "number",
        default: true,
        tag: "tag:yaml.org,2002:float",
        test: /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?$/,
        resolve: (str) => parseFloat(str),
        stringify: stringifyJSON
      }
    ];
    var jsonError = {
      default: true,
      tag: "",
      test: /^/,
      resolve(str, onError) {
        onError(`Unresolved plain scalar ${JSON.stringify(str)}`);
        return str;
      }
    };
    var schema = [map.map, seq.seq].concat(jsonScalars, jsonError);
    exports.schema = schema;
  }
});

// node_modules/yaml/dist/schema/yaml-1.1/binary.js
var require_binary = __commonJS({
  "node_modules/yaml/dist/schema/yaml-1.1/binary.js"(exports) {
    "use strict";
    var node_buffer = __require("buffer");
    var Scalar = require_Scalar();
    var stringifyString = require_stringifyString();
    var binary = {
      identify: (value) => value instanceof Uint8Array,
      // Buffer inherits from Uint8Array
      default: false,
      tag: "tag:yaml.org,2002:binary",
      /**
       * Returns a Buffer in node and an Uint8Array in browsers
       *
       * To use the resulting buffer as an image, you'll want to do something like:
       *
       *   const blob = new Blob([buffer], { type: 'image/jpeg' })
       *   document.querySelector('#photo').src = URL.createObjectURL(blob)
       */
      resolve(src, onError) {
        if (typeof node_buffer.Buffer === "function") {
          return node_buffer.Buffer.from(src, "base64");
        } else if (typeof atob === "function") {
          const str = atob(src.replace(/[\n\r]/g, ""));
          const buffer = new Uint8Array(str.length);
          for (let i = 0; i < str.length; ++i)
            buffer[i] = str.charCodeAt(i);
          return buffer;
        } else {
          onError("This environment does not support reading binary tags; either Buffer or atob is required");
          return src;
        }
      },
      stringify({ comment, type, value }, ctx, onComment, onChompKeep) {
        if (!value)
          return "";
        const buf = value;
        let str;
        if (typeof node_buffer.Buffer === "function") {
          str = buf instanceof node_buffer.Buffer ? buf.toString("base64") : node_buffer.Buffer.from(buf.buffer).toString("base64");
        } else if (typeof btoa === "function") {
          let s = "";
          for (let i = 0; i < buf.length; ++i)
            s += String.fromCharCode(buf[i]);
          str = btoa(s);
        } else {
          throw new Error("This environment does not support writing binary tags; either Buffer or btoa is required");
        }
        type ?? (type = Scalar.Scalar.BLOCK_LITERAL);
        if (type !== Scalar.Scalar.QUOTE_DOUBLE) {
          const lineWidth = Math.max(ctx.options.lineWidth - ctx.indent.length, ctx.options.minContentWidth);
          const n = Math.ceil(str.length / lineWidth);
          const lines = new Array(n);
          for (let i = 0, o = 0; i < n; ++i, o += lineWidth) {
            lines[i] = str.substr(o, lineWidth);
          }
          str = lines.join(type === Scalar.Scalar.BLOCK_LITERAL ? "\n" : " ");
        }
        return stringifyString.stringifyString({ comment, type, value: str }, ctx, onComment, onChompKeep);
      }
    };
    exports.binary = binary;
  }
});

// node_modules/yaml/dist/schema/yaml-1.1/pairs.js
var require_pairs = __commonJS({
  "node_modules/yaml/dist/schema/yaml-1.1/pairs.js"(exports) {
    "use strict";
    var identity2 = require_identity();
    var Pair = require_Pair();
    var Scalar = require_Scalar();
    var YAMLSeq = require_YAMLSeq();
    function resolvePairs(seq, onError) {
      if (identity2.isSeq(seq)) {
        for (let i = 0; i < seq.items.length; ++i) {
          let item = seq.items[i];
          if (identity2.isPair(item))
            continue;
          else if (identity2.isMap(item)) {
            if (item.items.length > 1)
              onError("Each pair must have its own sequence indicator");
            const pair = item.items[0] || new Pair.Pair(new Scalar.Scalar(null));
            if (item.commentBefore)
              pair.key.commentBefore = pair.key.commentBefore ? `${item.commentBefore}
${pair.key.commentBefore}` : item.commentBefore;
            if (item.comment) {
              const cn = pair.value ?? pair.key;
              cn.comment = cn.comment ? `${item.comment}
${cn.comment}` : item.comment;
            }
            item = pair;
          }
          seq.items[i] = identity2.isPair(item) ? item : new Pair.Pair(item);
        }
      } else
        onError("Expected a sequence for this tag");
      return seq;
    }
    function createPairs(schema, iterable, ctx) {
      const { replacer } = ctx;
      const pairs2 = new YAMLSeq.YAMLSeq(schema);
      pairs2.tag = "tag:yaml.org,2002:pairs";
      let i = 0;
      if (iterable && Symbol.iterator in Object(iterable))
        for (let it of iterable) {
          if (typeof replacer === "function")
            it = replacer.call(iterable, String(i++), it);
          let key2, value;
          if (Array.isArray(it)) {
            if (it.length === 2) {
              key2 = it[0];
              value = it[1];
            } else
              throw new TypeError(`Expected [key, value] tuple: ${it}`);
          } else if (it && it instanceof Object) {
            const keys = Object.keys(it);
            if (keys.length === 1) {
              key2 = keys[0];
              value = it[key2];
            } else {
              throw new TypeError(`Expected tuple with one key, not ${keys.length} keys`);
            }
          } else {
            key2 = it;
          }
          pairs2.items.push(Pair.createPair(key2, value, ctx));
        }
      return pairs2;
    }
    var pairs = {
      collection: "seq",
      default: false,
      tag: "tag:yaml.org,2002:pairs",
      resolve: resolvePairs,
      createNode: createPairs
    };
    exports.createPairs = createPairs;
    exports.pairs = pairs;
    exports.resolvePairs = resolvePairs;
  }
});

// node_modules/yaml/dist/schema/yaml-1.1/omap.js
var require_omap = __commonJS({
  "node_modules/yaml/dist/schema/yaml-1.1/omap.js"(exports) {
    "use strict";
    var identity2 = require_identity();
    var toJS = require_toJS();
    var YAMLMap = require_YAMLMap();
    var YAMLSeq = require_YAMLSeq();
    var pairs = require_pairs();
    var YAMLOMap = class _YAMLOMap extends YAMLSeq.YAMLSeq {
      constructor() {
        super();
        this.add = YAMLMap.YAMLMap.prototype.add.bind(this);
        this.delete = YAMLMap.YAMLMap.prototype.delete.bind(this);
        this.get = YAMLMap.YAMLMap.prototype.get.bind(this);
        this.has = YAMLMap.YAMLMap.prototype.has.bind(this);
        this.set = YAMLMap.YAMLMap.prototype.set.bind(this);
        this.tag = _YAMLOMap.tag;
      }
      /**
       * If `ctx` is given, the return type is actually `Map<unknown, unknown>`,
       * but TypeScript won't allow widening the signature of a child method.
       */
      toJSON(_, ctx) {
        if (!ctx)
          return super.toJSON(_);
        const map = /* @__PURE__ */ new Map();
        if (ctx?.onCreate)
          ctx.onCreate(map);
        for (const pair of this.items) {
          let key2, value;
          if (identity2.isPair(pair)) {
            key2 = toJS.toJS(pair.key, "", ctx);
            value = toJS.toJS(pair.value, key2, ctx);
          } else {
            key2 = toJS.toJS(pair, "", ctx);
          }
          if (map.has(key2))
            throw new Error("Ordered maps must not include duplicate keys");
          map.set(key2, value);
        }
        return map;
      }
      static from(schema, iterable, ctx) {
        const pairs$1 = pairs.createPairs(schema, iterable, ctx);
        const omap2 = new this();
        omap2.items = pairs$1.items;
        return omap2;
      }
    };
    YAMLOMap.tag = "tag:yaml.org,2002:omap";
    var omap = {
      collection: "seq",
      identify: (value) => value instanceof Map,
      nodeClass: YAMLOMap,
      default: false,
      tag: "tag:yaml.org,2002:omap",
      resolve(seq, onError) {
        const pairs$1 = pairs.resolvePairs(seq, onError);
        const seenKeys = [];
        for (const { key: key2 } of pairs$1.items) {
          if (identity2.isScalar(key2)) {
            if (seenKeys.includes(key2.value)) {
              onError(`Ordered maps must not include duplicate keys: ${key2.value}`);
            } else {
              seenKeys.push(key2.value);
            }
          }
        }
        return Object.assign(new YAMLOMap(), pairs$1);
      },
      createNode: (schema, iterable, ctx) => YAMLOMap.from(schema, iterable, ctx)
    };
    exports.YAMLOMap = YAMLOMap;
    exports.omap = omap;
  }
});

// node_modules/yaml/dist/schema/yaml-1.1/bool.js
var require_bool2 = __commonJS({
  "node_modules/yaml/dist/schema/yaml-1.1/bool.js"(exports) {
    "use strict";
    var Scalar = require_Scalar();
    function boolStringify({ value, source }, ctx) {
      const boolObj = value ? trueTag : falseTag;
      if (source && boolObj.test.test(source))
        return source;
      return value ? ctx.options.trueStr : ctx.options.falseStr;
    }
    var trueTag = {
      identify: (value) => value === true,
      default: true,
      tag: "tag:yaml.org,2002:bool",
      test: /^(?:Y|y|[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/,
      resolve: () => new Scalar.Scalar(true),
      stringify: boolStringify
    };
    var falseTag = {
      identify: (value) => value === false,
      default: true,
      tag: "tag:yaml.org,2002:bool",
      test: /^(?:N|n|[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/,
      resolve: () => new Scalar.Scalar(false),
      stringify: boolStringify
    };
    exports.falseTag = falseTag;
    exports.trueTag = trueTag;
  }
});

// node_modules/yaml/dist/schema/yaml-1.1/float.js
var require_float2 = __commonJS({
  "node_modules/yaml/dist/schema/yaml-1.1/float.js"(exports) {
    "use strict";
    var Scalar = require_Scalar();
    var stringifyNumber = require_stringifyNumber();
    var floatNaN = {
      identify: (value) => typeof value === "number",
      default: true,
      tag: "tag:yaml.org,2002:float",
      test: /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
      resolve: (str) => str.slice(-3).toLowerCase() === "nan" ? NaN : str[0] === "-" ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY,
      stringify: stringifyNumber.stringifyNumber
    };
    var floatExp = {
      identify: (value) => typeof value === "number",
      default: true,
      tag: "tag:yaml.org,2002:float",
      format: "EXP",
      test: /^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?[eE][-+]?[0-9]+$/,
      resolve: (str) => parseFloat(str.replace(/_/g, "")),
      stringify(node) {
        const num = Number(node.value);
        return isFinite(num) ? num.toExponential() : stringifyNumber.stringifyNumber(node);
      }
    };
    var float = {
      identify: (value) => typeof value === "number",
      default: true,
      tag: "tag:yaml.org,2002:float",
      test: /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*$/,
      resolve(str) {
        const node = new Scalar.Scalar(parseFloat(str.replace(/_/g, "")));
        const dot = str.indexOf(".");
        if (dot !== -1) {
          const f = str.substring(dot + 1).replace(/_/g, "");
          if (f[f.length - 1] === "0")
            node.minFractionDigits = f.length;
        }
        return node;
      },
      stringify: stringifyNumber.stringifyNumber
    };
    exports.float = float;
    exports.floatExp = floatExp;
    exports.floatNaN = floatNaN;
  }
});

// node_modules/yaml/dist/schema/yaml-1.1/int.js
var require_int2 = __commonJS({
  "node_modules/yaml/dist/schema/yaml-1.1/int.js"(exports) {
    "use strict";
    var stringifyNumber = require_stringifyNumber();
    var intIdentify = (value) => typeof value === "bigint" || Number.isInteger(value);
    function intResolve(str, offset, radix, { intAsBigInt }) {
      const sign = str[0];
      if (sign === "-" || sign === "+")
        offset += 1;
      str = str.substring(offset).replace(/_/g, "");
      if (intAsBigInt) {
        switch (radix) {
          case 2:
            str = `0b${str}`;
            break;
          case 8:
            str = `0o${str}`;
            break;
          case 16:
            str = `0x${str}`;
            break;
        }
        const n2 = BigInt(str);
        return sign === "-" ? BigInt(-1) * n2 : n2;
      }
      const n = parseInt(str, radix);
      return sign === "-" ? -1 * n : n;
    }
    function intStringify(node, radix, prefix) {
      const { value } = node;
      if (intIdentify(value)) {
        const str = value.toString(radix);
        return value < 0 ? "-" + prefix + str.substr(1) : prefix + str;
      }
      return stringifyNumber.stringifyNumber(node);
    }
    var intBin = {
      identify: intIdentify,
      default: true,
      tag: "tag:yaml.org,2002:int",
      format: "BIN",
      test: /^[-+]?0b[0-1_]+$/,
      resolve: (str, _onError, opt) => intResolve(str, 2, 2, opt),
      stringify: (node) => intStringify(node, 2, "0b")
    };
    var intOct = {
      identify: intIdentify,
      default: true,
      tag: "tag:yaml.org,2002:int",
      format: "OCT",
      test: /^[-+]?0[0-7_]+$/,
      resolve: (str, _onError, opt) => intResolve(str, 1, 8, opt),
      stringify: (node) => intStringify(node, 8, "0")
    };
    var int = {
      identify: intIdentify,
      default: true,
      tag: "tag:yaml.org,2002:int",
      test: /^[-+]?[0-9][0-9_]*$/,
      resolve: (str, _onError, opt) => intResolve(str, 0, 10, opt),
      stringify: stringifyNumber.stringifyNumber
    };
    var intHex = {
      identify: intIdentify,
      default: true,
      tag: "tag:yaml.org,2002:int",
      format: "HEX",
      test: /^[-+]?0x[0-9a-fA-F_]+$/,
      resolve: (str, _onError, opt) => intResolve(str, 2, 16, opt),
      stringify: (node) => intStringify(node, 16, "0x")
    };
    exports.int = int;
    exports.intBin = intBin;
    exports.intHex = intHex;
    exports.intOct = intOct;
  }
});

// node_modules/yaml/dist/schema/yaml-1.1/set.js
var require_set = __commonJS({
  "node_modules/yaml/dist/schema/yaml-1.1/set.js"(exports) {
    "use strict";
    var identity2 = require_identity();
    var Pair = require_Pair();
    var YAMLMap = require_YAMLMap();
    var YAMLSet = class _YAMLSet extends YAMLMap.YAMLMap {
      constructor(schema) {
        super(schema);
        this.tag = _YAMLSet.tag;
      }
      add(key2) {
        let pair;
        if (identity2.isPair(key2))
          pair = key2;
        else if (key2 && typeof key2 === "object" && "key" in key2 && "value" in key2 && key2.value === null)
          pair = new Pair.Pair(key2.key, null);
        else
          pair = new Pair.Pair(key2, null);
        const prev = YAMLMap.findPair(this.items, pair.key);
        if (!prev)
          this.items.push(pair);
      }
      /**
       * If `keepPair` is `true`, returns the Pair matching `key`.
       * Otherwise, returns the value of that Pair's key.
       */
      get(key2, keepPair) {
        const pair = YAMLMap.findPair(this.items, key2);
        return !keepPair && identity2.isPair(pair) ? identity2.isScalar(pair.key) ? pair.key.value : pair.key : pair;
      }
      set(key2, value) {
        if (typeof value !== "boolean")
          throw new Error(`Expected boolean value for set(key, value) in a YAML set, not ${typeof value}`);
        const prev = YAMLMap.findPair(this.items, key2);
        if (prev && !value) {
          this.items.splice(this.items.indexOf(prev), 1);
        } else if (!prev && value) {
          this.items.push(new Pair.Pair(key2));
        }
      }
      toJSON(_, ctx) {
        return super.toJSON(_, ctx, Set);
      }
      toString(ctx, onComment, onChompKeep) {
        if (!ctx)
          return JSON.stringify(this);
        if (this.hasAllNullValues(true))
          return super.toString(Object.assign({}, ctx, { allNullValues: true }), onComment, onChompKeep);
        else
          throw new Error("Set items must all have null values");
      }
      static from(schema, iterable, ctx) {
        const { replacer } = ctx;
        const set2 = new this(schema);
        if (iterable && Symbol.iterator in Object(iterable))
          for (let value of iterable) {
            if (typeof replacer === "function")
              value = replacer.call(iterable, value, value);
            set2.items.push(Pair.createPair(value, null, ctx));
          }
        return set2;
      }
    };
    YAMLSet.tag = "tag:yaml.org,2002:set";
    var set = {
      collection: "map",
      identify: (value) => value instanceof Set,
      nodeClass: YAMLSet,
      default: false,
      tag: "tag:yaml.org,2002:set",
      createNode: (schema, iterable, ctx) => YAMLSet.from(schema, iterable, ctx),
      resolve(map, onError) {
        if (identity2.isMap(map)) {
          if (map.hasAllNullValues(true))
            return Object.assign(new YAMLSet(), map);
          else
            onError("Set items must all have null values");
        } else
          onError("Expected a mapping for this tag");
        return map;
      }
    };
    exports.YAMLSet = YAMLSet;
    exports.set = set;
  }
});

// node_modules/yaml/dist/schema/yaml-1.1/timestamp.js
var require_timestamp = __commonJS({
  "node_modules/yaml/dist/schema/yaml-1.1/timestamp.js"(exports) {
    "use strict";
    var stringifyNumber = require_stringifyNumber();
    function parseSexagesimal(str, asBigInt) {
      const sign = str[0];
      const parts = sign === "-" || sign === "+" ? str.substring(1) : str;
      const num = (n) => asBigInt ? BigInt(n) : Number(n);
      const res = parts.replace(/_/g, "").split(":").reduce((res2, p) => res2 * num(60) + num(p), num(0));
      return sign === "-" ? num(-1) * res : res;
    }
    function stringifySexagesimal(node) {
      let { value } = node;
      let num = (n) => n;
      if (typeof value === "bigint")
        num = (n) => BigInt(n);
      else if (isNaN(value) || !isFinite(value))
        return stringifyNumber.stringifyNumber(node);
      let sign = "";
      if (value < 0) {
        sign = "-";
        value *= num(-1);
      }
      const _60 = num(60);
      const parts = [value % _60];
      if (value < 60) {
        parts.unshift(0);
      } else {
        value = (value - parts[0]) / _60;
        parts.unshift(value % _60);
        if (value >= 60) {
          value = (value - parts[0]) / _60;
          parts.unshift(value);
        }
      }
      return sign + parts.map((n) => String(n).padStart(2, "0")).join(":").replace(/000000\d*$/, "");
    }
    var intTime = {
      identify: (value) => typeof value === "bigint" || Number.isInteger(value),
      default: true,
      tag: "tag:yaml.org,2002:int",
      format: "TIME",
      test: /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+$/,
      resolve: (str, _onError, { intAsBigInt }) => parseSexagesimal(str, intAsBigInt),
      stringify: stringifySexagesimal
    };
    var floatTime = {
      identify: (value) => typeof value === "number",
      default: true,
      tag: "tag:yaml.org,2002:float",
      format: "TIME",
      test: /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*$/,
      resolve: (str) => parseSexagesimal(str, false),
      stringify: stringifySexagesimal
    };
    var timestamp2 = {
      identify: (value) => value instanceof Date,
      default: true,
      tag: "tag:yaml.org,2002:timestamp",
      // If the time zone is omitted, the timestamp is assumed to be specified in UTC. The time part
      // may be omitted altogether, resulting in a date format. In such a case, the time part is
      // assumed to be 00:00:00Z (start of day, UTC).
      test: RegExp("^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:(?:t|T|[ \\t]+)([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2}(\\.[0-9]+)?)(?:[ \\t]*(Z|[-+][012]?[0-9](?::[0-9]{2})?))?)?$"),
      resolve(str) {
        const match = str.match(timestamp2.test);
        if (!match)
          throw new Error("!!timestamp expects a date, starting with yyyy-mm-dd");
        const [, year, month, day, hour, minute, second] = match.map(Number);
        const millisec = match[7] ? Number((match[7] + "00").substr(1, 3)) : 0;
        let date = Date.UTC(year, month - 1, day, hour || 0, minute || 0, second || 0, millisec);
        const tz = match[8];
        if (tz && tz !== "Z") {
          let d = parseSexagesimal(tz, false);
          if (Math.abs(d) < 30)
            d *= 60;
          date -= 6e4 * d;
        }
        return new Date(date);
      },
      stringify: ({ value }) => value?.toISOString().replace(/(T00:00:00)?\.000Z$/, "") ?? ""
    };
    exports.floatTime = floatTime;
    exports.intTime = intTime;
    exports.timestamp = timestamp2;
  }
});

// node_modules/yaml/dist/schema/yaml-1.1/schema.js
var require_schema3 = __commonJS({
  "node_modules/yaml/dist/schema/yaml-1.1/schema.js"(exports) {
    "use strict";
    var map = require_map();
    var _null = require_null();
    var seq = require_seq();
    var string = require_string();
    var binary = require_binary();
    var bool = require_bool2();
    var float = require_float2();
    var int = require_int2();
    var merge = require_merge();
    var omap = require_omap();
    var pairs = require_pairs();
    var set = require_set();
    var timestamp2 = require_timestamp();
    var schema = [
      map.map,
      seq.seq,
      string.string,
      _null.nullTag,
      bool.trueTag,
      bool.falseTag,
      int.intBin,
      int.intOct,
      int.int,
      int.intHex,
      float.floatNaN,
      float.floatExp,
      float.float,
      binary.binary,
      merge.merge,
      omap.omap,
      pairs.pairs,
      set.set,
      timestamp2.intTime,
      timestamp2.floatTime,
      timestamp2.timestamp
    ];
    exports.schema = schema;
  }
});

// node_modules/yaml/dist/schema/tags.js
var require_tags = __commonJS({
  "node_modules/yaml/dist/schema/tags.js"(exports) {
    "use strict";
    var map = require_map();
    var _null = require_null();
    var seq = require_seq();
    var string = require_string();
    var bool = require_bool();
    var float = require_float();
    var int = require_int();
    var schema = require_schema();
    var schema$1 = require_schema2();
    var binary = require_binary();
    var merge = require_merge();
    var omap = require_omap();
    var pairs = require_pairs();
    var schema$2 = require_schema3();
    var set = require_set();
    var timestamp2 = require_timestamp();
    var schemas = /* @__PURE__ */ new Map([
      ["core", schema.schema],
      ["failsafe", [map.map, seq.seq, string.string]],
      ["json", schema$1.schema],
      ["yaml11", schema$2.schema],
      ["yaml-1.1", schema$2.schema]
    ]);
    var tagsByName = {
      binary: binary.binary,
      bool: bool.boolTag,
      float: float.float,
      floatExp: float.floatExp,
      floatNaN: float.floatNaN,
      floatTime: timestamp2.floatTime,
      int: int.int,
      intHex: int.intHex,
      intOct: int.intOct,
      intTime: timestamp2.intTime,
      map: map.map,
      merge: merge.merge,
      null: _null.nullTag,
      omap: omap.omap,
      pairs: pairs.pairs,
      seq: seq.seq,
      set: set.set,
      timestamp: timestamp2.timestamp
    };
    var coreKnownTags = {
      "tag:yaml.org,2002:binary": binary.binary,
      "tag:yaml.org,2002:merge": merge.merge,
      "tag:yaml.org,2002:omap": omap.omap,
      "tag:yaml.org,2002:pairs": pairs.pairs,
      "tag:yaml.org,2002:set": set.set,
      "tag:yaml.org,2002:timestamp": timestamp2.timestamp
    };
    function getTags(customTags, schemaName, addMergeTag) {
      const schemaTags = schemas.get(schemaName);
      if (schemaTags && !customTags) {
        return addMergeTag && !schemaTags.includes(merge.merge) ? schemaTags.concat(merge.merge) : schemaTags.slice();
      }
      let tags = schemaTags;
      if (!tags) {
        if (Array.isArray(customTags))
          tags = [];
        else {
          const keys = Array.from(schemas.keys()).filter((key2) => key2 !== "yaml11").map((key2) => JSON.stringify(key2)).join(", ");
          throw new Error(`Unknown schema "${schemaName}"; use one of ${keys} or define customTags array`);
        }
      }
      if (Array.isArray(customTags)) {
        for (const tag of customTags)
          tags = tags.concat(tag);
      } else if (typeof customTags === "function") {
        tags = customTags(tags.slice());
      }
      if (addMergeTag)
        tags = tags.concat(merge.merge);
      return tags.reduce((tags2, tag) => {
        const tagObj = typeof tag === "string" ? tagsByName[tag] : tag;
        if (!tagObj) {
          const tagName = JSON.stringify(tag);
          const keys = Object.keys(tagsByName).map((key2) => JSON.stringify(key2)).join(", ");
          throw new Error(`Unknown custom tag ${tagName}; use one of ${keys}`);
        }
        if (!tags2.includes(tagObj))
          tags2.push(tagObj);
        return tags2;
      }, []);
    }
    exports.coreKnownTags = coreKnownTags;
    exports.getTags = getTags;
  }
});

// node_modules/yaml/dist/schema/Schema.js
var require_Schema = __commonJS({
  "node_modules/yaml/dist/schema/Schema.js"(exports) {
    "use strict";
    var identity2 = require_identity();
    var map = require_map();
    var seq = require_seq();
    var string = require_string();
    var tags = require_tags();
    var sortMapEntriesByKey = (a, b) => a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
    var Schema = class _Schema {
      constructor({ compat, customTags, merge, resolveKnownTags, schema, sortMapEntries, toStringDefaults }) {
        this.compat = Array.isArray(compat) ? tags.getTags(compat, "compat") : compat ? tags.getTags(null, compat) : null;
        this.name = typeof schema === "string" && schema || "core";
        this.knownTags = resolveKnownTags ? tags.coreKnownTags : {};
        this.tags = tags.getTags(customTags, this.name, merge);
        this.toStringOptions = toStringDefaults ?? null;
        Object.defineProperty(this, identity2.MAP, { value: map.map });
        Object.defineProperty(this, identity2.SCALAR, { value: string.string });
        Object.defineProperty(this, identity2.SEQ, { value: seq.seq });
        this.sortMapEntries = typeof sortMapEntries === "function" ? sortMapEntries : sortMapEntries === true ? sortMapEntriesByKey : null;
      }
      clone() {
        const copy = Object.create(_Schema.prototype, Object.getOwnPropertyDescriptors(this));
        copy.tags = this.tags.slice();
        return copy;
      }
    };
    exports.Schema = Schema;
  }
});

// node_modules/yaml/dist/stringify/stringifyDocument.js
var require_stringifyDocument = __commonJS({
  "node_modules/yaml/dist/stringify/stringifyDocument.js"(exports) {
    "use strict";
    var identity2 = require_identity();
    var stringify = require_stringify();
    var stringifyComment = require_stringifyComment();
    function stringifyDocument(doc, options2) {
      const lines = [];
      let hasDirectives = options2.directives === true;
      if (options2.directives !== false && doc.directives) {
        const dir = doc.directives.toString(doc);
        if (dir) {
          lines.push(dir);
          hasDirectives = true;
        } else if (doc.directives.docStart)
          hasDirectives = true;
      }
      if (hasDirectives)
        lines.push("---");
      const ctx = stringify.createStringifyContext(doc, options2);
      const { commentString } = ctx.options;
      if (doc.commentBefore) {
        if (lines.length !== 1)
          lines.unshift("");
        const cs = commentString(doc.commentBefore);
        lines.unshift(stringifyComment.indentComment(cs, ""));
      }
      let chompKeep = false;
      let contentComment = null;
      if (doc.contents) {
        if (identity2.isNode(doc.contents)) {
          if (doc.contents.spaceBefore && hasDirectives)
            lines.push("");
          if (doc.contents.commentBefore) {
            const cs = commentString(doc.contents.commentBefore);
            lines.push(stringifyComment.indentComment(cs, ""));
          }
          ctx.forceBlockIndent = !!doc.comment;
          contentComment = doc.contents.comment;
        }
        const onChompKeep = contentComment ? void 0 : () => chompKeep = true;
        let body = stringify.stringify(doc.contents, ctx, () => contentComment = null, onChompKeep);
        if (contentComment)
          body += stringifyComment.lineComment(body, "", commentString(contentComment));
        if ((body[0] === "|" || body[0] === ">") && lines[lines.length - 1] === "---") {
          lines[lines.length - 1] = `--- ${body}`;
        } else
          lines.push(body);
      } else {
        lines.push(stringify.stringify(doc.contents, ctx));
      }
      if (doc.directives?.docEnd) {
        if (doc.comment) {
          const cs = commentString(doc.comment);
          if (cs.includes("\n")) {
            lines.push("...");
            lines.push(stringifyComment.indentComment(cs, ""));
          } else {
            lines.push(`... ${cs}`);
          }
        } else {
          lines.push("...");
        }
      } else {
        let dc = doc.comment;
        if (dc && chompKeep)
          dc = dc.replace(/^\n+/, "");
        if (dc) {
          if ((!chompKeep || contentComment) && lines[lines.length - 1] !== "")
            lines.push("");
          lines.push(stringifyComment.indentComment(commentString(dc), ""));
        }
      }
      return lines.join("\n") + "\n";
    }
    exports.stringifyDocument = stringifyDocument;
  }
});

// node_modules/yaml/dist/doc/Document.js
var require_Document = __commonJS({
  "node_modules/yaml/dist/doc/Document.js"(exports) {
    "use strict";
    var Alias = require_Alias();
    var Collection = require_Collection();
    var identity2 = require_identity();
    var Pair = require_Pair();
    var toJS = require_toJS();
    var Schema = require_Schema();
    var stringifyDocument = require_stringifyDocument();
    var anchors = require_anchors();
    var applyReviver = require_applyReviver();
    var createNode = require_createNode();
    var directives = require_directives();
    var Document = class _Document {
      constructor(value, replacer, options2) {
        this.commentBefore = null;
        this.comment = null;
        this.errors = [];
        this.warnings = [];
        Object.defineProperty(this, identity2.NODE_TYPE, { value: identity2.DOC });
        let _replacer = null;
        if (typeof replacer === "function" || Array.isArray(replacer)) {
          _replacer = replacer;
        } else if (options2 === void 0 && replacer) {
          options2 = replacer;
          replacer = void 0;
        }
        const opt = Object.assign({
          intAsBigInt: false,
          keepSourceTokens: false,
          logLevel: "warn",
          prettyErrors: true,
          strict: true,
          stringKeys: false,
          uniqueKeys: true,
          version: "1.2"
        }, options2);
        this.options = opt;
        let { version } = opt;
        if (options2?._directives) {
          this.directives = options2._directives.atDocument();
          if (this.directives.yaml.explicit)
            version = this.directives.yaml.version;
        } else
          this.directives = new directives.Directives({ version });
        this.setSchema(version, options2);
        this.contents = value === void 0 ? null : this.createNode(value, _replacer, options2);
      }
      /**
       * Create a deep copy of this Document and its contents.
       *
       * Custom Node values that inherit from `Object` still refer to their original instances.
       */
      clone() {
        const copy = Object.create(_Document.prototype, {
          [identity2.NODE_TYPE]: { value: identity2.DOC }
        });
        copy.commentBefore = this.commentBefore;
        copy.comment = this.comment;
        copy.errors = this.errors.slice();
        copy.warnings = this.warnings.slice();
        copy.options = Object.assign({}, this.options);
        if (this.directives)
          copy.directives = this.directives.clone();
        copy.schema = this.schema.clone();
        copy.contents = identity2.isNode(this.contents) ? this.contents.clone(copy.schema) : this.contents;
        if (this.range)
          copy.range = this.range.slice();
        return copy;
      }
      /** Adds a value to the document. */
      add(value) {
        if (assertCollection(this.contents))
          this.contents.add(value);
      }
      /** Adds a value to the document. */
      addIn(path, value) {
        if (assertCollection(this.contents))
          this.contents.addIn(path, value);
      }
      /**
       * Create a new `Alias` node, ensuring that the target `node` has the required anchor.
       *
       * If `node` already has an anchor, `name` is ignored.
       * Otherwise, the `node.anchor` value will be set to `name`,
       * or if an anchor with that name is already present in the document,
       * `name` will be used as a prefix for a new unique anchor.
       * If `name` is undefined, the generated anchor will use 'a' as a prefix.
       */
      createAlias(node, name) {
        if (!node.anchor) {
          const prev = anchors.anchorNames(this);
          node.anchor = // eslint-disable-next-line @typescript-eslint/prefer-nullish-coalescing
          !name || prev.has(name) ? anchors.findNewAnchor(name || "a", prev) : name;
        }
        return new Alias.Alias(node.anchor);
      }
      createNode(value, replacer, options2) {
        let _replacer = void 0;
        if (typeof replacer === "function") {
          value = replacer.call({ "": value }, "", value);
          _replacer = replacer;
        } else if (Array.isArray(replacer)) {
          const keyToStr = (v) => typeof v === "number" || v instanceof String || v instanceof Number;
          const asStr = replacer.filter(keyToStr).map(String);
          if (asStr.length > 0)
            replacer = replacer.concat(asStr);
          _replacer = replacer;
        } else if (options2 === void 0 && replacer) {
          options2 = replacer;
          replacer = void 0;
        }
        const { aliasDuplicateObjects, anchorPrefix, flow, keepUndefined, onTagObj, tag } = options2 ?? {};
        const { onAnchor, setAnchors, sourceObjects } = anchors.createNodeAnchors(
          this,
          // eslint-disable-next-line @typescript-eslint/prefer-nullish-coalescing
          anchorPrefix || "a"
        );
        const ctx = {
          aliasDuplicateObjects: aliasDuplicateObjects ?? true,
          keepUndefined: keepUndefined ?? false,
          onAnchor,
          onTagObj,
          replacer: _replacer,
          schema: this.schema,
          sourceObjects
        };
        const node = createNode.createNode(value, tag, ctx);
        if (flow && identity2.isCollection(node))
          node.flow = true;
        setAnchors();
        return node;
      }
      /**
       * Convert a key and a value into a `Pair` using the current schema,
       * recursively wrapping all values as `Scalar` or `Collection` nodes.
       */
      createPair(key2, value, options2 = {}) {
        const k = this.createNode(key2, null, options2);
        const v = this.createNode(value, null, options2);
        return new Pair.Pair(k, v);
      }
      /**
       * Removes a value from the document.
       * @returns `true` if the item was found and removed.
       */
      delete(key2) {
        return assertCollection(this.contents) ? this.contents.delete(key2) : false;
      }
      /**
       * Removes a value from the document.
       * @returns `true` if the item was found and removed.
       */
      deleteIn(path) {
        if (Collection.isEmptyPath(path)) {
          if (this.contents == null)
            return false;
          this.contents = null;
          return true;
        }
        return assertCollection(this.contents) ? this.contents.deleteIn(path) : false;
      }
      /**
       * Returns item at `key`, or `undefined` if not found. By default unwraps
       * scalar values from their surrounding node; to disable set `keepScalar` to
       * `true` (collections are always returned intact).
       */
      get(key2, keepScalar) {
        return identity2.isCollection(this.contents) ? this.contents.get(key2, keepScalar) : void 0;
      }
      /**
       * Returns item at `path`, or `undefined` if not found. By default unwraps
       * scalar values from their surrounding node; to disable set `keepScalar` to
       * `true` (collections are always returned intact).
       */
      getIn(path, keepScalar) {
        if (Collection.isEmptyPath(path))
          return !keepScalar && identity2.isScalar(this.contents) ? this.contents.value : this.contents;
        return identity2.isCollection(this.contents) ? this.contents.getIn(path, keepScalar) : void 0;
      }
      /**
       * Checks if the document includes a value with the key `key`.
       */
      has(key2) {
        return identity2.isCollection(this.contents) ? this.contents.has(key2) : false;
      }
      /**
       * Checks if the document includes a value at `path`.
       */
      hasIn(path) {
        if (Collection.isEmptyPath(path))
          return this.contents !== void 0;
        return identity2.isCollection(this.contents) ? this.contents.hasIn(path) : false;
      }
      /**
       * Sets a value in this document. For `!!set`, `value` needs to be a
       * boolean to add/remove the item from the set.
       */
      set(key2, value) {
        if (this.contents == null) {
          this.contents = Collection.collectionFromPath(this.schema, [key2], value);
        } else if (assertCollection(this.contents)) {
          this.contents.set(key2, value);
        }
      }
      /**
       * Sets a value in this document. For `!!set`, `value` needs to be a
       * boolean to add/remove the item from the set.
       */
      setIn(path, value) {
        if (Collection.isEmptyPath(path)) {
          this.contents = value;
        } else if (this.contents == null) {
          this.contents = Collection.collectionFromPath(this.schema, Array.from(path), value);
        } else if (assertCollection(this.contents)) {
          this.contents.setIn(path, value);
        }
      }
      /**
       * Change the YAML version and schema used by the document.
       * A `null` version disables support for directives, explicit tags, anchors, and aliases.
       * It also requires the `schema` option to be given as a `Schema` instance value.
       *
       * Overrides all previously set schema options.
       */
      setSchema(version, options2 = {}) {
        if (typeof version === "number")
          version = String(version);
        let opt;
        switch (version) {
          case "1.1":
            if (this.directives)
              this.directives.yaml.version = "1.1";
            else
              this.directives = new directives.Directives({ version: "1.1" });
            opt = { resolveKnownTags: false, schema: "yaml-1.1" };
            break;
          case "1.2":
          case "next":
            if (this.directives)
              this.directives.yaml.version = version;
            else
              this.directives = new directives.Directives({ version });
            opt = { resolveKnownTags: true, schema: "core" };
            break;
          case null:
            if (this.directives)
              delete this.directives;
            opt = null;
            break;
          default: {
            const sv = JSON.stringify(version);
            throw new Error(`Expected '1.1', '1.2' or null as first argument, but found: ${sv}`);
          }
        }
        if (options2.schema instanceof Object)
          this.schema = options2.schema;
        else if (opt)
          this.schema = new Schema.Schema(Object.assign(opt, options2));
        else
          throw new Error(`With a null YAML version, the { schema: Schema } option is required`);
      }
      // json & jsonArg are only used from toJSON()
      toJS({ json, jsonArg, mapAsMap, maxAliasCount, onAnchor, reviver } = {}) {
        const ctx = {
          anchors: /* @__PURE__ */ new Map(),
          doc: this,
          keep: !json,
          mapAsMap: mapAsMap === true,
          mapKeyWarned: false,
          maxAliasCount: typeof maxAliasCount === "number" ? maxAliasCount : 100
        };
        const res = toJS.toJS(this.contents, jsonArg ?? "", ctx);
        if (typeof onAnchor === "function")
          for (const { count, res: res2 } of ctx.anchors.values())
            onAnchor(res2, count);
        return typeof reviver === "function" ? applyReviver.applyReviver(reviver, { "": res }, "", res) : res;
      }
      /**
       * A JSON representation of the document `contents`.
       *
       * @param jsonArg Used by `JSON.stringify` to indicate the array index or
       *   property name.
       */
      toJSON(jsonArg, onAnchor) {
        return this.toJS({ json: true, jsonArg, mapAsMap: false, onAnchor });
      }
      /** A YAML representation of the document. */
      toString(options2 = {}) {
        if (this.errors.length > 0)
          throw new Error("Document with errors cannot be stringified");
        if ("indent" in options2 && (!Number.isInteger(options2.indent) || Number(options2.indent) <= 0)) {
          const s = JSON.stringify(options2.indent);
          throw new Error(`"indent" option must be a positive integer, not ${s}`);
        }
        return stringifyDocument.stringifyDocument(this, options2);
      }
    };
    function assertCollection(contents) {
      if (identity2.isCollection(contents))
        return true;
      throw new Error("Expected a YAML collection as document contents");
    }
    exports.Document = Document;
  }
});

// node_modules/yaml/dist/errors.js
var require_errors = __commonJS({
  "node_modules/yaml/dist/errors.js"(exports) {
    "use strict";
    var YAMLError = class extends Error {
      constructor(name, pos, code, message) {
        super();
        this.name = name;
        this.code = code;
        this.message = message;
        this.pos = pos;
      }
    };
    var YAMLParseError = class extends YAMLError {
      constructor(pos, code, message) {
        super("YAMLParseError", pos, code, message);
      }
    };
    var YAMLWarning = class extends YAMLError {
      constructor(pos, code, message) {
        super("YAMLWarning", pos, code, message);
      }
    };
    var prettifyError = (src, lc) => (error) => {
      if (error.pos[0] === -1)
        return;
      error.linePos = error.pos.map((pos) => lc.linePos(pos));
      const { line, col } = error.linePos[0];
      error.message += ` at line ${line}, column ${col}`;
      let ci = col - 1;
      let lineStr = src.substring(lc.lineStarts[line - 1], lc.lineStarts[line]).replace(/[\n\r]+$/, "");
      if (ci >= 60 && lineStr.length > 80) {
        const trimStart = Math.min(ci - 39, lineStr.length - 79);
        lineStr = "\u2026" + lineStr.substring(trimStart);
        ci -= trimStart - 1;
      }
      if (lineStr.length > 80)
        lineStr = lineStr.substring(0, 79) + "\u2026";
      if (line > 1 && /^ *$/.test(lineStr.substring(0, ci))) {
        let prev = src.substring(lc.lineStarts[line - 2], lc.lineStarts[line - 1]);
        if (prev.length > 80)
          prev = prev.substring(0, 79) + "\u2026\n";
        lineStr = prev + lineStr;
      }
      if (/[^ ]/.test(lineStr)) {
        let count = 1;
        const end = error.linePos[1];
        if (end?.line === line && end.col > col) {
          count = Math.max(1, Math.min(end.col - col, 80 - ci));
        }
        const pointer = " ".repeat(ci) + "^".repeat(count);
        error.message += `:

${lineStr}
${pointer}
`;
      }
    };
    exports.YAMLError = YAMLError;
    exports.YAMLParseError = YAMLParseError;
    exports.YAMLWarning = YAMLWarning;
    exports.prettifyError = prettifyError;
  }
});

// node_modules/yaml/dist/compose/resolve-props.js
var require_resolve_props = __commonJS({
  "node_modules/yaml/dist/compose/resolve-props.js"(exports) {
    "use strict";
    function resolveProps(tokens, { flow, indicator, next, offset, onError, parentIndent, startOnNewline }) {
      let spaceBefore = false;
      let atNewline = startOnNewline;
      let hasSpace = startOnNewline;
      let comment = "";
      let commentSep = "";
      let hasNewline = false;
      let reqSpace = false;
      let tab = null;
      let anchor = null;
      let tag = null;
      let newlineAfterProp = null;
      let comma = null;
      let found = null;
      let start = null;
      for (const token of tokens) {
        if (reqSpace) {
          if (token.type !== "space" && token.type !== "newline" && token.type !== "comma")
            onError(token.offset, "MISSING_CHAR", "Tags and anchors must be separated from the next token by white space");
          reqSpace = false;
        }
        if (tab) {
          if (atNewline && token.type !== "comment" && token.type !== "newline") {
            onError(tab, "TAB_AS_INDENT", "Tabs are not allowed as indentation");
          }
          tab = null;
        }
        switch (token.type) {
          case "space":
            if (!flow && (indicator !== "doc-start" || next?.type !== "flow-collection") && token.source.includes("	")) {
              tab = token;
            }
            hasSpace = true;
            break;
          case "comment": {
            if (!hasSpace)
              onError(token, "MISSING_CHAR", "Comments must be separated from other tokens by white space characters");
            const cb = token.source.substring(1) || " ";
            if (!comment)
              comment = cb;
            else
              comment += commentSep + cb;
            commentSep = "";
            atNewline = false;
            break;
          }
          case "newline":
            if (atNewline) {
              if (comment)
                comment += token.source;
              else if (!found || indicator !== "seq-item-ind")
                spaceBefore = true;
            } else
              commentSep += token.source;
            atNewline = true;
            hasNewline = true;
            if (anchor || tag)
              newlineAfterProp = token;
            hasSpace = true;
            break;
          case "anchor":
            if (anchor)
              onError(token, "MULTIPLE_ANCHORS", "A node can have at most one anchor");
            if (token.source.endsWith(":"))
              onError(token.offset + token.source.length - 1, "BAD_ALIAS", "Anchor ending in : is ambiguous", true);
            anchor = token;
            start ?? (start = token.offset);
            atNewline = false;
            hasSpace = false;
            reqSpace = true;
            break;
          case "tag": {
            if (tag)
              onError(token, "MULTIPLE_TAGS", "A node can have at most one tag");
            tag = token;
            start ?? (start = token.offset);
            atNewline = false;
            hasSpace = false;
            reqSpace = true;
            break;
          }
          case indicator:
            if (anchor || tag)
              onError(token, "BAD_PROP_ORDER", `Anchors and tags must be after the ${token.source} indicator`);
            if (found)
              onError(token, "UNEXPECTED_TOKEN", `Unexpected ${token.source} in ${flow ?? "collection"}`);
            found = token;
            atNewline = indicator === "seq-item-ind" || indicator === "explicit-key-ind";
            hasSpace = false;
            break;
          case "comma":
            if (flow) {
              if (comma)
                onError(token, "UNEXPECTED_TOKEN", `Unexpected , in ${flow}`);
              comma = token;
              atNewline = false;
              hasSpace = false;
              break;
            }
          // else fallthrough
          default:
            onError(token, "UNEXPECTED_TOKEN", `Unexpected ${token.type} token`);
            atNewline = false;
            hasSpace = false;
        }
      }
      const last = tokens[tokens.length - 1];
      const end = last ? last.offset + last.source.length : offset;
      if (reqSpace && next && next.type !== "space" && next.type !== "newline" && next.type !== "comma" && (next.type !== "scalar" || next.source !== "")) {
        onError(next.offset, "MISSING_CHAR", "Tags and anchors must be separated from the next token by white space");
      }
      if (tab && (atNewline && tab.indent <= parentIndent || next?.type === "block-map" || next?.type === "block-seq"))
        onError(tab, "TAB_AS_INDENT", "Tabs are not allowed as indentation");
      return {
        comma,
        found,
        spaceBefore,
        comment,
        hasNewline,
        anchor,
        tag,
        newlineAfterProp,
        end,
        start: start ?? end
      };
    }
    exports.resolveProps = resolveProps;
  }
});

// node_modules/yaml/dist/compose/util-contains-newline.js
var require_util_contains_newline = __commonJS({
  "node_modules/yaml/dist/compose/util-contains-newline.js"(exports) {
    "use strict";
    function containsNewline(key2) {
      if (!key2)
        return null;
      switch (key2.type) {
        case "alias":
        case "scalar":
        case "double-quoted-scalar":
        case "single-quoted-scalar":
          if (key2.source.includes("\n"))
            return true;
          if (key2.end) {
            for (const st of key2.end)
              if (st.type === "newline")
                return true;
          }
          return false;
        case "flow-collection":
          for (const it of key2.items) {
            for (const st of it.start)
              if (st.type === "newline")
                return true;
            if (it.sep) {
              for (const st of it.sep)
                if (st.type === "newline")
                  return true;
            }
            if (containsNewline(it.key) || containsNewline(it.value))
              return true;
          }
          return false;
        default:
          return true;
      }
    }
    exports.containsNewline = containsNewline;
  }
});

// node_modules/yaml/dist/compose/util-flow-indent-check.js
var require_util_flow_indent_check = __commonJS({
  "node_modules/yaml/dist/compose/util-flow-indent-check.js"(exports) {
    "use strict";
    var utilContainsNewline = require_util_contains_newline();
    function flowIndentCheck(indent, fc, onError) {
      if (fc?.type === "flow-collection") {
        const end = fc.end[0];
        if (end.indent === indent && (end.source === "]" || end.source === "}") && utilContainsNewline.containsNewline(fc)) {
          const msg = "Flow end indicator should be more indented than parent";
          onError(end, "BAD_INDENT", msg, true);
        }
      }
    }
    exports.flowIndentCheck = flowIndentCheck;
  }
});

// node_modules/yaml/dist/compose/util-map-includes.js
var require_util_map_includes = __commonJS({
  "node_modules/yaml/dist/compose/util-map-includes.js"(exports) {
    "use strict";
    var identity2 = require_identity();
    function mapIncludes(ctx, items, search) {
      const { uniqueKeys } = ctx.options;
      if (uniqueKeys === false)
        return false;
      const isEqual = typeof uniqueKeys === "function" ? uniqueKeys : (a, b) => a === b || identity2.isScalar(a) && identity2.isScalar(b) && a.value === b.value;
      return items.some((pair) => isEqual(pair.key, search));
    }
    exports.mapIncludes = mapIncludes;
  }
});

// node_modules/yaml/dist/compose/resolve-block-map.js
var require_resolve_block_map = __commonJS({
  "node_modules/yaml/dist/compose/resolve-block-map.js"(exports) {
    "use strict";
    var Pair = require_Pair();
    var YAMLMap = require_YAMLMap();
    var resolveProps = require_resolve_props();
    var utilContainsNewline = require_util_contains_newline();
    var utilFlowIndentCheck = require_util_flow_indent_check();
    var utilMapIncludes = require_util_map_includes();
    var startColMsg = "All mapping items must start at the same column";
    function resolveBlockMap({ composeNode, composeEmptyNode }, ctx, bm, onError, tag) {
      const NodeClass = tag?.nodeClass ?? YAMLMap.YAMLMap;
      const map = new NodeClass(ctx.schema);
      if (ctx.atRoot)
        ctx.atRoot = false;
      let offset = bm.offset;
      let commentEnd = null;
      for (const collItem of bm.items) {
        const { start, key: key2, sep: sep3, value } = collItem;
        const keyProps = resolveProps.resolveProps(start, {
          indicator: "explicit-key-ind",
          next: key2 ?? sep3?.[0],
          offset,
          onError,
          parentIndent: bm.indent,
          startOnNewline: true
        });
        const implicitKey = !keyProps.found;
        if (implicitKey) {
          if (key2) {
            if (key2.type === "block-seq")
              onError(offset, "BLOCK_AS_IMPLICIT_KEY", "A block sequence may not be used as an implicit map key");
            else if ("indent" in key2 && key2.indent !== bm.indent)
              onError(offset, "BAD_INDENT", startColMsg);
          }
          if (!keyProps.anchor && !keyProps.tag && !sep3) {
            commentEnd = keyProps.end;
            if (keyProps.comment) {
              if (map.comment)
                map.comment += "\n" + keyProps.comment;
              else
                map.comment = keyProps.comment;
            }
            continue;
          }
          if (keyProps.newlineAfterProp || utilContainsNewline.containsNewline(key2)) {
            onError(key2 ?? start[start.length - 1], "MULTILINE_IMPLICIT_KEY", "Implicit keys need to be on a single line");
          }
        } else if (keyProps.found?.indent !== bm.indent) {
          onError(offset, "BAD_INDENT", startColMsg);
        }
        ctx.atKey = true;
        const keyStart = keyProps.end;
        const keyNode = key2 ? composeNode(ctx, key2, keyProps, onError) : composeEmptyNode(ctx, keyStart, start, null, keyProps, onError);
        if (ctx.schema.compat)
          utilFlowIndentCheck.flowIndentCheck(bm.indent, key2, onError);
        ctx.atKey = false;
        if (utilMapIncludes.mapIncludes(ctx, map.items, keyNode))
          onError(keyStart, "DUPLICATE_KEY", "Map keys must be unique");
        const valueProps = resolveProps.resolveProps(sep3 ?? [], {
          indicator: "map-value-ind",
          next: value,
          offset: keyNode.range[2],
          onError,
          parentIndent: bm.indent,
          startOnNewline: !key2 || key2.type === "block-scalar"
        });
        offset = valueProps.end;
        if (valueProps.found) {
          if (implicitKey) {
            if (value?.type === "block-map" && !valueProps.hasNewline)
              onError(offset, "BLOCK_AS_IMPLICIT_KEY", "Nested mappings are not allowed in compact mappings");
            if (ctx.options.strict && keyProps.start < valueProps.found.offset - 1024)
              onError(keyNode.range, "KEY_OVER_1024_CHARS", "The : indicator must be at most 1024 chars after the start of an implicit block mapping key");
          }
          const valueNode = value ? composeNode(ctx, value, valueProps, onError) : composeEmptyNode(ctx, offset, sep3, null, valueProps, onError);
          if (ctx.schema.compat)
            utilFlowIndentCheck.flowIndentCheck(bm.indent, value, onError);
          offset = valueNode.range[2];
          const pair = new Pair.Pair(keyNode, valueNode);
          if (ctx.options.keepSourceTokens)
            pair.srcToken = collItem;
          map.items.push(pair);
        } else {
          if (implicitKey)
            onError(keyNode.range, "MISSING_CHAR", "Implicit map keys need to be followed by map values");
          if (valueProps.comment) {
            if (keyNode.comment)
              keyNode.comment += "\n" + valueProps.comment;
            else
              keyNode.comment = valueProps.comment;
          }
          const pair = new Pair.Pair(keyNode);
          if (ctx.options.keepSourceTokens)
            pair.srcToken = collItem;
          map.items.push(pair);
        }
      }
      if (commentEnd && commentEnd < offset)
        onError(commentEnd, "IMPOSSIBLE", "Map comment with trailing content");
      map.range = [bm.offset, offset, commentEnd ?? offset];
      return map;
    }
    exports.resolveBlockMap = resolveBlockMap;
  }
});

// node_modules/yaml/dist/compose/resolve-block-seq.js
var require_resolve_block_seq = __commonJS({
  "node_modules/yaml/dist/compose/resolve-block-seq.js"(exports) {
    "use strict";
    var YAMLSeq = require_YAMLSeq();
    var resolveProps = require_resolve_props();
    var utilFlowIndentCheck = require_util_flow_indent_check();
    function resolveBlockSeq({ composeNode, composeEmptyNode }, ctx, bs, onError, tag) {
      const NodeClass = tag?.nodeClass ?? YAMLSeq.YAMLSeq;
      const seq = new NodeClass(ctx.schema);
      if (ctx.atRoot)
        ctx.atRoot = false;
      if (ctx.atKey)
        ctx.atKey = false;
      let offset = bs.offset;
      let commentEnd = null;
      for (const { start, value } of bs.items) {
        const props = resolveProps.resolveProps(start, {
          indicator: "seq-item-ind",
          next: value,
          offset,
          onError,
          parentIndent: bs.indent,
          startOnNewline: true
        });
        if (!props.found) {
          if (props.anchor || props.tag || value) {
            if (value?.type === "block-seq")
              onError(props.end, "BAD_INDENT", "All sequence items must start at the same column");
            else
              onError(offset, "MISSING_CHAR", "Sequence item without - indicator");
          } else {
            commentEnd = props.end;
            if (props.comment)
              seq.comment = props.comment;
            continue;
          }
        }
        const node = value ? composeNode(ctx, value, props, onError) : composeEmptyNode(ctx, props.end, start, null, props, onError);
        if (ctx.schema.compat)
          utilFlowIndentCheck.flowIndentCheck(bs.indent, value, onError);
        offset = node.range[2];
        seq.items.push(node);
      }
      seq.range = [bs.offset, offset, commentEnd ?? offset];
      return seq;
    }
    exports.resolveBlockSeq = resolveBlockSeq;
  }
});

// node_modules/yaml/dist/compose/resolve-end.js
var require_resolve_end = __commonJS({
  "node_modules/yaml/dist/compose/resolve-end.js"(exports) {
    "use strict";
    function resolveEnd(end, offset, reqSpace, onError) {
      let comment = "";
      if (end) {
        let hasSpace = false;
        let sep3 = "";
        for (const token of end) {
          const { source, type } = token;
          switch (type) {
            case "space":
              hasSpace = true;
              break;
            case "comment": {
              if (reqSpace && !hasSpace)
                onError(token, "MISSING_CHAR", "Comments must be separated from other tokens by white space characters");
              const cb = source.substring(1) || " ";
              if (!comment)
                comment = cb;
              else
                comment += sep3 + cb;
              sep3 = "";
              break;
            }
            case "newline":
              if (comment)
                sep3 += source;
              hasSpace = true;
              break;
            default:
              onError(token, "UNEXPECTED_TOKEN", `Unexpected ${type} at node end`);
          }
          offset += source.length;
        }
      }
      return { comment, offset };
    }
    exports.resolveEnd = resolveEnd;
  }
});

// node_modules/yaml/dist/compose/resolve-flow-collection.js
var require_resolve_flow_collection = __commonJS({
  "node_modules/yaml/dist/compose/resolve-flow-collection.js"(exports) {
    "use strict";
    var identity2 = require_identity();
    var Pair = require_Pair();
    var YAMLMap = require_YAMLMap();
    var YAMLSeq = require_YAMLSeq();
    var resolveEnd = require_resolve_end();
    var resolveProps = require_resolve_props();
    var utilContainsNewline = require_util_contains_newline();
    var utilMapIncludes = require_util_map_includes();
    var blockMsg = "Block collections are not allowed within flow collections";
    var isBlock = (token) => token && (token.type === "block-map" || token.type === "block-seq");
    function resolveFlowCollection({ composeNode, composeEmptyNode }, ctx, fc, onError, tag) {
      const isMap3 = fc.start.source === "{";
      const fcName = isMap3 ? "flow map" : "flow sequence";
      const NodeClass = tag?.nodeClass ?? (isMap3 ? YAMLMap.YAMLMap : YAMLSeq.YAMLSeq);
      const coll = new NodeClass(ctx.schema);
      coll.flow = true;
      const atRoot = ctx.atRoot;
      if (atRoot)
        ctx.atRoot = false;
      if (ctx.atKey)
        ctx.atKey = false;
      let offset = fc.offset + fc.start.source.length;
      for (let i = 0; i < fc.items.length; ++i) {
        const collItem = fc.items[i];
        const { start, key: key2, sep: sep3, value } = collItem;
        const props = resolveProps.resolveProps(start, {
          flow: fcName,
          indicator: "explicit-key-ind",
          next: key2 ?? sep3?.[0],
          offset,
          onError,
          parentIndent: fc.indent,
          startOnNewline: false
        });
        if (!props.found) {
          if (!props.anchor && !props.tag && !sep3 && !value) {
            if (i === 0 && props.comma)
              onError(props.comma, "UNEXPECTED_TOKEN", `Unexpected , in ${fcName}`);
            else if (i < fc.items.length - 1)
              onError(props.start, "UNEXPECTED_TOKEN", `Unexpected empty item in ${fcName}`);
            if (props.comment) {
              if (coll.comment)
                coll.comment += "\n" + props.comment;
              else
                coll.comment = props.comment;
            }
            offset = props.end;
            continue;
          }
          if (!isMap3 && ctx.options.strict && utilContainsNewline.containsNewline(key2))
            onError(
              key2,
              // checked by containsNewline()
              "MULTILINE_IMPLICIT_KEY",
              "Implicit keys of flow sequence pairs need to be on a single line"
            );
        }
        if (i === 0) {
          if (props.comma)
            onError(props.comma, "UNEXPECTED_TOKEN", `Unexpected , in ${fcName}`);
        } else {
          if (!props.comma)
            onError(props.start, "MISSING_CHAR", `Missing , between ${fcName} items`);
          if (props.comment) {
            let prevItemComment = "";
            loop: for (const st of start) {
              switch (st.type) {
                case "comma":
                case "space":
                  break;
                case "comment":
                  prevItemComment = st.source.substring(1);
                  break loop;
                default:
                  break loop;
              }
            }
            if (prevItemComment) {
              let prev = coll.items[coll.items.length - 1];
              if (identity2.isPair(prev))
                prev = prev.value ?? prev.key;
              if (prev.comment)
                prev.comment += "\n" + prevItemComment;
              else
                prev.comment = prevItemComment;
              props.comment = props.comment.substring(prevItemComment.length + 1);
            }
          }
        }
        if (!isMap3 && !sep3 && !props.found) {
          const valueNode = value ? composeNode(ctx, value, props, onError) : composeEmptyNode(ctx, props.end, sep3, null, props, onError);
          coll.items.push(valueNode);
          offset = valueNode.range[2];
          if (isBlock(value))
            onError(valueNode.range, "BLOCK_IN_FLOW", blockMsg);
        } else {
          ctx.atKey = true;
          const keyStart = props.end;
          const keyNode = key2 ? composeNode(ctx, key2, props, onError) : composeEmptyNode(ctx, keyStart, start, null, props, onError);
          if (isBlock(key2))
            onError(keyNode.range, "BLOCK_IN_FLOW", blockMsg);
          ctx.atKey = false;
          const valueProps = resolveProps.resolveProps(sep3 ?? [], {
            flow: fcName,
            indicator: "map-value-ind",
            next: value,
            offset: keyNode.range[2],
            onError,
            parentIndent: fc.indent,
            startOnNewline: false
          });
          if (valueProps.found) {
            if (!isMap3 && !props.found && ctx.options.strict) {
              if (sep3)
                for (const st of sep3) {
                  if (st === valueProps.found)
                    break;
                  if (st.type === "newline") {
                    onError(st, "MULTILINE_IMPLICIT_KEY", "Implicit keys of flow sequence pairs need to be on a single line");
                    break;
                  }
                }
              if (props.start < valueProps.found.offset - 1024)
                onError(valueProps.found, "KEY_OVER_1024_CHARS", "The : indicator must be at most 1024 chars after the start of an implicit flow sequence key");
            }
          } else if (value) {
            if ("source" in value && value.source?.[0] === ":")
              onError(value, "MISSING_CHAR", `Missing space after : in ${fcName}`);
            else
              onError(valueProps.start, "MISSING_CHAR", `Missing , or : between ${fcName} items`);
          }
          const valueNode = value ? composeNode(ctx, value, valueProps, onError) : valueProps.found ? composeEmptyNode(ctx, valueProps.end, sep3, null, valueProps, onError) : null;
          if (valueNode) {
            if (isBlock(value))
              onError(valueNode.range, "BLOCK_IN_FLOW", blockMsg);
          } else if (valueProps.comment) {
            if (keyNode.comment)
              keyNode.comment += "\n" + valueProps.comment;
            else
              keyNode.comment = valueProps.comment;
          }
          const pair = new Pair.Pair(keyNode, valueNode);
          if (ctx.options.keepSourceTokens)
            pair.srcToken = collItem;
          if (isMap3) {
            const map = coll;
            if (utilMapIncludes.mapIncludes(ctx, map.items, keyNode))
              onError(keyStart, "DUPLICATE_KEY", "Map keys must be unique");
            map.items.push(pair);
          } else {
            const map = new YAMLMap.YAMLMap(ctx.schema);
            map.flow = true;
            map.items.push(pair);
            const endRange = (valueNode ?? keyNode).range;
            map.range = [keyNode.range[0], endRange[1], endRange[2]];
            coll.items.push(map);
          }
          offset = valueNode ? valueNode.range[2] : valueProps.end;
        }
      }
      const expectedEnd = isMap3 ? "}" : "]";
      const [ce, ...ee] = fc.end;
      let cePos = offset;
      if (ce?.source === expectedEnd)
        cePos = ce.offset + ce.source.length;
      else {
        const name = fcName[0].toUpperCase() + fcName.substring(1);
        const msg = atRoot ? `${name} must end with a ${expectedEnd}` : `${name} in block collection must be sufficiently indented and end with a ${expectedEnd}`;
        onError(offset, atRoot ? "MISSING_CHAR" : "BAD_INDENT", msg);
        if (ce && ce.source.length !== 1)
          ee.unshift(ce);
      }
      if (ee.length > 0) {
        const end = resolveEnd.resolveEnd(ee, cePos, ctx.options.strict, onError);
        if (end.comment) {
          if (coll.comment)
            coll.comment += "\n" + end.comment;
          else
            coll.comment = end.comment;
        }
        coll.range = [fc.offset, cePos, end.offset];
      } else {
        coll.range = [fc.offset, cePos, cePos];
      }
      return coll;
    }
    exports.resolveFlowCollection = resolveFlowCollection;
  }
});

// node_modules/yaml/dist/compose/compose-collection.js
var require_compose_collection = __commonJS({
  "node_modules/yaml/dist/compose/compose-collection.js"(exports) {
    "use strict";
    var identity2 = require_identity();
    var Scalar = require_Scalar();
    var YAMLMap = require_YAMLMap();
    var YAMLSeq = require_YAMLSeq();
    var resolveBlockMap = require_resolve_block_map();
    var resolveBlockSeq = require_resolve_block_seq();
    var resolveFlowCollection = require_resolve_flow_collection();
    function resolveCollection(CN, ctx, token, onError, tagName, tag) {
      const coll = token.type === "block-map" ? resolveBlockMap.resolveBlockMap(CN, ctx, token, onError, tag) : token.type === "block-seq" ? resolveBlockSeq.resolveBlockSeq(CN, ctx, token, onError, tag) : resolveFlowCollection.resolveFlowCollection(CN, ctx, token, onError, tag);
      const Coll = coll.constructor;
      if (tagName === "!" || tagName === Coll.tagName) {
        coll.tag = Coll.tagName;
        return coll;
      }
      if (tagName)
        coll.tag = tagName;
      return coll;
    }
    function composeCollection(CN, ctx, token, props, onError) {
      const tagToken = props.tag;
      const tagName = !tagToken ? null : ctx.directives.tagName(tagToken.source, (msg) => onError(tagToken, "TAG_RESOLVE_FAILED", msg));
      if (token.type === "block-seq") {
        const { anchor, newlineAfterProp: nl } = props;
        const lastProp = anchor && tagToken ? anchor.offset > tagToken.offset ? anchor : tagToken : anchor ?? tagToken;
        if (lastProp && (!nl || nl.offset < lastProp.offset)) {
          const message = "Missing newline after block sequence props";
          onError(lastProp, "MISSING_CHAR", message);
        }
      }
      const expType = token.type === "block-map" ? "map" : token.type === "block-seq" ? "seq" : token.start.source === "{" ? "map" : "seq";
      if (!tagToken || !tagName || tagName === "!" || tagName === YAMLMap.YAMLMap.tagName && expType === "map" || tagName === YAMLSeq.YAMLSeq.tagName && expType === "seq") {
        return resolveCollection(CN, ctx, token, onError, tagName);
      }
      let tag = ctx.schema.tags.find((t) => t.tag === tagName && t.collection === expType);
      if (!tag) {
        const kt = ctx.schema.knownTags[tagName];
        if (kt?.collection === expType) {
          ctx.schema.tags.push(Object.assign({}, kt, { default: false }));
          tag = kt;
        } else {
          if (kt) {
            onError(tagToken, "BAD_COLLECTION_TYPE", `${kt.tag} used for ${expType} collection, but expects ${kt.collection ?? "scalar"}`, true);
          } else {
            onError(tagToken, "TAG_RESOLVE_FAILED", `Unresolved tag: ${tagName}`, true);
          }
          return resolveCollection(CN, ctx, token, onError, tagName);
        }
      }
      const coll = resolveCollection(CN, ctx, token, onError, tagName, tag);
      const res = tag.resolve?.(coll, (msg) => onError(tagToken, "TAG_RESOLVE_FAILED", msg), ctx.options) ?? coll;
      const node = identity2.isNode(res) ? res : new Scalar.Scalar(res);
      node.range = coll.range;
      node.tag = tagName;
      if (tag?.format)
        node.format = tag.format;
      return node;
    }
    exports.composeCollection = composeCollection;
  }
});

// node_modules/yaml/dist/compose/resolve-block-scalar.js
var require_resolve_block_scalar = __commonJS({
  "node_modules/yaml/dist/compose/resolve-block-scalar.js"(exports) {
    "use strict";
    var Scalar = require_Scalar();
    function resolveBlockScalar(ctx, scalar, onError) {
      const start = scalar.offset;
      const header = parseBlockScalarHeader(scalar, ctx.options.strict, onError);
      if (!header)
        return { value: "", type: null, comment: "", range: [start, start, start] };
      const type = header.mode === ">" ? Scalar.Scalar.BLOCK_FOLDED : Scalar.Scalar.BLOCK_LITERAL;
      const lines = scalar.source ? splitLines(scalar.source) : [];
      let chompStart = lines.length;
      for (let i = lines.length - 1; i >= 0; --i) {
        const content = lines[i][1];
        if (content === "" || content === "\r")
          chompStart = i;
        else
          break;
      }
      if (chompStart === 0) {
        const value2 = header.chomp === "+" && lines.length > 0 ? "\n".repeat(Math.max(1, lines.length - 1)) : "";
        let end2 = start + header.length;
        if (scalar.source)
          end2 += scalar.source.length;
        return { value: value2, type, comment: header.comment, range: [start, end2, end2] };
      }
      let trimIndent = scalar.indent + header.indent;
      let offset = scalar.offset + header.length;
      let contentStart = 0;
      for (let i = 0; i < chompStart; ++i) {
        const [indent, content] = lines[i];
        if (content === "" || content === "\r") {
          if (header.indent === 0 && indent.length > trimIndent)
            trimIndent = indent.length;
        } else {
          if (indent.length < trimIndent) {
            const message = "Block scalars with more-indented leading empty lines must use an explicit indentation indicator";
            onError(offset + indent.length, "MISSING_CHAR", message);
          }
          if (header.indent === 0)
            trimIndent = indent.length;
          contentStart = i;
          if (trimIndent === 0 && !ctx.atRoot) {
            const message = "Block scalar values in collections must be indented";
            onError(offset, "BAD_INDENT", message);
          }
          break;
        }
        offset += indent.length + content.length + 1;
      }
      for (let i = lines.length - 1; i >= chompStart; --i) {
        if (lines[i][0].length > trimIndent)
          chompStart = i + 1;
      }
      let value = "";
      let sep3 = "";
      let prevMoreIndented = false;
      for (let i = 0; i < contentStart; ++i)
        value += lines[i][0].slice(trimIndent) + "\n";
      for (let i = contentStart; i < chompStart; ++i) {
        let [indent, content] = lines[i];
        offset += indent.length + content.length + 1;
        const crlf = content[content.length - 1] === "\r";
        if (crlf)
          content = content.slice(0, -1);
        if (content && indent.length < trimIndent) {
          const src = header.indent ? "explicit indentation indicator" : "first line";
          const message = `Block scalar lines must not be less indented than their ${src}`;
          onError(offset - content.length - (crlf ? 2 : 1), "BAD_INDENT", message);
          indent = "";
        }
        if (type === Scalar.Scalar.BLOCK_LITERAL) {
          value += sep3 + indent.slice(trimIndent) + content;
          sep3 = "\n";
        } else if (indent.length > trimIndent || content[0] === "	") {
          if (sep3 === " ")
            sep3 = "\n";
          else if (!prevMoreIndented && sep3 === "\n")
            sep3 = "\n\n";
          value += sep3 + indent.slice(trimIndent) + content;
          sep3 = "\n";
          prevMoreIndented = true;
        } else if (content === "") {
          if (sep3 === "\n")
            value += "\n";
          else
            sep3 = "\n";
        } else {
          value += sep3 + content;
          sep3 = " ";
          prevMoreIndented = false;
        }
      }
      switch (header.chomp) {
        case "-":
          break;
        case "+":
          for (let i = chompStart; i < lines.length; ++i)
            value += "\n" + lines[i][0].slice(trimIndent);
          if (value[value.length - 1] !== "\n")
            value += "\n";
          break;
        default:
          value += "\n";
      }
      const end = start + header.length + scalar.source.length;
      return { value, type, comment: header.comment, range: [start, end, end] };
    }
    function parseBlockScalarHeader({ offset, props }, strict, onError) {
      if (props[0].type !== "block-scalar-header") {
        onError(props[0], "IMPOSSIBLE", "Block scalar header not found");
        return null;
      }
      const { source } = props[0];
      const mode = source[0];
      let indent = 0;
      let chomp = "";
      let error = -1;
      for (let i = 1; i < source.length; ++i) {
        const ch = source[i];
        if (!chomp && (ch === "-" || ch === "+"))
          chomp = ch;
        else {
          const n = Number(ch);
          if (!indent && n)
            indent = n;
          else if (error === -1)
            error = offset + i;
        }
      }
      if (error !== -1)
        onError(error, "UNEXPECTED_TOKEN", `Block scalar header includes extra characters: ${source}`);
      let hasSpace = false;
      let comment = "";
      let length = source.length;
      for (let i = 1; i < props.length; ++i) {
        const token = props[i];
        switch (token.type) {
          case "space":
            hasSpace = true;
          // fallthrough
          case "newline":
            length += token.source.length;
            break;
          case "comment":
            if (strict && !hasSpace) {
              const message = "Comments must be separated from other tokens by white space characters";
              onError(token, "MISSING_CHAR", message);
            }
            length += token.source.length;
            comment = token.source.substring(1);
            break;
          case "error":
            onError(token, "UNEXPECTED_TOKEN", token.message);
            length += token.source.length;
            break;
          /* istanbul ignore next should not happen */
          default: {
            const message = `Unexpected token in block scalar header: ${token.type}`;
            onError(token, "UNEXPECTED_TOKEN", message);
            const ts = token.source;
            if (ts && typeof ts === "string")
              length += ts.length;
          }
        }
      }
      return { mode, indent, chomp, comment, length };
    }
    function splitLines(source) {
      const split = source.split(/\n( *)/);
      const first = split[0];
      const m = first.match(/^( *)/);
      const line0 = m?.[1] ? [m[1], first.slice(m[1].length)] : ["", first];
      const lines = [line0];
      for (let i = 1; i < split.length; i += 2)
        lines.push([split[i], split[i + 1]]);
      return lines;
    }
    exports.resolveBlockScalar = resolveBlockScalar;
  }
});

// node_modules/yaml/dist/compose/resolve-flow-scalar.js
var require_resolve_flow_scalar = __commonJS({
  "node_modules/yaml/dist/compose/resolve-flow-scalar.js"(exports) {
    "use strict";
    var Scalar = require_Scalar();
    var resolveEnd = require_resolve_end();
    function resolveFlowScalar(scalar, strict, onError) {
      const { offset, type, source, end } = scalar;
      let _type;
      let value;
      const _onError = (rel, code, msg) => onError(offset + rel, code, msg);
      switch (type) {
        case "scalar":
          _type = Scalar.Scalar.PLAIN;
          value = plainValue(source, _onError);
          break;
        case "single-quoted-scalar":
          _type = Scalar.Scalar.QUOTE_SINGLE;
          value = singleQuotedValue(source, _onError);
          break;
        case "double-quoted-scalar":
          _type = Scalar.Scalar.QUOTE_DOUBLE;
          value = doubleQuotedValue(source, _onError);
          break;
        /* istanbul ignore next should not happen */
        default:
          onError(scalar, "UNEXPECTED_TOKEN", `Expected a flow scalar value, but found: ${type}`);
          return {
            value: "",
            type: null,
            comment: "",
            range: [offset, offset + source.length, offset + source.length]
          };
      }
      const valueEnd = offset + source.length;
      const re = resolveEnd.resolveEnd(end, valueEnd, strict, onError);
      return {
        value,
        type: _type,
        comment: re.comment,
        range: [offset, valueEnd, re.offset]
      };
    }
    function plainValue(source, onError) {
      let badChar = "";
      switch (source[0]) {
        /* istanbul ignore next should not happen */
        case "	":
          badChar = "a tab character";
          break;
        case ",":
          badChar = "flow indicator character ,";
          break;
        case "%":
          badChar = "directive indicator character %";
          break;
        case "|":
        case ">": {
          badChar = `block scalar indicator ${source[0]}`;
          break;
        }
        case "@":
        case "`": {
          badChar = `reserved character ${source[0]}`;
          break;
        }
      }
      if (badChar)
        onError(0, "BAD_SCALAR_START", `Plain value cannot start with ${badChar}`);
      return unfoldLines(source);
    }
    function singleQuotedValue(source, onError) {
      if (source[source.length - 1] !== "'" || source.length === 1)
        onError(source.length, "MISSING_CHAR", "Missing closing 'quote");
      return unfoldLines(source.slice(1, -1)).replace(/''/g, "'");
    }
    function unfoldLines(source) {
      const line = /(.*?)\r?\n/sy;
      let match = line.exec(source);
      if (!match)
        return source;
      let trimEnd, trimBoth;
      try {
        trimEnd = new RegExp("(?<![ 	])[ 	]+$");
        trimBoth = new RegExp("^[ 	]+|(?<![ 	])[ 	]+$", "g");
      } catch {
        trimEnd = /[ \t]+$/;
        trimBoth = /^[ \t]+|[ \t]+$/g;
      }
      let res = match[1].replace(trimEnd, "");
      let sep3 = " ";
      let pos = line.lastIndex;
      while (match = line.exec(source)) {
        const lm = match[1].replace(trimBoth, "");
        if (lm === "") {
          if (sep3 === "\n")
            res += sep3;
          else
            sep3 = "\n";
        } else {
          res += sep3 + lm;
          sep3 = " ";
        }
        pos = line.lastIndex;
      }
      const last = /[ \t]*(.*)/sy;
      last.lastIndex = pos;
      match = last.exec(source);
      return res + sep3 + (match?.[1] ?? "");
    }
    function doubleQuotedValue(source, onError) {
      let res = "";
      for (let i = 1; i < source.length - 1; ++i) {
        const ch = source[i];
        if (ch === "\r" && source[i + 1] === "\n")
          continue;
        if (ch === "\n") {
          const { fold, offset } = foldNewline(source, i);
          res += fold;
          i = offset;
        } else if (ch === "\\") {
          let next = source[++i];
          const cc = escapeCodes[next];
          if (cc)
            res += cc;
          else if (next === "\n") {
            next = source[i + 1];
            while (next === " " || next === "	")
              next = source[++i + 1];
          } else if (next === "\r" && source[i + 1] === "\n") {
            next = source[++i + 1];
            while (next === " " || next === "	")
              next = source[++i + 1];
          } else if (next === "x" || next === "u" || next === "U") {
            const length = next === "x" ? 2 : next === "u" ? 4 : 8;
            res += parseCharCode(source, i + 1, length, onError);
            i += length;
          } else {
            const raw = source.substr(i - 1, 2);
            onError(i - 1, "BAD_DQ_ESCAPE", `Invalid escape sequence ${raw}`);
            res += raw;
          }
        } else if (ch === " " || ch === "	") {
          const wsStart = i;
          let next = source[i + 1];
          while (next === " " || next === "	")
            next = source[++i + 1];
          if (next !== "\n" && !(next === "\r" && source[i + 2] === "\n"))
            res += i > wsStart ? source.slice(wsStart, i + 1) : ch;
        } else {
          res += ch;
        }
      }
      if (source[source.length - 1] !== '"' || source.length === 1)
        onError(source.length, "MISSING_CHAR", 'Missing closing "quote');
      return res;
    }
    function foldNewline(source, offset) {
      let fold = "";
      let ch = source[offset + 1];
      while (ch === " " || ch === "	" || ch === "\n" || ch === "\r") {
        if (ch === "\r" && source[offset + 2] !== "\n")
          break;
        if (ch === "\n")
          fold += "\n";
        offset += 1;
        ch = source[offset + 1];
      }
      if (!fold)
        fold = " ";
      return { fold, offset };
    }
    var escapeCodes = {
      "0": "\0",
      // null character
      a: "\x07",
      // bell character
      b: "\b",
      // backspace
      e: "\x1B",
      // escape character
      f: "\f",
      // form feed
      n: "\n",
      // line feed
      r: "\r",
      // carriage return
      t: "	",
      // horizontal tab
      v: "\v",
      // vertical tab
      N: "\x85",
      // Unicode next line
      _: "\xA0",
      // Unicode non-breaking space
      L: "\u2028",
      // Unicode line separator
      P: "\u2029",
      // Unicode paragraph separator
      " ": " ",
      '"': '"',
      "/": "/",
      "\\": "\\",
      "	": "	"
    };
    function parseCharCode(source, offset, length, onError) {
      const cc = source.substr(offset, length);
      const ok2 = cc.length === length && /^[0-9a-fA-F]+$/.test(cc);
      const code = ok2 ? parseInt(cc, 16) : NaN;
      try {
        return String.fromCodePoint(code);
      } catch {
        const raw = source.substr(offset - 2, length + 2);
        onError(offset - 2, "BAD_DQ_ESCAPE", `Invalid escape sequence ${raw}`);
        return raw;
      }
    }
    exports.resolveFlowScalar = resolveFlowScalar;
  }
});

// node_modules/yaml/dist/compose/compose-scalar.js
var require_compose_scalar = __commonJS({
  "node_modules/yaml/dist/compose/compose-scalar.js"(exports) {
    "use strict";
    var identity2 = require_identity();
    var Scalar = require_Scalar();
    var resolveBlockScalar = require_resolve_block_scalar();
    var resolveFlowScalar = require_resolve_flow_scalar();
    function composeScalar(ctx, token, tagToken, onError) {
      const { value, type, comment, range } = token.type === "block-scalar" ? resolveBlockScalar.resolveBlockScalar(ctx, token, onError) : resolveFlowScalar.resolveFlowScalar(token, ctx.options.strict, onError);
      const tagName = tagToken ? ctx.directives.tagName(tagToken.source, (msg) => onError(tagToken, "TAG_RESOLVE_FAILED", msg)) : null;
      let tag;
      if (ctx.options.stringKeys && ctx.atKey) {
        tag = ctx.schema[identity2.SCALAR];
      } else if (tagName)
        tag = findScalarTagByName(ctx.schema, value, tagName, tagToken, onError);
      else if (token.type === "scalar")
        tag = findScalarTagByTest(ctx, value, token, onError);
      else
        tag = ctx.schema[identity2.SCALAR];
      let scalar;
      try {
        const res = tag.resolve(value, (msg) => onError(tagToken ?? token, "TAG_RESOLVE_FAILED", msg), ctx.options);
        scalar = identity2.isScalar(res) ? res : new Scalar.Scalar(res);
      } catch (error) {
        const msg = error instanceof Error ? error.message : String(error);
        onError(tagToken ?? token, "TAG_RESOLVE_FAILED", msg);
        scalar = new Scalar.Scalar(value);
      }
      scalar.range = range;
      scalar.source = value;
      if (type)
        scalar.type = type;
      if (tagName)
        scalar.tag = tagName;
      if (tag.format)
        scalar.format = tag.format;
      if (comment)
        scalar.comment = comment;
      return scalar;
    }
    function findScalarTagByName(schema, value, tagName, tagToken, onError) {
      if (tagName === "!")
        return schema[identity2.SCALAR];
      const matchWithTest = [];
      for (const tag of schema.tags) {
        if (!tag.collection && tag.tag === tagName) {
          if (tag.default && tag.test)
            matchWithTest.push(tag);
          else
            return tag;
        }
      }
      for (const tag of matchWithTest)
        if (tag.test?.test(value))
          return tag;
      const kt = schema.knownTags[tagName];
      if (kt && !kt.collection) {
        schema.tags.push(Object.assign({}, kt, { default: false, test: void 0 }));
        return kt;
      }
      onError(tagToken, "TAG_RESOLVE_FAILED", `Unresolved tag: ${tagName}`, tagName !== "tag:yaml.org,2002:str");
      return schema[identity2.SCALAR];
    }
    function findScalarTagByTest({ atKey, directives, schema }, value, token, onError) {
      const tag = schema.tags.find((tag2) => (tag2.default === true || atKey && tag2.default === "key") && tag2.test?.test(value)) || schema[identity2.SCALAR];
      if (schema.compat) {
        const compat = schema.compat.find((tag2) => tag2.default && tag2.test?.test(value)) ?? schema[identity2.SCALAR];
        if (tag.tag !== compat.tag) {
          const ts = directives.tagString(tag.tag);
          const cs = directives.tagString(compat.tag);
          const msg = `Value may be parsed as either ${ts} or ${cs}`;
          onError(token, "TAG_RESOLVE_FAILED", msg, true);
        }
      }
      return tag;
    }
    exports.composeScalar = composeScalar;
  }
});

// node_modules/yaml/dist/compose/util-empty-scalar-position.js
var require_util_empty_scalar_position = __commonJS({
  "node_modules/yaml/dist/compose/util-empty-scalar-position.js"(exports) {
    "use strict";
    function emptyScalarPosition(offset, before, pos) {
      if (before) {
        pos ?? (pos = before.length);
        for (let i = pos - 1; i >= 0; --i) {
          let st = before[i];
          switch (st.type) {
            case "space":
            case "comment":
            case "newline":
              offset -= st.source.length;
              continue;
          }
          st = before[++i];
          while (st?.type === "space") {
            offset += st.source.length;
            st = before[++i];
          }
          break;
        }
      }
      return offset;
    }
    exports.emptyScalarPosition = emptyScalarPosition;
  }
});

// node_modules/yaml/dist/compose/compose-node.js
var require_compose_node = __commonJS({
  "node_modules/yaml/dist/compose/compose-node.js"(exports) {
    "use strict";
    var Alias = require_Alias();
    var identity2 = require_identity();
    var composeCollection = require_compose_collection();
    var composeScalar = require_compose_scalar();
    var resolveEnd = require_resolve_end();
    var utilEmptyScalarPosition = require_util_empty_scalar_position();
    var CN = { composeNode, composeEmptyNode };
    function composeNode(ctx, token, props, onError) {
      const atKey = ctx.atKey;
      const { spaceBefore, comment, anchor, tag } = props;
      let node;
      let isSrcToken = true;
      switch (token.type) {
        case "alias":
          node = composeAlias(ctx, token, onError);
          if (anchor || tag)
            onError(token, "ALIAS_PROPS", "An alias node must not specify any properties");
          break;
        case "scalar":
        case "single-quoted-scalar":
        case "double-quoted-scalar":
        case "block-scalar":
          node = composeScalar.composeScalar(ctx, token, tag, onError);
          if (anchor)
            node.anchor = anchor.source.substring(1);
          break;
        case "block-map":
        case "block-seq":
        case "flow-collection":
          try {
            node = composeCollection.composeCollection(CN, ctx, token, props, onError);
            if (anchor)
              node.anchor = anchor.source.substring(1);
          } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            onError(token, "RESOURCE_EXHAUSTION", message);
          }
          break;
        default: {
          const message = token.type === "error" ? token.message : `Unsupported token (type: ${token.type})`;
          onError(token, "UNEXPECTED_TOKEN", message);
          isSrcToken = false;
        }
      }
      node ?? (node = composeEmptyNode(ctx, token.offset, void 0, null, props, onError));
      if (anchor && node.anchor === "")
        onError(anchor, "BAD_ALIAS", "Anchor cannot be an empty string");
      if (atKey && ctx.options.stringKeys && (!identity2.isScalar(node) || typeof node.value !== "string" || node.tag && node.tag !== "tag:yaml.org,2002:str")) {
        const msg = "With stringKeys, all keys must be strings";
        onError(tag ?? token, "NON_STRING_KEY", msg);
      }
      if (spaceBefore)
        node.spaceBefore = true;
      if (comment) {
        if (token.type === "scalar" && token.source === "")
          node.comment = comment;
        else
          node.commentBefore = comment;
      }
      if (ctx.options.keepSourceTokens && isSrcToken)
        node.srcToken = token;
      return node;
    }
    function composeEmptyNode(ctx, offset, before, pos, { spaceBefore, comment, anchor, tag, end }, onError) {
      const token = {
        type: "scalar",
        offset: utilEmptyScalarPosition.emptyScalarPosition(offset, before, pos),
        indent: -1,
        source: ""
      };
      const node = composeScalar.composeScalar(ctx, token, tag, onError);
      if (anchor) {
        node.anchor = anchor.source.substring(1);
        if (node.anchor === "")
          onError(anchor, "BAD_ALIAS", "Anchor cannot be an empty string");
      }
      if (spaceBefore)
        node.spaceBefore = true;
      if (comment) {
        node.comment = comment;
        node.range[2] = end;
      }
      return node;
    }
    function composeAlias({ options: options2 }, { offset, source, end }, onError) {
      const alias = new Alias.Alias(source.substring(1));
      if (alias.source === "")
        onError(offset, "BAD_ALIAS", "Alias cannot be an empty string");
      if (alias.source.endsWith(":"))
        onError(offset + source.length - 1, "BAD_ALIAS", "Alias ending in : is ambiguous", true);
      const valueEnd = offset + source.length;
      const re = resolveEnd.resolveEnd(end, valueEnd, options2.strict, onError);
      alias.range = [offset, valueEnd, re.offset];
      if (re.comment)
        alias.comment = re.comment;
      return alias;
    }
    exports.composeEmptyNode = composeEmptyNode;
    exports.composeNode = composeNode;
  }
});

// node_modules/yaml/dist/compose/compose-doc.js
var require_compose_doc = __commonJS({
  "node_modules/yaml/dist/compose/compose-doc.js"(exports) {
    "use strict";
    var Document = require_Document();
    var composeNode = require_compose_node();
    var resolveEnd = require_resolve_end();
    var resolveProps = require_resolve_props();
    function composeDoc(options2, directives, { offset, start, value, end }, onError) {
      const opts = Object.assign({ _directives: directives }, options2);
      const doc = new Document.Document(void 0, opts);
      const ctx = {
        atKey: false,
        atRoot: true,
        directives: doc.directives,
        options: doc.options,
        schema: doc.schema
      };
      const props = resolveProps.resolveProps(start, {
        indicator: "doc-start",
        next: value ?? end?.[0],
        offset,
        onError,
        parentIndent: 0,
        startOnNewline: true
      });
      if (props.found) {
        doc.directives.docStart = true;
        if (value && (value.type === "block-map" || value.type === "block-seq") && !props.hasNewline)
          onError(props.end, "MISSING_CHAR", "Block collection cannot start on same line with directives-end marker");
      }
      doc.contents = value ? composeNode.composeNode(ctx, value, props, onError) : composeNode.composeEmptyNode(ctx, props.end, start, null, props, onError);
      const contentEnd = doc.contents.range[2];
      const re = resolveEnd.resolveEnd(end, contentEnd, false, onError);
      if (re.comment)
        doc.comment = re.comment;
      doc.range = [offset, contentEnd, re.offset];
      return doc;
    }
    exports.composeDoc = composeDoc;
  }
});

// node_modules/yaml/dist/compose/composer.js
var require_composer = __commonJS({
  "node_modules/yaml/dist/compose/composer.js"(exports) {
    "use strict";
    var node_process = __require("process");
    var directives = require_directives();
    var Document = require_Document();
    var errors = require_errors();
    var identity2 = require_identity();
    var composeDoc = require_compose_doc();
    var resolveEnd = require_resolve_end();
    function getErrorPos(src) {
      if (typeof src === "number")
        return [src, src + 1];
      if (Array.isArray(src))
        return src.length === 2 ? src : [src[0], src[1]];
      const { offset, source } = src;
      return [offset, offset + (typeof source === "string" ? source.length : 1)];
    }
    function parsePrelude(prelude) {
      let comment = "";
      let atComment = false;
      let afterEmptyLine = false;
      for (let i = 0; i < prelude.length; ++i) {
        const source = prelude[i];
        switch (source[0]) {
          case "#":
            comment += (comment === "" ? "" : afterEmptyLine ? "\n\n" : "\n") + (source.substring(1) || " ");
            atComment = true;
            afterEmptyLine = false;
            break;
          case "%":
            if (prelude[i + 1]?.[0] !== "#")
              i += 1;
            atComment = false;
            break;
          default:
            if (!atComment)
              afterEmptyLine = true;
            atComment = false;
        }
      }
      return { comment, afterEmptyLine };
    }
    var Composer = class {
      constructor(options2 = {}) {
        this.doc = null;
        this.atDirectives = false;
        this.prelude = [];
        this.errors = [];
        this.warnings = [];
        this.onError = (source, code, message, warning2) => {
          const pos = getErrorPos(source);
          if (warning2)
            this.warnings.push(new errors.YAMLWarning(pos, code, message));
          else
            this.errors.push(new errors.YAMLParseError(pos, code, message));
        };
        this.directives = new directives.Directives({ version: options2.version || "1.2" });
        this.options = options2;
      }
      decorate(doc, afterDoc) {
        const { comment, afterEmptyLine } = parsePrelude(this.prelude);
        if (comment) {
          const dc = doc.contents;
          if (afterDoc) {
            doc.comment = doc.comment ? `${doc.comment}
${comment}` : comment;
          } else if (afterEmptyLine || doc.directives.docStart || !dc) {
            doc.commentBefore = comment;
          } else if (identity2.isCollection(dc) && !dc.flow && dc.items.length > 0) {
            let it = dc.items[0];
            if (identity2.isPair(it))
              it = it.key;
            const cb = it.commentBefore;
            it.commentBefore = cb ? `${comment}
${cb}` : comment;
          } else {
            const cb = dc.commentBefore;
            dc.commentBefore = cb ? `${comment}
${cb}` : comment;
          }
        }
        if (afterDoc) {
          for (let i = 0; i < this.errors.length; ++i)
            doc.errors.push(this.errors[i]);
          for (let i = 0; i < this.warnings.length; ++i)
            doc.warnings.push(this.warnings[i]);
        } else {
          doc.errors = this.errors;
          doc.warnings = this.warnings;
        }
        this.prelude = [];
        this.errors = [];
        this.warnings = [];
      }
      /**
       * Current stream status information.
       *
       * Mostly useful at the end of input for an empty stream.
       */
      streamInfo() {
        return {
          comment: parsePrelude(this.prelude).comment,
          directives: this.directives,
          errors: this.errors,
          warnings: this.warnings
        };
      }
      /**
       * Compose tokens into documents.
       *
       * @param forceDoc - If the stream contains no document, still emit a final document including any comments and directives that would be applied to a subsequent document.
       * @param endOffset - Should be set if `forceDoc` is also set, to set the document range end and to indicate errors correctly.
       */
      *compose(tokens, forceDoc = false, endOffset = -1) {
        for (const token of tokens)
          yield* this.next(token);
        yield* this.end(forceDoc, endOffset);
      }
      /** Advance the composer by one CST token. */
      *next(token) {
        if (node_process.env.LOG_STREAM)
          console.dir(token, { depth: null });
        switch (token.type) {
          case "directive":
            this.directives.add(token.source, (offset, message, warning2) => {
              const pos = getErrorPos(token);
              pos[0] += offset;
              this.onError(pos, "BAD_DIRECTIVE", message, warning2);
            });
            this.prelude.push(token.source);
            this.atDirectives = true;
            break;
          case "document": {
            const doc = composeDoc.composeDoc(this.options, this.directives, token, this.onError);
            if (this.atDirectives && !doc.directives.docStart)
              this.onError(token, "MISSING_CHAR", "Missing directives-end/doc-start indicator line");
            this.decorate(doc, false);
            if (this.doc)
              yield this.doc;
            this.doc = doc;
            this.atDirectives = false;
            break;
          }
          case "byte-order-mark":
          case "space":
            break;
          case "comment":
          case "newline":
            this.prelude.push(token.source);
            break;
          case "error": {
            const msg = token.source ? `${token.message}: ${JSON.stringify(token.source)}` : token.message;
            const error = new errors.YAMLParseError(getErrorPos(token), "UNEXPECTED_TOKEN", msg);
            if (this.atDirectives || !this.doc)
              this.errors.push(error);
            else
              this.doc.errors.push(error);
            break;
          }
          case "doc-end": {
            if (!this.doc) {
              const msg = "Unexpected doc-end without preceding document";
              this.errors.push(new errors.YAMLParseError(getErrorPos(token), "UNEXPECTED_TOKEN", msg));
              break;
            }
            this.doc.directives.docEnd = true;
            const end = resolveEnd.resolveEnd(token.end, token.offset + token.source.length, this.doc.options.strict, this.onError);
            this.decorate(this.doc, true);
            if (end.comment) {
              const dc = this.doc.comment;
              this.doc.comment = dc ? `${dc}
${end.comment}` : end.comment;
            }
            this.doc.range[2] = end.offset;
            break;
          }
          default:
            this.errors.push(new errors.YAMLParseError(getErrorPos(token), "UNEXPECTED_TOKEN", `Unsupported token ${token.type}`));
        }
      }
      /**
       * Call at end of input to yield any remaining document.
       *
       * @param forceDoc - If the stream contains no document, still emit a final document including any comments and directives that would be applied to a subsequent document.
       * @param endOffset - Should be set if `forceDoc` is also set, to set the document range end and to indicate errors correctly.
       */
      *end(forceDoc = false, endOffset = -1) {
        if (this.doc) {
          this.decorate(this.doc, true);
          yield this.doc;
          this.doc = null;
        } else if (forceDoc) {
          const opts = Object.assign({ _directives: this.directives }, this.options);
          const doc = new Document.Document(void 0, opts);
          if (this.atDirectives)
            this.onError(endOffset, "MISSING_CHAR", "Missing directives-end indicator line");
          doc.range = [0, endOffset, endOffset];
          this.decorate(doc, false);
          yield doc;
        }
      }
    };
    exports.Composer = Composer;
  }
});

// node_modules/yaml/dist/parse/cst-scalar.js
var require_cst_scalar = __commonJS({
  "node_modules/yaml/dist/parse/cst-scalar.js"(exports) {
    "use strict";
    var resolveBlockScalar = require_resolve_block_scalar();
    var resolveFlowScalar = require_resolve_flow_scalar();
    var errors = require_errors();
    var stringifyString = require_stringifyString();
    function resolveAsScalar(token, strict = true, onError) {
      if (token) {
        const _onError = (pos, code, message) => {
          const offset = typeof pos === "number" ? pos : Array.isArray(pos) ? pos[0] : pos.offset;
          if (onError)
            onError(offset, code, message);
          else
            throw new errors.YAMLParseError([offset, offset + 1], code, message);
        };
        switch (token.type) {
          case "scalar":
          case "single-quoted-scalar":
          case "double-quoted-scalar":
            return resolveFlowScalar.resolveFlowScalar(token, strict, _onError);
          case "block-scalar":
            return resolveBlockScalar.resolveBlockScalar({ options: { strict } }, token, _onError);
        }
      }
      return null;
    }
    function createScalarToken(value, context) {
      const { implicitKey = false, indent, inFlow = false, offset = -1, type = "PLAIN" } = context;
      const source = stringifyString.stringifyString({ type, value }, {
        implicitKey,
        indent: indent > 0 ? " ".repeat(indent) : "",
        inFlow,
        options: { blockQuote: true, lineWidth: -1 }
      });
      const end = context.end ?? [
        { type: "newline", offset: -1, indent, source: "\n" }
      ];
      switch (source[0]) {
        case "|":
        case ">": {
          const he = source.indexOf("\n");
          const head = source.substring(0, he);
          const body = source.substring(he + 1) + "\n";
          const props = [
            { type: "block-scalar-header", offset, indent, source: head }
          ];
          if (!addEndtoBlockProps(props, end))
            props.push({ type: "newline", offset: -1, indent, source: "\n" });
          return { type: "block-scalar", offset, indent, props, source: body };
        }
        case '"':
          return { type: "double-quoted-scalar", offset, indent, source, end };
        case "'":
          return { type: "single-quoted-scalar", offset, indent, source, end };
        default:
          return { type: "scalar", offset, indent, source, end };
      }
    }
    function setScalarValue(token, value, context = {}) {
      let { afterKey = false, implicitKey = false, inFlow = false, type } = context;
      let indent = "indent" in token ? token.indent : null;
      if (afterKey && typeof indent === "number")
        indent += 2;
      if (!type)
        switch (token.type) {
          case "single-quoted-scalar":
            type = "QUOTE_SINGLE";
            break;
          case "double-quoted-scalar":
            type = "QUOTE_DOUBLE";
            break;
          case "block-scalar": {
            const header = token.props[0];
            if (header.type !== "block-scalar-header")
              throw new Error("Invalid block scalar header");
            type = header.source[0] === ">" ? "BLOCK_FOLDED" : "BLOCK_LITERAL";
            break;
          }
          default:
            type = "PLAIN";
        }
      const source = stringifyString.stringifyString({ type, value }, {
        implicitKey: implicitKey || indent === null,
        indent: indent !== null && indent > 0 ? " ".repeat(indent) : "",
        inFlow,
        options: { blockQuote: true, lineWidth: -1 }
      });
      switch (source[0]) {
        case "|":
        case ">":
          setBlockScalarValue(token, source);
          break;
        case '"':
          setFlowScalarValue(token, source, "double-quoted-scalar");
          break;
        case "'":
          setFlowScalarValue(token, source, "single-quoted-scalar");
          break;
        default:
          setFlowScalarValue(token, source, "scalar");
      }
    }
    function setBlockScalarValue(token, source) {
      const he = source.indexOf("\n");
      const head = source.substring(0, he);
      const body = source.substring(he + 1) + "\n";
      if (token.type === "block-scalar") {
        const header = token.props[0];
        if (header.type !== "block-scalar-header")
          throw new Error("Invalid block scalar header");
        header.source = head;
        token.source = body;
      } else {
        const { offset } = token;
        const indent = "indent" in token ? token.indent : -1;
        const props = [
          { type: "block-scalar-header", offset, indent, source: head }
        ];
        if (!addEndtoBlockProps(props, "end" in token ? token.end : void 0))
          props.push({ type: "newline", offset: -1, indent, source: "\n" });
        for (const key2 of Object.keys(token))
          if (key2 !== "type" && key2 !== "offset")
            delete token[key2];
        Object.assign(token, { type: "block-scalar", indent, props, source: body });
      }
    }
    function addEndtoBlockProps(props, end) {
      if (end)
        for (const st of end)
          switch (st.type) {
            case "space":
            case "comment":
              props.push(st);
              break;
            case "newline":
              props.push(st);
              return true;
          }
      return false;
    }
    function setFlowScalarValue(token, source, type) {
      switch (token.type) {
        case "scalar":
        case "double-quoted-scalar":
        case "single-quoted-scalar":
          token.type = type;
          token.source = source;
          break;
        case "block-scalar": {
          const end = token.props.slice(1);
          let oa = source.length;
          if (token.props[0].type === "block-scalar-header")
            oa -= token.props[0].source.length;
          for (const tok of end)
            tok.offset += oa;
          delete token.props;
          Object.assign(token, { type, source, end });
          break;
        }
        case "block-map":
        case "block-seq": {
          const offset = token.offset + source.length;
          const nl = { type: "newline", offset, indent: token.indent, source: "\n" };
          delete token.items;
          Object.assign(token, { type, source, end: [nl] });
          break;
        }
        default: {
          const indent = "indent" in token ? token.indent : -1;
          const end = "end" in token && Array.isArray(token.end) ? token.end.filter((st) => st.type === "space" || st.type === "comment" || st.type === "newline") : [];
          for (const key2 of Object.keys(token))
            if (key2 !== "type" && key2 !== "offset")
              delete token[key2];
          Object.assign(token, { type, indent, source, end });
        }
      }
    }
    exports.createScalarToken = createScalarToken;
    exports.resolveAsScalar = resolveAsScalar;
    exports.setScalarValue = setScalarValue;
  }
});

// node_modules/yaml/dist/parse/cst-stringify.js
var require_cst_stringify = __commonJS({
  "node_modules/yaml/dist/parse/cst-stringify.js"(exports) {
    "use strict";
    var stringify = (cst) => "type" in cst ? stringifyToken(cst) : stringifyItem(cst);
    function stringifyToken(token) {
      switch (token.type) {
        case "block-scalar": {
          let res = "";
          for (const tok of token.props)
            res += stringifyToken(tok);
          return res + token.source;
        }
        case "block-map":
        case "block-seq": {
          let res = "";
          for (const item of token.items)
            res += stringifyItem(item);
          return res;
        }
        case "flow-collection": {
          let res = token.start.source;
          for (const item of token.items)
            res += stringifyItem(item);
          for (const st of token.end)
            res += st.source;
          return res;
        }
        case "document": {
          let res = stringifyItem(token);
          if (token.end)
            for (const st of token.end)
              res += st.source;
          return res;
        }
        default: {
          let res = token.source;
          if ("end" in token && token.end)
            for (const st of token.end)
              res += st.source;
          return res;
        }
      }
    }
    function stringifyItem({ start, key: key2, sep: sep3, value }) {
      let res = "";
      for (const st of start)
        res += st.source;
      if (key2)
        res += stringifyToken(key2);
      if (sep3)
        for (const st of sep3)
          res += st.source;
      if (value)
        res += stringifyToken(value);
      return res;
    }
    exports.stringify = stringify;
  }
});

// node_modules/yaml/dist/parse/cst-visit.js
var require_cst_visit = __commonJS({
  "node_modules/yaml/dist/parse/cst-visit.js"(exports) {
    "use strict";
    var BREAK = /* @__PURE__ */ Symbol("break visit");
    var SKIP = /* @__PURE__ */ Symbol("skip children");
    var REMOVE = /* @__PURE__ */ Symbol("remove item");
    function visit2(cst, visitor) {
      if ("type" in cst && cst.type === "document")
        cst = { start: cst.start, value: cst.value };
      _visit(Object.freeze([]), cst, visitor);
    }
    visit2.BREAK = BREAK;
    visit2.SKIP = SKIP;
    visit2.REMOVE = REMOVE;
    visit2.itemAtPath = (cst, path) => {
      let item = cst;
      for (const [field, index] of path) {
        const tok = item?.[field];
        if (tok && "items" in tok) {
          item = tok.items[index];
        } else
          return void 0;
      }
      return item;
    };
    visit2.parentCollection = (cst, path) => {
      const parent = visit2.itemAtPath(cst, path.slice(0, -1));
      const field = path[path.length - 1][0];
      const coll = parent?.[field];
      if (coll && "items" in coll)
        return coll;
      throw new Error("Parent collection not found");
    };
    function _visit(path, item, visitor) {
      let ctrl = visitor(item, path);
      if (typeof ctrl === "symbol")
        return ctrl;
      for (const field of ["key", "value"]) {
        const token = item[field];
        if (token && "items" in token) {
          for (let i = 0; i < token.items.length; ++i) {
            const ci = _visit(Object.freeze(path.concat([[field, i]])), token.items[i], visitor);
            if (typeof ci === "number")
              i = ci - 1;
            else if (ci === BREAK)
              return BREAK;
            else if (ci === REMOVE) {
              token.items.splice(i, 1);
              i -= 1;
            }
          }
          if (typeof ctrl === "function" && field === "key")
            ctrl = ctrl(item, path);
        }
      }
      return typeof ctrl === "function" ? ctrl(item, path) : ctrl;
    }
    exports.visit = visit2;
  }
});

// node_modules/yaml/dist/parse/cst.js
var require_cst = __commonJS({
  "node_modules/yaml/dist/parse/cst.js"(exports) {
    "use strict";
    var cstScalar = require_cst_scalar();
    var cstStringify = require_cst_stringify();
    var cstVisit = require_cst_visit();
    var BOM = "\uFEFF";
    var DOCUMENT = "";
    var FLOW_END = "";
    var SCALAR = "";
    var isCollection = (token) => !!token && "items" in token;
    var isScalar4 = (token) => !!token && (token.type === "scalar" || token.type === "single-quoted-scalar" || token.type === "double-quoted-scalar" || token.type === "block-scalar");
    function prettyToken(token) {
      switch (token) {
        case BOM:
          return "<BOM>";
        case DOCUMENT:
          return "<DOC>";
        case FLOW_END:
          return "<FLOW_END>";
        case SCALAR:
          return "<SCALAR>";
        default:
          return JSON.stringify(token);
      }
    }
    function tokenType(source) {
      switch (source) {
        case BOM:
          return "byte-order-mark";
        case DOCUMENT:
          return "doc-mode";
        case FLOW_END:
          return "flow-error-end";
        case SCALAR:
          return "scalar";
        case "---":
          return "doc-start";
        case "...":
          return "doc-end";
        case "":
        case "\n":
        case "\r\n":
          return "newline";
        case "-":
          return "seq-item-ind";
        case "?":
          return "explicit-key-ind";
        case ":":
          return "map-value-ind";
        case "{":
          return "flow-map-start";
        case "}":
          return "flow-map-end";
        case "[":
          return "flow-seq-start";
        case "]":
          return "flow-seq-end";
        case ",":
          return "comma";
      }
      switch (source[0]) {
        case " ":
        case "	":
          return "space";
        case "#":
          return "comment";
        case "%":
          return "directive-line";
        case "*":
          return "alias";
        case "&":
          return "anchor";
        case "!":
          return "tag";
        case "'":
          return "single-quoted-scalar";
        case '"':
          return "double-quoted-scalar";
        case "|":
        case ">":
          return "block-scalar-header";
      }
      return null;
    }
    exports.createScalarToken = cstScalar.createScalarToken;
    exports.resolveAsScalar = cstScalar.resolveAsScalar;
    exports.setScalarValue = cstScalar.setScalarValue;
    exports.stringify = cstStringify.stringify;
    exports.visit = cstVisit.visit;
    exports.BOM = BOM;
    exports.DOCUMENT = DOCUMENT;
    exports.FLOW_END = FLOW_END;
    exports.SCALAR = SCALAR;
    exports.isCollection = isCollection;
    exports.isScalar = isScalar4;
    exports.prettyToken = prettyToken;
    exports.tokenType = tokenType;
  }
});

// node_modules/yaml/dist/parse/lexer.js
var require_lexer = __commonJS({
  "node_modules/yaml/dist/parse/lexer.js"(exports) {
    "use strict";
    var cst = require_cst();
    function isEmpty(ch) {
      switch (ch) {
        case void 0:
        case " ":
        case "\n":
        case "\r":
        case "	":
          return true;
        default:
          return false;
      }
    }
    var hexDigits = new Set("0123456789ABCDEFabcdef");
    var tagChars = new Set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-#;/?:@&=+$_.!~*'()");
    var flowIndicatorChars = new Set(",[]{}");
    var invalidAnchorChars = new Set(" ,[]{}\n\r	");
    var isNotAnchorChar = (ch) => !ch || invalidAnchorChars.has(ch);
    var Lexer3 = class {
      constructor() {
        this.atEnd = false;
        this.blockScalarIndent = -1;
        this.blockScalarKeep = false;
        this.buffer = "";
        this.flowKey = false;
        this.flowLevel = 0;
        this.indentNext = 0;
        this.indentValue = 0;
        this.lineEndPos = null;
        this.next = null;
        this.pos = 0;
      }
      /**
       * Generate YAML tokens from the `source` string. If `incomplete`,
       * a part of the last line may be left as a buffer for the next call.
       *
       * @returns A generator of lexical tokens
       */
      *lex(source, incomplete = false) {
        if (source) {
          if (typeof source !== "string")
            throw TypeError("source is not a string");
          this.buffer = this.buffer ? this.buffer + source : source;
          this.lineEndPos = null;
        }
        this.atEnd = !incomplete;
        let next = this.next ?? "stream";
        while (next && (incomplete || this.hasChars(1)))
          next = yield* this.parseNext(next);
      }
      atLineEnd() {
        let i = this.pos;
        let ch = this.buffer[i];
        while (ch === " " || ch === "	")
          ch = this.buffer[++i];
        if (!ch || ch === "#" || ch === "\n")
          return true;
        if (ch === "\r")
          return this.buffer[i + 1] === "\n";
        return false;
      }
      charAt(n) {
        return this.buffer[this.pos + n];
      }
      continueScalar(offset) {
        let ch = this.buffer[offset];
        if (this.indentNext > 0) {
          let indent = 0;
          while (ch === " ")
            ch = this.buffer[++indent + offset];
          if (ch === "\r") {
            const next = this.buffer[indent + offset + 1];
            if (next === "\n" || !next && !this.atEnd)
              return offset + indent + 1;
          }
          return ch === "\n" || indent >= this.indentNext || !ch && !this.atEnd ? offset + indent : -1;
        }
        if (ch === "-" || ch === ".") {
          const dt = this.buffer.substr(offset, 3);
          if ((dt === "---" || dt === "...") && isEmpty(this.buffer[offset + 3]))
            return -1;
        }
        return offset;
      }
      getLine() {
        let end = this.lineEndPos;
        if (typeof end !== "number" || end !== -1 && end < this.pos) {
          end = this.buffer.indexOf("\n", this.pos);
          this.lineEndPos = end;
        }
        if (end === -1)
          return this.atEnd ? this.buffer.substring(this.pos) : null;
        if (this.buffer[end - 1] === "\r")
          end -= 1;
        return this.buffer.substring(this.pos, end);
      }
      hasChars(n) {
        return this.pos + n <= this.buffer.length;
      }
      setNext(state) {
        this.buffer = this.buffer.substring(this.pos);
        this.pos = 0;
        this.lineEndPos = null;
        this.next = state;
        return null;
      }
      peek(n) {
        return this.buffer.substr(this.pos, n);
      }
      *parseNext(next) {
        switch (next) {
          case "stream":
            return yield* this.parseStream();
          case "line-start":
            return yield* this.parseLineStart();
          case "block-start":
            return yield* this.parseBlockStart();
          case "doc":
            return yield* this.parseDocument();
          case "flow":
            return yield* this.parseFlowCollection();
          case "quoted-scalar":
            return yield* this.parseQuotedScalar();
          case "block-scalar":
            return yield* this.parseBlockScalar();
          case "plain-scalar":
            return yield* this.parsePlainScalar();
        }
      }
      *parseStream() {
        let line = this.getLine();
        if (line === null)
          return this.setNext("stream");
        if (line[0] === cst.BOM) {
          yield* this.pushCount(1);
          line = line.substring(1);
        }
        if (line[0] === "%") {
          let dirEnd = line.length;
          let cs = line.indexOf("#");
          while (cs !== -1) {
            const ch = line[cs - 1];
            if (ch === " " || ch === "	") {
              dirEnd = cs - 1;
              break;
            } else {
              cs = line.indexOf("#", cs + 1);
            }
          }
          while (true) {
            const ch = line[dirEnd - 1];
            if (ch === " " || ch === "	")
              dirEnd -= 1;
            else
              break;
          }
          const n = (yield* this.pushCount(dirEnd)) + (yield* this.pushSpaces(true));
          yield* this.pushCount(line.length - n);
          this.pushNewline();
          return "stream";
        }
        if (this.atLineEnd()) {
          const sp = yield* this.pushSpaces(true);
          yield* this.pushCount(line.length - sp);
          yield* this.pushNewline();
          return "stream";
        }
        yield cst.DOCUMENT;
        return yield* this.parseLineStart();
      }
      *parseLineStart() {
        const ch = this.charAt(0);
        if (!ch && !this.atEnd)
          return this.setNext("line-start");
        if (ch === "-" || ch === ".") {
          if (!this.atEnd && !this.hasChars(4))
            return this.setNext("line-start");
          const s = this.peek(3);
          if ((s === "---" || s === "...") && isEmpty(this.charAt(3))) {
            yield* this.pushCount(3);
            this.indentValue = 0;
            this.indentNext = 0;
            return s === "---" ? "doc" : "stream";
          }
        }
        this.indentValue = yield* this.pushSpaces(false);
        if (this.indentNext > this.indentValue && !isEmpty(this.charAt(1)))
          this.indentNext = this.indentValue;
        return yield* this.parseBlockStart();
      }
      *parseBlockStart() {
        const [ch0, ch1] = this.peek(2);
        if (!ch1 && !this.atEnd)
          return this.setNext("block-start");
        if ((ch0 === "-" || ch0 === "?" || ch0 === ":") && isEmpty(ch1)) {
          const n = (yield* this.pushCount(1)) + (yield* this.pushSpaces(true));
          this.indentNext = this.indentValue + 1;
          this.indentValue += n;
          return "block-start";
        }
        return "doc";
      }
      *parseDocument() {
        yield* this.pushSpaces(true);
        const line = this.getLine();
        if (line === null)
          return this.setNext("doc");
        let n = yield* this.pushIndicators();
        switch (line[n]) {
          case "#":
            yield* this.pushCount(line.length - n);
          // fallthrough
          case void 0:
            yield* this.pushNewline();
            return yield* this.parseLineStart();
          case "{":
          case "[":
            yield* this.pushCount(1);
            this.flowKey = false;
            this.flowLevel = 1;
            return "flow";
          case "}":
          case "]":
            yield* this.pushCount(1);
            return "doc";
          case "*":
            yield* this.pushUntil(isNotAnchorChar);
            return "doc";
          case '"':
          case "'":
            return yield* this.parseQuotedScalar();
          case "|":
          case ">":
            n += yield* this.parseBlockScalarHeader();
            n += yield* this.pushSpaces(true);
            yield* this.pushCount(line.length - n);
            yield* this.pushNewline();
            return yield* this.parseBlockScalar();
          default:
            return yield* this.parsePlainScalar();
        }
      }
      *parseFlowCollection() {
        let nl, sp;
        let indent = -1;
        do {
          nl = yield* this.pushNewline();
          if (nl > 0) {
            sp = yield* this.pushSpaces(false);
            this.indentValue = indent = sp;
          } else {
            sp = 0;
          }
          sp += yield* this.pushSpaces(true);
        } while (nl + sp > 0);
        const line = this.getLine();
        if (line === null)
          return this.setNext("flow");
        if (indent !== -1 && indent < this.indentNext && line[0] !== "#" || indent === 0 && (line.startsWith("---") || line.startsWith("...")) && isEmpty(line[3])) {
          const atFlowEndMarker = indent === this.indentNext - 1 && this.flowLevel === 1 && (line[0] === "]" || line[0] === "}");
          if (!atFlowEndMarker) {
            this.flowLevel = 0;
            yield cst.FLOW_END;
            return yield* this.parseLineStart();
          }
        }
        let n = 0;
        while (line[n] === ",") {
          n += yield* this.pushCount(1);
          n += yield* this.pushSpaces(true);
          this.flowKey = false;
        }
        n += yield* this.pushIndicators();
        switch (line[n]) {
          case void 0:
            return "flow";
          case "#":
            yield* this.pushCount(line.length - n);
            return "flow";
          case "{":
          case "[":
            yield* this.pushCount(1);
            this.flowKey = false;
            this.flowLevel += 1;
            return "flow";
          case "}":
          case "]":
            yield* this.pushCount(1);
            this.flowKey = true;
            this.flowLevel -= 1;
            return this.flowLevel ? "flow" : "doc";
          case "*":
            yield* this.pushUntil(isNotAnchorChar);
            return "flow";
          case '"':
          case "'":
            this.flowKey = true;
            return yield* this.parseQuotedScalar();
          case ":": {
            const next = this.charAt(1);
            if (this.flowKey || isEmpty(next) || next === ",") {
              this.flowKey = false;
              yield* this.pushCount(1);
              yield* this.pushSpaces(true);
              return "flow";
            }
          }
          // fallthrough
          default:
            this.flowKey = false;
            return yield* this.parsePlainScalar();
        }
      }
      *parseQuotedScalar() {
        const quote = this.charAt(0);
        let end = this.buffer.indexOf(quote, this.pos + 1);
        if (quote === "'") {
          while (end !== -1 && this.buffer[end + 1] === "'")
            end = this.buffer.indexOf("'", end + 2);
        } else {
          while (end !== -1) {
            let n = 0;
            while (this.buffer[end - 1 - n] === "\\")
              n += 1;
            if (n % 2 === 0)
              break;
            end = this.buffer.indexOf('"', end + 1);
          }
        }
        const qb = this.buffer.substring(0, end);
        let nl = qb.indexOf("\n", this.pos);
        if (nl !== -1) {
          while (nl !== -1) {
            const cs = this.continueScalar(nl + 1);
            if (cs === -1)
              break;
            nl = qb.indexOf("\n", cs);
          }
          if (nl !== -1) {
            end = nl - (qb[nl - 1] === "\r" ? 2 : 1);
          }
        }
        if (end === -1) {
          if (!this.atEnd)
            return this.setNext("quoted-scalar");
          end = this.buffer.length;
        }
        yield* this.pushToIndex(end + 1, false);
        return this.flowLevel ? "flow" : "doc";
      }
      *parseBlockScalarHeader() {
        this.blockScalarIndent = -1;
        this.blockScalarKeep = false;
        let i = this.pos;
        while (true) {
          const ch = this.buffer[++i];
          if (ch === "+")
            this.blockScalarKeep = true;
          else if (ch > "0" && ch <= "9")
            this.blockScalarIndent = Number(ch) - 1;
          else if (ch !== "-")
            break;
        }
        return yield* this.pushUntil((ch) => isEmpty(ch) || ch === "#");
      }
      *parseBlockScalar() {
        let nl = this.pos - 1;
        let indent = 0;
        let ch;
        loop: for (let i2 = this.pos; ch = this.buffer[i2]; ++i2) {
          switch (ch) {
            case " ":
              indent += 1;
              break;
            case "\n":
              nl = i2;
              indent = 0;
              break;
            case "\r": {
              const next = this.buffer[i2 + 1];
              if (!next && !this.atEnd)
                return this.setNext("block-scalar");
              if (next === "\n")
                break;
            }
            // fallthrough
            default:
              break loop;
          }
        }
        if (!ch && !this.atEnd)
          return this.setNext("block-scalar");
        if (indent >= this.indentNext) {
          if (this.blockScalarIndent === -1)
            this.indentNext = indent;
          else {
            this.indentNext = this.blockScalarIndent + (this.indentNext === 0 ? 1 : this.indentNext);
          }
          do {
            const cs = this.continueScalar(nl + 1);
            if (cs === -1)
              break;
            nl = this.buffer.indexOf("\n", cs);
          } while (nl !== -1);
          if (nl === -1) {
            if (!this.atEnd)
              return this.setNext("block-scalar");
            nl = this.buffer.length;
          }
        }
        let i = nl + 1;
        ch = this.buffer[i];
        while (ch === " ")
          ch = this.buffer[++i];
        if (ch === "	") {
          while (ch === "	" || ch === " " || ch === "\r" || ch === "\n")
            ch = this.buffer[++i];
          nl = i - 1;
        } else if (!this.blockScalarKeep) {
          do {
            let i2 = nl - 1;
            let ch2 = this.buffer[i2];
            if (ch2 === "\r")
              ch2 = this.buffer[--i2];
            const lastChar = i2;
            while (ch2 === " ")
              ch2 = this.buffer[--i2];
            if (ch2 === "\n" && i2 >= this.pos && i2 + 1 + indent > lastChar)
              nl = i2;
            else
              break;
          } while (true);
        }
        yield cst.SCALAR;
        yield* this.pushToIndex(nl + 1, true);
        return yield* this.parseLineStart();
      }
      *parsePlainScalar() {
        const inFlow = this.flowLevel > 0;
        let end = this.pos - 1;
        let i = this.pos - 1;
        let ch;
        while (ch = this.buffer[++i]) {
          if (ch === ":") {
            const next = this.buffer[i + 1];
            if (isEmpty(next) || inFlow && flowIndicatorChars.has(next))
              break;
            end = i;
          } else if (isEmpty(ch)) {
            let next = this.buffer[i + 1];
            if (ch === "\r") {
              if (next === "\n") {
                i += 1;
                ch = "\n";
                next = this.buffer[i + 1];
              } else
                end = i;
            }
            if (next === "#" || inFlow && flowIndicatorChars.has(next))
              break;
            if (ch === "\n") {
              const cs = this.continueScalar(i + 1);
              if (cs === -1)
                break;
              i = Math.max(i, cs - 2);
            }
          } else {
            if (inFlow && flowIndicatorChars.has(ch))
              break;
            end = i;
          }
        }
        if (!ch && !this.atEnd)
          return this.setNext("plain-scalar");
        yield cst.SCALAR;
        yield* this.pushToIndex(end + 1, true);
        return inFlow ? "flow" : "doc";
      }
      *pushCount(n) {
        if (n > 0) {
          yield this.buffer.substr(this.pos, n);
          this.pos += n;
          return n;
        }
        return 0;
      }
      *pushToIndex(i, allowEmpty) {
        const s = this.buffer.slice(this.pos, i);
        if (s) {
          yield s;
          this.pos += s.length;
          return s.length;
        } else if (allowEmpty)
          yield "";
        return 0;
      }
      *pushIndicators() {
        let n = 0;
        loop: while (true) {
          switch (this.charAt(0)) {
            case "!":
              n += yield* this.pushTag();
              n += yield* this.pushSpaces(true);
              continue loop;
            case "&":
              n += yield* this.pushUntil(isNotAnchorChar);
              n += yield* this.pushSpaces(true);
              continue loop;
            case "-":
            // this is an error
            case "?":
            // this is an error outside flow collections
            case ":": {
              const inFlow = this.flowLevel > 0;
              const ch1 = this.charAt(1);
              if (isEmpty(ch1) || inFlow && flowIndicatorChars.has(ch1)) {
                if (!inFlow)
                  this.indentNext = this.indentValue + 1;
                else if (this.flowKey)
                  this.flowKey = false;
                n += yield* this.pushCount(1);
                n += yield* this.pushSpaces(true);
                continue loop;
              }
            }
          }
          break loop;
        }
        return n;
      }
      *pushTag() {
        if (this.charAt(1) === "<") {
          let i = this.pos + 2;
          let ch = this.buffer[i];
          while (!isEmpty(ch) && ch !== ">")
            ch = this.buffer[++i];
          return yield* this.pushToIndex(ch === ">" ? i + 1 : i, false);
        } else {
          let i = this.pos + 1;
          let ch = this.buffer[i];
          while (ch) {
            if (tagChars.has(ch))
              ch = this.buffer[++i];
            else if (ch === "%" && hexDigits.has(this.buffer[i + 1]) && hexDigits.has(this.buffer[i + 2])) {
              ch = this.buffer[i += 3];
            } else
              break;
          }
          return yield* this.pushToIndex(i, false);
        }
      }
      *pushNewline() {
        const ch = this.buffer[this.pos];
        if (ch === "\n")
          return yield* this.pushCount(1);
        else if (ch === "\r" && this.charAt(1) === "\n")
          return yield* this.pushCount(2);
        else
          return 0;
      }
      *pushSpaces(allowTabs) {
        let i = this.pos - 1;
        let ch;
        do {
          ch = this.buffer[++i];
        } while (ch === " " || allowTabs && ch === "	");
        const n = i - this.pos;
        if (n > 0) {
          yield this.buffer.substr(this.pos, n);
          this.pos = i;
        }
        return n;
      }
      *pushUntil(test) {
        let i = this.pos;
        let ch = this.buffer[i];
        while (!test(ch))
          ch = this.buffer[++i];
        return yield* this.pushToIndex(i, false);
      }
    };
    exports.Lexer = Lexer3;
  }
});

// node_modules/yaml/dist/parse/line-counter.js
var require_line_counter = __commonJS({
  "node_modules/yaml/dist/parse/line-counter.js"(exports) {
    "use strict";
    var LineCounter2 = class {
      constructor() {
        this.lineStarts = [];
        this.addNewLine = (offset) => this.lineStarts.push(offset);
        this.linePos = (offset) => {
          let low = 0;
          let high = this.lineStarts.length;
          while (low < high) {
            const mid = low + high >> 1;
            if (this.lineStarts[mid] < offset)
              low = mid + 1;
            else
              high = mid;
          }
          if (this.lineStarts[low] === offset)
            return { line: low + 1, col: 1 };
          if (low === 0)
            return { line: 0, col: offset };
          const start = this.lineStarts[low - 1];
          return { line: low, col: offset - start + 1 };
        };
      }
    };
    exports.LineCounter = LineCounter2;
  }
});

// node_modules/yaml/dist/parse/parser.js
var require_parser = __commonJS({
  "node_modules/yaml/dist/parse/parser.js"(exports) {
    "use strict";
    var node_process = __require("process");
    var cst = require_cst();
    var lexer = require_lexer();
    function includesToken(list2, type) {
      for (let i = 0; i < list2.length; ++i)
        if (list2[i].type === type)
          return true;
      return false;
    }
    function findNonEmptyIndex(list2) {
      for (let i = 0; i < list2.length; ++i) {
        switch (list2[i].type) {
          case "space":
          case "comment":
          case "newline":
            break;
          default:
            return i;
        }
      }
      return -1;
    }
    function isFlowToken(token) {
      switch (token?.type) {
        case "alias":
        case "scalar":
        case "single-quoted-scalar":
        case "double-quoted-scalar":
        case "flow-collection":
          return true;
        default:
          return false;
      }
    }
    function getPrevProps(parent) {
      switch (parent.type) {
        case "document":
          return parent.start;
        case "block-map": {
          const it = parent.items[parent.items.length - 1];
          return it.sep ?? it.start;
        }
        case "block-seq":
          return parent.items[parent.items.length - 1].start;
        /* istanbul ignore next should not happen */
        default:
          return [];
      }
    }
    function getFirstKeyStartProps(prev) {
      if (prev.length === 0)
        return [];
      let i = prev.length;
      loop: while (--i >= 0) {
        switch (prev[i].type) {
          case "doc-start":
          case "explicit-key-ind":
          case "map-value-ind":
          case "seq-item-ind":
          case "newline":
            break loop;
        }
      }
      while (prev[++i]?.type === "space") {
      }
      return prev.splice(i, prev.length);
    }
    function arrayPushArray(target, source) {
      if (source.length < 1e5)
        Array.prototype.push.apply(target, source);
      else
        for (let i = 0; i < source.length; ++i)
          target.push(source[i]);
    }
    function fixFlowSeqItems(fc) {
      if (fc.start.type === "flow-seq-start") {
        for (const it of fc.items) {
          if (it.sep && !it.value && !includesToken(it.start, "explicit-key-ind") && !includesToken(it.sep, "map-value-ind")) {
            if (it.key)
              it.value = it.key;
            delete it.key;
            if (isFlowToken(it.value)) {
              if (it.value.end)
                arrayPushArray(it.value.end, it.sep);
              else
                it.value.end = it.sep;
            } else
              arrayPushArray(it.start, it.sep);
            delete it.sep;
          }
        }
      }
    }
    var Parser = class {
      /**
       * @param onNewLine - If defined, called separately with the start position of
       *   each new line (in `parse()`, including the start of input).
       */
      constructor(onNewLine) {
        this.atNewLine = true;
        this.atScalar = false;
        this.indent = 0;
        this.offset = 0;
        this.onKeyLine = false;
        this.stack = [];
        this.source = "";
        this.type = "";
        this.lexer = new lexer.Lexer();
        this.onNewLine = onNewLine;
      }
      /**
       * Parse `source` as a YAML stream.
       * If `incomplete`, a part of the last line may be left as a buffer for the next call.
       *
       * Errors are not thrown, but yielded as `{ type: 'error', message }` tokens.
       *
       * @returns A generator of tokens representing each directive, document, and other structure.
       */
      *parse(source, incomplete = false) {
        if (this.onNewLine && this.offset === 0)
          this.onNewLine(0);
        for (const lexeme of this.lexer.lex(source, incomplete))
          yield* this.next(lexeme);
        if (!incomplete)
          yield* this.end();
      }
      /**
       * Advance the parser by the `source` of one lexical token.
       */
      *next(source) {
        this.source = source;
        if (node_process.env.LOG_TOKENS)
          console.log("|", cst.prettyToken(source));
        if (this.atScalar) {
          this.atScalar = false;
          yield* this.step();
          this.offset += source.length;
          return;
        }
        const type = cst.tokenType(source);
        if (!type) {
          const message = `Not a YAML token: ${source}`;
          yield* this.pop({ type: "error", offset: this.offset, message, source });
          this.offset += source.length;
        } else if (type === "scalar") {
          this.atNewLine = false;
          this.atScalar = true;
          this.type = "scalar";
        } else {
          this.type = type;
          yield* this.step();
          switch (type) {
            case "newline":
              this.atNewLine = true;
              this.indent = 0;
              if (this.onNewLine)
                this.onNewLine(this.offset + source.length);
              break;
            case "space":
              if (this.atNewLine && source[0] === " ")
                this.indent += source.length;
              break;
            case "explicit-key-ind":
            case "map-value-ind":
            case "seq-item-ind":
              if (this.atNewLine)
                this.indent += source.length;
              break;
            case "doc-mode":
            case "flow-error-end":
              return;
            default:
              this.atNewLine = false;
          }
          this.offset += source.length;
        }
      }
      /** Call at end of input to push out any remaining constructions */
      *end() {
        while (this.stack.length > 0)
          yield* this.pop();
      }
      get sourceToken() {
        const st = {
          type: this.type,
          offset: this.offset,
          indent: this.indent,
          source: this.source
        };
        return st;
      }
      *step() {
        const top = this.peek(1);
        if (this.type === "doc-end" && top?.type !== "doc-end") {
          while (this.stack.length > 0)
            yield* this.pop();
          this.stack.push({
            type: "doc-end",
            offset: this.offset,
            source: this.source
          });
          return;
        }
        if (!top)
          return yield* this.stream();
        switch (top.type) {
          case "document":
            return yield* this.document(top);
          case "alias":
          case "scalar":
          case "single-quoted-scalar":
          case "double-quoted-scalar":
            return yield* this.scalar(top);
          case "block-scalar":
            return yield* this.blockScalar(top);
          case "block-map":
            return yield* this.blockMap(top);
          case "block-seq":
            return yield* this.blockSequence(top);
          case "flow-collection":
            return yield* this.flowCollection(top);
          case "doc-end":
            return yield* this.documentEnd(top);
        }
        yield* this.pop();
      }
      peek(n) {
        return this.stack[this.stack.length - n];
      }
      *pop(error) {
        const token = error ?? this.stack.pop();
        if (!token) {
          const message = "Tried to pop an empty stack";
          yield { type: "error", offset: this.offset, source: "", message };
        } else if (this.stack.length === 0) {
          yield token;
        } else {
          const top = this.peek(1);
          if (token.type === "block-scalar") {
            token.indent = "indent" in top ? top.indent : 0;
          } else if (token.type === "flow-collection" && top.type === "document") {
            token.indent = 0;
          }
          if (token.type === "flow-collection")
            fixFlowSeqItems(token);
          switch (top.type) {
            case "document":
              top.value = token;
              break;
            case "block-scalar":
              top.props.push(token);
              break;
            case "block-map": {
              const it = top.items[top.items.length - 1];
              if (it.value) {
                top.items.push({ start: [], key: token, sep: [] });
                this.onKeyLine = true;
                return;
              } else if (it.sep) {
                it.value = token;
              } else {
                Object.assign(it, { key: token, sep: [] });
                this.onKeyLine = !it.explicitKey;
                return;
              }
              break;
            }
            case "block-seq": {
              const it = top.items[top.items.length - 1];
              if (it.value)
                top.items.push({ start: [], value: token });
              else
                it.value = token;
              break;
            }
            case "flow-collection": {
              const it = top.items[top.items.length - 1];
              if (!it || it.value)
                top.items.push({ start: [], key: token, sep: [] });
              else if (it.sep)
                it.value = token;
              else
                Object.assign(it, { key: token, sep: [] });
              return;
            }
            /* istanbul ignore next should not happen */
            default:
              yield* this.pop();
              yield* this.pop(token);
          }
          if ((top.type === "document" || top.type === "block-map" || top.type === "block-seq") && (token.type === "block-map" || token.type === "block-seq")) {
            const last = token.items[token.items.length - 1];
            if (last && !last.sep && !last.value && last.start.length > 0 && findNonEmptyIndex(last.start) === -1 && (token.indent === 0 || last.start.every((st) => st.type !== "comment" || st.indent < token.indent))) {
              if (top.type === "document")
                top.end = last.start;
              else
                top.items.push({ start: last.start });
              token.items.splice(-1, 1);
            }
          }
        }
      }
      *stream() {
        switch (this.type) {
          case "directive-line":
            yield { type: "directive", offset: this.offset, source: this.source };
            return;
          case "byte-order-mark":
          case "space":
          case "comment":
          case "newline":
            yield this.sourceToken;
            return;
          case "doc-mode":
          case "doc-start": {
            const doc = {
              type: "document",
              offset: this.offset,
              start: []
            };
            if (this.type === "doc-start")
              doc.start.push(this.sourceToken);
            this.stack.push(doc);
            return;
          }
        }
        yield {
          type: "error",
          offset: this.offset,
          message: `Unexpected ${this.type} token in YAML stream`,
          source: this.source
        };
      }
      *document(doc) {
        if (doc.value)
          return yield* this.lineEnd(doc);
        switch (this.type) {
          case "doc-start": {
            if (findNonEmptyIndex(doc.start) !== -1) {
              yield* this.pop();
              yield* this.step();
            } else
              doc.start.push(this.sourceToken);
            return;
          }
          case "anchor":
          case "tag":
          case "space":
          case "comment":
          case "newline":
            doc.start.push(this.sourceToken);
            return;
        }
        const bv = this.startBlockValue(doc);
        if (bv)
          this.stack.push(bv);
        else {
          yield {
            type: "error",
            offset: this.offset,
            message: `Unexpected ${this.type} token in YAML document`,
            source: this.source
          };
        }
      }
      *scalar(scalar) {
        if (this.type === "map-value-ind") {
          const prev = getPrevProps(this.peek(2));
          const start = getFirstKeyStartProps(prev);
          let sep3;
          if (scalar.end) {
            sep3 = scalar.end;
            sep3.push(this.sourceToken);
            delete scalar.end;
          } else
            sep3 = [this.sourceToken];
          const map = {
            type: "block-map",
            offset: scalar.offset,
            indent: scalar.indent,
            items: [{ start, key: scalar, sep: sep3 }]
          };
          this.onKeyLine = true;
          this.stack[this.stack.length - 1] = map;
        } else
          yield* this.lineEnd(scalar);
      }
      *blockScalar(scalar) {
        switch (this.type) {
          case "space":
          case "comment":
          case "newline":
            scalar.props.push(this.sourceToken);
            return;
          case "scalar":
            scalar.source = this.source;
            this.atNewLine = true;
            this.indent = 0;
            if (this.onNewLine) {
              let nl = this.source.indexOf("\n") + 1;
              while (nl !== 0) {
                this.onNewLine(this.offset + nl);
                nl = this.source.indexOf("\n", nl) + 1;
              }
            }
            yield* this.pop();
            break;
          /* istanbul ignore next should not happen */
          default:
            yield* this.pop();
            yield* this.step();
        }
      }
      *blockMap(map) {
        const it = map.items[map.items.length - 1];
        switch (this.type) {
          case "newline":
            this.onKeyLine = false;
            if (it.value) {
              const end = "end" in it.value ? it.value.end : void 0;
              const last = Array.isArray(end) ? end[end.length - 1] : void 0;
              if (last?.type === "comment")
                end?.push(this.sourceToken);
              else
                map.items.push({ start: [this.sourceToken] });
            } else if (it.sep) {
              it.sep.push(this.sourceToken);
            } else {
              it.start.push(this.sourceToken);
            }
            return;
          case "space":
          case "comment":
            if (it.value) {
              map.items.push({ start: [this.sourceToken] });
            } else if (it.sep) {
              it.sep.push(this.sourceToken);
            } else {
              if (this.atIndentedComment(it.start, map.indent)) {
                const prev = map.items[map.items.length - 2];
                const end = prev?.value?.end;
                if (Array.isArray(end)) {
                  arrayPushArray(end, it.start);
                  end.push(this.sourceToken);
                  map.items.pop();
                  return;
                }
              }
              it.start.push(this.sourceToken);
            }
            return;
        }
        if (this.indent >= map.indent) {
          const atMapIndent = !this.onKeyLine && this.indent === map.indent;
          const atNextItem = atMapIndent && (it.sep || it.explicitKey) && this.type !== "seq-item-ind";
          let start = [];
          if (atNextItem && it.sep && !it.value) {
            const nl = [];
            for (let i = 0; i < it.sep.length; ++i) {
              const st = it.sep[i];
              switch (st.type) {
                case "newline":
                  nl.push(i);
                  break;
                case "space":
                  break;
                case "comment":
                  if (st.indent > map.indent)
                    nl.length = 0;
                  break;
                default:
                  nl.length = 0;
              }
            }
            if (nl.length >= 2)
              start = it.sep.splice(nl[1]);
          }
          switch (this.type) {
            case "anchor":
            case "tag":
              if (atNextItem || it.value) {
                start.push(this.sourceToken);
                map.items.push({ start });
                this.onKeyLine = true;
              } else if (it.sep) {
                it.sep.push(this.sourceToken);
              } else {
                it.start.push(this.sourceToken);
              }
              return;
            case "explicit-key-ind":
              if (!it.sep && !it.explicitKey) {
                it.start.push(this.sourceToken);
                it.explicitKey = true;
              } else if (atNextItem || it.value) {
                start.push(this.sourceToken);
                map.items.push({ start, explicitKey: true });
              } else {
                this.stack.push({
                  type: "block-map",
                  offset: this.offset,
                  indent: this.indent,
                  items: [{ start: [this.sourceToken], explicitKey: true }]
                });
              }
              this.onKeyLine = true;
              return;
            case "map-value-ind":
              if (it.explicitKey) {
                if (!it.sep) {
                  if (includesToken(it.start, "newline")) {
                    Object.assign(it, { key: null, sep: [this.sourceToken] });
                  } else {
                    const start2 = getFirstKeyStartProps(it.start);
                    this.stack.push({
                      type: "block-map",
                      offset: this.offset,
                      indent: this.indent,
                      items: [{ start: start2, key: null, sep: [this.sourceToken] }]
                    });
                  }
                } else if (it.value) {
                  map.items.push({ start: [], key: null, sep: [this.sourceToken] });
                } else if (includesToken(it.sep, "map-value-ind")) {
                  this.stack.push({
                    type: "block-map",
                    offset: this.offset,
                    indent: this.indent,
                    items: [{ start, key: null, sep: [this.sourceToken] }]
                  });
                } else if (isFlowToken(it.key) && !includesToken(it.sep, "newline")) {
                  const start2 = getFirstKeyStartProps(it.start);
                  const key2 = it.key;
                  const sep3 = it.sep;
                  sep3.push(this.sourceToken);
                  delete it.key;
                  delete it.sep;
                  this.stack.push({
                    type: "block-map",
                    offset: this.offset,
                    indent: this.indent,
                    items: [{ start: start2, key: key2, sep: sep3 }]
                  });
                } else if (start.length > 0) {
                  it.sep = it.sep.concat(start, this.sourceToken);
                } else {
                  it.sep.push(this.sourceToken);
                }
              } else {
                if (!it.sep) {
                  Object.assign(it, { key: null, sep: [this.sourceToken] });
                } else if (it.value || atNextItem) {
                  map.items.push({ start, key: null, sep: [this.sourceToken] });
                } else if (includesToken(it.sep, "map-value-ind")) {
                  this.stack.push({
                    type: "block-map",
                    offset: this.offset,
                    indent: this.indent,
                    items: [{ start: [], key: null, sep: [this.sourceToken] }]
                  });
                } else {
                  it.sep.push(this.sourceToken);
                }
              }
              this.onKeyLine = true;
              return;
            case "alias":
            case "scalar":
            case "single-quoted-scalar":
            case "double-quoted-scalar": {
              const fs2 = this.flowScalar(this.type);
              if (atNextItem || it.value) {
                map.items.push({ start, key: fs2, sep: [] });
                this.onKeyLine = true;
              } else if (it.sep) {
                this.stack.push(fs2);
              } else {
                Object.assign(it, { key: fs2, sep: [] });
                this.onKeyLine = true;
              }
              return;
            }
            default: {
              const bv = this.startBlockValue(map);
              if (bv) {
                if (bv.type === "block-seq") {
                  if (!it.explicitKey && it.sep && !includesToken(it.sep, "newline")) {
                    yield* this.pop({
                      type: "error",
                      offset: this.offset,
                      message: "Unexpected block-seq-ind on same line with key",
                      source: this.source
                    });
                    return;
                  }
                } else if (atMapIndent) {
                  map.items.push({ start });
                }
                this.stack.push(bv);
                return;
              }
            }
          }
        }
        yield* this.pop();
        yield* this.step();
      }
      *blockSequence(seq) {
        const it = seq.items[seq.items.length - 1];
        switch (this.type) {
          case "newline":
            if (it.value) {
              const end = "end" in it.value ? it.value.end : void 0;
              const last = Array.isArray(end) ? end[end.length - 1] : void 0;
              if (last?.type === "comment")
                end?.push(this.sourceToken);
              else
                seq.items.push({ start: [this.sourceToken] });
            } else
              it.start.push(this.sourceToken);
            return;
          case "space":
          case "comment":
            if (it.value)
              seq.items.push({ start: [this.sourceToken] });
            else {
              if (this.atIndentedComment(it.start, seq.indent)) {
                const prev = seq.items[seq.items.length - 2];
                const end = prev?.value?.end;
                if (Array.isArray(end)) {
                  arrayPushArray(end, it.start);
                  end.push(this.sourceToken);
                  seq.items.pop();
                  return;
                }
              }
              it.start.push(this.sourceToken);
            }
            return;
          case "anchor":
          case "tag":
            if (it.value || this.indent <= seq.indent)
              break;
            it.start.push(this.sourceToken);
            return;
          case "seq-item-ind":
            if (this.indent !== seq.indent)
              break;
            if (it.value || includesToken(it.start, "seq-item-ind"))
              seq.items.push({ start: [this.sourceToken] });
            else
              it.start.push(this.sourceToken);
            return;
        }
        if (this.indent > seq.indent) {
          const bv = this.startBlockValue(seq);
          if (bv) {
            this.stack.push(bv);
            return;
          }
        }
        yield* this.pop();
        yield* this.step();
      }
      *flowCollection(fc) {
        const it = fc.items[fc.items.length - 1];
        if (this.type === "flow-error-end") {
          let top;
          do {
            yield* this.pop();
            top = this.peek(1);
          } while (top?.type === "flow-collection");
        } else if (fc.end.length === 0) {
          switch (this.type) {
            case "comma":
            case "explicit-key-ind":
              if (!it || it.sep)
                fc.items.push({ start: [this.sourceToken] });
              else
                it.start.push(this.sourceToken);
              return;
            case "map-value-ind":
              if (!it || it.value)
                fc.items.push({ start: [], key: null, sep: [this.sourceToken] });
              else if (it.sep)
                it.sep.push(this.sourceToken);
              else
                Object.assign(it, { key: null, sep: [this.sourceToken] });
              return;
            case "space":
            case "comment":
            case "newline":
            case "anchor":
            case "tag":
              if (!it || it.value)
                fc.items.push({ start: [this.sourceToken] });
              else if (it.sep)
                it.sep.push(this.sourceToken);
              else
                it.start.push(this.sourceToken);
              return;
            case "alias":
            case "scalar":
            case "single-quoted-scalar":
            case "double-quoted-scalar": {
              const fs2 = this.flowScalar(this.type);
              if (!it || it.value)
                fc.items.push({ start: [], key: fs2, sep: [] });
              else if (it.sep)
                this.stack.push(fs2);
              else
                Object.assign(it, { key: fs2, sep: [] });
              return;
            }
            case "flow-map-end":
            case "flow-seq-end":
              fc.end.push(this.sourceToken);
              return;
          }
          const bv = this.startBlockValue(fc);
          if (bv)
            this.stack.push(bv);
          else {
            yield* this.pop();
            yield* this.step();
          }
        } else {
          const parent = this.peek(2);
          if (parent.type === "block-map" && (this.type === "map-value-ind" && parent.indent === fc.indent || this.type === "newline" && !parent.items[parent.items.length - 1].sep)) {
            yield* this.pop();
            yield* this.step();
          } else if (this.type === "map-value-ind" && parent.type !== "flow-collection") {
            const prev = getPrevProps(parent);
            const start = getFirstKeyStartProps(prev);
            fixFlowSeqItems(fc);
            const sep3 = fc.end.splice(1, fc.end.length);
            sep3.push(this.sourceToken);
            const map = {
              type: "block-map",
              offset: fc.offset,
              indent: fc.indent,
              items: [{ start, key: fc, sep: sep3 }]
            };
            this.onKeyLine = true;
            this.stack[this.stack.length - 1] = map;
          } else {
            yield* this.lineEnd(fc);
          }
        }
      }
      flowScalar(type) {
        if (this.onNewLine) {
          let nl = this.source.indexOf("\n") + 1;
          while (nl !== 0) {
            this.onNewLine(this.offset + nl);
            nl = this.source.indexOf("\n", nl) + 1;
          }
        }
        return {
          type,
          offset: this.offset,
          indent: this.indent,
          source: this.source
        };
      }
      startBlockValue(parent) {
        switch (this.type) {
          case "alias":
          case "scalar":
          case "single-quoted-scalar":
          case "double-quoted-scalar":
            return this.flowScalar(this.type);
          case "block-scalar-header":
            return {
              type: "block-scalar",
              offset: this.offset,
              indent: this.indent,
              props: [this.sourceToken],
              source: ""
            };
          case "flow-map-start":
          case "flow-seq-start":
            return {
              type: "flow-collection",
              offset: this.offset,
              indent: this.indent,
              start: this.sourceToken,
              items: [],
              end: []
            };
          case "seq-item-ind":
            return {
              type: "block-seq",
              offset: this.offset,
              indent: this.indent,
              items: [{ start: [this.sourceToken] }]
            };
          case "explicit-key-ind": {
            this.onKeyLine = true;
            const prev = getPrevProps(parent);
            const start = getFirstKeyStartProps(prev);
            start.push(this.sourceToken);
            return {
              type: "block-map",
              offset: this.offset,
              indent: this.indent,
              items: [{ start, explicitKey: true }]
            };
          }
          case "map-value-ind": {
            this.onKeyLine = true;
            const prev = getPrevProps(parent);
            const start = getFirstKeyStartProps(prev);
            return {
              type: "block-map",
              offset: this.offset,
              indent: this.indent,
              items: [{ start, key: null, sep: [this.sourceToken] }]
            };
          }
        }
        return null;
      }
      atIndentedComment(start, indent) {
        if (this.type !== "comment")
          return false;
        if (this.indent <= indent)
          return false;
        return start.every((st) => st.type === "newline" || st.type === "space");
      }
      *documentEnd(docEnd) {
        if (this.type !== "doc-mode") {
          if (docEnd.end)
            docEnd.end.push(this.sourceToken);
          else
            docEnd.end = [this.sourceToken];
          if (this.type === "newline")
            yield* this.pop();
        }
      }
      *lineEnd(token) {
        switch (this.type) {
          case "comma":
          case "doc-start":
          case "doc-end":
          case "flow-seq-end":
          case "flow-map-end":
          case "map-value-ind":
            yield* this.pop();
            yield* this.step();
            break;
          case "newline":
            this.onKeyLine = false;
          // fallthrough
          case "space":
          case "comment":
          default:
            if (token.end)
              token.end.push(this.sourceToken);
            else
              token.end = [this.sourceToken];
            if (this.type === "newline")
              yield* this.pop();
        }
      }
    };
    exports.Parser = Parser;
  }
});

// node_modules/yaml/dist/public-api.js
var require_public_api = __commonJS({
  "node_modules/yaml/dist/public-api.js"(exports) {
    "use strict";
    var composer = require_composer();
    var Document = require_Document();
    var errors = require_errors();
    var log = require_log();
    var identity2 = require_identity();
    var lineCounter = require_line_counter();
    var parser = require_parser();
    function parseOptions2(options2) {
      const prettyErrors = options2.prettyErrors !== false;
      const lineCounter$1 = options2.lineCounter || prettyErrors && new lineCounter.LineCounter() || null;
      return { lineCounter: lineCounter$1, prettyErrors };
    }
    function parseAllDocuments(source, options2 = {}) {
      const { lineCounter: lineCounter2, prettyErrors } = parseOptions2(options2);
      const parser$1 = new parser.Parser(lineCounter2?.addNewLine);
      const composer$1 = new composer.Composer(options2);
      const docs = Array.from(composer$1.compose(parser$1.parse(source)));
      if (prettyErrors && lineCounter2)
        for (const doc of docs) {
          doc.errors.forEach(errors.prettifyError(source, lineCounter2));
          doc.warnings.forEach(errors.prettifyError(source, lineCounter2));
        }
      if (docs.length > 0)
        return docs;
      return Object.assign([], { empty: true }, composer$1.streamInfo());
    }
    function parseDocument2(source, options2 = {}) {
      const { lineCounter: lineCounter2, prettyErrors } = parseOptions2(options2);
      const parser$1 = new parser.Parser(lineCounter2?.addNewLine);
      const composer$1 = new composer.Composer(options2);
      let doc = null;
      for (const _doc of composer$1.compose(parser$1.parse(source), true, source.length)) {
        if (!doc)
          doc = _doc;
        else if (doc.options.logLevel !== "silent") {
          doc.errors.push(new errors.YAMLParseError(_doc.range.slice(0, 2), "MULTIPLE_DOCS", "Source contains multiple documents; please use YAML.parseAllDocuments()"));
          break;
        }
      }
      if (prettyErrors && lineCounter2) {
        doc.errors.forEach(errors.prettifyError(source, lineCounter2));
        doc.warnings.forEach(errors.prettifyError(source, lineCounter2));
      }
      return doc;
    }
    function parse(src, reviver, options2) {
      let _reviver = void 0;
      if (typeof reviver === "function") {
        _reviver = reviver;
      } else if (options2 === void 0 && reviver && typeof reviver === "object") {
        options2 = reviver;
      }
      const doc = parseDocument2(src, options2);
      if (!doc)
        return null;
      doc.warnings.forEach((warning2) => log.warn(doc.options.logLevel, warning2));
      if (doc.errors.length > 0) {
        if (doc.options.logLevel !== "silent")
          throw doc.errors[0];
        else
          doc.errors = [];
      }
      return doc.toJS(Object.assign({ reviver: _reviver }, options2));
    }
    function stringify(value, replacer, options2) {
      let _replacer = null;
      if (typeof replacer === "function" || Array.isArray(replacer)) {
        _replacer = replacer;
      } else if (options2 === void 0 && replacer) {
        options2 = replacer;
      }
      if (typeof options2 === "string")
        options2 = options2.length;
      if (typeof options2 === "number") {
        const indent = Math.round(options2);
        options2 = indent < 1 ? void 0 : indent > 8 ? { indent: 8 } : { indent };
      }
      if (value === void 0) {
        const { keepUndefined } = options2 ?? replacer ?? {};
        if (!keepUndefined)
          return void 0;
      }
      if (identity2.isDocument(value) && !_replacer)
        return value.toString(options2);
      return new Document.Document(value, _replacer, options2).toString(options2);
    }
    exports.parse = parse;
    exports.parseAllDocuments = parseAllDocuments;
    exports.parseDocument = parseDocument2;
    exports.stringify = stringify;
  }
});

// node_modules/yaml/dist/index.js
var require_dist = __commonJS({
  "node_modules/yaml/dist/index.js"(exports) {
    "use strict";
    var composer = require_composer();
    var Document = require_Document();
    var Schema = require_Schema();
    var errors = require_errors();
    var Alias = require_Alias();
    var identity2 = require_identity();
    var Pair = require_Pair();
    var Scalar = require_Scalar();
    var YAMLMap = require_YAMLMap();
    var YAMLSeq = require_YAMLSeq();
    var cst = require_cst();
    var lexer = require_lexer();
    var lineCounter = require_line_counter();
    var parser = require_parser();
    var publicApi = require_public_api();
    var visit2 = require_visit();
    exports.Composer = composer.Composer;
    exports.Document = Document.Document;
    exports.Schema = Schema.Schema;
    exports.YAMLError = errors.YAMLError;
    exports.YAMLParseError = errors.YAMLParseError;
    exports.YAMLWarning = errors.YAMLWarning;
    exports.Alias = Alias.Alias;
    exports.isAlias = identity2.isAlias;
    exports.isCollection = identity2.isCollection;
    exports.isDocument = identity2.isDocument;
    exports.isMap = identity2.isMap;
    exports.isNode = identity2.isNode;
    exports.isPair = identity2.isPair;
    exports.isScalar = identity2.isScalar;
    exports.isSeq = identity2.isSeq;
    exports.Pair = Pair.Pair;
    exports.Scalar = Scalar.Scalar;
    exports.YAMLMap = YAMLMap.YAMLMap;
    exports.YAMLSeq = YAMLSeq.YAMLSeq;
    exports.CST = cst;
    exports.Lexer = lexer.Lexer;
    exports.LineCounter = lineCounter.LineCounter;
    exports.Parser = parser.Parser;
    exports.parse = publicApi.parse;
    exports.parseAllDocuments = publicApi.parseAllDocuments;
    exports.parseDocument = publicApi.parseDocument;
    exports.stringify = publicApi.stringify;
    exports.visit = visit2.visit;
    exports.visitAsync = visit2.visitAsync;
  }
});

// node_modules/pend/index.js
var require_pend = __commonJS({
  "node_modules/pend/index.js"(exports, module) {
    module.exports = Pend;
    function Pend() {
      this.pending = 0;
      this.max = Infinity;
      this.listeners = [];
      this.waiting = [];
      this.error = null;
    }
    Pend.prototype.go = function(fn) {
      if (this.pending < this.max) {
        pendGo(this, fn);
      } else {
        this.waiting.push(fn);
      }
    };
    Pend.prototype.wait = function(cb) {
      if (this.pending === 0) {
        cb(this.error);
      } else {
        this.listeners.push(cb);
      }
    };
    Pend.prototype.hold = function() {
      return pendHold(this);
    };
    function pendHold(self) {
      self.pending += 1;
      var called = false;
      return onCb;
      function onCb(err3) {
        if (called) throw new Error("callback called twice");
        called = true;
        self.error = self.error || err3;
        self.pending -= 1;
        if (self.waiting.length > 0 && self.pending < self.max) {
          pendGo(self, self.waiting.shift());
        } else if (self.pending === 0) {
          var listeners = self.listeners;
          self.listeners = [];
          listeners.forEach(cbListener);
        }
      }
      function cbListener(listener) {
        listener(self.error);
      }
    }
    function pendGo(self, fn) {
      fn(pendHold(self));
    }
  }
});

// node_modules/yauzl/fd-slicer.js
var require_fd_slicer = __commonJS({
  "node_modules/yauzl/fd-slicer.js"(exports) {
    var fs2 = __require("fs");
    var util = __require("util");
    var stream = __require("stream");
    var Readable2 = stream.Readable;
    var PassThrough = stream.PassThrough;
    var Pend = require_pend();
    var EventEmitter = __require("events").EventEmitter;
    exports.BufferSlicer = BufferSlicer;
    exports.FdSlicer = FdSlicer;
    util.inherits(FdSlicer, EventEmitter);
    function FdSlicer(fd) {
      EventEmitter.call(this);
      this.fd = fd;
      this.pend = new Pend();
      this.pend.max = 1;
      this.refCount = 0;
    }
    FdSlicer.prototype.read = function(buffer, offset, length, position, callback) {
      var self = this;
      self.pend.go(function(cb) {
        fs2.read(self.fd, buffer, offset, length, position, function(err3, bytesRead, buffer2) {
          cb();
          callback(err3, bytesRead, buffer2);
        });
      });
    };
    FdSlicer.prototype.createReadStream = function(options2) {
      return new ReadStream(this, options2);
    };
    FdSlicer.prototype.ref = function() {
      this.refCount += 1;
    };
    FdSlicer.prototype.unref = function() {
      var self = this;
      self.refCount -= 1;
      if (self.refCount < 0) throw new Error("invalid unref");
      if (self.refCount > 0) return;
      fs2.close(self.fd, onCloseDone);
      function onCloseDone(err3) {
        if (err3) {
          self.emit("error", err3);
        } else {
          self.emit("close");
        }
      }
    };
    util.inherits(ReadStream, Readable2);
    function ReadStream(context, options2) {
      options2 = options2 || {};
      Readable2.call(this, options2);
      this.context = context;
      this.context.ref();
      this.start = options2.start || 0;
      this.endOffset = options2.end;
      this.pos = this.start;
    }
    ReadStream.prototype._read = function(n) {
      var self = this;
      var toRead = Math.min(self._readableState.highWaterMark, n);
      if (self.endOffset != null) {
        toRead = Math.min(toRead, self.endOffset - self.pos);
      }
      if (toRead <= 0) {
        self.push(null);
        this._cleanup();
        return;
      }
      self.context.pend.go(function(cb) {
        var buffer = Buffer.allocUnsafe(toRead);
        fs2.read(self.context.fd, buffer, 0, toRead, self.pos, function(err3, bytesRead) {
          if (err3) {
            self.destroy(err3);
          } else if (bytesRead === 0) {
            self.push(null);
            self._cleanup();
          } else {
            self.pos += bytesRead;
            self.push(buffer.slice(0, bytesRead));
          }
          cb();
        });
      });
    };
    ReadStream.prototype._destroy = function(err3, cb) {
      this._cleanup();
      cb(err3);
    };
    ReadStream.prototype._cleanup = function() {
      if (this.context != null) {
        this.context.unref();
        this.context = null;
      }
    };
    util.inherits(BufferSlicer, EventEmitter);
    function BufferSlicer(buffer) {
      EventEmitter.call(this);
      this.refCount = 0;
      this.buffer = buffer;
    }
    BufferSlicer.prototype.read = function(buffer, offset, length, position, callback) {
      if (!(0 <= offset && offset <= buffer.length)) throw new RangeError("offset outside buffer: 0 <= " + offset + " <= " + buffer.length);
      if (position < 0) throw new RangeError("position is negative: " + position);
      if (offset + length > buffer.length) {
        length = buffer.length - offset;
      }
      if (position + length > this.buffer.length) {
        length = this.buffer.length - position;
      }
      if (length <= 0) {
        setImmediate(function() {
          callback(null, 0);
        });
        return;
      }
      this.buffer.copy(buffer, offset, position, position + length);
      setImmediate(function() {
        callback(null, length);
      });
    };
    BufferSlicer.prototype.createReadStream = function(options2) {
      options2 = options2 || {};
      var readStream = new PassThrough(options2);
      readStream.start = options2.start || 0;
      readStream.endOffset = options2.end;
      readStream.pos = readStream.endOffset || this.buffer.length;
      var entireSlice = this.buffer.slice(readStream.start, readStream.pos);
      var maxChunkSize = 65536;
      var offset = 0;
      while (true) {
        var nextOffset = offset + maxChunkSize;
        if (nextOffset >= entireSlice.length) {
          if (offset < entireSlice.length) {
            readStream.write(entireSlice.slice(offset, entireSlice.length));
          }
          break;
        }
        readStream.write(entireSlice.slice(offset, nextOffset));
        offset = nextOffset;
      }
      readStream.end();
      return readStream;
    };
    BufferSlicer.prototype.ref = function() {
      this.refCount += 1;
    };
    BufferSlicer.prototype.unref = function() {
      this.refCount -= 1;
      if (this.refCount < 0) {
        throw new Error("invalid unref");
      }
    };
  }
});

// node_modules/yauzl/crc32.js
var require_crc32 = __commonJS({
  "node_modules/yauzl/crc32.js"(exports, module) {
    var CRC_TABLE = new Int32Array([
      0,
      1996959894,
      3993919788,
      2567524794,
      124634137,
      1886057615,
      3915621685,
      2657392035,
      249268274,
      2044508324,
      3772115230,
      2547177864,
      162941995,
      2125561021,
      3887607047,
      2428444049,
      498536548,
      1789927666,
      4089016648,
      2227061214,
      450548861,
      1843258603,
      4107580753,
      2211677639,
      325883990,
      1684777152,
      4251122042,
      2321926636,
      335633487,
      1661365465,
      4195302755,
      2366115317,
      997073096,
      1281953886,
      3579855332,
      2724688242,
      1006888145,
      1258607687,
      3524101629,
      2768942443,
      901097722,
      1119000684,
      3686517206,
      2898065728,
      853044451,
      1172266101,
      3705015759,
      2882616665,
      651767980,
      1373503546,
      3369554304,
      3218104598,
      565507253,
      1454621731,
      3485111705,
      3099436303,
      671266974,
      1594198024,
      3322730930,
      2970347812,
      795835527,
      1483230225,
      3244367275,
      3060149565,
      1994146192,
      31158534,
      2563907772,
      4023717930,
      1907459465,
      112637215,
      2680153253,
      3904427059,
      2013776290,
      251722036,
      2517215374,
      3775830040,
      2137656763,
      141376813,
      2439277719,
      3865271297,
      1802195444,
      476864866,
      2238001368,
      4066508878,
      1812370925,
      453092731,
      2181625025,
      4111451223,
      1706088902,
      314042704,
      2344532202,
      4240017532,
      1658658271,
      366619977,
      2362670323,
      4224994405,
      1303535960,
      984961486,
      2747007092,
      3569037538,
      1256170817,
      1037604311,
      2765210733,
      3554079995,
      1131014506,
      879679996,
      2909243462,
      3663771856,
      1141124467,
      855842277,
      2852801631,
      3708648649,
      1342533948,
      654459306,
      3188396048,
      3373015174,
      1466479909,
      544179635,
      3110523913,
      3462522015,
      1591671054,
      702138776,
      2966460450,
      3352799412,
      1504918807,
      783551873,
      3082640443,
      3233442989,
      3988292384,
      2596254646,
      62317068,
      1957810842,
      3939845945,
      2647816111,
      81470997,
      1943803523,
      3814918930,
      2489596804,
      225274430,
      2053790376,
      3826175755,
      2466906013,
      167816743,
      2097651377,
      4027552580,
      2265490386,
      503444072,
      1762050814,
      4150417245,
      2154129355,
      426522225,
      1852507879,
      4275313526,
      2312317920,
      282753626,
      1742555852,
      4189708143,
      2394877945,
      397917763,
      1622183637,
      3604390888,
      2714866558,
      953729732,
      1340076626,
      3518719985,
      2797360999,
      1068828381,
      1219638859,
      3624741850,
      2936675148,
      906185462,
      1090812512,
      3747672003,
      2825379669,
      829329135,
      1181335161,
      3412177804,
      3160834842,
      628085408,
      1382605366,
      3423369109,
      3138078467,
      570562233,
      1426400815,
      3317316542,
      2998733608,
      733239954,
      1555261956,
      3268935591,
      3050360625,
      752459403,
      1541320221,
      2607071920,
      3965973030,
      1969922972,
      40735498,
      2617837225,
      3943577151,
      1913087877,
      83908371,
      2512341634,
      3803740692,
      2075208622,
      213261112,
      2463272603,
      3855990285,
      2094854071,
      198958881,
      2262029012,
      4057260610,
      1759359992,
      534414190,
      2176718541,
      4139329115,
      1873836001,
      414664567,
      2282248934,
      4279200368,
      1711684554,
      285281116,
      2405801727,
      4167216745,
      1634467795,
      376229701,
      2685067896,
      3608007406,
      1308918612,
      956543938,
      2808555105,
      3495958263,
      1231636301,
      1047427035,
      2932959818,
      3654703836,
      1088359270,
      936918e3,
      2847714899,
      3736837829,
      1202900863,
      817233897,
      3183342108,
      3401237130,
      1404277552,
      615818150,
      3134207493,
      3453421203,
      1423857449,
      601450431,
      3009837614,
      3294710456,
      1567103746,
      711928724,
      3020668471,
      3272380065,
      1510334235,
      755167117
    ]);
    function crc32(buf) {
      let crc = -1;
      for (let x of buf) {
        crc = CRC_TABLE[(crc ^ x) & 255] ^ crc >>> 8;
      }
      return (crc ^ -1) >>> 0;
    }
    module.exports = crc32;
  }
});

// node_modules/yauzl/index.js
var require_yauzl = __commonJS({
  "node_modules/yauzl/index.js"(exports) {
    var fs2 = __require("fs");
    var zlib = __require("zlib");
    var fd_slicer = require_fd_slicer();
    var util = __require("util");
    var EventEmitter = __require("events").EventEmitter;
    var Transform = __require("stream").Transform;
    var PassThrough = __require("stream").PassThrough;
    var Writable = __require("stream").Writable;
    var crc32 = typeof zlib.crc32 === "function" ? zlib.crc32 : require_crc32();
    exports.open = open;
    exports.fromFd = fromFd;
    exports.fromBuffer = fromBuffer;
    exports.fromRandomAccessReader = fromRandomAccessReader;
    exports.openPromise = openPromise;
    exports.fromFdPromise = fromFdPromise;
    exports.fromBufferPromise = fromBufferPromise;
    exports.fromRandomAccessReaderPromise = fromRandomAccessReaderPromise;
    exports.dosDateTimeToDate = dosDateTimeToDate;
    exports.getFileNameLowLevel = getFileNameLowLevel;
    exports.validateFileName = validateFileName;
    exports.parseExtraFields = parseExtraFields;
    exports.ZipFile = ZipFile;
    exports.Entry = Entry;
    exports.LocalFileHeader = LocalFileHeader;
    exports.RandomAccessReader = RandomAccessReader;
    function openPromise(path, options2) {
      return new Promise((resolve4, reject) => {
        open(path, { ...options2, lazyEntries: true }, function(err3, zipfile) {
          if (err3) return reject(err3);
          resolve4(zipfile);
        });
      });
    }
    function fromFdPromise(fd, options2) {
      return new Promise((resolve4, reject) => {
        fromFd(fd, { ...options2, lazyEntries: true }, function(err3, zipfile) {
          if (err3) return reject(err3);
          resolve4(zipfile);
        });
      });
    }
    function fromBufferPromise(buffer, options2) {
      return new Promise((resolve4, reject) => {
        fromBuffer(buffer, { ...options2, lazyEntries: true }, function(err3, zipfile) {
          if (err3) return reject(err3);
          resolve4(zipfile);
        });
      });
    }
    function fromRandomAccessReaderPromise(reader, totalSize, options2) {
      return new Promise((resolve4, reject) => {
        fromRandomAccessReader(reader, totalSize, { ...options2, lazyEntries: true }, function(err3, zipfile) {
          if (err3) return reject(err3);
          resolve4(zipfile);
        });
      });
    }
    function open(path, options2, callback) {
      if (typeof options2 === "function") {
        callback = options2;
        options2 = null;
      }
      if (options2 == null) options2 = {};
      if (options2.autoClose == null) options2.autoClose = true;
      if (options2.lazyEntries == null) options2.lazyEntries = false;
      if (options2.decodeStrings == null) options2.decodeStrings = true;
      if (options2.validateEntrySizes == null) options2.validateEntrySizes = true;
      if (options2.strictFileNames == null) options2.strictFileNames = false;
      if (callback == null) callback = defaultCallback;
      fs2.open(path, "r", function(err3, fd) {
        if (err3) return callback(err3);
        fromFd(fd, options2, function(err4, zipfile) {
          if (err4) fs2.close(fd, defaultCallback);
          callback(err4, zipfile);
        });
      });
    }
    function fromFd(fd, options2, callback) {
      if (typeof options2 === "function") {
        callback = options2;
        options2 = null;
      }
      if (options2 == null) options2 = {};
      if (options2.autoClose == null) options2.autoClose = false;
      if (options2.lazyEntries == null) options2.lazyEntries = false;
      if (options2.decodeStrings == null) options2.decodeStrings = true;
      if (options2.validateEntrySizes == null) options2.validateEntrySizes = true;
      if (options2.strictFileNames == null) options2.strictFileNames = false;
      if (callback == null) callback = defaultCallback;
      fs2.fstat(fd, function(err3, stats) {
        if (err3) return callback(err3);
        var reader = new fd_slicer.FdSlicer(fd);
        fromRandomAccessReader(reader, stats.size, options2, callback);
      });
    }
    function fromBuffer(buffer, options2, callback) {
      if (typeof options2 === "function") {
        callback = options2;
        options2 = null;
      }
      if (options2 == null) options2 = {};
      options2.autoClose = false;
      if (options2.lazyEntries == null) options2.lazyEntries = false;
      if (options2.decodeStrings == null) options2.decodeStrings = true;
      if (options2.validateEntrySizes == null) options2.validateEntrySizes = true;
      if (options2.strictFileNames == null) options2.strictFileNames = false;
      var reader = new fd_slicer.BufferSlicer(buffer);
      fromRandomAccessReader(reader, buffer.length, options2, callback);
    }
    function fromRandomAccessReader(reader, totalSize, options2, callback) {
      if (typeof options2 === "function") {
        callback = options2;
        options2 = null;
      }
      if (options2 == null) options2 = {};
      if (options2.autoClose == null) options2.autoClose = true;
      if (options2.lazyEntries == null) options2.lazyEntries = false;
      if (options2.decodeStrings == null) options2.decodeStrings = true;
      var decodeStrings = !!options2.decodeStrings;
      if (options2.validateEntrySizes == null) options2.validateEntrySizes = true;
      if (options2.strictFileNames == null) options2.strictFileNames = false;
      if (callback == null) callback = defaultCallback;
      if (typeof totalSize !== "number") throw new Error("expected totalSize parameter to be a number");
      if (totalSize > Number.MAX_SAFE_INTEGER) {
        throw new Error("zip file too large. only file sizes up to 2^52 are supported due to JavaScript's Number type being an IEEE 754 double.");
      }
      reader.ref();
      var eocdrWithoutCommentSize = 22;
      var zip64EocdlSize = 20;
      var maxCommentSize = 65535;
      var bufferSize = Math.min(zip64EocdlSize + eocdrWithoutCommentSize + maxCommentSize, totalSize);
      var buffer = newBuffer(bufferSize);
      var bufferReadStart = totalSize - buffer.length;
      readAndAssertNoEof(reader, buffer, 0, bufferSize, bufferReadStart, function(err3) {
        if (err3) return callback(err3);
        for (var i = bufferSize - eocdrWithoutCommentSize; i >= 0; i -= 1) {
          if (buffer.readUInt32LE(i) !== 101010256) continue;
          var eocdrBuffer = buffer.subarray(i);
          var diskNumber = eocdrBuffer.readUInt16LE(4);
          var entryCount = eocdrBuffer.readUInt16LE(10);
          var centralDirectoryOffset = eocdrBuffer.readUInt32LE(16);
          var commentLength = eocdrBuffer.readUInt16LE(20);
          var expectedCommentLength = eocdrBuffer.length - eocdrWithoutCommentSize;
          if (commentLength !== expectedCommentLength) {
            return callback(new Error("Invalid comment length. Expected: " + expectedCommentLength + ". Found: " + commentLength + ". Are there extra bytes at the end of the file? Or is the end of central dir signature `PK\u263A\u263B` in the comment?"));
          }
          var comment = decodeStrings ? decodeBuffer(eocdrBuffer.subarray(22), false) : eocdrBuffer.subarray(22);
          if (i - zip64EocdlSize >= 0 && buffer.readUInt32LE(i - zip64EocdlSize) === 117853008) {
            var zip64EocdlBuffer = buffer.subarray(i - zip64EocdlSize, i - zip64EocdlSize + zip64EocdlSize);
            var zip64EocdrOffset = readUInt64LE(zip64EocdlBuffer, 8);
            var zip64EocdrBuffer = newBuffer(56);
            return readAndAssertNoEof(reader, zip64EocdrBuffer, 0, zip64EocdrBuffer.length, zip64EocdrOffset, function(err4) {
              if (err4) return callback(err4);
              if (zip64EocdrBuffer.readUInt32LE(0) !== 101075792) {
                return callback(new Error("invalid zip64 end of central directory record signature"));
              }
              diskNumber = zip64EocdrBuffer.readUInt32LE(16);
              if (diskNumber !== 0) {
                return callback(new Error("multi-disk zip files are not supported: found disk number: " + diskNumber));
              }
              entryCount = readUInt64LE(zip64EocdrBuffer, 32);
              centralDirectoryOffset = readUInt64LE(zip64EocdrBuffer, 48);
              return callback(null, new ZipFile(reader, centralDirectoryOffset, totalSize, entryCount, comment, options2.autoClose, options2.lazyEntries, decodeStrings, options2.validateEntrySizes, options2.strictFileNames));
            });
          }
          if (diskNumber !== 0) {
            return callback(new Error("multi-disk zip files are not supported: found disk number: " + diskNumber));
          }
          return callback(null, new ZipFile(reader, centralDirectoryOffset, totalSize, entryCount, comment, options2.autoClose, options2.lazyEntries, decodeStrings, options2.validateEntrySizes, options2.strictFileNames));
        }
        callback(new Error("End of central directory record signature not found. Either not a zip file, or file is truncated."));
      });
    }
    util.inherits(ZipFile, EventEmitter);
    function ZipFile(reader, centralDirectoryOffset, fileSize, entryCount, comment, autoClose, lazyEntries, decodeStrings, validateEntrySizes, strictFileNames) {
      var self = this;
      EventEmitter.call(self);
      self.reader = reader;
      self.reader.on("error", function(err3) {
        emitError(self, err3);
      });
      self.reader.once("close", function() {
        self.emit("close");
      });
      self.readEntryCursor = centralDirectoryOffset;
      self.fileSize = fileSize;
      self.entryCount = entryCount;
      self.comment = comment;
      self.entriesRead = 0;
      self.autoClose = !!autoClose;
      self.lazyEntries = !!lazyEntries;
      self.decodeStrings = !!decodeStrings;
      self.validateEntrySizes = !!validateEntrySizes;
      self.strictFileNames = !!strictFileNames;
      self.isOpen = true;
      self.emittedError = false;
      self.hasEachEntryBeenCalled = false;
      if (!self.lazyEntries) self._readEntry();
    }
    ZipFile.prototype.close = function() {
      if (!this.isOpen) return;
      this.isOpen = false;
      this.reader.unref();
    };
    function emitErrorAndAutoClose(self, err3) {
      if (self.autoClose) self.close();
      emitError(self, err3);
    }
    function emitError(self, err3) {
      if (self.emittedError) return;
      self.emittedError = true;
      self.emit("error", err3);
    }
    ZipFile.prototype.readEntry = function() {
      if (!this.lazyEntries) throw new Error("readEntry() called without lazyEntries:true");
      this._readEntry();
    };
    ZipFile.prototype._readEntry = function() {
      var self = this;
      if (self.entryCount === self.entriesRead) {
        setImmediate(function() {
          if (self.autoClose) self.close();
          if (self.emittedError) return;
          self.emit("end");
        });
        return;
      }
      if (self.emittedError) return;
      var buffer = newBuffer(46);
      readAndAssertNoEof(self.reader, buffer, 0, buffer.length, self.readEntryCursor, function(err3) {
        if (err3) return emitErrorAndAutoClose(self, err3);
        if (self.emittedError) return;
        var entry = new Entry();
        var signature2 = buffer.readUInt32LE(0);
        if (signature2 !== 33639248) return emitErrorAndAutoClose(self, new Error("invalid central directory file header signature: 0x" + signature2.toString(16)));
        entry.versionMadeBy = buffer.readUInt16LE(4);
        entry.versionNeededToExtract = buffer.readUInt16LE(6);
        entry.generalPurposeBitFlag = buffer.readUInt16LE(8);
        entry.compressionMethod = buffer.readUInt16LE(10);
        entry.lastModFileTime = buffer.readUInt16LE(12);
        entry.lastModFileDate = buffer.readUInt16LE(14);
        entry.crc32 = buffer.readUInt32LE(16);
        entry.compressedSize = buffer.readUInt32LE(20);
        entry.uncompressedSize = buffer.readUInt32LE(24);
        entry.fileNameLength = buffer.readUInt16LE(28);
        entry.extraFieldLength = buffer.readUInt16LE(30);
        entry.fileCommentLength = buffer.readUInt16LE(32);
        entry.internalFileAttributes = buffer.readUInt16LE(36);
        entry.externalFileAttributes = buffer.readUInt32LE(38);
        entry.relativeOffsetOfLocalHeader = buffer.readUInt32LE(42);
        if (entry.generalPurposeBitFlag & 64) return emitErrorAndAutoClose(self, new Error("strong encryption is not supported"));
        self.readEntryCursor += 46;
        buffer = newBuffer(entry.fileNameLength + entry.extraFieldLength + entry.fileCommentLength);
        readAndAssertNoEof(self.reader, buffer, 0, buffer.length, self.readEntryCursor, function(err4) {
          if (err4) return emitErrorAndAutoClose(self, err4);
          if (self.emittedError) return;
          entry.fileNameRaw = buffer.subarray(0, entry.fileNameLength);
          var fileCommentStart = entry.fileNameLength + entry.extraFieldLength;
          entry.extraFieldRaw = buffer.subarray(entry.fileNameLength, fileCommentStart);
          entry.fileCommentRaw = buffer.subarray(fileCommentStart, fileCommentStart + entry.fileCommentLength);
          try {
            entry.extraFields = parseExtraFields(entry.extraFieldRaw);
          } catch (err5) {
            return emitErrorAndAutoClose(self, err5);
          }
          if (self.decodeStrings) {
            var isUtf8 = (entry.generalPurposeBitFlag & 2048) !== 0;
            entry.fileComment = decodeBuffer(entry.fileCommentRaw, isUtf8);
            entry.fileName = getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, self.strictFileNames);
            var errorMessage = validateFileName(entry.fileName);
            if (errorMessage != null) return emitErrorAndAutoClose(self, new Error(errorMessage));
          } else {
            entry.fileComment = entry.fileCommentRaw;
            entry.fileName = entry.fileNameRaw;
          }
          entry.comment = entry.fileComment;
          self.readEntryCursor += buffer.length;
          self.entriesRead += 1;
          for (var i = 0; i < entry.extraFields.length; i++) {
            var extraField = entry.extraFields[i];
            if (extraField.id !== 1) continue;
            var zip64EiefBuffer = extraField.data;
            var index = 0;
            if (entry.uncompressedSize === 4294967295) {
              if (index + 8 > zip64EiefBuffer.length) {
                return emitErrorAndAutoClose(self, new Error("zip64 extended information extra field does not include uncompressed size"));
              }
              entry.uncompressedSize = readUInt64LE(zip64EiefBuffer, index);
              index += 8;
            }
            if (entry.compressedSize === 4294967295) {
              if (index + 8 > zip64EiefBuffer.length) {
                return emitErrorAndAutoClose(self, new Error("zip64 extended information extra field does not include compressed size"));
              }
              entry.compressedSize = readUInt64LE(zip64EiefBuffer, index);
              index += 8;
            }
            if (entry.relativeOffsetOfLocalHeader === 4294967295) {
              if (index + 8 > zip64EiefBuffer.length) {
                return emitErrorAndAutoClose(self, new Error("zip64 extended information extra field does not include relative header offset"));
              }
              entry.relativeOffsetOfLocalHeader = readUInt64LE(zip64EiefBuffer, index);
              index += 8;
            }
            break;
          }
          if (self.validateEntrySizes && entry.compressionMethod === 0) {
            var expectedCompressedSize = entry.uncompressedSize;
            if (entry.isEncrypted()) {
              expectedCompressedSize += 12;
            }
            if (entry.compressedSize !== expectedCompressedSize) {
              var msg = "compressed/uncompressed size mismatch for stored file: " + entry.compressedSize + " != " + entry.uncompressedSize;
              return emitErrorAndAutoClose(self, new Error(msg));
            }
          }
          self.emit("entry", entry);
          if (!self.lazyEntries) self._readEntry();
        });
      });
    };
    ZipFile.prototype.eachEntry = function() {
      const self = this;
      if (!self.lazyEntries) throw new Error("eachEntry() requires lazyEntries: true");
      if (self.hasEachEntryBeenCalled) throw new Error("eachEntry() must only be called once per ZipFile");
      self.hasEachEntryBeenCalled = true;
      let pendingResolveReject = null;
      self.on("entry", onEntry);
      self.on("end", onEnd);
      self.on("error", onError);
      function cleanup() {
        self.removeListener("entry", onEntry);
        self.removeListener("end", onEnd);
        self.removeListener("error", onError);
        if (self.autoClose) self.close();
      }
      function onEntry(entry) {
        let { resolve: resolve4 } = pendingResolveReject;
        pendingResolveReject = null;
        resolve4({ value: entry });
      }
      function onEnd() {
        let { resolve: resolve4 } = pendingResolveReject;
        pendingResolveReject = null;
        cleanup();
        resolve4({ done: true });
      }
      function onError(err3) {
        let { reject } = pendingResolveReject;
        pendingResolveReject = null;
        cleanup();
        reject(err3);
      }
      return {
        [Symbol.asyncIterator]() {
          return this;
        },
        next() {
          const promise = new Promise((resolve4, reject) => {
            if (pendingResolveReject != null) throw new Error("next() called before previous Promise was resolved.");
            pendingResolveReject = { resolve: resolve4, reject };
          });
          self.readEntry();
          return promise;
        },
        return(value) {
          cleanup();
          return Promise.resolve({ done: true, value });
        },
        throw(value) {
          cleanup();
          return Promise.reject(value);
        }
      };
    };
    ZipFile.prototype.openReadStream = function(entry, options2, callback) {
      var self = this;
      var relativeStart = 0;
      var relativeEnd = entry.compressedSize;
      if (callback == null) {
        callback = options2;
        options2 = null;
      }
      if (options2 == null) {
        options2 = {};
      } else {
        if (options2.decodeFileData === false) {
          if (options2.decrypt != null) {
            throw new Error("cannot use options.decrypt when options.decodeFileData === false");
          }
          if (options2.decompress != null) {
            throw new Error("cannot use options.decompress when options.decodeFileData === false");
          }
        } else {
          if (options2.decrypt != null) {
            if (!entry.isEncrypted()) {
              throw new Error("options.decrypt can only be specified for encrypted entries. See also option decodeFileData.");
            }
            if (options2.decrypt !== false) throw new Error("invalid options.decrypt value: " + options2.decrypt);
            if (entry.isCompressed()) {
              if (options2.decompress !== false) throw new Error("entry is encrypted and compressed, and options.decompress !== false. See also option decodeFileData.");
            }
          }
          if (options2.decompress != null) {
            if (!entry.isCompressed()) {
              throw new Error("options.decompress can only be specified for compressed entries. See also option decodeFileData.");
            }
            if (!(options2.decompress === false || options2.decompress === true)) {
              throw new Error("invalid options.decompress value: " + options2.decompress);
            }
            decompress2 = options2.decompress;
          }
        }
        if (options2.start != null) {
          relativeStart = options2.start;
          if (relativeStart < 0) throw new Error("options.start < 0");
          if (relativeStart > entry.compressedSize) throw new Error("options.start > entry.compressedSize");
        }
        if (options2.end != null) {
          relativeEnd = options2.end;
          if (relativeEnd < 0) throw new Error("options.end < 0");
          if (relativeEnd > entry.compressedSize) throw new Error("options.end > entry.compressedSize");
          if (relativeEnd < relativeStart) throw new Error("options.end < options.start");
        }
      }
      var rawMode = options2.decodeFileData === false || // Explicitly requested raw.
      (entry.compressionMethod === 0 || // Naturally without compression.
      entry.compressionMethod === 8 && options2.decompress === false) && (!entry.isEncrypted() || // Naturally without encryption.
      options2.decrypt === false);
      if (options2.start != null || options2.end != null) {
        if (!rawMode) throw new Error("start/end range require options.decodeFileData === false for non-trivial encoded entries.");
      }
      if (!self.isOpen) return callback(new Error("closed"));
      if (entry.isEncrypted() && !rawMode) {
        if (options2.decrypt !== false) return callback(new Error("entry is encrypted, and options.decodeFileData !== false"));
      }
      var decompress2;
      if (rawMode) {
        decompress2 = false;
      } else if (entry.compressionMethod === 8) {
        decompress2 = options2.decodeFileData !== true;
      } else {
        return callback(new Error("unsupported compression method: " + entry.compressionMethod));
      }
      self.readLocalFileHeader(entry, { minimal: true }, function(err3, localFileHeader) {
        if (err3) return callback(err3);
        self.openReadStreamLowLevel(
          localFileHeader.fileDataStart,
          entry.compressedSize,
          relativeStart,
          relativeEnd,
          decompress2,
          entry.uncompressedSize,
          callback
        );
      });
    };
    ZipFile.prototype.openReadStreamLowLevel = function(fileDataStart, compressedSize, relativeStart, relativeEnd, decompress2, uncompressedSize, callback) {
      var self = this;
      var fileDataEnd = fileDataStart + compressedSize;
      var readStream = self.reader.createReadStream({
        start: fileDataStart + relativeStart,
        end: fileDataStart + relativeEnd
      });
      var endpointStream = readStream;
      if (decompress2) {
        var destroyed = false;
        var inflateFilter = zlib.createInflateRaw();
        readStream.on("error", function(err3) {
          setImmediate(function() {
            if (!destroyed) inflateFilter.emit("error", err3);
          });
        });
        readStream.pipe(inflateFilter);
        if (self.validateEntrySizes) {
          endpointStream = new AssertByteCountStream(uncompressedSize);
          inflateFilter.on("error", function(err3) {
            setImmediate(function() {
              if (!destroyed) endpointStream.emit("error", err3);
            });
          });
          inflateFilter.pipe(endpointStream);
        } else {
          endpointStream = inflateFilter;
        }
        installDestroyFn(endpointStream, function() {
          destroyed = true;
          if (inflateFilter !== endpointStream) inflateFilter.unpipe(endpointStream);
          readStream.unpipe(inflateFilter);
          readStream.destroy();
        });
      }
      callback(null, endpointStream);
    };
    ZipFile.prototype.readLocalFileHeader = function(entry, options2, callback) {
      var self = this;
      if (callback == null) {
        callback = options2;
        options2 = null;
      }
      if (options2 == null) options2 = {};
      self.reader.ref();
      var buffer = newBuffer(30);
      readAndAssertNoEof(self.reader, buffer, 0, buffer.length, entry.relativeOffsetOfLocalHeader, function(err3) {
        try {
          if (err3) return callback(err3);
          var signature2 = buffer.readUInt32LE(0);
          if (signature2 !== 67324752) {
            return callback(new Error("invalid local file header signature: 0x" + signature2.toString(16)));
          }
          var fileNameLength = buffer.readUInt16LE(26);
          var extraFieldLength = buffer.readUInt16LE(28);
          var fileDataStart = entry.relativeOffsetOfLocalHeader + 30 + fileNameLength + extraFieldLength;
          if (fileDataStart + entry.compressedSize > self.fileSize) {
            return callback(new Error("file data overflows file bounds: " + fileDataStart + " + " + entry.compressedSize + " > " + self.fileSize));
          }
          if (options2.minimal) {
            return callback(null, { fileDataStart });
          }
          var localFileHeader = new LocalFileHeader();
          localFileHeader.fileDataStart = fileDataStart;
          localFileHeader.versionNeededToExtract = buffer.readUInt16LE(4);
          localFileHeader.generalPurposeBitFlag = buffer.readUInt16LE(6);
          localFileHeader.compressionMethod = buffer.readUInt16LE(8);
          localFileHeader.lastModFileTime = buffer.readUInt16LE(10);
          localFileHeader.lastModFileDate = buffer.readUInt16LE(12);
          localFileHeader.crc32 = buffer.readUInt32LE(14);
          localFileHeader.compressedSize = buffer.readUInt32LE(18);
          localFileHeader.uncompressedSize = buffer.readUInt32LE(22);
          localFileHeader.fileNameLength = fileNameLength;
          localFileHeader.extraFieldLength = extraFieldLength;
          buffer = newBuffer(fileNameLength + extraFieldLength);
          self.reader.ref();
          readAndAssertNoEof(self.reader, buffer, 0, buffer.length, entry.relativeOffsetOfLocalHeader + 30, function(err4) {
            try {
              if (err4) return callback(err4);
              localFileHeader.fileName = buffer.subarray(0, fileNameLength);
              localFileHeader.extraField = buffer.subarray(fileNameLength);
              return callback(null, localFileHeader);
            } finally {
              self.reader.unref();
            }
          });
        } finally {
          self.reader.unref();
        }
      });
    };
    ZipFile.prototype.openReadStreamPromise = function(entry, options2) {
      return new Promise((resolve4, reject) => {
        this.openReadStream(entry, options2, function(err3, readStream) {
          if (err3) return reject(err3);
          resolve4(readStream);
        });
      });
    };
    ZipFile.prototype.openReadStreamLowLevelPromise = function(fileDataStart, compressedSize, relativeStart, relativeEnd, decompress2, uncompressedSize) {
      return new Promise((resolve4, reject) => {
        this.openReadStream(fileDataStart, compressedSize, relativeStart, relativeEnd, decompress2, uncompressedSize, function(err3, readStream) {
          if (err3) return reject(err3);
          resolve4(readStream);
        });
      });
    };
    ZipFile.prototype.readLocalFileHeaderPromise = function(entry, options2) {
      return new Promise((resolve4, reject) => {
        this.readLocalFileHeader(entry, options2, function(err3, localFileHeader) {
          if (err3) return reject(err3);
          resolve4(localFileHeader);
        });
      });
    };
    function Entry() {
    }
    Entry.prototype.getLastModDate = function(options2) {
      if (options2 == null) options2 = {};
      if (!options2.forceDosFormat) {
        for (var i = 0; i < this.extraFields.length; i++) {
          var extraField = this.extraFields[i];
          if (extraField.id === 21589) {
            var data = extraField.data;
            if (data.length < 5) continue;
            var flags = data[0];
            var HAS_MTIME = 1;
            if (!(flags & HAS_MTIME)) continue;
            var posixTimestamp = data.readInt32LE(1);
            return new Date(posixTimestamp * 1e3);
          } else if (extraField.id === 10) {
            var data = extraField.data;
            if (data.length !== 32) continue;
            if (data.readUInt16LE(4) !== 1) continue;
            if (data.readUInt16LE(6) !== 24) continue;
            var hundredNanoSecondsSince1601 = data.readUInt32LE(8) + 4294967296 * data.readInt32LE(12);
            var millisecondsSince1970 = hundredNanoSecondsSince1601 / 1e4 - 116444736e5;
            return new Date(millisecondsSince1970);
          }
        }
      }
      return dosDateTimeToDate(this.lastModFileDate, this.lastModFileTime, options2.timezone);
    };
    Entry.prototype.canDecodeFileData = function() {
      return !this.isEncrypted() && (this.compressionMethod === 0 || this.compressionMethod === 8);
    };
    Entry.prototype.isEncrypted = function() {
      return (this.generalPurposeBitFlag & 1) !== 0;
    };
    Entry.prototype.isCompressed = function() {
      return this.compressionMethod === 8;
    };
    function LocalFileHeader() {
    }
    function dosDateTimeToDate(date, time, timezone) {
      var day = date & 31;
      var month = (date >> 5 & 15) - 1;
      var year = (date >> 9 & 127) + 1980;
      var millisecond = 0;
      var second = (time & 31) * 2;
      var minute = time >> 5 & 63;
      var hour = time >> 11 & 31;
      if (timezone == null || timezone === "local") {
        return new Date(year, month, day, hour, minute, second, millisecond);
      } else if (timezone === "UTC") {
        return new Date(Date.UTC(year, month, day, hour, minute, second, millisecond));
      } else {
        throw new Error("unrecognized options.timezone: " + options.timezone);
      }
    }
    function getFileNameLowLevel(generalPurposeBitFlag, fileNameBuffer, extraFields, strictFileNames) {
      var fileName = null;
      for (var i = 0; i < extraFields.length; i++) {
        var extraField = extraFields[i];
        if (extraField.id === 28789) {
          if (extraField.data.length < 6) {
            continue;
          }
          if (extraField.data.readUInt8(0) !== 1) {
            continue;
          }
          var oldNameCrc32 = extraField.data.readUInt32LE(1);
          if (crc32(fileNameBuffer) !== oldNameCrc32) {
            continue;
          }
          fileName = decodeBuffer(extraField.data.subarray(5), true);
          break;
        }
      }
      if (fileName == null) {
        var isUtf8 = (generalPurposeBitFlag & 2048) !== 0;
        fileName = decodeBuffer(fileNameBuffer, isUtf8);
      }
      if (!strictFileNames) {
        fileName = fileName.replace(/\\/g, "/");
      }
      return fileName;
    }
    function validateFileName(fileName) {
      if (fileName.indexOf("\\") !== -1) {
        return "invalid characters in fileName: " + fileName;
      }
      if (/^[a-zA-Z]:/.test(fileName) || /^\//.test(fileName)) {
        return "absolute path: " + fileName;
      }
      if (fileName.split("/").indexOf("..") !== -1) {
        return "invalid relative path: " + fileName;
      }
      return null;
    }
    function parseExtraFields(extraFieldBuffer) {
      var extraFields = [];
      var i = 0;
      while (i < extraFieldBuffer.length - 3) {
        var headerId = extraFieldBuffer.readUInt16LE(i + 0);
        var dataSize = extraFieldBuffer.readUInt16LE(i + 2);
        var dataStart = i + 4;
        var dataEnd = dataStart + dataSize;
        if (dataEnd > extraFieldBuffer.length) throw new Error("extra field length exceeds extra field buffer size");
        var dataBuffer = extraFieldBuffer.subarray(dataStart, dataEnd);
        extraFields.push({
          id: headerId,
          data: dataBuffer
        });
        i = dataEnd;
      }
      return extraFields;
    }
    function readAndAssertNoEof(reader, buffer, offset, length, position, callback) {
      if (length === 0) {
        return setImmediate(function() {
          callback(null, newBuffer(0));
        });
      }
      reader.read(buffer, offset, length, position, function(err3, bytesRead) {
        if (err3) return callback(err3);
        if (bytesRead < length) {
          return callback(new Error("unexpected EOF"));
        }
        callback();
      });
    }
    util.inherits(AssertByteCountStream, Transform);
    function AssertByteCountStream(byteCount) {
      Transform.call(this);
      this.actualByteCount = 0;
      this.expectedByteCount = byteCount;
    }
    AssertByteCountStream.prototype._transform = function(chunk, encoding, cb) {
      this.actualByteCount += chunk.length;
      if (this.actualByteCount > this.expectedByteCount) {
        var msg = "too many bytes in the stream. expected " + this.expectedByteCount + ". got at least " + this.actualByteCount;
        return cb(new Error(msg));
      }
      cb(null, chunk);
    };
    AssertByteCountStream.prototype._flush = function(cb) {
      if (this.actualByteCount < this.expectedByteCount) {
        var msg = "not enough bytes in the stream. expected " + this.expectedByteCount + ". got only " + this.actualByteCount;
        return cb(new Error(msg));
      }
      cb();
    };
    util.inherits(RandomAccessReader, EventEmitter);
    function RandomAccessReader() {
      EventEmitter.call(this);
      this.refCount = 0;
    }
    RandomAccessReader.prototype.ref = function() {
      this.refCount += 1;
    };
    RandomAccessReader.prototype.unref = function() {
      var self = this;
      self.refCount -= 1;
      if (self.refCount > 0) return;
      if (self.refCount < 0) throw new Error("invalid unref");
      self.close(onCloseDone);
      function onCloseDone(err3) {
        if (err3) return self.emit("error", err3);
        self.emit("close");
      }
    };
    RandomAccessReader.prototype.createReadStream = function(options2) {
      if (options2 == null) options2 = {};
      var start = options2.start;
      var end = options2.end;
      if (start === end) {
        var emptyStream = new PassThrough();
        setImmediate(function() {
          emptyStream.end();
        });
        return emptyStream;
      }
      var stream = this._readStreamForRange(start, end);
      var destroyed = false;
      var refUnrefFilter = new RefUnrefFilter(this);
      stream.on("error", function(err3) {
        setImmediate(function() {
          if (!destroyed) refUnrefFilter.emit("error", err3);
        });
      });
      installDestroyFn(refUnrefFilter, function() {
        stream.unpipe(refUnrefFilter);
        refUnrefFilter.unref();
        stream.destroy();
      });
      var byteCounter = new AssertByteCountStream(end - start);
      refUnrefFilter.on("error", function(err3) {
        setImmediate(function() {
          if (!destroyed) byteCounter.emit("error", err3);
        });
      });
      installDestroyFn(byteCounter, function() {
        destroyed = true;
        refUnrefFilter.unpipe(byteCounter);
        refUnrefFilter.destroy();
      });
      return stream.pipe(refUnrefFilter).pipe(byteCounter);
    };
    RandomAccessReader.prototype._readStreamForRange = function(start, end) {
      throw new Error("not implemented");
    };
    RandomAccessReader.prototype.read = function(buffer, offset, length, position, callback) {
      var readStream = this.createReadStream({ start: position, end: position + length });
      var writeStream = new Writable();
      var written = 0;
      writeStream._write = function(chunk, encoding, cb) {
        chunk.copy(buffer, offset + written, 0, chunk.length);
        written += chunk.length;
        cb();
      };
      writeStream.on("finish", callback);
      readStream.on("error", function(error) {
        callback(error);
      });
      readStream.pipe(writeStream);
    };
    RandomAccessReader.prototype.close = function(callback) {
      setImmediate(callback);
    };
    util.inherits(RefUnrefFilter, PassThrough);
    function RefUnrefFilter(context) {
      PassThrough.call(this);
      this.context = context;
      this.context.ref();
      this.unreffedYet = false;
    }
    RefUnrefFilter.prototype._flush = function(cb) {
      this.unref();
      cb();
    };
    RefUnrefFilter.prototype.unref = function(cb) {
      if (this.unreffedYet) return;
      this.unreffedYet = true;
      this.context.unref();
    };
    var cp437 = "\0\u263A\u263B\u2665\u2666\u2663\u2660\u2022\u25D8\u25CB\u25D9\u2642\u2640\u266A\u266B\u263C\u25BA\u25C4\u2195\u203C\xB6\xA7\u25AC\u21A8\u2191\u2193\u2192\u2190\u221F\u2194\u25B2\u25BC !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\u2302\xC7\xFC\xE9\xE2\xE4\xE0\xE5\xE7\xEA\xEB\xE8\xEF\xEE\xEC\xC4\xC5\xC9\xE6\xC6\xF4\xF6\xF2\xFB\xF9\xFF\xD6\xDC\xA2\xA3\xA5\u20A7\u0192\xE1\xED\xF3\xFA\xF1\xD1\xAA\xBA\xBF\u2310\xAC\xBD\xBC\xA1\xAB\xBB\u2591\u2592\u2593\u2502\u2524\u2561\u2562\u2556\u2555\u2563\u2551\u2557\u255D\u255C\u255B\u2510\u2514\u2534\u252C\u251C\u2500\u253C\u255E\u255F\u255A\u2554\u2569\u2566\u2560\u2550\u256C\u2567\u2568\u2564\u2565\u2559\u2558\u2552\u2553\u256B\u256A\u2518\u250C\u2588\u2584\u258C\u2590\u2580\u03B1\xDF\u0393\u03C0\u03A3\u03C3\xB5\u03C4\u03A6\u0398\u03A9\u03B4\u221E\u03C6\u03B5\u2229\u2261\xB1\u2265\u2264\u2320\u2321\xF7\u2248\xB0\u2219\xB7\u221A\u207F\xB2\u25A0\xA0";
    function decodeBuffer(buffer, isUtf8) {
      if (isUtf8) {
        return buffer.toString("utf8");
      } else {
        var result = "";
        for (var i = 0; i < buffer.length; i++) {
          result += cp437[buffer[i]];
        }
        return result;
      }
    }
    function readUInt64LE(buffer, offset) {
      var lower32 = buffer.readUInt32LE(offset);
      var upper32 = buffer.readUInt32LE(offset + 4);
      return upper32 * 4294967296 + lower32;
    }
    var newBuffer;
    if (typeof Buffer.allocUnsafe === "function") {
      newBuffer = function(len) {
        return Buffer.allocUnsafe(len);
      };
    } else {
      newBuffer = function(len) {
        return new Buffer(len);
      };
    }
    function installDestroyFn(stream, fn) {
      if (typeof stream.destroy === "function") {
        stream._destroy = function(err3, cb) {
          fn();
          if (cb != null) cb(err3);
        };
      } else {
        stream.destroy = fn;
      }
    }
    function defaultCallback(err3) {
      if (err3) throw err3;
    }
  }
});

// src/locate/index.ts
import { resolve } from "node:path";

// src/locate/changes.ts
import { readdirSync, realpathSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, relative, sep } from "node:path";
var SUMMARY_FILE = "experiment_summary.yaml";
var SHALLOW_HINT = "use actions/checkout with fetch-depth: 0 (or set experiment-dir explicitly)";
async function changedPaths(workspace, base, head) {
  for (const [sha, which] of [
    [base, "base"],
    [head, "head"]
  ]) {
    const found = await git(workspace, ["cat-file", "-e", `${sha}^{commit}`]);
    if (!found.ok) return found;
    if (found.value.exitCode !== 0)
      return err({
        message: `the checkout does not contain the pull request's ${which} commit ${sha.slice(0, 12)}: its history is too shallow to see which experiments the pull request changes`,
        hint: SHALLOW_HINT
      });
  }
  const diff = await git(workspace, [
    "diff",
    "-z",
    "--name-only",
    "--no-renames",
    "--no-color",
    "--relative",
    `${base}...${head}`,
    "--"
  ]);
  if (!diff.ok) return diff;
  const { exitCode, stdout, stderr } = diff.value;
  if (exitCode !== 0) {
    if (/no merge base/i.test(stderr))
      return err({
        message: "the checkout has no merge base between the pull request's base and head: its history is too shallow",
        hint: SHALLOW_HINT
      });
    const first = stderr.split("\n").find((l) => l.trim()) ?? `exit status ${exitCode}`;
    return err({ message: `git diff of the pull request failed: ${first}` });
  }
  return ok([...new Set(stdout.split("\0").filter(Boolean))]);
}
async function git(workspace, args) {
  try {
    return ok(await getExecOutput("git", ["-C", workspace, ...args], { silent: true, ignoreReturnCode: true }));
  } catch (e) {
    return err({ message: `git cannot be run: ${messageOf(e)}` });
  }
}
function experimentsOf(workspace, paths) {
  const root = realpathSync(workspace);
  const known = /* @__PURE__ */ new Map();
  const holding = (dir) => {
    if (known.has(dir)) return known.get(dir);
    const here = isSummary(root, join(workspace, dir, SUMMARY_FILE)) ? dir : dir === "." ? void 0 : holding(dirname(dir));
    known.set(dir, here);
    return here;
  };
  return new Map(paths.map((p) => [p, holding(dirname(p))]));
}
function isSummary(root, path) {
  try {
    if (!statSync(path).isFile()) return false;
    const real = realpathSync(path);
    return real.startsWith(root + sep);
  } catch {
    return false;
  }
}
var WALK_LIMITS = { experiments: 1e3, depth: 12 };
function findExperiments(workspace, limits = WALK_LIMITS) {
  const found = [];
  const todo = [{ dir: ".", depth: 0 }];
  for (let next = todo.pop(); next; next = todo.pop()) {
    let entries;
    try {
      entries = readdirSync(join(workspace, next.dir), { withFileTypes: true });
    } catch (e) {
      return err({ message: `cannot search ${next.dir} for experiments: ${messageOf(e)}` });
    }
    if (entries.some((e) => e.name === SUMMARY_FILE && e.isFile())) {
      found.push(next.dir);
      if (found.length > limits.experiments)
        return err({
          message: `more than ${limits.experiments} experiment directories under the workspace: too many to search for the ones reading a changed file`,
          hint: "set experiment-dir explicitly"
        });
    }
    for (const e of entries) {
      if (!e.isDirectory() || e.name.startsWith(".") || e.name === "node_modules") continue;
      const dir = next.dir === "." ? e.name : join(next.dir, e.name);
      if (next.depth + 1 > limits.depth)
        return err({
          message: `${dir} is more than ${limits.depth} directories deep: the search for the experiments reading a changed file stops there`,
          hint: "set experiment-dir explicitly, or keep experiments and their files less deep"
        });
      todo.push({ dir, depth: next.depth + 1 });
    }
  }
  return ok(found.sort(byPath));
}
function byPath(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}
function insideWorkspace(workspace, path) {
  const rel = relative(workspace, path);
  if (rel === "") return ".";
  return rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel) ? void 0 : rel;
}

// src/locate/fork.ts
var REFUSE = "refusing to run a fork's code on this self-hosted runner and cluster";
var REVIEW_HINT = "review the code, then run it with workflow_dispatch, or set allow-fork-pull-requests: true if this runner may run untrusted code";
var refusal = (message, hint = REVIEW_HINT) => ({
  field: "allow-fork-pull-requests",
  message,
  hint
});
function sameRepository(a, b) {
  return a.toLowerCase() === b.toLowerCase();
}
async function checkFork(event, github) {
  switch (event.kind) {
    case "pull_request": {
      const { number, base, head } = event.pullRequest;
      const baseRepo = base.repo ?? event.repository;
      const what = `${event.name} event: pull request #${number}`;
      if (!head.repo)
        return err(
          refusal(`${what} comes from a deleted fork or an unnamed repository (no head repository): ${REFUSE}`)
        );
      if (!baseRepo)
        return err(refusal(`${what}: its base repository is not named, so a fork cannot be ruled out: ${REFUSE}`));
      return sameRepository(head.repo, baseRepo) ? ok(void 0) : err(refusal(`${what} comes from the fork ${head.repo}: ${REFUSE}`));
    }
    case "workflow_run": {
      const t = event.trigger;
      const run2 = `${event.name} event: the triggering run` + (t.workflow ? ` of ${t.workflow}` : "") + (t.event ? ` (${t.event}` + (t.branch ? ` on ${t.branch}` : "") + (t.sha ? ` at ${t.sha.slice(0, 12)}` : "") + ")" : "");
      if (!event.headRepository)
        return err(refusal(`${run2} does not name its head repository, so a fork cannot be ruled out: ${REFUSE}`));
      if (!event.repository)
        return err(refusal(`${run2}: this repository is not named, so a fork cannot be ruled out: ${REFUSE}`));
      return sameRepository(event.headRepository, event.repository) ? ok(void 0) : err(refusal(`${run2} comes from the fork ${event.headRepository}: ${REFUSE}`));
    }
    case "issue_comment":
      return event.onPullRequest ? checkCommentedPullRequest(event, event.issueNumber, github) : ok(void 0);
    case "other":
      return ok(void 0);
  }
}
var PullSchema = external_exports.looseObject({
  base: external_exports.looseObject({ repo: external_exports.looseObject({ full_name: external_exports.string().min(1) }) }),
  head: external_exports.looseObject({ repo: external_exports.looseObject({ full_name: external_exports.string().min(1).optional() }).nullable() })
});
async function checkCommentedPullRequest(event, number, github) {
  const what = `${event.name} event on pull request #${number}`;
  const cannot = (why, hint) => err(refusal(`${what}: cannot tell whether the pull request comes from a fork (${why}): ${REFUSE}`, hint));
  const tokenHint = "give the job a token that can read pull requests (permissions: pull-requests: read, and github-token), or set allow-fork-pull-requests: true if this runner may run untrusted code";
  const where = ownerAndRepo(event.repository);
  if (!where) return cannot("the repository is not named (GITHUB_REPOSITORY)", tokenHint);
  if (!github.token) return cannot("no github-token to look the pull request up with", tokenHint);
  const endpoint = `GET /repos/${where.owner}/${where.repo}/pulls/${number}`;
  const timeoutMs = github.timeoutMs ?? 3e4;
  const controller = new AbortController();
  const late = () => {
    controller.abort(new Error("deadline"));
    return err(`${endpoint} gave no answer within ${Math.round(timeoutMs / 100) / 10} s`);
  };
  const lookup2 = async () => {
    try {
      const client = await restClient(github.token, github.apiUrl);
      const { data } = await client.rest.pulls.get({
        ...where,
        pull_number: number,
        request: { signal: controller.signal }
      });
      return ok(data);
    } catch (e) {
      const status = httpStatusOf(e);
      return err(`${endpoint} failed${status ? ` (HTTP ${status})` : ""}: ${messageOf(e).split("\n")[0] ?? ""}`);
    }
  };
  const answer = await withDeadline(lookup2(), timeoutMs, late);
  if (!answer.ok) return cannot(answer.error, tokenHint);
  const pull = PullSchema.safeParse(answer.value);
  if (!pull.success) return cannot(`${endpoint} answered without the head and base repositories`, tokenHint);
  const head = pull.data.head.repo?.full_name;
  const base = pull.data.base.repo.full_name;
  if (!head) return err(refusal(`${what}: it comes from a deleted fork (no head repository): ${REFUSE}`));
  return sameRepository(head, base) ? ok(void 0) : err(refusal(`${what}: it comes from the fork ${head}: ${REFUSE}`));
}

// src/locate/index.ts
async function locateExperiments(input) {
  const { event, workspace } = input;
  if (!input.allowForks) {
    const fork = await checkFork(event, input.github);
    if (!fork.ok) return err({ status: "failed", problem: fork.error });
  }
  if (input.experimentDirInput)
    return ok({ dirs: [resolve(workspace, input.experimentDirInput)], how: "the experiment-dir input" });
  if (event.kind !== "pull_request")
    return invalid({
      field: "experiment-dir",
      message: `input experiment-dir is required for a ${event.name || "non-pull-request"} event: the directory holding experiment_summary.yaml`,
      hint: "on workflow_dispatch, pass it as a workflow input: experiment-dir: ${{ inputs.experiment-dir }}"
    });
  const { number, base, head } = event.pullRequest;
  const changed = await changedPaths(workspace, base.sha, head.sha);
  if (!changed.ok) return invalid(changed.error);
  const why = /* @__PURE__ */ new Map();
  const add = (dir, reason) => {
    why.set(dir, [...why.get(dir) ?? [], reason]);
  };
  const outside = [];
  for (const [path, dir] of experimentsOf(workspace, changed.value)) {
    if (dir === void 0) outside.push(path);
    else add(dir, path);
  }
  if (outside.length > 0) {
    const reading = await readers(input, outside);
    if (!reading.ok) return invalid(reading.error);
    const reason = outside.length === 1 ? `reads ${outside[0] ?? ""}` : `reads changed files outside the experiments`;
    for (const dir of reading.value) add(dir, reason);
  }
  const dirs = [...why.keys()].sort(byPath);
  const pr = `pull request #${number}`;
  return ok({
    dirs: dirs.map((d) => resolve(workspace, d)),
    how: dirs.length === 0 ? `${pr} touches no experiment (${changed.value.length} changed files)` : `${pr} touches ${dirs.length} experiment(s): ` + dirs.map((d) => `${d} (${summarize(why.get(d) ?? [])})`).join("; ")
  });
}
var invalid = (problem) => err({ status: "invalid", problem });
async function readers(input, outside) {
  const { workspace } = input;
  const candidates = findExperiments(workspace);
  if (!candidates.ok) return candidates;
  if (candidates.value.length === 0) return ok([]);
  const absolute = candidates.value.map((d) => resolve(workspace, d));
  let answer;
  try {
    answer = await input.experimentsReading(
      outside.map((f) => resolve(workspace, f)),
      absolute
    );
  } catch (e) {
    answer = err({ message: messageOf(e) });
  }
  if (!answer.ok)
    return err({
      ...answer.error,
      message: `cannot tell which experiments read the changed files outside every experiment: ${answer.error.message}`
    });
  const found = [];
  const strays = [];
  for (const dir of answer.value) {
    const rel = insideWorkspace(workspace, resolve(workspace, dir));
    if (rel === void 0 || !candidates.value.includes(rel)) strays.push(dir);
    else found.push(rel);
  }
  if (strays.length > 0)
    return err({
      message: `the experiments reading the changed files are not experiments of the workspace: ${strays.join(", ")}`
    });
  return ok(found);
}
function summarize(reasons) {
  const shown = reasons.slice(0, 3).join(", ");
  return reasons.length > 3 ? `${shown}, and ${reasons.length - 3} more` : shown;
}

// src/report/verdict.ts
function countOutcomes(training, evals, skipped) {
  return {
    runsTotal: training.length,
    runsSucceeded: training.filter((o) => o.result === "succeeded").length,
    runsFailed: training.filter((o) => o.result === "failed").length,
    evalsTotal: evals.length + skipped.length,
    evalsSucceeded: evals.filter((o) => o.result === "succeeded").length,
    evalsFailed: evals.filter((o) => o.result === "failed").length,
    evalsSkipped: skipped.length
  };
}
function statusOf(c) {
  const total = c.runsTotal + c.evalsTotal;
  const succeeded = c.runsSucceeded + c.evalsSucceeded;
  if (total === 0) return { status: "success", verdict: "nothing to run in the requested phases" };
  if (succeeded === total) return { status: "success", verdict: `all ${total} jobs succeeded` };
  const parts = [
    c.runsFailed ? `${c.runsFailed} of ${c.runsTotal} fine-tuning runs failed` : "",
    c.evalsFailed ? `${c.evalsFailed} of ${c.evalsTotal} evaluations failed` : "",
    c.evalsSkipped ? `${c.evalsSkipped} evaluations skipped` : ""
  ].filter(Boolean);
  const unfinished2 = total - succeeded - c.runsFailed - c.evalsFailed - c.evalsSkipped;
  if (unfinished2 > 0) parts.push(`${unfinished2} jobs still running`);
  return { status: succeeded === 0 ? "failed" : "partial", verdict: parts.join("; ") };
}
function shouldFail(report, failOn) {
  if (report.status === "invalid") return true;
  if (failOn === "never") return false;
  if (failOn === "all-failed") return report.status === "failed";
  return report.status !== "success";
}
function statusIcon(s) {
  return s === "success" ? "\u2705" : s === "partial" ? "\u26A0\uFE0F" : "\u274C";
}

// src/pipeline/context.ts
function emptyDraft(startedAt, expDir) {
  return {
    experimentName: expDir === void 0 ? "" : expDir.split("/").pop() ?? expDir,
    runDir: expDir ?? "",
    startedAt,
    skippedEvals: [],
    priorTraining: [],
    errors: [],
    warnings: [],
    logFiles: [],
    nextSteps: [],
    detached: false,
    private: false,
    counts: countOutcomes([], [], [])
  };
}

// src/pipeline/files.ts
import { existsSync, readFileSync, statSync as statSync2 } from "node:fs";
import { resolve as resolve2 } from "node:path";

// src/yaml.ts
var import_yaml = __toESM(require_dist(), 1);
var MAX_DEPTH = 64;
var MAX_ALIASES = 100;
var isMapping = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
var YamlFile = class {
  constructor(file, doc, lines, data) {
    this.file = file;
    this.doc = doc;
    this.lines = lines;
    this.data = data;
  }
  file;
  doc;
  lines;
  data;
  /** The value at path, or its nearest existing ancestor (for missing keys); `key`: the key itself. */
  locate(path, at = "value") {
    const key2 = at === "key" ? this.find(path, "key") : void 0;
    if (key2) return key2;
    for (let n = path.length; n >= 0; n--) {
      const found = this.find(path.slice(0, n));
      if (found) return found;
    }
    return { line: 1, column: 1 };
  }
  /** Where the value (or the key) at path is written, when it is there. */
  find(path, want = "value") {
    const range = this.nodeAt(path, want)?.range;
    return range ? this.position(range[0]) : void 0;
  }
  position(offset) {
    const p = this.lines.linePos(offset);
    return { line: p.line, column: p.col };
  }
  /** The node at path, through aliases; of a key written twice, the last (the one that counts). */
  nodeAt(path, want) {
    let cur = this.doc.contents;
    for (const [i, part] of path.entries()) {
      if ((0, import_yaml.isAlias)(cur)) cur = cur.resolve(this.doc);
      if ((0, import_yaml.isMap)(cur)) {
        const named = (p) => (0, import_yaml.isPair)(p) && (0, import_yaml.isScalar)(p.key) && String(p.key.value) === String(part);
        const pair = [...cur.items].reverse().find(named);
        if (!pair) return void 0;
        if (want === "key" && i === path.length - 1) return (0, import_yaml.isNode)(pair.key) ? pair.key : void 0;
        cur = pair.value;
      } else if ((0, import_yaml.isSeq)(cur) && typeof part === "number") cur = cur.items[part];
      else return void 0;
    }
    return (0, import_yaml.isNode)(cur) ? cur : void 0;
  }
};
var OPTIONS = {
  prettyErrors: false,
  uniqueKeys: false,
  strict: true,
  merge: true
};
function readYaml(text, file, kind) {
  const refused = (message, at = { line: 1, column: 1 }, hint) => err([{ file, ...at, message, ...hint ? { hint } : {} }]);
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > kind.maxBytes) return err([oversize(file, kind, bytes)]);
  const deep = tooDeep(text);
  if (deep) {
    const message = `nests more than ${MAX_DEPTH} levels deep here (${kind.usualDepth})`;
    return refused(message, deep, "YAML nested this deep could exhaust the parser: it is refused unread");
  }
  const lineCounter = new import_yaml.LineCounter();
  let doc;
  try {
    doc = (0, import_yaml.parseDocument)(text, { lineCounter, ...OPTIONS });
  } catch (e) {
    return refused(`cannot be parsed as YAML: ${String(e)}`);
  }
  if (doc.errors.length > 0) {
    const syntax = (e) => {
      const { line, col } = lineCounter.linePos(e.pos[0]);
      return { file, line, column: col, message: `YAML syntax: ${firstLine(e.message)}` };
    };
    return err(doc.errors.map(syntax));
  }
  let data;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (e) {
    return refused(`cannot be read: ${firstLine(String(e))}`);
  }
  return isMapping(data) ? ok(new YamlFile(file, doc, lineCounter, data)) : refused(kind.notMapping);
}
function oversize(file, kind, bytes) {
  const size = bytes === void 0 ? "is over the cap of" : `is ${bytes} bytes, over the cap of`;
  const message = `${size} ${kind.maxBytes}${bytes === void 0 ? " bytes" : ""}: ${kind.usualSize}`;
  return { file, line: 1, column: 1, message, ...kind.sizeHint ? { hint: kind.sizeHint } : {} };
}
function yamlValue(text, version) {
  if (tooDeep(text)) return void 0;
  const doc = (0, import_yaml.parseDocument)(text, { ...OPTIONS, ...version ? { version } : {} });
  if (doc.errors.length > 0) return void 0;
  try {
    return { value: doc.toJS({ maxAliasCount: MAX_ALIASES }) };
  } catch {
    return void 0;
  }
}
function tooDeep(text) {
  let line = 1;
  let column = 1;
  let lineStart = true;
  let flow = 0;
  let onLine = 0;
  const indents = [];
  for (const token of new import_yaml.Lexer().lex(text)) {
    const type = import_yaml.CST.tokenType(token);
    if (type === "doc-mode" || type === "scalar" || type === "flow-error-end") continue;
    if (type === "flow-map-start" || type === "flow-seq-start") flow++;
    else if (type === "flow-map-end" || type === "flow-seq-end") flow = Math.max(0, flow - 1);
    else if (type === "seq-item-ind" || type === "explicit-key-ind") onLine++;
    if (lineStart && flow === 0 && type !== "space" && type !== "newline" && type !== "comment") {
      while ((indents.at(-1) ?? 0) > column) indents.pop();
      if (indents.at(-1) !== column) indents.push(column);
      lineStart = false;
    }
    if (flow + indents.length + onLine > MAX_DEPTH) return { line, column };
    const breaks = token.split("\n").length - 1;
    line += breaks;
    column = breaks ? token.length - token.lastIndexOf("\n") : column + token.length;
    if (type === "newline") {
      onLine = 0;
      lineStart = true;
    }
  }
  return void 0;
}
function valueAt(data, path) {
  let cur = data;
  for (const p of path) {
    if (cur === null || typeof cur !== "object") return void 0;
    cur = cur[p];
  }
  return cur;
}
function fieldName(path) {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${part}` : part;
  }
  return out;
}

// src/experiment/schema.ts
var RUN_TYPES = ["fine-tuned", "control", "eval-only"];
var LIMITS = {
  maxNameLength: 200,
  maxEpoch: 1e5,
  maxRuns: 1e4
};
function directoryNameProblem(name) {
  if (name.length === 0) return "is empty";
  if (name.length > LIMITS.maxNameLength) return `is ${name.length} characters long (at most ${LIMITS.maxNameLength})`;
  if (name.includes("/") || name.includes("\\")) return "contains a path separator (/ or \\)";
  if (name.includes("..")) return 'contains ".."';
  if (name.startsWith("-")) return 'starts with "-" (it would be read as a command option)';
  if (/[\u0000-\u001f\u007f]/.test(name)) return "contains a control character (newline, tab, ...)";
  if (name === ".") return 'is "."';
  if (!/^[A-Za-z0-9_.-]+$/.test(name))
    return 'may only contain letters, digits, "_", "." and "-" (no spaces or shell characters such as $ ; & | ` \' " *)';
  return null;
}
var LENIENCIES = /* @__PURE__ */ new WeakMap();
function lenient(leniency, schema) {
  const read = external_exports.preprocess((value) => leniency.read(value), schema);
  LENIENCIES.set(read, leniency);
  return read;
}
var quotedWholeNumber = {
  read: (value) => typeof value === "string" && /^\s*[+]?\d{1,9}\s*$/.test(value) ? Number(value.trim()) : value,
  note: (written, read) => ({
    message: `is the text "${String(written)}", not a number: read as ${String(read)}`,
    hint: "cruijff_kit's scripts convert it too; write it without quotes"
  })
};
var counted = (schema) => lenient(quotedWholeNumber, schema);
function renamed(earlier, now) {
  return {
    renamed: [earlier],
    read(value) {
      if (!isMapping(value) || !(earlier in value)) return value;
      const { [earlier]: given, ...rest } = value;
      return rest[now] === void 0 ? { ...rest, [now]: given } : rest;
    },
    note: (written, _read, field) => isMapping(written) && written[now] === void 0 ? {
      key: earlier,
      message: `\`${field}.${earlier}\` is the earlier name of \`${field}.${now}\`: read as ${field}.${now}`,
      hint: `rename it to \`${now}\` (cruijff_kit 0.3.x reads only \`${now}\`)`
    } : {
      key: earlier,
      message: `both \`${field}.${now}\` and the earlier \`${field}.${earlier}\`: ${field}.${now} is used`,
      hint: `remove \`${earlier}\``
    }
  };
}
var unread = external_exports.unknown().optional();
function unreadKeys(...keys) {
  return Object.fromEntries(keys.map((key2) => [key2, unread]));
}
var legacy = (note) => external_exports.unknown().optional().meta({ deprecated: true, description: note });
var unchecked = (schema) => external_exports.union([schema, external_exports.unknown()]).optional();
var dirName = external_exports.string().superRefine((s, ctx) => {
  const problem = directoryNameProblem(s);
  if (problem) ctx.addIssue({ code: "custom", message: `must be usable as a directory name, but ${problem}` });
});
var wholeNumber = (min, notWhole, belowMin = notWhole) => external_exports.number({ error: notWhole }).int(notWhole).min(min, belowMin).max(LIMITS.maxEpoch, `must be at most ${LIMITS.maxEpoch}`);
var epochNumber = wholeNumber(
  0,
  "must be a whole number (0, 1, 2, ...)",
  "must be 0 or more (epochs are counted from 0)"
);
var positiveCount = wholeNumber(1, "must be a whole number of 1 or more");
var compute = unchecked(external_exports.object(unreadKeys("time", "gpus", "mem", "cpus_per_task")));
var RunSchema = external_exports.object({
  name: dirName,
  type: external_exports.enum(RUN_TYPES, { error: `must be one of ${RUN_TYPES.join(", ")}` }),
  model: external_exports.string().optional(),
  // A run's own epochs are read as counted here and checked by the loader: a wrong one is an error at
  // the run, which then trains controls.epochs.
  parameters: external_exports.union([external_exports.looseObject({ epochs: counted(external_exports.unknown()).optional() }), external_exports.null()]).optional(),
  ...unreadKeys("training_condition"),
  compute,
  slurm_overrides: unread
});
var TaskSchema = external_exports.object({
  name: dirName,
  script: external_exports.string().optional(),
  description: external_exports.string().optional(),
  dataset: external_exports.string().optional(),
  ...unreadKeys("eval_condition", "prompt", "system_prompt", "assistant_prefix")
});
var MatrixEntrySchema = external_exports.object({
  run: external_exports.string({ error: "must name a run (a text value)" }),
  vis_label: external_exports.string().optional(),
  tasks: external_exports.array(external_exports.string({ error: "must be a task name" }), { error: "must be a list of task names" }).min(1, "must list at least one task"),
  epochs: external_exports.array(counted(epochNumber), {
    error: "must be a list of epoch numbers such as [0, 1], or null for control and eval-only runs"
  }).nullable().optional()
});
var SummarySchema = external_exports.object({
  experiment: lenient(
    renamed("directory", "dir"),
    external_exports.object(
      {
        name: external_exports.string({ error: "is required: the experiment name (text)" }).min(1, "must not be empty").max(LIMITS.maxNameLength),
        project: external_exports.string().optional(),
        ...unreadKeys("question", "date", "hypothesis", "purpose"),
        dir: external_exports.string().optional(),
        seed: legacy("no longer read: seeds are controls.seed (training) and evaluation.seed"),
        type: legacy("no longer read")
      },
      { error: "is required: a mapping with at least `name`" }
    )
  ),
  tools: external_exports.object(
    {
      preparation: external_exports.string({ error: "must be a tool name such as torchtune" }).optional(),
      evaluation: external_exports.string({ error: "must be a tool name such as inspect-ai" }).optional()
    },
    { error: "must be a mapping such as {preparation: torchtune, evaluation: inspect-ai}" }
  ).optional(),
  variables: unread,
  controls: external_exports.looseObject(
    {
      epochs: counted(positiveCount).optional(),
      batch_size: counted(positiveCount).optional(),
      gradient_accumulation_steps: counted(positiveCount).optional()
    },
    { error: "must be a mapping" }
  ).optional(),
  models: unchecked(
    external_exports.object({
      base: external_exports.array(
        external_exports.object({
          ...unreadKeys("name", "path", "size_gb"),
          base_recipe: legacy("no longer read: the recipe comes from the model configuration")
        })
      )
    })
  ),
  data: unchecked(
    external_exports.object({
      training: external_exports.object({
        ...unreadKeys("path", "dataset_label", "format", "size_kb"),
        splits: external_exports.object(unreadKeys("train", "validation", "test")),
        label: legacy("the earlier name of data.training.dataset_label, no longer read"),
        dataset_type: legacy("moved to controls.dataset_type, no longer read here")
      }),
      data_generation: unread
    })
  ),
  output: unchecked(
    external_exports.object({
      wandb_project: unread,
      base_directory: legacy("no longer read: the experiment lives in experiment.dir"),
      checkpoint_pattern: legacy("no longer read: checkpoints are {run}/artifacts/epoch_N")
    })
  ),
  runs: external_exports.array(RunSchema, { error: "is required: the list of runs (model x hyperparameters)" }).min(1, "must list at least one run").max(LIMITS.maxRuns, `must list at most ${LIMITS.maxRuns} runs`),
  evaluation: external_exports.object(
    {
      ...unreadKeys("temperature", "do_sample", "seed", "max_tokens", "max_connections", "assistant_prefix"),
      scorers: unchecked(external_exports.array(external_exports.object(unreadKeys("name", "params")))),
      tasks: external_exports.array(TaskSchema, { error: "must be a list of tasks" }).optional(),
      compute,
      matrix: external_exports.array(MatrixEntrySchema, { error: "must be a list of {run, tasks, epochs} entries" }).optional(),
      scorer: legacy("the earlier name of evaluation.scorers; not read (the job scripts carry the scorers)"),
      system_prompt: legacy("no longer read: the system prompt is controls.system_prompt"),
      baseline: legacy("no longer read")
    },
    { error: "must be a mapping with `tasks` and `matrix`" }
  ).optional()
});

// src/experiment/problems.ts
var import_yaml3 = __toESM(require_dist(), 1);
var FileProblems = class {
  constructor(yaml) {
    this.yaml = yaml;
  }
  yaml;
  errors = [];
  warnings = [];
  error(path, message, hint, at = "value") {
    this.errors.push(this.located(path, message, hint, at));
  }
  warn(path, message, hint, at = "value") {
    this.warnings.push(this.located(path, message, hint, at));
  }
  /** Errors and warnings in the order of the file. */
  sorted() {
    const byPosition = (a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0);
    return { errors: this.errors.sort(byPosition), warnings: this.warnings.sort(byPosition) };
  }
  /** A warning for every key written twice in one mapping, at its later occurrence. */
  warnDuplicateKeys(node = this.yaml.doc.contents, path = []) {
    if (path.length > MAX_DEPTH) return;
    if ((0, import_yaml3.isMap)(node)) {
      const seen = /* @__PURE__ */ new Map();
      for (const pair of node.items) {
        const k = (0, import_yaml3.isScalar)(pair.key) ? pair.key.value : void 0;
        if (typeof k !== "string" && typeof k !== "number" || k === "<<") continue;
        const key2 = String(k);
        const first = seen.get(key2);
        const start = (0, import_yaml3.isNode)(pair.key) && pair.key.range ? pair.key.range[0] : 0;
        if (first === void 0) seen.set(key2, start);
        else
          this.warnings.push({
            file: this.yaml.file,
            ...this.yaml.position(start),
            field: fieldName([...path, key2]),
            message: `duplicate key "${key2}" (first at line ${this.yaml.position(first).line}): the last value is used`,
            hint: "cruijff_kit's YAML reader (PyYAML) does the same; remove one of them"
          });
        this.warnDuplicateKeys(pair.value, [...path, key2]);
      }
    } else if ((0, import_yaml3.isSeq)(node)) for (const [i, item] of node.items.entries()) this.warnDuplicateKeys(item, [...path, i]);
  }
  located(path, message, hint, at) {
    const where = this.yaml.locate(path, at);
    return { file: this.yaml.file, ...where, field: fieldName(path) || void 0, message, ...hint ? { hint } : {} };
  }
};

// src/experiment/review.ts
function review(data, problems) {
  visit(SummarySchema, data, [], problems, []);
  return data;
}
function visit(schema, value, path, problems, renamed2) {
  const leniency = LENIENCIES.get(schema);
  const read = leniency ? leniency.read(value) : value;
  if (leniency && read !== value) {
    const note = leniency.note(value, read, fieldName(path));
    if (note.key === void 0) problems.warn(path, note.message, note.hint);
    else problems.warn([...path, note.key], note.message, note.hint, "key");
  }
  if (schema instanceof external_exports.ZodObject && isMapping(read)) visitKeys(schema, read, path, problems, renamed2);
  else if (schema instanceof external_exports.ZodArray && Array.isArray(read)) {
    const items = read;
    items.forEach((item, i) => items[i] = visit(schema.element, item, [...path, i], problems, []));
  } else {
    const inner = wrapped(schema).find((s) => !(schema instanceof external_exports.ZodUnion) || fits(s, read));
    if (inner) return visit(inner, read, path, problems, leniency?.renamed ?? renamed2);
  }
  return read;
}
function wrapped(schema) {
  if (schema instanceof external_exports.ZodOptional || schema instanceof external_exports.ZodNullable) return [schema.unwrap()];
  if (schema instanceof external_exports.ZodPipe) return [schema.out];
  if (schema instanceof external_exports.ZodUnion) return schema.options;
  return [];
}
var fits = (schema, value) => isMapping(value) ? schema instanceof external_exports.ZodObject : Array.isArray(value) && schema instanceof external_exports.ZodArray;
var shapeOf = (schema) => schema.shape;
var legacyNote = (schema) => {
  const meta = external_exports.globalRegistry.get(schema);
  return meta?.deprecated ? meta.description : void 0;
};
function visitKeys(schema, mapping, path, problems, renamed2) {
  const shape = shapeOf(schema);
  for (const key2 of Object.keys(mapping)) {
    const here = [...path, key2];
    const known = shape[key2];
    const legacy2 = known && legacyNote(known);
    if (legacy2) problems.warn(here, `\`${fieldName(here)}\`: ${legacy2}`, void 0, "key");
    else if (known) mapping[key2] = visit(known, mapping[key2], here, problems, []);
    else if (schema.def.catchall === void 0) unknownKey(schema, here, problems, renamed2);
  }
}
function unknownKey(schema, path, problems, renamed2) {
  const key2 = String(path.at(-1));
  const { keys, legacy: legacy2 } = keysOf(schema);
  const suggestion = didYouMean(key2, [...keys, ...renamed2, ...legacy2]);
  const elsewhere = suggestion ? void 0 : knownElsewhere(key2, path.slice(0, -1));
  const keysHere = `keys here: ${keys.join(", ")}`;
  if (suggestion || elsewhere) {
    const near = suggestion ? `did you mean "${suggestion}"?` : `it belongs under ${elsewhere}`;
    const silently = "neither cruijff_kit nor run-experiment reads it here, so a misspelling would be ignored silently";
    problems.error(path, `unknown key "${key2}": ${near}`, `${silently}; ${keysHere}`, "key");
  } else {
    const hint = `a newer cruijff_kit's option is for its own tools; if it is a misspelling, correct it (${keysHere})`;
    problems.warn(path, `unknown key "${key2}": run-experiment does not read it; the run goes on`, hint, "key");
  }
}
function keysOf(schema) {
  const entries = Object.entries(shapeOf(schema));
  return {
    keys: entries.filter(([, s]) => !legacyNote(s)).map(([key2]) => key2),
    legacy: entries.filter(([, s]) => legacyNote(s)).map(([key2]) => key2)
  };
}
function levels(schema, level, out) {
  if (schema instanceof external_exports.ZodArray) levels(schema.element, `${level}[]`, out);
  else if (schema instanceof external_exports.ZodObject) {
    if (schema.def.catchall === void 0) out.set(level, keysOf(schema).keys);
    for (const [key2, s] of Object.entries(shapeOf(schema))) levels(s, level ? `${level}.${key2}` : key2, out);
  } else for (const s of wrapped(schema)) levels(s, level, out);
  return out;
}
var LEVELS;
function knownElsewhere(key2, path) {
  LEVELS ??= levels(SummarySchema, "", /* @__PURE__ */ new Map());
  const level = fieldName(path).replace(/\[\d+\]/g, "[]");
  const found = [...LEVELS].filter(([name, keys]) => name !== level && keys.includes(key2));
  return found.length ? found.map(([name]) => name || "the top level").join(" or ") : void 0;
}
function didYouMean(key2, candidates) {
  const lower = key2.toLowerCase();
  let best;
  for (const c of candidates) {
    const d = editDistance(lower, c.toLowerCase());
    if (!best || d < best.d) best = { name: c, d };
  }
  if (!best) return void 0;
  const allowed = Math.max(1, Math.min(3, Math.floor(Math.max(key2.length, best.name.length) / 4)));
  return best.d <= allowed ? best.name : void 0;
}
function editDistance(a, b) {
  if (Math.abs(a.length - b.length) > 3) return 4;
  const d = Array.from(
    { length: a.length + 1 },
    (_, i) => Array.from({ length: b.length + 1 }, (_2, j) => i === 0 ? j : j === 0 ? i : 0)
  );
  const at = (i, j) => d[i]?.[j] ?? 0;
  for (let i = 1; i <= a.length; i++) {
    const row = d[i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, at(i - 2, j - 2) + 1);
      row[j] = v;
    }
  }
  return at(a.length, b.length);
}

// src/experiment/load.ts
var DEFAULT_CAPS = {
  maxSummaryBytes: Number(INPUTS["max-summary-bytes"]),
  maxCells: Number(INPUTS["max-cells"])
};
var summaryYaml = (maxBytes) => ({
  maxBytes,
  usualSize: "real experiment summaries are tens of KB",
  sizeHint: "the input max-summary-bytes raises the cap",
  usualDepth: "experiment summaries nest a few",
  notMapping: "must be a YAML mapping with `experiment`, `runs` and `evaluation` sections"
});
function loadExperiment(text, summaryPath, displayPath, toolNames2, caps = DEFAULT_CAPS) {
  const yaml = readYaml(text, displayPath, summaryYaml(caps.maxSummaryBytes));
  if (!yaml.ok) return { errors: yaml.error, warnings: [] };
  const problems = new FileProblems(yaml.value);
  problems.warnDuplicateKeys();
  const data = review(yaml.value.data, problems);
  const summary = SummarySchema.safeParse(data);
  const issues = summary.success ? [] : summary.error.issues;
  for (const issue of issues) problems.error(issue.path, describeIssue(issue, data));
  const passed = passedPaths(issues);
  const tools = readTools(data["tools"], toolNames2, problems);
  const runs2 = readRuns(data, passed, problems);
  const tasks = readTasks(data, passed, problems);
  const entries = checkMatrix(data, runs2, tasks, passed, problems);
  checkCellCap(entries, caps.maxCells, problems);
  warnUnevaluated(runs2, entries, data, problems);
  const { errors, warnings } = problems.sorted();
  if (errors.length > 0 || !summary.success) return { errors, warnings };
  const { name, dir } = summary.data.experiment;
  return {
    errors,
    warnings,
    experiment: {
      name,
      summaryPath,
      sourceDir: summaryPath.replace(/\/[^/]*$/, "") || "/",
      ...dir ? { declaredDir: dir } : {},
      tools,
      runs: runs2.list,
      tasks: tasks.list,
      cells: expandCells(entries)
    }
  };
}
function passedPaths(issues) {
  const failed = /* @__PURE__ */ new Set();
  for (const { path } of issues) for (let n = 1; n <= path.length; n++) failed.add(JSON.stringify(path.slice(0, n)));
  return (path) => !failed.has(JSON.stringify(path));
}
var listAt = (data, path) => {
  const list2 = valueAt(data, path);
  return Array.isArray(list2) ? list2 : [];
};
function namedItems(data, path, what, passed, problems) {
  const index = /* @__PURE__ */ new Map();
  const valid = [];
  for (const [at, item] of listAt(data, path).entries()) {
    const name = isMapping(item) ? item["name"] : void 0;
    if (typeof name !== "string") continue;
    const first = index.get(name);
    if (first === void 0) index.set(name, at);
    else {
      const hint = what === "run" ? "run names become directories and must be unique" : void 0;
      const message = `duplicate ${what} name "${name}" (also ${fieldName([...path, first])})`;
      problems.error([...path, at, "name"], message, hint);
    }
    if (first === void 0 && passed([...path, at])) valid.push({ item, at });
  }
  return { index, valid };
}
function readRuns(data, passed, problems) {
  const controls = valueAt(data, ["controls", "epochs"]);
  const defaultEpochs = passed(["controls", "epochs"]) && typeof controls === "number" ? controls : void 0;
  const { index, valid } = namedItems(data, ["runs"], "run", passed, problems);
  const list2 = valid.map(({ item, at }) => {
    const parameters = item.parameters ?? {};
    let epochs = defaultEpochs;
    if (parameters["epochs"] !== void 0) {
      const own = positiveCount.safeParse(parameters["epochs"]);
      if (own.success) epochs = own.data;
      else problems.error(["runs", at, "parameters", "epochs"], "must be a whole number of 1 or more");
    }
    return {
      name: item.name,
      type: item.type,
      ...item.model !== void 0 ? { model: item.model } : {},
      parameters,
      ...epochs !== void 0 ? { epochs } : {}
    };
  });
  return { list: list2, index };
}
function readTasks(data, passed, problems) {
  const { index, valid } = namedItems(data, ["evaluation", "tasks"], "task", passed, problems);
  const list2 = valid.map(({ item }) => ({
    name: item.name,
    ...item.script !== void 0 ? { script: item.script } : {}
  }));
  return { list: list2, index };
}
function readTools(section, names, problems) {
  const tools = { preparation: names.preparation.default, evaluation: names.evaluation.default, defaulted: false };
  if (section === void 0) {
    tools.defaulted = true;
    problems.warnings.push({
      file: problems.yaml.file,
      line: 1,
      column: 1,
      field: "tools",
      message: `no \`tools\` section: assuming ${tools.preparation} for fine-tuning and ${tools.evaluation} for evaluation`,
      hint: `add \`tools: {preparation: ${tools.preparation}, evaluation: ${tools.evaluation}}\``
    });
  } else if (isMapping(section)) {
    for (const phase of ["preparation", "evaluation"]) {
      const given = section[phase];
      const accepted = names[phase].accepted;
      if (given === void 0) {
        tools.defaulted = true;
        problems.warn(["tools"], `no tools.${phase}: assuming ${tools[phase]}`);
        continue;
      }
      if (typeof given !== "string") continue;
      if (accepted.includes(given)) tools[phase] = given;
      else problems.error(["tools", phase], `unknown ${phase} tool "${given}"`, `supported: ${accepted.join(", ")}`);
    }
  }
  return tools;
}
function checkMatrix(data, runs2, tasks, passed, problems) {
  const entries = [];
  for (const [i, item] of listAt(data, ["evaluation", "matrix"]).entries()) {
    if (!isMapping(item)) continue;
    const at = (...rest) => ["evaluation", "matrix", i, ...rest];
    const runName = item["run"];
    if (typeof runName === "string" && !runs2.index.has(runName)) {
      const hint = `runs are: ${[...runs2.index.keys()].slice(0, 20).join(", ")}`;
      problems.error(at("run"), `names run "${runName}", which is not in runs`, hint);
    }
    for (const [j, task] of listAt(item, ["tasks"]).entries()) {
      if (typeof task !== "string" || tasks.index.has(task)) continue;
      const listed = tasks.list.map((t) => t.name).slice(0, 20);
      const hint = listed.length ? `tasks are: ${listed.join(", ")}` : "add it to evaluation.tasks";
      problems.error(at("tasks", j), `names task "${task}", which is not in evaluation.tasks`, hint);
    }
    const run2 = runs2.list.find((r) => r.name === runName);
    if (!run2 || !passed(at())) continue;
    const entry = item;
    const epochs = entry.epochs ?? null;
    if (run2.type !== "fine-tuned") {
      const message = `run "${run2.name}" is ${run2.type}: it has no training epochs, so epochs must be null`;
      if (epochs === null) entries.push({ at: i, run: run2, tasks: entry.tasks, epochs: [null] });
      else problems.error(at("epochs"), message);
    } else if (epochs === null) {
      const message = `run "${run2.name}" is fine-tuned: list the epochs to evaluate, e.g. epochs: [0]`;
      problems.error(at(entry.epochs === void 0 ? "run" : "epochs"), message);
    } else {
      const trained = run2.epochs ?? Infinity;
      const missing = [...epochs.entries()].filter(([, epoch]) => epoch >= trained);
      for (const [k, epoch] of missing) {
        const message = `epoch ${epoch} does not exist: run "${run2.name}" trains ${trained} epoch(s)`;
        problems.error(at("epochs", k), `${message}, numbered 0 to ${trained - 1}`);
      }
      if (missing.length === 0) entries.push({ at: i, run: run2, tasks: entry.tasks, epochs });
    }
  }
  return entries;
}
function checkCellCap(entries, cap, problems) {
  const cellsOf = (e) => e.tasks.length * e.epochs.length;
  const total = entries.reduce((sum, e) => sum + cellsOf(e), 0);
  let counted2 = 0;
  const past = entries.find((e) => (counted2 += cellsOf(e)) > cap);
  if (!past) return;
  const message = `the matrix lists ${total} evaluation cells, over the cap of ${cap}; this entry passes it`;
  const hint = "cells are each entry's tasks x epochs; the input max-cells raises the cap";
  problems.error(["evaluation", "matrix", past.at], message, hint);
}
function warnUnevaluated(runs2, entries, data, problems) {
  const listed = new Set(entries.filter((e) => e.epochs.length > 0).map((e) => e.run.name));
  for (const { name, type } of runs2.list) {
    if (type === "fine-tuned" || listed.has(name)) continue;
    const message = `${type} run "${name}" is not in evaluation.matrix: nothing will run for it`;
    problems.warn(["runs", runs2.index.get(name) ?? 0, "name"], message);
  }
  const trained = runs2.list.filter((r) => r.type === "fine-tuned").length;
  if (trained > 0 && !entries.some((e) => e.epochs.some((epoch) => epoch !== null))) {
    problems.warn(
      isMapping(data["evaluation"]) ? ["evaluation"] : [],
      `no evaluation of the fine-tuned runs (${trained}) in evaluation.matrix: they are trained, and nothing evaluates them`,
      "add matrix entries with the epochs to evaluate, or run with phases: optimize"
    );
  }
}
function expandCells(entries) {
  const cells = /* @__PURE__ */ new Map();
  for (const { run: run2, tasks, epochs } of entries)
    for (const task of tasks)
      for (const epoch of epochs) {
        const key2 = `${run2.name}\0${task}\0${epoch}`;
        if (!cells.has(key2)) cells.set(key2, { run: run2.name, task, epoch });
      }
  return [...cells.values()];
}
function describeIssue(issue, data) {
  const found = valueAt(data, issue.path);
  const plain2 = /^Invalid input: expected (\w+)/.exec(issue.message)?.[1];
  const message = plain2 ? `must be ${TYPE_WORDS[plain2] ?? plain2}` : issue.message;
  if (found === void 0) return message.startsWith("is required") ? message : "is required but missing";
  return `${message} (found ${preview(found)})`;
}
var TYPE_WORDS = {
  string: "text",
  number: "a number",
  array: "a list",
  object: "a mapping",
  boolean: "true or false",
  null: "null"
};
function preview(v) {
  let s = typeof v === "string" ? JSON.stringify(v) : String(v);
  if (Array.isArray(v)) s = "a list";
  else if (isMapping(v)) s = "a mapping";
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

// src/cluster/read.ts
import { StringDecoder } from "node:string_decoder";
var SCAN_CHUNK_BYTES = 1024 * 1024;
async function readTail(transport, path, maxBytes) {
  const st = await transport.stat(path);
  if (!st) return null;
  const start = Math.max(0, st.size - maxBytes);
  return transport.readRange(path, start, st.size - start);
}
async function scanLines(transport, path, onLine, maxLineBytes = 64 * 1024) {
  const st = await transport.stat(path);
  if (!st) return false;
  const decoder = new StringDecoder("utf8");
  let carry = "";
  for (let pos = 0; pos < st.size; pos += SCAN_CHUNK_BYTES) {
    const chunk = await transport.readRange(path, pos, Math.min(SCAN_CHUNK_BYTES, st.size - pos));
    if (!chunk || chunk.length === 0) break;
    const parts = (carry + decoder.write(chunk)).split(/\r\n|\n|\r/);
    carry = parts.pop() ?? "";
    if (carry.length > maxLineBytes) carry = carry.slice(0, maxLineBytes);
    for (const line of parts) onLine(line.length > maxLineBytes ? line.slice(0, maxLineBytes) : line);
  }
  carry += decoder.end();
  if (carry) onLine(carry);
  return true;
}

// src/tools/eval-log.ts
var import_yauzl = __toESM(require_yauzl(), 1);
import { Readable } from "node:stream";
import { inflateRawSync } from "node:zlib";

// node_modules/fzstd/esm/index.mjs
var ab = ArrayBuffer;
var u8 = Uint8Array;
var u16 = Uint16Array;
var i16 = Int16Array;
var i32 = Int32Array;
var slc = function(v, s, e) {
  if (u8.prototype.slice)
    return u8.prototype.slice.call(v, s, e);
  if (s == null || s < 0)
    s = 0;
  if (e == null || e > v.length)
    e = v.length;
  var n = new u8(e - s);
  n.set(v.subarray(s, e));
  return n;
};
var fill = function(v, n, s, e) {
  if (u8.prototype.fill)
    return u8.prototype.fill.call(v, n, s, e);
  if (s == null || s < 0)
    s = 0;
  if (e == null || e > v.length)
    e = v.length;
  for (; s < e; ++s)
    v[s] = n;
  return v;
};
var cpw = function(v, t, s, e) {
  if (u8.prototype.copyWithin)
    return u8.prototype.copyWithin.call(v, t, s, e);
  if (s == null || s < 0)
    s = 0;
  if (e == null || e > v.length)
    e = v.length;
  while (s < e) {
    v[t++] = v[s++];
  }
};
var ec = [
  "invalid zstd data",
  "window size too large (>2046MB)",
  "invalid block type",
  "FSE accuracy too high",
  "match distance too far back",
  "unexpected EOF"
];
var err2 = function(ind, msg, nt) {
  var e = new Error(msg || ec[ind]);
  e.code = ind;
  if (Error.captureStackTrace)
    Error.captureStackTrace(e, err2);
  if (!nt)
    throw e;
  return e;
};
var rb = function(d, b, n) {
  var i = 0, o = 0;
  for (; i < n; ++i)
    o |= d[b++] << (i << 3);
  return o;
};
var b4 = function(d, b) {
  return (d[b] | d[b + 1] << 8 | d[b + 2] << 16 | d[b + 3] << 24) >>> 0;
};
var rzfh = function(dat, w) {
  var n3 = dat[0] | dat[1] << 8 | dat[2] << 16;
  if (n3 == 3126568 && dat[3] == 253) {
    var flg = dat[4];
    var ss = flg >> 5 & 1, cc = flg >> 2 & 1, df = flg & 3, fcf = flg >> 6;
    if (flg & 8)
      err2(0);
    var bt = 6 - ss;
    var db = df == 3 ? 4 : df;
    var di = rb(dat, bt, db);
    bt += db;
    var fsb = fcf ? 1 << fcf : ss;
    var fss = rb(dat, bt, fsb) + (fcf == 1 && 256);
    var ws = fss;
    if (!ss) {
      var wb = 1 << 10 + (dat[5] >> 3);
      ws = wb + (wb >> 3) * (dat[5] & 7);
    }
    if (ws > 2145386496)
      err2(1);
    var buf = new u8((w == 1 ? fss || ws : w ? 0 : ws) + 12);
    buf[0] = 1, buf[4] = 4, buf[8] = 8;
    return {
      b: bt + fsb,
      y: 0,
      l: 0,
      d: di,
      w: w && w != 1 ? w : buf.subarray(12),
      e: ws,
      o: new i32(buf.buffer, 0, 3),
      u: fss,
      c: cc,
      m: Math.min(131072, ws)
    };
  } else if ((n3 >> 4 | dat[3] << 20) == 25481893) {
    return b4(dat, 4) + 8;
  }
  err2(0);
};
var msb = function(val) {
  var bits = 0;
  for (; 1 << bits <= val; ++bits)
    ;
  return bits - 1;
};
var rfse = function(dat, bt, mal) {
  var tpos = (bt << 3) + 4;
  var al = (dat[bt] & 15) + 5;
  if (al > mal)
    err2(3);
  var sz = 1 << al;
  var probs = sz, sym = -1, re = -1, i = -1, ht = sz;
  var buf = new ab(512 + (sz << 2));
  var freq = new i16(buf, 0, 256);
  var dstate = new u16(buf, 0, 256);
  var nstate = new u16(buf, 512, sz);
  var bb1 = 512 + (sz << 1);
  var syms = new u8(buf, bb1, sz);
  var nbits = new u8(buf, bb1 + sz);
  while (sym < 255 && probs > 0) {
    var bits = msb(probs + 1);
    var cbt = tpos >> 3;
    var msk = (1 << bits + 1) - 1;
    var val = (dat[cbt] | dat[cbt + 1] << 8 | dat[cbt + 2] << 16) >> (tpos & 7) & msk;
    var msk1fb = (1 << bits) - 1;
    var msv = msk - probs - 1;
    var sval = val & msk1fb;
    if (sval < msv)
      tpos += bits, val = sval;
    else {
      tpos += bits + 1;
      if (val > msk1fb)
        val -= msv;
    }
    freq[++sym] = --val;
    if (val == -1) {
      probs += val;
      syms[--ht] = sym;
    } else
      probs -= val;
    if (!val) {
      do {
        var rbt = tpos >> 3;
        re = (dat[rbt] | dat[rbt + 1] << 8) >> (tpos & 7) & 3;
        tpos += 2;
        sym += re;
      } while (re == 3);
    }
  }
  if (sym > 255 || probs)
    err2(0);
  var sympos = 0;
  var sstep = (sz >> 1) + (sz >> 3) + 3;
  var smask = sz - 1;
  for (var s = 0; s <= sym; ++s) {
    var sf = freq[s];
    if (sf < 1) {
      dstate[s] = -sf;
      continue;
    }
    for (i = 0; i < sf; ++i) {
      syms[sympos] = s;
      do {
        sympos = sympos + sstep & smask;
      } while (sympos >= ht);
    }
  }
  if (sympos)
    err2(0);
  for (i = 0; i < sz; ++i) {
    var ns = dstate[syms[i]]++;
    var nb = nbits[i] = al - msb(ns);
    nstate[i] = (ns << nb) - sz;
  }
  return [tpos + 7 >> 3, {
    b: al,
    s: syms,
    n: nbits,
    t: nstate
  }];
};
var rhu = function(dat, bt) {
  var i = 0, wc = -1;
  var buf = new u8(292), hb = dat[bt];
  var hw = buf.subarray(0, 256);
  var rc = buf.subarray(256, 268);
  var ri = new u16(buf.buffer, 268);
  if (hb < 128) {
    var _a = rfse(dat, bt + 1, 6), ebt = _a[0], fdt = _a[1];
    bt += hb;
    var epos = ebt << 3;
    var lb = dat[bt];
    if (!lb)
      err2(0);
    var st1 = 0, st2 = 0, btr1 = fdt.b, btr2 = btr1;
    var fpos = (++bt << 3) - 8 + msb(lb);
    for (; ; ) {
      fpos -= btr1;
      if (fpos < epos)
        break;
      var cbt = fpos >> 3;
      st1 += (dat[cbt] | dat[cbt + 1] << 8) >> (fpos & 7) & (1 << btr1) - 1;
      hw[++wc] = fdt.s[st1];
      fpos -= btr2;
      if (fpos < epos)
        break;
      cbt = fpos >> 3;
      st2 += (dat[cbt] | dat[cbt + 1] << 8) >> (fpos & 7) & (1 << btr2) - 1;
      hw[++wc] = fdt.s[st2];
      btr1 = fdt.n[st1];
      st1 = fdt.t[st1];
      btr2 = fdt.n[st2];
      st2 = fdt.t[st2];
    }
    if (++wc > 255)
      err2(0);
  } else {
    wc = hb - 127;
    for (; i < wc; i += 2) {
      var byte = dat[++bt];
      hw[i] = byte >> 4;
      hw[i + 1] = byte & 15;
    }
    ++bt;
  }
  var wes = 0;
  for (i = 0; i < wc; ++i) {
    var wt = hw[i];
    if (wt > 11)
      err2(0);
    wes += wt && 1 << wt - 1;
  }
  var mb = msb(wes) + 1;
  var ts = 1 << mb;
  var rem = ts - wes;
  if (rem & rem - 1)
    err2(0);
  hw[wc++] = msb(rem) + 1;
  for (i = 0; i < wc; ++i) {
    var wt = hw[i];
    ++rc[hw[i] = wt && mb + 1 - wt];
  }
  var hbuf = new u8(ts << 1);
  var syms = hbuf.subarray(0, ts), nb = hbuf.subarray(ts);
  ri[mb] = 0;
  for (i = mb; i > 0; --i) {
    var pv = ri[i];
    fill(nb, i, pv, ri[i - 1] = pv + rc[i] * (1 << mb - i));
  }
  if (ri[0] != ts)
    err2(0);
  for (i = 0; i < wc; ++i) {
    var bits = hw[i];
    if (bits) {
      var code = ri[bits];
      fill(syms, i, code, ri[bits] = code + (1 << mb - bits));
    }
  }
  return [bt, {
    n: nb,
    b: mb,
    s: syms
  }];
};
var dllt = rfse(/* @__PURE__ */ new u8([
  81,
  16,
  99,
  140,
  49,
  198,
  24,
  99,
  12,
  33,
  196,
  24,
  99,
  102,
  102,
  134,
  70,
  146,
  4
]), 0, 6)[1];
var dmlt = rfse(/* @__PURE__ */ new u8([
  33,
  20,
  196,
  24,
  99,
  140,
  33,
  132,
  16,
  66,
  8,
  33,
  132,
  16,
  66,
  8,
  33,
  68,
  68,
  68,
  68,
  68,
  68,
  68,
  68,
  36,
  9
]), 0, 6)[1];
var doct = rfse(/* @__PURE__ */ new u8([
  32,
  132,
  16,
  66,
  102,
  70,
  68,
  68,
  68,
  68,
  36,
  73,
  2
]), 0, 5)[1];
var b2bl = function(b, s) {
  var len = b.length, bl = new i32(len);
  for (var i = 0; i < len; ++i) {
    bl[i] = s;
    s += 1 << b[i];
  }
  return bl;
};
var llb = /* @__PURE__ */ new u8((/* @__PURE__ */ new i32([
  0,
  0,
  0,
  0,
  16843009,
  50528770,
  134678020,
  202050057,
  269422093
])).buffer, 0, 36);
var llbl = /* @__PURE__ */ b2bl(llb, 0);
var mlb = /* @__PURE__ */ new u8((/* @__PURE__ */ new i32([
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  16843009,
  50528770,
  117769220,
  185207048,
  252579084,
  16
])).buffer, 0, 53);
var mlbl = /* @__PURE__ */ b2bl(mlb, 3);
var dhu = function(dat, out, hu) {
  var len = dat.length, ss = out.length, lb = dat[len - 1], msk = (1 << hu.b) - 1, eb = -hu.b;
  if (!lb)
    err2(0);
  var st = 0, btr = hu.b, pos = (len << 3) - 8 + msb(lb) - btr, i = -1;
  for (; pos > eb && i < ss; ) {
    var cbt = pos >> 3;
    var val = (dat[cbt] | dat[cbt + 1] << 8 | dat[cbt + 2] << 16) >> (pos & 7);
    st = (st << btr | val) & msk;
    out[++i] = hu.s[st];
    pos -= btr = hu.n[st];
  }
  if (pos != eb || i + 1 != ss)
    err2(0);
};
var dhu4 = function(dat, out, hu) {
  var bt = 6;
  var ss = out.length, sz1 = ss + 3 >> 2, sz2 = sz1 << 1, sz3 = sz1 + sz2;
  dhu(dat.subarray(bt, bt += dat[0] | dat[1] << 8), out.subarray(0, sz1), hu);
  dhu(dat.subarray(bt, bt += dat[2] | dat[3] << 8), out.subarray(sz1, sz2), hu);
  dhu(dat.subarray(bt, bt += dat[4] | dat[5] << 8), out.subarray(sz2, sz3), hu);
  dhu(dat.subarray(bt), out.subarray(sz3), hu);
};
var rzb = function(dat, st, out) {
  var _a;
  var bt = st.b;
  var b0 = dat[bt], btype = b0 >> 1 & 3;
  st.l = b0 & 1;
  var sz = b0 >> 3 | dat[bt + 1] << 5 | dat[bt + 2] << 13;
  var ebt = (bt += 3) + sz;
  if (btype == 1) {
    if (bt >= dat.length)
      return;
    st.b = bt + 1;
    if (out) {
      fill(out, dat[bt], st.y, st.y += sz);
      return out;
    }
    return fill(new u8(sz), dat[bt]);
  }
  if (ebt > dat.length)
    return;
  if (btype == 0) {
    st.b = ebt;
    if (out) {
      out.set(dat.subarray(bt, ebt), st.y);
      st.y += sz;
      return out;
    }
    return slc(dat, bt, ebt);
  }
  if (btype == 2) {
    var b3 = dat[bt], lbt = b3 & 3, sf = b3 >> 2 & 3;
    var lss = b3 >> 4, lcs = 0, s4 = 0;
    if (lbt < 2) {
      if (sf & 1)
        lss |= dat[++bt] << 4 | (sf & 2 && dat[++bt] << 12);
      else
        lss = b3 >> 3;
    } else {
      s4 = sf;
      if (sf < 2)
        lss |= (dat[++bt] & 63) << 4, lcs = dat[bt] >> 6 | dat[++bt] << 2;
      else if (sf == 2)
        lss |= dat[++bt] << 4 | (dat[++bt] & 3) << 12, lcs = dat[bt] >> 2 | dat[++bt] << 6;
      else
        lss |= dat[++bt] << 4 | (dat[++bt] & 63) << 12, lcs = dat[bt] >> 6 | dat[++bt] << 2 | dat[++bt] << 10;
    }
    ++bt;
    var buf = out ? out.subarray(st.y, st.y + st.m) : new u8(st.m);
    var spl = buf.length - lss;
    if (lbt == 0)
      buf.set(dat.subarray(bt, bt += lss), spl);
    else if (lbt == 1)
      fill(buf, dat[bt++], spl);
    else {
      var hu = st.h;
      if (lbt == 2) {
        var hud = rhu(dat, bt);
        lcs += bt - (bt = hud[0]);
        st.h = hu = hud[1];
      } else if (!hu)
        err2(0);
      (s4 ? dhu4 : dhu)(dat.subarray(bt, bt += lcs), buf.subarray(spl), hu);
    }
    var ns = dat[bt++];
    if (ns) {
      if (ns == 255)
        ns = (dat[bt++] | dat[bt++] << 8) + 32512;
      else if (ns > 127)
        ns = ns - 128 << 8 | dat[bt++];
      var scm = dat[bt++];
      if (scm & 3)
        err2(0);
      var dts = [dmlt, doct, dllt];
      for (var i = 2; i > -1; --i) {
        var md = scm >> (i << 1) + 2 & 3;
        if (md == 1) {
          var rbuf = new u8([0, 0, dat[bt++]]);
          dts[i] = {
            s: rbuf.subarray(2, 3),
            n: rbuf.subarray(0, 1),
            t: new u16(rbuf.buffer, 0, 1),
            b: 0
          };
        } else if (md == 2) {
          _a = rfse(dat, bt, 9 - (i & 1)), bt = _a[0], dts[i] = _a[1];
        } else if (md == 3) {
          if (!st.t)
            err2(0);
          dts[i] = st.t[i];
        }
      }
      var _b = st.t = dts, mlt = _b[0], oct = _b[1], llt = _b[2];
      var lb = dat[ebt - 1];
      if (!lb)
        err2(0);
      var spos = (ebt << 3) - 8 + msb(lb) - llt.b, cbt = spos >> 3, oubt = 0;
      var lst = (dat[cbt] | dat[cbt + 1] << 8) >> (spos & 7) & (1 << llt.b) - 1;
      cbt = (spos -= oct.b) >> 3;
      var ost = (dat[cbt] | dat[cbt + 1] << 8) >> (spos & 7) & (1 << oct.b) - 1;
      cbt = (spos -= mlt.b) >> 3;
      var mst = (dat[cbt] | dat[cbt + 1] << 8) >> (spos & 7) & (1 << mlt.b) - 1;
      for (++ns; --ns; ) {
        var llc = llt.s[lst];
        var lbtr = llt.n[lst];
        var mlc = mlt.s[mst];
        var mbtr = mlt.n[mst];
        var ofc = oct.s[ost];
        var obtr = oct.n[ost];
        cbt = (spos -= ofc) >> 3;
        var ofp = 1 << ofc;
        var off = ofp + ((dat[cbt] | dat[cbt + 1] << 8 | dat[cbt + 2] << 16 | dat[cbt + 3] << 24) >>> (spos & 7) & ofp - 1);
        cbt = (spos -= mlb[mlc]) >> 3;
        var ml = mlbl[mlc] + ((dat[cbt] | dat[cbt + 1] << 8 | dat[cbt + 2] << 16) >> (spos & 7) & (1 << mlb[mlc]) - 1);
        cbt = (spos -= llb[llc]) >> 3;
        var ll = llbl[llc] + ((dat[cbt] | dat[cbt + 1] << 8 | dat[cbt + 2] << 16) >> (spos & 7) & (1 << llb[llc]) - 1);
        cbt = (spos -= lbtr) >> 3;
        lst = llt.t[lst] + ((dat[cbt] | dat[cbt + 1] << 8) >> (spos & 7) & (1 << lbtr) - 1);
        cbt = (spos -= mbtr) >> 3;
        mst = mlt.t[mst] + ((dat[cbt] | dat[cbt + 1] << 8) >> (spos & 7) & (1 << mbtr) - 1);
        cbt = (spos -= obtr) >> 3;
        ost = oct.t[ost] + ((dat[cbt] | dat[cbt + 1] << 8) >> (spos & 7) & (1 << obtr) - 1);
        if (off > 3) {
          st.o[2] = st.o[1];
          st.o[1] = st.o[0];
          st.o[0] = off -= 3;
        } else {
          var idx = off - (ll != 0);
          if (idx) {
            off = idx == 3 ? st.o[0] - 1 : st.o[idx];
            if (idx > 1)
              st.o[2] = st.o[1];
            st.o[1] = st.o[0];
            st.o[0] = off;
          } else
            off = st.o[0];
        }
        for (var i = 0; i < ll; ++i) {
          buf[oubt + i] = buf[spl + i];
        }
        oubt += ll, spl += ll;
        var stin = oubt - off;
        if (stin < 0) {
          var len = -stin;
          var bs = st.e + stin;
          if (len > ml)
            len = ml;
          for (var i = 0; i < len; ++i) {
            buf[oubt + i] = st.w[bs + i];
          }
          oubt += len, ml -= len, stin = 0;
        }
        for (var i = 0; i < ml; ++i) {
          buf[oubt + i] = buf[stin + i];
        }
        oubt += ml;
      }
      if (oubt != spl) {
        while (spl < buf.length) {
          buf[oubt++] = buf[spl++];
        }
      } else
        oubt = buf.length;
      if (out)
        st.y += oubt;
      else
        buf = slc(buf, 0, oubt);
    } else if (out) {
      st.y += lss;
      if (spl) {
        for (var i = 0; i < lss; ++i) {
          buf[i] = buf[spl + i];
        }
      }
    } else if (spl)
      buf = slc(buf, spl);
    st.b = ebt;
    return buf;
  }
  err2(2);
};
var cct = function(bufs, ol) {
  if (bufs.length == 1)
    return bufs[0];
  var buf = new u8(ol);
  for (var i = 0, b = 0; i < bufs.length; ++i) {
    var chk = bufs[i];
    buf.set(chk, b);
    b += chk.length;
  }
  return buf;
};
var Decompress = /* @__PURE__ */ (function() {
  function Decompress2(ondata) {
    this.ondata = ondata;
    this.c = [];
    this.l = 0;
    this.z = 0;
  }
  Decompress2.prototype.push = function(chunk, final) {
    if (typeof this.s == "number") {
      var sub = Math.min(chunk.length, this.s);
      chunk = chunk.subarray(sub);
      this.s -= sub;
    }
    var sl = chunk.length;
    var ncs = sl + this.l;
    if (!this.s) {
      if (final) {
        if (!ncs) {
          this.ondata(new u8(0), true);
          return;
        }
        if (ncs < 5)
          err2(5);
      } else if (ncs < 18) {
        this.c.push(chunk);
        this.l = ncs;
        return;
      }
      if (this.l) {
        this.c.push(chunk);
        chunk = cct(this.c, ncs);
        this.c = [];
        this.l = 0;
      }
      if (typeof (this.s = rzfh(chunk)) == "number")
        return this.push(chunk, final);
    }
    if (typeof this.s != "number") {
      if (ncs < (this.z || 3)) {
        if (final)
          err2(5);
        this.c.push(chunk);
        this.l = ncs;
        return;
      }
      if (this.l) {
        this.c.push(chunk);
        chunk = cct(this.c, ncs);
        this.c = [];
        this.l = 0;
      }
      if (!this.z && ncs < (this.z = chunk[this.s.b] & 2 ? 4 : 3 + (chunk[this.s.b] >> 3 | chunk[this.s.b + 1] << 5 | chunk[this.s.b + 2] << 13))) {
        if (final)
          err2(5);
        this.c.push(chunk);
        this.l = ncs;
        return;
      } else
        this.z = 0;
      for (; ; ) {
        var blk = rzb(chunk, this.s);
        if (!blk) {
          if (final)
            err2(5);
          var adc = chunk.subarray(this.s.b);
          this.s.b = 0;
          this.c.push(adc), this.l += adc.length;
          return;
        } else {
          this.ondata(blk, false);
          cpw(this.s.w, 0, blk.length);
          this.s.w.set(blk, this.s.w.length - blk.length);
        }
        if (this.s.l) {
          var rest = chunk.subarray(this.s.b);
          this.s = this.s.c * 4;
          this.push(rest, final);
          return;
        }
      }
    } else if (final)
      err2(5);
  };
  return Decompress2;
})();

// src/tools/eval-log.ts
var MetricSchema = external_exports.looseObject({ name: external_exports.string().optional(), value: external_exports.unknown() });
var ScoreSchema = external_exports.looseObject({
  name: external_exports.string(),
  scorer: external_exports.string().optional(),
  metrics: external_exports.record(external_exports.string(), MetricSchema).optional()
});
var HeaderSchema = external_exports.looseObject({
  status: external_exports.string(),
  eval: external_exports.looseObject({
    task: external_exports.string().optional(),
    model: external_exports.string().optional(),
    created: external_exports.string().optional(),
    metadata: external_exports.record(external_exports.string(), external_exports.unknown()).nullish(),
    task_args: external_exports.record(external_exports.string(), external_exports.unknown()).nullish(),
    model_args: external_exports.record(external_exports.string(), external_exports.unknown()).nullish(),
    task_registry_name: external_exports.string().nullish()
  }).optional(),
  results: external_exports.looseObject({
    total_samples: external_exports.number().optional(),
    completed_samples: external_exports.number().optional(),
    scores: external_exports.array(ScoreSchema).optional()
  }).nullish(),
  error: external_exports.looseObject({ message: external_exports.string().optional() }).nullish()
});
var MAX_ENTRY_BYTES = 16 * 1024 * 1024;
var MAX_COMPRESSED_BYTES = 16 * 1024 * 1024;
function bufferSource(bytes) {
  return { size: bytes.length, read: (start, length) => Promise.resolve(bytes.subarray(start, start + length)) };
}
async function readEvalHeader(source) {
  let entries;
  const src = Buffer.isBuffer(source) ? bufferSource(source) : source;
  try {
    const read = await readEntries(src, (name) => name === "header.json" || name === "_journal/start.json");
    if (!read.ok) return read;
    entries = read.value;
  } catch (e) {
    return err(`not a readable .eval archive: ${messageOf(e)}`);
  }
  const header = entries.get("header.json");
  const start = entries.get("_journal/start.json");
  if (!header && !start) return err("no header.json in the archive");
  let json;
  try {
    json = header ? JSON.parse(header.toString("utf8")) : { ...JSON.parse(start.toString("utf8")), status: "started" };
  } catch (e) {
    return err(`${header ? "header.json" : "_journal/start.json"} is not JSON: ${messageOf(e)}`);
  }
  const parsed = HeaderSchema.safeParse(json);
  if (!parsed.success) return err(`header.json has an unexpected shape: ${parsed.error.issues[0]?.message ?? ""}`);
  const h = parsed.data;
  const scores = (h.results?.scores ?? []).map((s) => {
    const metrics = {};
    for (const [k, m] of Object.entries(s.metrics ?? {}))
      if (typeof m.value === "number") metrics[m.name ?? k] = m.value;
    return { name: s.name, metrics };
  });
  return ok({
    status: h.status,
    ...h.eval?.task !== void 0 ? { task: h.eval.task } : {},
    ...h.eval?.model !== void 0 ? { model: h.eval.model } : {},
    ...h.eval?.created !== void 0 ? { created: h.eval.created } : {},
    metadata: h.eval?.metadata ?? {},
    taskArgs: h.eval?.task_args ?? {},
    modelArgs: h.eval?.model_args ?? {},
    ...h.eval?.task_registry_name ? { registryName: h.eval.task_registry_name } : {},
    ...h.results?.total_samples !== void 0 ? { totalSamples: h.results.total_samples } : {},
    ...h.results?.completed_samples !== void 0 ? { completedSamples: h.results.completed_samples } : {},
    scores,
    ...h.error?.message ? { error: h.error.message } : {}
  });
}
var UNREADABLE = "it cannot be read (it is gone, or its real path lies outside the places this job's files may be read from)";
var RANGE_CHUNK = 1024 * 1024;
var SourceReader = class extends import_yauzl.default.RandomAccessReader {
  constructor(source) {
    super();
    this.source = source;
  }
  source;
  _readStreamForRange(start, end) {
    const source = this.source;
    return Readable.from(
      (async function* chunks() {
        for (let pos = start; pos < end; pos += RANGE_CHUNK) {
          const bytes = await source.read(pos, Math.min(RANGE_CHUNK, end - pos));
          if (bytes === null) throw new Error(UNREADABLE);
          if (bytes.length === 0) throw new Error(`the file ended at byte ${pos} (it is being rewritten?)`);
          yield bytes;
        }
      })()
    );
  }
};
function readEntries(source, wanted) {
  const of = source.name ?? "the .eval log";
  return new Promise((resolve4, reject) => {
    const options2 = { lazyEntries: true, decodeStrings: true, validateEntrySizes: false };
    import_yauzl.default.fromRandomAccessReader(new SourceReader(source), source.size, options2, (openErr, zip) => {
      if (openErr) {
        reject(openErr);
        return;
      }
      const out = /* @__PURE__ */ new Map();
      zip.on("error", reject);
      zip.on("end", () => {
        resolve4(ok(out));
      });
      const refuse = (message) => {
        zip.close();
        resolve4(err(message));
      };
      zip.on("entry", (entry) => {
        if (!wanted(entry.fileName)) {
          zip.readEntry();
          return;
        }
        const tooLarge = `entry ${entry.fileName} of ${of} decompresses to more than ${MAX_ENTRY_BYTES} bytes: not read`;
        if (entry.uncompressedSize > MAX_ENTRY_BYTES) {
          refuse(tooLarge);
          return;
        }
        if (entry.compressedSize > MAX_COMPRESSED_BYTES) {
          refuse(`entry ${entry.fileName} of ${of} is more than ${MAX_COMPRESSED_BYTES} bytes compressed: not read`);
          return;
        }
        const onStream = (streamErr, stream) => {
          if (streamErr || !stream) {
            reject(streamErr ?? new Error("cannot read entry"));
            return;
          }
          const chunks = [];
          let size = 0;
          stream.on("data", (c) => {
            size += c.length;
            chunks.push(c);
            if (size > MAX_COMPRESSED_BYTES) {
              stream.destroy();
              refuse(`entry ${entry.fileName} of ${of} is more than ${MAX_COMPRESSED_BYTES} bytes compressed: not read`);
            }
          });
          stream.on("error", reject);
          stream.on("end", () => {
            try {
              const data = decompress(Buffer.concat(chunks), entry.compressionMethod, MAX_ENTRY_BYTES);
              if (data === TOO_LARGE) refuse(tooLarge);
              else if (typeof data === "string") refuse(`entry ${entry.fileName} of ${of} ${data}: not read`);
              else {
                out.set(entry.fileName, data);
                zip.readEntry();
              }
            } catch (e) {
              reject(asError(e));
            }
          });
        };
        try {
          zip.openReadStream(entry, { decodeFileData: false }, onStream);
        } catch (e) {
          reject(asError(e));
        }
      });
      zip.readEntry();
    });
  });
}
var TOO_LARGE = /* @__PURE__ */ Symbol("too large");
function decompress(raw, method, cap) {
  switch (method) {
    case 0:
      return raw.length > cap ? TOO_LARGE : raw;
    case 8:
      try {
        return inflateRawSync(raw, { maxOutputLength: cap });
      } catch (e) {
        if (e instanceof RangeError && "code" in e && e.code === "ERR_BUFFER_TOO_LARGE") return TOO_LARGE;
        throw e;
      }
    case 93:
      return zstdCapped(raw, cap);
    default:
      throw new Error(`unsupported zip compression method ${method}`);
  }
}
var ZSTD_MAGIC = 4247762216;
var ZSTD_BLOCK_MAX = 128 * 1024;
var ZSTD_WINDOWS_BUDGET = 4 * MAX_ENTRY_BYTES;
function zstdFrames(raw, cap) {
  const frames = [];
  let pos = 0;
  let known = 0;
  let windows = 0;
  const need = (n) => {
    if (pos + n > raw.length) throw new Error("truncated zstd frame");
  };
  while (pos < raw.length) {
    const start = pos;
    need(8);
    const magic = raw.readUInt32LE(pos);
    if ((magic & 4294967280) === 407710288) {
      pos += 8 + raw.readUInt32LE(pos + 4);
      need(0);
      frames.push({ start, end: pos, skippable: true, known: 0 });
      continue;
    }
    if (magic !== ZSTD_MAGIC) throw new Error("not a zstd frame");
    const fhd = raw.readUInt8(pos + 4);
    const singleSegment = (fhd & 32) !== 0;
    const checksum = (fhd & 4) !== 0;
    const dictBytes = [0, 1, 2, 4][fhd & 3] ?? 0;
    const fcsBytes = [singleSegment ? 1 : 0, 2, 4, 8][fhd >> 6] ?? 0;
    if (fhd & 8) throw new Error("zstd frame header: reserved bit set");
    pos += 5;
    let window = 0;
    if (!singleSegment) {
      const wd = raw.readUInt8(pos);
      const base = 2 ** (10 + (wd >> 3));
      window = base + base / 8 * (wd & 7);
      pos += 1;
    }
    pos += dictBytes;
    need(fcsBytes);
    const contentSize = fcsBytes === 0 ? void 0 : fcsBytes === 8 ? Number(raw.readBigUInt64LE(pos)) : raw.readUIntLE(pos, fcsBytes) + (fcsBytes === 2 ? 256 : 0);
    pos += fcsBytes;
    if (contentSize !== void 0 && contentSize > cap) return TOO_LARGE;
    if (singleSegment) window = contentSize ?? 0;
    if (window > cap) return `asks for a zstd window of ${window} bytes, more than the ${cap} it may decompress to`;
    windows += Math.max(window, ZSTD_BLOCK_MAX);
    if (windows > ZSTD_WINDOWS_BUDGET)
      return `has zstd frames that ask for more than ${ZSTD_WINDOWS_BUDGET} bytes of windows in all`;
    for (let last = false; !last; ) {
      need(3);
      const header = raw.readUIntLE(pos, 3);
      last = (header & 1) === 1;
      const type = header >> 1 & 3;
      const size = header >>> 3;
      if (type === 3 || size > ZSTD_BLOCK_MAX) throw new Error("malformed zstd block");
      pos += 3 + (type === 1 ? 1 : size);
      need(0);
      if (type !== 2) known += size;
      if (known > cap) return TOO_LARGE;
    }
    pos += checksum ? 4 : 0;
    need(0);
    frames.push({ start, end: pos, skippable: false, known });
  }
  return frames;
}
function zstdCapped(raw, cap) {
  const frames = zstdFrames(raw, cap);
  if (!Array.isArray(frames)) return frames;
  const chunks = [];
  let size = 0;
  for (const f of frames) {
    if (f.skippable) continue;
    const over = new RangeError("over the cap");
    const stream = new Decompress((data) => {
      size += data.length;
      if (size > cap) throw over;
      if (data.length > 0) chunks.push(Buffer.from(data.buffer, data.byteOffset, data.length));
    });
    try {
      stream.push(raw.subarray(f.start, f.end), true);
    } catch (e) {
      if (e === over) return TOO_LARGE;
      throw e;
    }
  }
  return Buffer.concat(chunks, size);
}
function asError(e) {
  return e instanceof Error ? e : new Error(String(e));
}

// src/tools/launch-options.ts
var ENV = { long: ["--unset", "--chdir", "--split-string"], short: "uCS" };
var SRUN = {
  long: [
    "--account",
    "--acctg-freq",
    "--bb",
    "--bbf",
    "--bcast",
    "--bcast-exclude",
    "--begin",
    "--cpus-per-task",
    "--comment",
    "--container",
    "--container-id",
    "--cpu-freq",
    "--dependency",
    "--deadline",
    "--delay-boot",
    "--chdir",
    "--export",
    "--error",
    "--epilog",
    "--gres",
    "--gres-flags",
    "--input",
    "--jobid",
    "--job-name",
    "--licenses",
    "--clusters",
    "--distribution",
    "--mail-type",
    "--mail-user",
    "--mcs-label",
    "--mpi",
    "--ntasks",
    "--ntasks-per-node",
    "--nodes",
    "--output",
    "--het-group",
    "--partition",
    "--power",
    "--priority",
    "--prolog",
    "--profile",
    "--qos",
    "--relative",
    "--core-spec",
    "--signal",
    "--slurmd-debug",
    "--switches",
    "--task-epilog",
    "--task-prolog",
    "--thread-spec",
    "--threads",
    "--time",
    "--time-min",
    "--wait",
    "--wckey",
    "--cluster-constraint",
    "--constraint",
    "--mem",
    "--mincpus",
    "--reservation",
    "--tmp",
    "--nodelist",
    "--exclude",
    "--mem-per-cpu",
    "--sockets-per-node",
    "--cores-per-socket",
    "--threads-per-core",
    "--extra-node-info",
    "--ntasks-per-core",
    "--ntasks-per-socket",
    "--cpu-bind",
    "--hint",
    "--cpus-per-gpu",
    "--gpus",
    "--gpu-bind",
    "--gpu-freq",
    "--gpus-per-node",
    "--gpus-per-socket",
    "--gpus-per-task",
    "--mem-per-gpu",
    "--mem-bind",
    "--network",
    "--ntasks-per-gpu",
    "--tres-per-task",
    "--tres-bind",
    "--uid",
    "--gid",
    "--accel-bind",
    "--open-mode",
    "--nodefile"
  ],
  short: "AbcdDeiJLMmnNopqrSTtWCwxBG"
};
var UV_RUN = {
  long: [
    "--extra",
    "--group",
    "--no-group",
    "--only-group",
    "--with",
    "--with-editable",
    "--with-requirements",
    "--package",
    "--env-file",
    "--python",
    "--index",
    "--default-index",
    "--index-url",
    "--extra-index-url",
    "--find-links",
    "--upgrade-package",
    "--reinstall-package",
    "--index-strategy",
    "--keyring-provider",
    "--resolution",
    "--prerelease",
    "--fork-strategy",
    "--exclude-newer",
    "--exclude-newer-package",
    "--no-build-package",
    "--no-binary-package",
    "--config-setting",
    "--config-settings-package",
    "--no-build-isolation-package",
    "--link-mode",
    "--refresh-package",
    "--cache-dir",
    "--python-preference",
    "--color",
    "--allow-insecure-host",
    "--directory",
    "--project",
    "--config-file",
    "--no-extra",
    "--no-editable-package"
  ],
  short: "pPfiCw"
};
var TIME = { long: ["--output", "--format"], short: "of" };
var CONDA_RUN = { long: ["--name", "--prefix", "--cwd"], short: "np" };
var APPTAINER = {
  long: [
    "--app",
    "--bind",
    "--mount",
    "--home",
    "--env",
    "--env-file",
    "--pwd",
    "--workdir",
    "--scratch",
    "--overlay",
    "--security",
    "--network",
    "--network-args",
    "--hostname",
    "--dns",
    "--apply-cgroups",
    "--drop-caps",
    "--add-caps",
    "--cpus",
    "--memory",
    "--memory-reservation",
    "--memory-swap",
    "--cpu-shares",
    "--cpuset-cpus",
    "--cpuset-mems",
    "--blkio-weight",
    "--blkio-weight-device",
    "--pids-limit",
    "--fusemount",
    "--docker-host",
    "--authfile",
    "--pem-path",
    "--no-mount",
    "--sif-fuse",
    "--cwd"
  ],
  short: "BHWSo"
};
var NICE = { long: ["--adjustment"], short: "n" };
var TIMEOUT = { long: ["--signal", "--kill-after"], short: "sk" };
var STDBUF = { long: ["--input", "--output", "--error"], short: "ioe" };
var TASKSET = {};
var EXEC = { short: "a" };
var PYTHON = { short: "XW", final: "mc" };

// src/tools/shell-syntax.ts
var OPERATORS = [";;&", ";;", ";&", "&&", "||", "|&", ";", "&", "|", "(", ")"];
var REDIRECTS = ["&>>", "&>", "<<<", "<<-", "<<", "<&", "<>", "<", ">>", ">|", ">&", ">"];
var NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
var SPECIAL_PARAM = /^[0-9@*#?$!-]$/;
var Lexer2 = class {
  constructor(s, firstLine2 = 1, firstColumn = 1) {
    this.s = s;
    this.firstLine = firstLine2;
    this.firstColumn = firstColumn;
    for (let k = 0; k < s.length; k++) if (s[k] === "\n") this.lineStarts.push(k + 1);
  }
  s;
  firstLine;
  firstColumn;
  i = 0;
  lineStarts = [0];
  heredocs = [];
  tokens() {
    const out = [];
    const s = this.s;
    while (this.i < s.length) {
      const c = s[this.i];
      if (c === "\\" && s[this.i + 1] === "\n") this.i += 2;
      else if (c === " " || c === "	" || c === "\r") this.i++;
      else if (c === "\n") {
        out.push({ k: "op", op: "\n", line: this.lineAt(this.i) });
        this.i++;
        this.skipHeredocs();
      } else if (c === "#") this.skipTo("\n");
      else if ((c === "<" || c === ">") && s[this.i + 1] === "(") out.push({ k: "word", w: this.word() });
      else if (this.redirectAt() !== void 0) out.push(this.redirect());
      else if (OPERATORS.some((op) => s.startsWith(op, this.i))) {
        const op = OPERATORS.find((o) => s.startsWith(o, this.i));
        out.push({ k: "op", op, line: this.lineAt(this.i) });
        this.i += op.length;
      } else {
        const w = this.word();
        if (/^\d+$/.test(w.raw) && (s[this.i] === "<" || s[this.i] === ">")) continue;
        out.push({ k: "word", w });
      }
    }
    return out;
  }
  redirectAt() {
    return REDIRECTS.find((r) => this.s.startsWith(r, this.i));
  }
  redirect() {
    const op = this.redirectAt();
    const line = this.lineAt(this.i);
    this.i += op.length;
    while (this.s[this.i] === " " || this.s[this.i] === "	") this.i++;
    const c = this.s[this.i];
    if (c === void 0 || c === "\n" || OPERATORS.some((o) => this.s.startsWith(o, this.i)))
      return { k: "redir", op, line };
    const target = this.word();
    if (op === "<<" || op === "<<-") {
      const delim = target.parts.map((p) => p.t === "lit" ? p.s : p.raw).join("");
      this.heredocs.push({ delim, strip: op === "<<-" });
    }
    return { k: "redir", op, target, line };
  }
  /** The bodies of the heredocs opened on the line just ended. */
  skipHeredocs() {
    while (this.heredocs.length > 0) {
      const { delim, strip } = this.heredocs.shift();
      while (this.i < this.s.length) {
        const end = this.s.indexOf("\n", this.i);
        const stop = end < 0 ? this.s.length : end;
        let line = this.s.slice(this.i, stop);
        if (strip) line = line.replace(/^\t+/, "");
        this.i = stop + 1;
        if (line === delim) break;
      }
    }
  }
  skipTo(ch) {
    const end = this.s.indexOf(ch, this.i);
    this.i = end < 0 ? this.s.length : end;
  }
  lineAt(i) {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = lo + hi + 1 >> 1;
      if ((this.lineStarts[mid] ?? 0) <= i) lo = mid;
      else hi = mid - 1;
    }
    return lo + this.firstLine;
  }
  columnAt(i) {
    const line = this.lineAt(i) - this.firstLine;
    const col = i - (this.lineStarts[line] ?? 0) + 1;
    return line === 0 ? col + this.firstColumn - 1 : col;
  }
  /** One word: up to an unquoted blank, newline, operator or redirection. */
  word() {
    const s = this.s;
    const start = this.i;
    const parts = [];
    const lit = (text, quoted) => {
      const last = parts[parts.length - 1];
      if (last?.t === "lit" && last.quoted === quoted) last.s += text;
      else parts.push({ t: "lit", s: text, quoted });
    };
    while (this.i < s.length) {
      const c = s[this.i];
      if (c === "\\") {
        if (s[this.i + 1] === "\n") this.i += 2;
        else {
          if (this.i + 1 < s.length) lit(s[this.i + 1], true);
          this.i += 2;
        }
      } else if (c === "'") {
        const close = s.indexOf("'", this.i + 1);
        const stop = close < 0 ? s.length : close;
        lit(s.slice(this.i + 1, stop), true);
        this.i = stop + 1;
      } else if (c === '"') {
        this.i++;
        this.doubleQuoted(parts, lit);
      } else if (c === "$" && s[this.i + 1] === "'") {
        this.i += 2;
        lit(this.ansiC(), true);
      } else if (c === "$" && s[this.i + 1] === '"') {
        this.i += 2;
        this.doubleQuoted(parts, lit);
      } else if (c === "$") parts.push(this.dollar(false) ?? { t: "lit", s: "$", quoted: false });
      else if (c === "`") parts.push(this.backtick(false));
      else if ((c === "<" || c === ">") && s[this.i + 1] === "(" && parts.length === 0) {
        const from = this.i;
        this.i++;
        this.balanced("(", ")");
        parts.push({ t: "unknown", why: "a process substitution", raw: s.slice(from, this.i), quoted: false });
      } else if (c === "(" && parts.length === 1 && parts[0]?.t === "lit" && /^[A-Za-z_]\w*\+?=$/.test(parts[0].s)) {
        const from = this.i;
        this.balanced("(", ")");
        parts.push({ t: "unknown", why: "an array", raw: s.slice(from, this.i), quoted: false });
      } else if (/[\s;&|()<>]/.test(c)) break;
      else {
        lit(c, false);
        this.i++;
      }
    }
    return { parts, raw: s.slice(start, this.i), line: this.lineAt(start), column: this.columnAt(start) };
  }
  /** After the opening quote: up to the closing one. */
  doubleQuoted(parts, lit) {
    const s = this.s;
    while (this.i < s.length && s[this.i] !== '"') {
      const c = s[this.i];
      if (c === "\\" && '$`"\\\n'.includes(s[this.i + 1] ?? "x")) {
        if (s[this.i + 1] !== "\n") lit(s[this.i + 1], true);
        this.i += 2;
      } else if (c === "$") {
        const p = this.dollar(true);
        if (p) parts.push(p);
        else lit("$", true);
      } else if (c === "`") parts.push(this.backtick(true));
      else {
        lit(c, true);
        this.i++;
      }
    }
    this.i++;
  }
  /** $'...' with its escapes. */
  ansiC() {
    const s = this.s;
    const escapes = {
      n: "\n",
      t: "	",
      r: "\r",
      "\\": "\\",
      "'": "'",
      '"': '"',
      a: "\x07",
      e: "\x1B"
    };
    let out = "";
    while (this.i < s.length && s[this.i] !== "'") {
      if (s[this.i] === "\\" && this.i + 1 < s.length) {
        const e = s[this.i + 1];
        out += escapes[e] ?? `\\${e}`;
        this.i += 2;
      } else out += s[this.i++];
    }
    this.i++;
    return out;
  }
  /** At `$`: a parameter, an expansion or a substitution; undefined for a lone `$`. */
  dollar(quoted) {
    const s = this.s;
    const from = this.i;
    const next = s[this.i + 1] ?? "";
    if (next === "{") {
      this.i++;
      this.balanced("{", "}");
      const inner = s.slice(from + 2, this.i - 1);
      const raw = s.slice(from, this.i);
      if (NAME.test(inner)) return { t: "var", name: inner, quoted, raw };
      const dflt = /^([A-Za-z_][A-Za-z0-9_]*)(:?)-(.*)$/s.exec(inner);
      if (dflt?.[1]) {
        const otherwise = { colon: dflt[2] === ":", word: dflt[3] ?? "" };
        return { t: "var", name: dflt[1], quoted, raw, otherwise };
      }
      return { t: "unknown", why: `the expansion ${raw}`, raw, quoted };
    }
    if (next === "(") {
      this.i++;
      const arithmetic = s[this.i + 1] === "(";
      this.balanced("(", ")");
      const raw = s.slice(from, this.i);
      return {
        t: "unknown",
        why: arithmetic ? `the arithmetic ${raw}` : `the command substitution ${raw}`,
        raw,
        quoted
      };
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(this.i + 1))?.[0];
    if (name) {
      this.i += 1 + name.length;
      return { t: "var", name, quoted, raw: `$${name}` };
    }
    if (SPECIAL_PARAM.test(next)) {
      this.i += 2;
      return { t: "unknown", why: `the parameter $${next}`, raw: `$${next}`, quoted };
    }
    this.i++;
    return void 0;
  }
  backtick(quoted) {
    const s = this.s;
    const from = this.i;
    this.i++;
    while (this.i < s.length && s[this.i] !== "`") this.i += s[this.i] === "\\" ? 2 : 1;
    this.i++;
    const raw = s.slice(from, this.i);
    return { t: "unknown", why: `the command substitution ${raw}`, raw, quoted };
  }
  /** From an opening bracket at this.i to just past its match, skipping quoted text. */
  balanced(open, close) {
    const s = this.s;
    let depth = 0;
    while (this.i < s.length) {
      const c = s[this.i];
      if (c === "\\") this.i += 2;
      else if (c === "'") {
        const end = s.indexOf("'", this.i + 1);
        this.i = end < 0 ? s.length : end + 1;
      } else if (c === '"') {
        this.i++;
        while (this.i < s.length && s[this.i] !== '"') this.i += s[this.i] === "\\" ? 2 : 1;
        this.i++;
      } else {
        if (c === open) depth++;
        else if (c === close) depth--;
        this.i++;
        if (depth === 0) return;
      }
    }
  }
};
function simpleCommands(tokens) {
  const out = [];
  let listStart = 0;
  let cur;
  let joinedBy;
  let piped = false;
  const start = (line) => {
    cur ??= { words: [], redirects: [], line, end: "", subshell: piped, ...joinedBy ? { joinedBy } : {} };
    return cur;
  };
  const finish2 = (end) => {
    if (cur) {
      cur.end = end;
      out.push(cur);
    }
    cur = void 0;
    joinedBy = void 0;
    piped = false;
  };
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    if (t.k === "word") start(t.w.line).words.push(t.w);
    else if (t.k === "redir") start(t.line).redirects.push({ op: t.op, ...t.target ? { target: t.target } : {} });
    else if (t.op === "&&" || t.op === "||") {
      finish2(t.op);
      joinedBy = t.op;
      while (tokens[k + 1]?.k === "op" && tokens[k + 1].op === "\n") k++;
    } else if (t.op === "|" || t.op === "|&") {
      if (cur) cur.subshell = true;
      finish2(t.op);
      piped = true;
      while (tokens[k + 1]?.k === "op" && tokens[k + 1].op === "\n") k++;
    } else if (t.op === "(" || t.op === ")") {
      finish2(t.op);
      out.push({ words: [], redirects: [], line: t.line, end: t.op, subshell: false, paren: t.op });
    } else {
      finish2(t.op);
      if (t.op === "&") for (let j = listStart; j < out.length; j++) out[j].subshell = true;
      listStart = out.length;
    }
  }
  finish2("\n");
  return out;
}

// src/tools/shell-walk.ts
var CWD = "\0cwd";
var TESTS = /* @__PURE__ */ new Set(["[", "[[", "test"]);
var ASSIGN = /^([A-Za-z_][A-Za-z0-9_]*)(\+?)=/;
var Walker = class {
  cwd;
  env = /* @__PURE__ */ new Map();
  dirs = [];
  blocks = [];
  out = [];
  /** In the current and-or list: a command may not have run (after `||` or a test). */
  guarded = false;
  listDirty = /* @__PURE__ */ new Set();
  casePattern = false;
  functionBody = false;
  constructor(start, submitDir) {
    this.cwd = start;
    this.env.set("SLURM_SUBMIT_DIR", { value: submitDir });
  }
  walk(commands) {
    let previous;
    for (const c of commands) {
      if (!c.joinedBy) this.endList();
      if (c.joinedBy === "||" || c.joinedBy === "&&" && previous && TESTS.has(firstText(previous)))
        this.guarded = true;
      previous = c;
      if (this.step(c) === "stop") break;
    }
    this.endList();
    return this.out;
  }
  endList() {
    if (this.guarded)
      for (const name of this.listDirty)
        this.forget(name, "by a command that runs only if another fails or a test passes");
    this.guarded = false;
    this.listDirty = /* @__PURE__ */ new Set();
  }
  step(c) {
    if (c.paren === "(") {
      if (this.casePattern) return void 0;
      this.blocks.push({
        kind: "subshell",
        conditional: false,
        dirty: /* @__PURE__ */ new Set(),
        line: c.line,
        saved: { cwd: this.cwd, env: new Map(this.env), dirs: [...this.dirs] }
      });
      return void 0;
    }
    if (c.paren === ")") {
      if (this.casePattern) {
        this.casePattern = false;
        this.invalidate(this.blocks[this.blocks.length - 1]);
        return void 0;
      }
      const top = this.blocks[this.blocks.length - 1];
      if (top?.kind === "subshell" && top.saved) {
        this.blocks.pop();
        ({ cwd: this.cwd, env: this.env, dirs: this.dirs } = top.saved);
      }
      return void 0;
    }
    if (this.casePattern) {
      if (c.words[0] && plain(c.words[0]) === "esac") {
        this.casePattern = false;
        this.close();
      }
      return void 0;
    }
    if (c.end === ";;" || c.end === ";&" || c.end === ";;&") this.casePattern = true;
    const words = [...c.words];
    for (; ; ) {
      const w = words[0] ? plain(words[0]) : void 0;
      if (w === "if" || w === "while" || w === "until") this.open(w === "if" ? "if" : "loop", c.line, true);
      else if (w === "then" || w === "do" || w === "!") {
      } else if (w === "else" || w === "elif") this.invalidate(this.blocks[this.blocks.length - 1]);
      else if (w === "fi" || w === "done" || w === "esac" || w === "}") this.close();
      else if (w === "{") {
        this.open("brace", c.line, this.functionBody);
        this.functionBody = false;
      } else if (w === "for" || w === "select") {
        const name2 = words[1] ? plain(words[1]) : void 0;
        if (name2 && NAME.test(name2)) this.assign(name2, { why: `the loop variable of line ${c.line}` }, c);
        this.open("loop", c.line, true);
        return void 0;
      } else if (w === "case") {
        this.open("case", c.line, true);
        this.casePattern = true;
        return void 0;
      } else if (w === "function") {
        this.functionBody = true;
        words.shift();
      } else break;
      words.shift();
    }
    if (words.length === 1 && c.end === "(" && !this.casePattern) {
      this.functionBody = true;
      return void 0;
    }
    const assignments = [];
    while (words[0] && isAssignment(words[0])) assignments.push(words.shift());
    if (words.length === 0) {
      for (const w of assignments) this.assign(assignedName(w), this.assignedValue(w, this.env), c);
      return void 0;
    }
    const local = new Map(this.env);
    for (const w of assignments) local.set(assignedName(w), this.assignedValue(w, local));
    const expanded = words.flatMap((w) => this.expand(w, local));
    const name = expanded[0]?.value;
    const args = expanded.slice(1);
    switch (name) {
      case "cd":
        this.changeDir(
          args.filter((a) => !/^-[LPe@]+$/.test(a.value ?? "")),
          c
        );
        return void 0;
      case "pushd": {
        const target = args.filter((a) => !/^-n$/.test(a.value ?? ""));
        const before = this.cwd;
        this.changeDir(target, c);
        if (!c.subshell) this.dirs.push(before);
        return void 0;
      }
      case "popd":
        if (!c.subshell) this.setDir(this.dirs.pop() ?? { why: `popd at line ${c.line} with no pushd before it` }, c);
        return void 0;
      case "export":
      case "declare":
      case "typeset":
      case "local":
      case "readonly":
        for (const w of words.slice(1))
          if (isAssignment(w)) this.assign(assignedName(w), this.assignedValue(w, this.env), c);
        return void 0;
      case "unset":
      case "read":
      case "readarray":
      case "mapfile":
        for (const a of args)
          if (a.value && NAME.test(a.value)) this.assign(a.value, { why: `${name} at line ${c.line}` }, c);
        return void 0;
      case "source":
      case ".":
        if (!c.subshell)
          for (const k of [...this.env.keys()])
            this.forget(k, `by line ${c.line} (${name} ${args[0]?.raw ?? ""}), which may set anything`);
        return void 0;
      case "exit":
        return this.blocks.length === 0 && !this.guarded && !c.subshell ? "stop" : void 0;
    }
    const cwd = this.cwd;
    const variable = (n) => lookup(n, local, cwd);
    const redirects = c.redirects.flatMap(
      (r) => r.target && r.op !== "<<" && r.op !== "<<-" ? [{ op: r.op, target: this.expandOne(r.target, local) }] : []
    );
    this.out.push({ words: expanded, line: c.line, cwd, variable, redirects });
    return name === "exec" && args.length > 0 && this.blocks.length === 0 && !this.guarded ? "stop" : void 0;
  }
  assignedValue(w, env) {
    const first = w.parts[0];
    const name = assignedName(w);
    if (first?.t !== "lit") return { why: `${name} is not assigned a literal value` };
    const m = ASSIGN.exec(first.s);
    if (m[2]) return { why: `${name} is appended to (+=) at line ${w.line}` };
    const rest = { ...w, parts: [{ ...first, s: first.s.slice(m[0].length) }, ...w.parts.slice(1)] };
    const v = this.expandOne(rest, env, true);
    return v.value !== void 0 ? { value: v.value } : { why: `${name} is set from ${v.why ?? "something unknown"} (line ${w.line})` };
  }
  changeDir(args, c) {
    const target = args[0];
    const to = target?.value;
    this.setDir(
      !target ? { why: `cd to the home directory at line ${c.line}` } : to === void 0 ? { why: `cd ${target.raw} at line ${c.line}: ${target.why ?? ""}` } : to === "-" ? { why: `cd - at line ${c.line}` } : to.startsWith("/") ? { value: resolvePath("/", to) } : this.cwd.value === void 0 ? this.cwd : { value: resolvePath(this.cwd.value, to) },
      c
    );
  }
  setDir(dir, c) {
    if (c.subshell) return;
    this.cwd = dir;
    this.touched(CWD);
  }
  assign(name, value, c) {
    if (c.subshell) return;
    this.env.set(name, value);
    this.touched(name);
  }
  touched(name) {
    if (this.guarded) this.listDirty.add(name);
    for (const b of this.blocks) if (b.conditional) b.dirty.add(name);
  }
  forget(name, why) {
    if (name === CWD) {
      if (this.cwd.value !== void 0) this.cwd = { why: `the working directory is changed ${why}` };
    } else {
      const old = this.env.get(name);
      if (old?.value !== void 0) this.env.set(name, { why: `$${name} is changed ${why}` });
    }
  }
  open(kind, line, conditional) {
    this.blocks.push({ kind, conditional, dirty: /* @__PURE__ */ new Set(), line });
  }
  close() {
    const b = this.blocks.pop();
    if (b?.kind === "subshell" && b.saved) ({ cwd: this.cwd, env: this.env, dirs: this.dirs } = b.saved);
    this.invalidate(b);
  }
  invalidate(b) {
    if (!b?.conditional) return;
    for (const name of b.dirty) this.forget(name, `inside the block of line ${b.line}, which runs on some paths only`);
    b.dirty.clear();
  }
  expandOne(w, env, noSplit = false) {
    return expandWord(w, env, this.cwd, noSplit)[0] ?? emptyWord(w);
  }
  expand(w, env) {
    return expandWord(w, env, this.cwd, false);
  }
};
function firstText(c) {
  return c.words[0] ? plain(c.words[0]) ?? "" : "";
}
function plain(w) {
  const lits = w.parts.filter((p) => p.t === "lit");
  return lits.length === w.parts.length ? lits.map((p) => p.s).join("") : void 0;
}
function assignedName(w) {
  return ASSIGN.exec(w.parts[0]?.t === "lit" ? w.parts[0].s : "")?.[1] ?? "";
}
function isAssignment(w) {
  const first = w.parts[0];
  return first?.t === "lit" && !first.quoted && ASSIGN.test(first.s);
}
function lookup(name, env, cwd) {
  if (name === "PWD") return cwd.value !== void 0 ? cwd : { why: cwd.why };
  return env.get(name) ?? { why: `$${name} is not set in the script (it comes from the job's environment)` };
}
function emptyWord(w) {
  return { value: "", raw: w.raw, head: "", tail: "", line: w.line, column: w.column };
}
function expandWord(w, env, cwd, noSplit) {
  const out = [];
  let value = "";
  let why;
  let head = "";
  let tail = "";
  let unquotedText = "";
  let maySplit = false;
  let started = false;
  const flush = () => {
    if (!started) return;
    const glob = /[*?]|\[[^\]]*\]/.test(unquotedText) ? "a glob pattern" : /\{[^{}]*(,|\.\.)[^{}]*\}/.test(unquotedText) ? "a brace expansion" : void 0;
    const reason = why ?? glob;
    out.push({
      ...reason === void 0 ? { value } : { why: reason },
      raw: w.raw,
      head,
      tail: reason === void 0 ? value : tail,
      ...maySplit ? { maySplit } : {},
      line: w.line,
      column: w.column
    });
    value = "";
    why = void 0;
    head = "";
    tail = "";
    unquotedText = "";
    maySplit = false;
    started = false;
  };
  const text = (s, quoted) => {
    if (s === "" && !quoted) return;
    started = true;
    value += s;
    tail += s;
    if (why === void 0) head += s;
    if (!quoted) unquotedText += s;
  };
  const unknown = (reason, quoted) => {
    started = true;
    why ??= reason;
    tail = "";
    if (!quoted && !noSplit) maySplit = true;
  };
  w.parts.forEach((p, k) => {
    if (p.t === "lit") {
      if (k === 0 && !p.quoted && /^~([^/]*\/|$)/.test(p.s)) {
        unknown("the home directory (~)", true);
        text(p.s.replace(/^~[^/]*/, ""), p.quoted);
      } else text(p.s, p.quoted);
    } else if (p.t === "unknown") unknown(p.why, p.quoted);
    else {
      const v = withDefault(lookup(p.name, env, cwd), p);
      if (v.value === void 0) unknown(v.why, p.quoted);
      else if (p.quoted || noSplit) text(v.value, true);
      else {
        v.value.split(/[ \t\n]+/).forEach((piece, i) => {
          if (i > 0) flush();
          if (piece !== "") text(piece, true);
        });
      }
    }
  });
  flush();
  return out;
}
function withDefault(v, p) {
  if (!p.otherwise) return v;
  if (v.value !== void 0 && !(p.otherwise.colon && v.value === "")) return v;
  const word = p.otherwise.word;
  if (v.value !== void 0 && /^[^$`'"\\]*$/.test(word)) return { value: word };
  return { why: `the expansion ${p.raw}` };
}

// src/tools/shell.ts
function readScript(text, submitDir) {
  const sbatch = pathOptions(text);
  const chdir = sbatch.filter((o) => o.name === "chdir").pop();
  const startDir = !chdir ? { value: submitDir } : chdir.value.value !== void 0 ? { value: resolvePath(submitDir, chdir.value.value) } : { why: `#SBATCH --chdir ${chdir.value.raw} (line ${chdir.value.line}): ${chdir.value.why ?? ""}` };
  const commands = new Walker(startDir, submitDir).walk(simpleCommands(new Lexer2(text).tokens()));
  return { commands, startDir, sbatch };
}
function mayHoldOptions(w) {
  return w.value === void 0 && w.maySplit === true && w.head === "" && w.tail === "";
}
function programName(word) {
  const text = word.value ?? word.tail;
  return text.slice(text.lastIndexOf("/") + 1);
}
var PATH_OPTIONS = ["chdir", "output", "error", "input"];
function pathOptions(text) {
  return sbatchHeader(text).filter((o) => PATH_OPTIONS.includes(o.name)).map(({ name, value, raw, line, column }) => {
    const expands = /[$`]/.test(value);
    const known = expands ? { why: "sbatch does not expand it", head: "", tail: "" } : { value, head: value, tail: value };
    return { name, value: { ...known, raw, line, column } };
  });
}
function sliceWord(w, from) {
  const cut = (s) => s.slice(Math.min(from, s.length));
  return {
    ...w.value !== void 0 ? { value: cut(w.value) } : { why: w.why ?? "unknown" },
    raw: cut(w.raw),
    head: cut(w.head),
    tail: w.value !== void 0 ? cut(w.tail) : w.tail,
    ...w.maySplit ? { maySplit: true } : {},
    line: w.line,
    column: w.column + from
  };
}

// src/tools/launch.ts
function launchOf(command) {
  let words = command.words;
  let cwd = command.cwd;
  const env = /* @__PURE__ */ new Map();
  let container;
  const launch = (program, args, module) => ({
    command,
    ...program !== void 0 ? { program } : {},
    ...module !== void 0 ? { module } : {},
    args,
    cwd,
    ...container ? { container } : {},
    variable: (name) => env.get(name) ?? command.variable(name)
  });
  const chdir = (to) => {
    if (!to) return;
    if (to.value === void 0) cwd = { why: `${to.raw} (line ${to.line}): ${to.why ?? ""}` };
    else if (to.value.startsWith("/")) cwd = { value: resolvePath("/", to.value) };
    else if (cwd.value !== void 0) cwd = { value: resolvePath(cwd.value, to.value) };
  };
  for (let guard = 0; guard < 32; guard++) {
    const first = words[0];
    if (!first) return void 0;
    const name = programName(first);
    const rest = words.slice(1);
    const sub = rest[0]?.value;
    let next;
    switch (name) {
      case "env": {
        const seen = { split: false };
        let i = parseOptions(rest, 0, ENV, (opt, v) => {
          if (opt === "-C" || opt === "--chdir") chdir(v);
          if (opt === "-S" || opt === "--split-string") seen.split = true;
        });
        if (seen.split) return void 0;
        for (let w = rest[i]; w && /^[A-Za-z_][A-Za-z0-9_]*=/.test(w.value ?? w.head); w = rest[++i]) {
          const [key2, value] = splitAt(w.value ?? w.head, "=");
          env.set(key2, w.value !== void 0 ? { value: value ?? "" } : { why: w.why ?? "unknown" });
        }
        next = i;
        break;
      }
      case "srun":
        next = parseOptions(rest, 0, SRUN, (opt, v) => {
          if (opt === "-D" || opt === "--chdir") chdir(v);
        });
        break;
      case "uv":
        if (sub !== "run") return launch(name, rest);
        {
          const seen = { module: false };
          next = parseOptions(rest, 1, UV_RUN, (opt, v) => {
            if (opt === "--directory") chdir(v);
            if (opt === "-m" || opt === "--module") seen.module = true;
          });
          if (seen.module) return moduleLaunch(rest, next, launch);
        }
        break;
      case "time":
        next = parseOptions(rest, 0, TIME);
        break;
      case "conda":
      case "mamba":
      case "micromamba":
        if (sub !== "run") return launch(name, rest);
        next = parseOptions(rest, 1, CONDA_RUN, (opt, v) => {
          if (opt === "--cwd") chdir(v);
        });
        break;
      case "apptainer":
      case "singularity": {
        if (sub !== "exec") return launch(name, rest);
        const binds = [];
        let cwdBound = true;
        let pwd;
        const i = parseOptions(rest, 1, APPTAINER, (opt, v) => {
          if (opt === "-B" || opt === "--bind") binds.push(...bindsOf(v?.value));
          if (opt === "--mount") binds.push(...mountOf(v?.value));
          if (opt === "--pwd") pwd = v;
          if (["-c", "--contain", "-C", "--containall"].includes(opt)) cwdBound = false;
          if (opt === "--no-mount" && /(^|,)cwd(,|$)/.test(v?.value ?? "")) cwdBound = false;
        });
        const image = rest[i];
        if (!image) return void 0;
        for (const n of ["APPTAINER_BIND", "SINGULARITY_BIND", "APPTAINER_BINDPATH", "SINGULARITY_BINDPATH"])
          binds.push(...bindsOf(command.variable(n).value));
        container = { image, binds, cwdBound };
        chdir(pwd);
        next = i + 1;
        break;
      }
      case "nice":
        next = parseOptions(rest, 0, NICE);
        break;
      case "timeout":
        next = parseOptions(rest, 0, TIMEOUT) + 1;
        break;
      case "stdbuf":
        next = parseOptions(rest, 0, STDBUF);
        break;
      case "taskset":
        next = parseOptions(rest, 0, TASKSET) + 1;
        break;
      case "nohup":
      case "builtin":
        next = 0;
        break;
      case "exec":
        next = parseOptions(rest, 0, EXEC);
        break;
      case "command":
        if (rest.some((w) => /^-[vV]/.test(w.value ?? ""))) return void 0;
        next = parseOptions(rest, 0, EXEC);
        break;
      default:
        if (/^python(\d+(\.\d+)*)?$/.test(name)) {
          const seen = {};
          const i = parseOptions(rest, 0, PYTHON, (opt, v) => {
            if (opt === "-m") seen.module = v?.value;
            if (opt === "-c") seen.code = true;
          });
          if (seen.code) return void 0;
          if (seen.module !== void 0) return launch(void 0, rest.slice(i), seen.module);
          return launch(name, rest);
        }
        return launch(name, rest);
    }
    words = rest.slice(next);
  }
  return void 0;
}
function moduleLaunch(rest, at, launch) {
  const module = rest[at]?.value;
  return module === void 0 ? void 0 : launch(void 0, rest.slice(at + 1), module);
}
function clusterPath(launch, path) {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) return { why: `${path} is a URL, not a path on the cluster` };
  if (!path.startsWith("/") && launch.cwd.value === void 0)
    return { why: `it is relative to the working directory, which is not known: ${launch.cwd.why}` };
  const inside = resolvePath(launch.cwd.value ?? "/", path);
  const c = launch.container;
  if (!c) return { value: inside };
  const bind = c.binds.filter((b) => inside === b.inside || inside.startsWith(`${b.inside}/`)).sort((a, b) => b.inside.length - a.inside.length)[0];
  if (bind) return { value: `${bind.host}${inside.slice(bind.inside.length)}` };
  const hostCwd = launch.command.cwd.value;
  if (c.cwdBound && hostCwd !== void 0 && (inside === hostCwd || inside.startsWith(`${hostCwd}/`)))
    return { value: inside };
  return {
    why: `${inside} is read inside the container ${c.image.raw}, where it may be a file of the image: not checked`
  };
}
function parseOptions(words, from, table, seen = () => void 0) {
  let i = from;
  while (i < words.length) {
    const w = words[i];
    const text = w.value ?? w.head;
    if (mayHoldOptions(w)) {
      i++;
      continue;
    }
    if (text === "--") return i + 1;
    if (text.startsWith("--")) {
      const eq = text.indexOf("=");
      if (eq > 0) seen(text.slice(0, eq), sliceWord(w, eq + 1));
      else if (table.long?.includes(text)) seen(text, words[++i]);
      else seen(text, void 0);
      i++;
      continue;
    }
    if (!text.startsWith("-") || text === "-") return i;
    let consumedNext = false;
    for (let k = 1; k < text.length; k++) {
      const ch = text[k];
      if (table.short?.includes(ch) || table.final?.includes(ch)) {
        const value = k + 1 < text.length ? sliceWord(w, k + 1) : words[i + 1];
        if (k + 1 >= text.length) consumedNext = true;
        seen(`-${ch}`, value);
        if (table.final?.includes(ch)) return i + (consumedNext ? 2 : 1);
        break;
      }
      seen(`-${ch}`, void 0);
    }
    i += consumedNext ? 2 : 1;
  }
  return i;
}
function splitAt(text, sep3) {
  const i = text.indexOf(sep3);
  return i < 0 ? [text, void 0] : [text.slice(0, i), text.slice(i + sep3.length)];
}
function bindsOf(spec) {
  if (!spec) return [];
  return spec.split(",").filter(Boolean).map((b) => {
    const [host = "", inside] = b.split(":");
    return { host: resolvePath("/", host), inside: resolvePath("/", inside || host) };
  });
}
function mountOf(spec) {
  if (!spec) return [];
  const fields = Object.fromEntries(spec.split(",").map((f) => splitAt(f, "=")));
  const host = fields["src"] ?? fields["source"];
  const inside = fields["dst"] ?? fields["destination"] ?? fields["target"] ?? host;
  return host && inside ? [{ host: resolvePath("/", host), inside: resolvePath("/", inside) }] : [];
}

// src/tools/inspect-options.ts
var VALUED = /* @__PURE__ */ new Set([
  "--acp-server",
  "--adaptive-connections",
  "--approval",
  "--attempt-timeout",
  "--best-of",
  "--bundle-dir",
  "--cache-prompt",
  "--cost-limit",
  "--debug-port",
  "--display",
  "--effort",
  "--env",
  "--epochs",
  "--extra-body",
  "--extra-headers",
  "--fallback-models",
  "--frequency-penalty",
  "--generate-config",
  "--id",
  "--incomplete-action",
  "--incomplete-max",
  "--limit",
  "--log-buffer",
  "--log-dir",
  "--log-format",
  "--log-level",
  "--log-level-transcript",
  "--logit-bias",
  "--max-connections",
  "--max-dataset-memory",
  "--max-retries",
  "--max-samples",
  "--max-sandboxes",
  "--max-subprocesses",
  "--max-tasks",
  "--max-tokens",
  "--max-tool-output",
  "--message-limit",
  "--metadata",
  "--modalities",
  "--model",
  "--model-base-url",
  "--model-config",
  "--model-cost-config",
  "--model-role",
  "--model-spec",
  "--num-choices",
  "--presence-penalty",
  "--prompt-logprobs",
  "--reasoning-effort",
  "--reasoning-history",
  "--reasoning-mode",
  "--reasoning-summary",
  "--reasoning-tokens",
  "--response-schema",
  "--retry-attempts",
  "--retry-connections",
  "--retry-wait",
  "--review",
  "--run-config",
  "--sample-id",
  "--sandbox",
  "--scan-filter",
  "--scan-generate-config",
  "--scan-metadata",
  "--scan-model",
  "--scan-model-arg",
  "--scan-model-base-url",
  "--scan-model-config",
  "--scan-model-role",
  "--scan-name",
  "--scan-tags",
  "--scanner",
  "--scanner-arg",
  "--scans",
  "--seed",
  "--sentinel",
  "--sentinel-arg",
  "--solver",
  "--solver-config",
  "--stop-seqs",
  "--stream-idle-timeout",
  "--system-message",
  "--tags",
  "--task-config",
  "--temperature",
  "--time-limit",
  "--timeout",
  "--token-limit",
  "--top-k",
  "--top-logprobs",
  "--top-p",
  "--turn-limit",
  "--verbosity",
  "--working-limit",
  // earlier versions
  "--max-messages"
]);
var OPTIONAL_VALUE = /* @__PURE__ */ new Set([
  "--notification",
  "--checkpoint",
  "--ctl-server",
  "--sample-shuffle",
  "--epochs-reducer",
  "--fail-on-error",
  "--retry-on-error",
  "--log-shared",
  "--cache",
  "--batch"
]);
var SHORT_VALUED = /* @__PURE__ */ new Set(["-T", "-M", "-S", "-F"]);
var FLAGS = /* @__PURE__ */ new Set([
  "--bundle-overwrite",
  "--continue-on-fail",
  "--debug",
  "--debug-errors",
  "--detach",
  "--no-detach",
  "--embed-viewer",
  "--fail-on-refusal",
  "--no-fail-on-refusal",
  "--internal-tools",
  "--no-internal-tools",
  "--json",
  "--log-dir-allow-dirty",
  "--log-images",
  "--no-log-images",
  "--log-model-api",
  "--no-log-model-api",
  "--log-refusals",
  "--no-log-refusals",
  "--logprobs",
  "--no-ansi",
  "--no-epochs-reducer",
  "--no-fail-on-error",
  "--no-log-realtime",
  "--no-log-samples",
  "--no-retry-cleanup",
  "--no-sandbox-cleanup",
  "--no-score",
  "--no-score-display",
  "--parallel-tool-calls",
  "--no-parallel-tool-calls",
  "--retry-immediate",
  "--no-retry-immediate",
  "--sandbox-prebuilt",
  "--score-on-error",
  "--trace",
  "--traceback-locals",
  "--help"
]);

// src/tools/inspect-script.ts
function inspectInvocation(launch) {
  const isInspect = launch.program === "inspect" || launch.module === "inspect_ai" || launch.module === "inspect_ai.__main__";
  if (!isInspect) return void 0;
  const args = launch.args;
  let at = 0;
  while (args[at]?.value === "--version" || args[at]?.value === "--help") at++;
  const command = args[at]?.value;
  if (command !== "eval" && command !== "eval-set") return void 0;
  const inv = {
    launch,
    line: launch.command.line,
    command,
    tasks: [],
    taskArgs: {},
    modelArgs: {},
    metadata: {},
    unknownArgs: [],
    options: [],
    uncertain: []
  };
  let positionalOnly = false;
  let maybeValue = false;
  const positional = (w) => {
    if (maybeValue) inv.uncertain.push(w);
    else inv.tasks.push(w);
    maybeValue = false;
  };
  for (let i = at + 1; i < args.length; i++) {
    const w = args[i];
    const text = w.value ?? w.head;
    if (positionalOnly || !text.startsWith("-") || text === "-") {
      positional(w);
      if (mayHoldOptions(w)) maybeValue = true;
      continue;
    }
    maybeValue = false;
    if (text === "--") {
      positionalOnly = true;
      continue;
    }
    let name;
    let value;
    const eq = text.indexOf("=");
    if (text.startsWith("--")) {
      name = eq > 0 ? text.slice(0, eq) : text;
      const inline = eq > 0 ? sliceWord(w, eq + 1) : void 0;
      if (VALUED.has(name)) value = inline ?? args[++i];
      else if (OPTIONAL_VALUE.has(name)) {
        const next = args[i + 1];
        const nextText = next ? next.value ?? next.head : "";
        value = inline ?? (next && !(nextText.startsWith("-") && nextText.length > 1) ? args[++i] : void 0);
      } else if (!FLAGS.has(name) && inline === void 0) maybeValue = true;
    } else if (SHORT_VALUED.has(text.slice(0, 2))) {
      name = text.slice(0, 2);
      value = text.length > 2 ? sliceWord(w, 2) : args[++i];
    } else {
      maybeValue = true;
      continue;
    }
    if (!value) continue;
    inv.options.push({ name, value });
    const into = {
      "-T": inv.taskArgs,
      "-M": inv.modelArgs,
      "--metadata": inv.metadata
    };
    const target = into[name];
    if (target) {
      const kv = value.value ?? value.head;
      const sep3 = kv.indexOf("=");
      if (sep3 > 0) target[kv.slice(0, sep3)] = sliceWord(value, sep3 + 1);
      else inv.unknownArgs.push(value);
    } else if (name === "--model") inv.model = value;
  }
  const first = inv.tasks[0]?.value;
  if (first !== void 0) {
    const [, task] = splitSpec(first);
    if (task) inv.task = task;
  }
  return inv;
}
function splitSpec(spec) {
  const i = spec.lastIndexOf("@");
  return i < 0 ? [spec, void 0] : [spec.slice(0, i), spec.slice(i + 1)];
}
function logDirOf(inv) {
  const option = inv.options.filter((o) => o.name === "--log-dir").pop();
  if (option) {
    const v = option.value.value;
    return {
      where: v !== void 0 ? clusterPath(inv.launch, v) : { why: option.value.why ?? "unknown" },
      word: option.value
    };
  }
  const env = inv.launch.variable("INSPECT_LOG_DIR");
  if (env.value !== void 0) return { where: clusterPath(inv.launch, env.value) };
  return { where: clusterPath(inv.launch, "./logs") };
}
var PATH_KEY = /(^|_)(path|file|files)$/;
var INPUT_KEY = /(^|_)(data|dataset|config|dir|directory)$/;
var OUTPUT_KEY = /^(out|output|save|log|logs|result|results|cache|tmp|temp|dump|export|write|checkpoint)(_|$)/;
var CONFIG_OPTIONS = /* @__PURE__ */ new Set([
  "--task-config",
  "--model-config",
  "--solver-config",
  "--generate-config",
  "--run-config",
  "--model-cost-config",
  "--scan-model-config",
  "--scan-generate-config"
]);
var FILE_OR_NAME_OPTIONS = /* @__PURE__ */ new Set(["--approval", "--review", "--sentinel", "--scanner", "--modalities"]);
var FILE_EXTENSION = /\.(ya?ml|json|py)$/;
function looksLikePath(v) {
  return /^(\/|\.\.?\/|~)/.test(v) || /\.[A-Za-z][A-Za-z0-9]{0,7}$/.test(v);
}
function inspectFiles(inv, cell, files) {
  const launch = inv.launch;
  const command = launch.command;
  const read = (w, path, what) => {
    files.readAt(typeof path === "string" ? clusterPath(launch, path) : path, w, what, command);
  };
  const unknown = (w) => ({ why: w.why ?? "its value is not known" });
  for (const w of inv.uncertain)
    if (/\.(py|ipynb)(@|$)/.test(w.value ?? w.tail))
      files.unresolvedWord(w, "it follows an option this reading does not know: a task, or that option's value?");
  let taskDir = inv.tasks.length === 0 ? launch.cwd : { why: "the job evaluates several tasks" };
  for (const w of inv.tasks) {
    if (w.value === void 0) {
      files.unresolvedWord(w, `the task: ${w.why ?? ""}`);
      continue;
    }
    const [file] = splitSpec(w.value);
    if (/\.(py|ipynb)$/.test(file)) {
      read(w, file, { kind: "inspect task file", trigger: true, field: "task" });
      const dir = file.startsWith("/") ? dirnameOf(file) : launch.cwd.value && dirnameOf(resolvePath(launch.cwd.value, file));
      if (inv.tasks.length === 1)
        taskDir = dir ? { value: dir } : { why: `the task file is relative to an unknown directory: ${launch.cwd.why ?? ""}` };
    } else if (/^(\/|\.\.?(\/|$))|\/$/.test(file)) {
      read(w, file, { kind: "inspect task directory", trigger: false, field: "task" });
    } else if (inv.tasks.length === 1) taskDir = launch.cwd;
  }
  const inTaskDir = (v) => v.startsWith("/") ? v : taskDir.value !== void 0 ? resolvePath(taskDir.value, v) : { why: `it is relative to the task's directory, which is not known: ${taskDir.why}` };
  for (const [key2, w] of Object.entries(inv.taskArgs)) {
    if (OUTPUT_KEY.test(key2) || !(PATH_KEY.test(key2) || INPUT_KEY.test(key2))) continue;
    const text = w.value !== void 0 ? cliString(w.value) : void 0;
    if (w.value !== void 0 && (!text || !PATH_KEY.test(key2) && !looksLikePath(text))) continue;
    const kind = /(^|_)(data|dataset)(_path|_file|_files)?$/.test(key2) ? "evaluation dataset" : /(^|_)config(_path|_file)?$/.test(key2) ? "task config file" : `task input (-T ${key2})`;
    const trigger = !/(^|_)(dir|directory)$/.test(key2);
    read(w, text !== void 0 ? inTaskDir(text) : unknown(w), { kind, trigger, field: `-T ${key2}` });
  }
  if (cell?.epoch === null || cell === void 0) {
    for (const [key2, w] of Object.entries(inv.modelArgs)) {
      if (!PATH_KEY.test(key2) || OUTPUT_KEY.test(key2)) continue;
      const text = w.value !== void 0 ? cliString(w.value) : void 0;
      if (w.value !== void 0 && !text) continue;
      const kind = key2 === "model_path" ? "model directory" : `model input (-M ${key2})`;
      read(w, text ?? unknown(w), { kind, trigger: false, field: `-M ${key2}` });
    }
  }
  for (const w of inv.unknownArgs) files.unresolvedWord(w, `an argument whose key is not known: ${w.why ?? ""}`);
  for (const { name, value } of inv.options) {
    const v = value.value;
    const what = { kind: `inspect config file (${name})`, trigger: true, field: name };
    if (CONFIG_OPTIONS.has(name)) read(value, v ?? unknown(value), what);
    else if (FILE_OR_NAME_OPTIONS.has(name) && v !== void 0 && FILE_EXTENSION.test(splitSpec(v)[0]))
      read(value, splitSpec(v)[0], what);
    else if (name === "--sandbox" && v !== void 0 && /^[\w-]+:.*/.test(v) && FILE_EXTENSION.test(v))
      read(value, v.slice(v.indexOf(":") + 1), { kind: "sandbox config file", trigger: true, field: name });
    else if (name === "--scans" || name === "--bundle-dir")
      files.writeAt(v !== void 0 ? clusterPath(launch, v) : unknown(value), value, {
        kind: `inspect ${name.slice(2)} directory`,
        field: name
      });
  }
  const logs = logDirOf(inv);
  files.writeAt(logs.where, logs.word ?? { line: inv.line, raw: "--log-dir ./logs (inspect's default)" }, {
    kind: "inspect log directory",
    field: "--log-dir"
  });
  const image = launch.container?.image;
  if (image?.value !== void 0 && !/^[a-z]+:\/\//.test(image.value)) {
    const host = launch.command.cwd.value;
    const where = image.value.startsWith("/") || host === void 0 ? image.value : resolvePath(host, image.value);
    files.readAt(
      where.startsWith("/") ? { value: where } : { why: launch.command.cwd.why ?? "unknown" },
      image,
      { kind: "container image", trigger: false },
      command
    );
  }
}
function cliValue(text) {
  const read = yamlValue(text, "1.1");
  return read ? read.value : text;
}
function cliString(text) {
  const v = cliValue(text);
  return typeof v === "string" ? v : void 0;
}
function sameValue(recorded, passed) {
  const expected = cliValue(passed);
  if (recorded === expected) return true;
  if (typeof recorded !== "string" && typeof recorded !== "number" && typeof recorded !== "boolean") return false;
  if (typeof expected !== "string" && typeof expected !== "number" && typeof expected !== "boolean") return false;
  return String(recorded) === String(expected);
}

// src/tools/tool.ts
var SKEW_MS = 5e3;
var LossPointSchema = external_exports.object({
  /** 1-based, as torchtune prints it; absent in the metric log. */
  epoch: external_exports.number().optional(),
  step: external_exports.number(),
  loss: external_exports.number()
});
var TrainingResultSchema = external_exports.object({
  kind: external_exports.literal("training"),
  /** Where the checkpoints are written. */
  outputDir: external_exports.string(),
  /** Checkpoint directory by 0-based epoch (as text: JSON keys). */
  checkpoints: external_exports.record(external_exports.string(), external_exports.string()),
  finalLoss: external_exports.number().optional(),
  totalSteps: external_exports.number().optional(),
  lossCurve: external_exports.array(LossPointSchema).optional()
});
var ScoreSchema2 = external_exports.object({ name: external_exports.string(), metrics: external_exports.record(external_exports.string(), external_exports.number()) });
var EvaluationResultSchema = external_exports.object({
  kind: external_exports.literal("evaluation"),
  /** The evaluation log that holds the result (absolute path). */
  log: external_exports.string(),
  /** The log's own status (`success`, `error`, `cancelled`, ...). */
  status: external_exports.string(),
  task: external_exports.string().optional(),
  model: external_exports.string().optional(),
  totalSamples: external_exports.number().optional(),
  completedSamples: external_exports.number().optional(),
  /** Every scorer's metrics; the first is the headline. */
  scores: external_exports.array(ScoreSchema2)
});
var ToolResultSchema = external_exports.discriminatedUnion("kind", [TrainingResultSchema, EvaluationResultSchema]);
var FileIdentitySchema = external_exports.object({
  size: external_exports.number(),
  mtimeMs: external_exports.number(),
  /** Where the transport knows it (local, exec-files over SSH; not SFTP). */
  ino: external_exports.number().optional()
});
var OutputSnapshotSchema = external_exports.record(external_exports.string(), FileIdentitySchema.nullable());
var RESUME_KEY = "resume_from_epoch";
function isResumeItem(item) {
  return typeof item === "object" && item !== null && typeof item[RESUME_KEY] === "number";
}
var OUTPUT_TAIL_BYTES = 64 * 1024;

// src/tools/job-files.ts
var readerOf = (transport) => (path, maxBytes) => maxBytes === void 0 ? transport.readFile(path) : transport.readRange(path, 0, maxBytes);
async function jobScript(read, runDir, job) {
  const submitDir = resolvePath(runDir, job.dir);
  const bytes = await read(`${submitDir}/${job.script}`);
  if (!bytes) return void 0;
  const script = readScript(bytes.toString("utf8"), submitDir);
  const launches = script.commands.flatMap((c) => launchOf(c) ?? []);
  return { script, file: joinPath(job.dir, job.script), launches };
}
function inRunDir(runDir, path) {
  return path.startsWith(`${runDir}/`) ? path.slice(runDir.length + 1) : path;
}
var JobFilesBuilder = class {
  constructor(script) {
    this.script = script;
  }
  script;
  reads = [];
  writes = [];
  unresolved = [];
  /** The script's path, relative to the run directory. */
  get scriptFile() {
    return this.script?.file ?? "";
  }
  /**
   * A path the job reads, `where` as resolved (or why it cannot be), named at `at`: a word of the script,
   * or a place in another file (`at.file`, a config). With `command`, the script command that reads it:
   * a path an earlier command makes is not required beforehand.
   */
  readAt(where, at, what, command) {
    const file = at.file ?? this.scriptFile;
    if (where.value === void 0) {
      this.note(file, at, where.why);
      return;
    }
    const made = command && this.script ? madeBefore(this.script.script, command, where.value) : void 0;
    if (made) {
      this.note(file, at, `line ${made} of the script makes ${where.value} before it is read`);
      return;
    }
    const r = { path: where.value, file, line: at.line, ...at.column ? { column: at.column } : {}, ...what };
    if (!this.reads.some((x) => x.path === r.path)) this.reads.push(r);
  }
  writeAt(where, at, what) {
    const file = at.file ?? this.scriptFile;
    if (where.value === void 0) {
      this.note(file, at, where.why);
      return;
    }
    this.write({ path: where.value, file, line: at.line, ...at.column ? { column: at.column } : {}, ...what });
  }
  write(w) {
    if (!this.writes.some((x) => x.path === w.path)) this.writes.push(w);
  }
  /** A word of the script whose path is not known. */
  unresolvedWord(word, why) {
    this.note(this.scriptFile, word, why);
  }
  note(file, at, why) {
    const entry = { file, line: at.line, text: at.raw ?? "", why };
    if (!this.unresolved.some((u) => u.line === entry.line && u.text === entry.text)) this.unresolved.push(entry);
  }
  /** Where the scheduler writes the job's output (`#SBATCH --output`/`--error`): their directories. */
  sbatchWrites() {
    const s = this.script;
    if (!s) return;
    for (const o of s.script.sbatch) {
      if (o.name !== "output" && o.name !== "error") continue;
      const v = o.value.value;
      if (v === void 0) {
        this.note(s.file, o.value, o.value.why ?? "unknown");
        continue;
      }
      const dir = v.includes("/") ? v.slice(0, v.lastIndexOf("/")) || "/" : ".";
      if (dir.includes("%")) {
        this.note(s.file, o.value, "its directory has a SLURM filename pattern (%)");
        continue;
      }
      const base = s.script.startDir.value;
      if (!dir.startsWith("/") && base === void 0) {
        this.note(s.file, o.value, s.script.startDir.why);
        continue;
      }
      this.writeAt({ value: resolvePath(base ?? "/", dir) }, o.value, {
        kind: "job output directory",
        field: `#SBATCH --${o.name}`
      });
    }
  }
  done() {
    const reads = this.reads.filter((r) => !this.writes.some((w) => r.path === w.path));
    return { reads, writes: this.writes, unresolved: this.unresolved };
  }
};
var LOOKERS = /* @__PURE__ */ new Set([
  "cd",
  "pushd",
  "popd",
  "echo",
  "printf",
  "test",
  "[",
  "[[",
  "ls",
  "cat",
  "head",
  "tail",
  "wc",
  "stat",
  "file",
  "realpath",
  "readlink",
  "dirname",
  "basename",
  "module",
  "ml",
  "conda",
  "source",
  ".",
  "export",
  "du",
  "md5sum",
  "sha256sum",
  "grep",
  "find",
  "nvidia-smi",
  "kill",
  "wait",
  "sleep",
  "date",
  "hostname",
  "exit",
  "true",
  "false"
]);
var COPIERS = /* @__PURE__ */ new Set(["cp", "mv", "rsync", "ln", "tar", "unzip", "gunzip", "wget", "curl", "install", "scp"]);
function madeBefore(script, command, path) {
  for (const c of script.commands) {
    if (c === command) return void 0;
    for (const r of c.redirects) {
      if (!/^(>|>>|>\||&>|&>>)$/.test(r.op) || r.target.value === void 0) continue;
      if (resolved(c, r.target.value) === path) return c.line;
    }
    const launch = launchOf(c);
    const name = launch?.program ?? (c.words[0] ? programName(c.words[0]) : "");
    if (!launch || LOOKERS.has(name)) continue;
    const args = launch.args.flatMap((w) => {
      const v = w.value;
      if (v === void 0 || v === "") return [];
      const eq = v.startsWith("-") ? v.indexOf("=") : -1;
      return eq > 0 ? [v.slice(eq + 1)] : v.startsWith("-") ? [] : [v];
    });
    for (const a of args) {
      const p = clusterPath(launch, a).value;
      if (p === void 0) continue;
      if (p === path) return c.line;
      if (name === "mkdir" && p.startsWith(`${path}/`)) return c.line;
      if (COPIERS.has(name) && path.startsWith(`${p}/`)) return c.line;
    }
  }
  return void 0;
}
function resolved(c, p) {
  if (p.startsWith("/")) return resolvePath("/", p);
  return c.cwd.value !== void 0 ? resolvePath(c.cwd.value, p) : void 0;
}
async function missingReads(transport, files, hint) {
  const problems = [];
  const present = [];
  const missing = [];
  for (const r of files.reads) {
    if (missing.some((m) => r.path.startsWith(`${m}/`))) continue;
    if (await transport.stat(r.path) !== null) {
      present.push(r);
      continue;
    }
    missing.push(r.path);
    problems.push({
      file: r.file,
      ...r.line !== void 0 ? { line: r.line } : {},
      ...r.column !== void 0 ? { column: r.column } : {},
      ...r.field !== void 0 ? { field: r.field } : {},
      message: `the ${r.kind} ${r.path} does not exist on the cluster`,
      hint: hint(r)
    });
  }
  return { problems, present };
}
function identityOf(stat) {
  return { size: stat.size, mtimeMs: stat.mtimeMs, ...stat.ino !== void 0 ? { ino: stat.ino } : {} };
}
function writtenByAttempt(attempt, path, stat) {
  const ended = attempt.window?.endedAt === void 0 ? NaN : Date.parse(attempt.window.endedAt);
  if (stat.mtimeMs > ended + SKEW_MS) return false;
  const was = attempt.before?.[path];
  if (was) return !sameFile(was, stat);
  return attempt.since === void 0 || stat.mtimeMs >= Date.parse(attempt.since) - SKEW_MS;
}
function sameFile(was, stat) {
  const inode = was.ino !== void 0 && stat.ino !== void 0 && was.ino !== stat.ino;
  return !inode && was.size === stat.size && was.mtimeMs === stat.mtimeMs;
}

// src/tools/inspect-logs.ts
async function contender(read, runDir, job, window) {
  const script = await jobScript(read, runDir, job);
  const invocations = script?.launches.flatMap((l) => inspectInvocation(l) ?? []) ?? [];
  const logDirs = [...new Set(invocations.flatMap((i) => logDirOf(i).where.value ?? []))];
  if (invocations.length === 0) logDirs.push(resolvePath(runDir, `${job.dir}/logs`));
  return { job, invocations, logDirs, ...window ? { window } : {} };
}
async function evalLogsNow(transport, dirs) {
  const out = {};
  for (const dir of dirs)
    for (const e of await transport.list(dir) ?? []) {
      if (e.isDirectory || !e.name.endsWith(".eval")) continue;
      const stat = await transport.stat(`${dir}/${e.name}`);
      if (stat) out[`${dir}/${e.name}`] = identityOf(stat);
    }
  return out;
}
async function logsOfAttempt(transport, dirs, attempt) {
  const out = [];
  for (const dir of dirs)
    for (const e of await transport.list(dir) ?? []) {
      if (e.isDirectory || !e.name.endsWith(".eval")) continue;
      const path = `${dir}/${e.name}`;
      const stat = await transport.stat(path);
      if (!stat || !writtenByAttempt(attempt, path, stat)) continue;
      const header = await readEvalHeader({
        size: stat.size,
        read: (start, length) => transport.readRange(path, start, length)
      });
      out.push({
        path,
        mtimeMs: stat.mtimeMs,
        header: header.ok ? header.value : { status: "unreadable", metadata: {}, taskArgs: {}, modelArgs: {}, scores: [], error: header.error }
      });
    }
  return out;
}
async function rivalsOf(ctx, me) {
  const read = (p) => ctx.transport.readFile(p);
  let others;
  if (ctx.neighbours) others = ctx.neighbours.filter((n) => n.job.key !== ctx.job.key);
  else {
    const jobDir = resolvePath(ctx.runDir, ctx.job.dir);
    others = (await ctx.transport.list(jobDir) ?? []).filter((e) => !e.isDirectory && /\.(slurm|sbatch|sh)$/.test(e.name) && e.name !== ctx.job.script).map((e) => ({
      job: { ...ctx.job, key: `${ctx.job.dir}/${e.name}`, display: e.name, script: e.name, cell: void 0 }
    }));
  }
  const rivals = [];
  for (const o of others) {
    const c = await contender(read, ctx.runDir, o.job, o.window);
    if (c.logDirs.some((d) => me.logDirs.includes(d))) rivals.push(c);
  }
  return rivals;
}
function ownersOf(log, contenders) {
  const h = log.header;
  const ids = contenders.map((c) => ({ c, id: identity(h, c) }));
  const matched = ids.filter((x) => x.id === "match").map((x) => x.c);
  if (matched.length > 0) return matched;
  let pool = ids.filter((x) => x.id === "none").map((x) => x.c);
  const tasks = pool.map((c) => ({ c, runs: runsTask(h, c) })).filter((x) => x.runs !== "no");
  const yes = tasks.filter((x) => x.runs === "yes").map((x) => x.c);
  if (yes.length === 1) return yes;
  pool = yes.length > 1 ? yes : tasks.map((x) => x.c);
  const created = h.created !== void 0 ? Date.parse(h.created) : NaN;
  if (pool.length > 1 && Number.isFinite(created)) {
    for (const slack of [0, SKEW_MS]) {
      const inside = pool.filter((c) => within(c.window, created, slack));
      if (inside.length > 0) return inside;
    }
  }
  return pool;
}
function within(w, t, slack) {
  const start = w?.startedAt !== void 0 ? Date.parse(w.startedAt) : NaN;
  if (!Number.isFinite(start) || t < start - slack) return false;
  const end = w?.endedAt !== void 0 ? Date.parse(w.endedAt) : NaN;
  return !Number.isFinite(end) || t <= end + slack;
}
function identity(h, c) {
  let best = c.invocations.length ? "mismatch" : "none";
  for (const inv of c.invocations) {
    const checks = [];
    const compare = (recorded, passed, same = sameValue) => {
      if (passed !== void 0) checks.push(recorded !== void 0 && same(recorded, passed));
    };
    compare(h.taskArgs["vis_label"], inv.taskArgs["vis_label"]?.value);
    compare(h.metadata["epoch"], inv.metadata["epoch"]?.value);
    compare(h.modelArgs["model_path"], inv.modelArgs["model_path"]?.value, (recorded, passed) => {
      const cwd = inv.launch.cwd.value ?? "/";
      const asPath = (v) => typeof v === "string" ? resolvePath(cwd, v) : void 0;
      return typeof recorded === "string" && asPath(recorded) === asPath(cliValue(passed));
    });
    const id = checks.length === 0 ? "none" : checks.every(Boolean) && runs(h, inv, false) !== "no" ? "match" : "mismatch";
    if (id === "match") return "match";
    if (id === "none") best = "none";
  }
  return best;
}
function runsTask(h, c) {
  if (c.invocations.length === 0) return c.job.cell ? cellRuns(h, c.job.cell) ? "yes" : "no" : "no";
  const each = c.invocations.map((inv) => runs(h, inv, true));
  return each.includes("yes") ? "yes" : each.every((r) => r === "no") ? "no" : "maybe";
}
function runs(h, inv, withModel) {
  const model = withModel ? inv.model?.value : void 0;
  if (model !== void 0 && !model.includes(",") && h.model !== void 0 && h.model !== model) return "no";
  const spec = inv.tasks.length === 1 ? inv.tasks[0]?.value : void 0;
  const name = inv.task ?? (spec !== void 0 && !/\.(py|ipynb)$|^[./]/.test(spec) ? spec : void 0);
  if (name === void 0) return "maybe";
  if (h.registryName !== void 0) return h.registryName === name ? "yes" : "no";
  const task = h.task ?? "";
  return task === name || task.startsWith(`${name}_`) ? "yes" : "no";
}
function cellRuns(h, cell) {
  if ((h.registryName ?? h.task) !== cell.task) return false;
  const e = h.metadata["epoch"];
  if (cell.epoch === null) return e === void 0;
  if (e !== void 0) return Number(e) === cell.epoch;
  const path = h.modelArgs["model_path"];
  const modelEpoch = /epoch_(\d+)/.exec(typeof path === "string" ? path : h.model ?? "");
  return modelEpoch?.[1] !== void 0 && Number(modelEpoch[1]) === cell.epoch;
}

// src/tools/inspect.ts
var inspect = {
  name: "inspect-ai",
  aliases: ["inspect", "inspect_ai"],
  phase: "evaluate",
  logFile: "run-inspect.log",
  stateFile: "run-inspect.state.json",
  submitAction: "SUBMIT_EVAL",
  resultFiles: /\.eval$/,
  async scaffold(experiment, exists) {
    const plan = { jobs: [], missing: [] };
    for (const cell of experiment.cells) {
      const name = cellDirName(cell);
      const display = cellDisplayName(cell);
      const layouts = [
        { dir: `${cell.run}/eval/${name}`, script: "cell.slurm" },
        { dir: `${cell.run}/eval`, script: `${name}.slurm` }
      ];
      let found;
      for (const l of layouts) if (!found && await exists(joinPath(l.dir, l.script))) found = l;
      if (!found) {
        plan.missing.push({
          run: cell.run,
          cell,
          display,
          paths: [layouts.map((l) => joinPath(l.dir, l.script)).join(" or ")]
        });
        continue;
      }
      const key2 = joinPath(found.dir, found.script);
      plan.jobs.push({ key: key2, display, run: cell.run, cell, dir: found.dir, script: found.script, inputs: [key2] });
    }
    return plan;
  },
  async files(ctx) {
    const script = await jobScript(ctx.read, ctx.runDir, ctx.job);
    const files = new JobFilesBuilder(script);
    if (!script) {
      files.note(joinPath(ctx.job.dir, ctx.job.script), { line: 1 }, "the job script cannot be read");
      return files.done();
    }
    const invocations = script.launches.flatMap((l) => inspectInvocation(l) ?? []);
    if (invocations.length === 0)
      files.note(script.file, { line: 1 }, "no inspect eval command in the script: what the job reads is not known");
    for (const inv of invocations) inspectFiles(inv, ctx.job.cell, files);
    files.sbatchWrites();
    return files.done();
  },
  async outputs(ctx) {
    const me = await contender((p) => ctx.transport.readFile(p), ctx.runDir, ctx.job);
    return evalLogsNow(ctx.transport, me.logDirs);
  },
  async judge(ctx) {
    const me = await contender((p) => ctx.transport.readFile(p), ctx.runDir, ctx.job, ctx.window);
    if (me.logDirs.length === 0) me.logDirs.push(...await logDirsFromOutput(ctx, me));
    if (me.logDirs.length === 0) {
      const why2 = `the log directory of ${joinPath(ctx.job.dir, ctx.job.script)} is not known before it runs`;
      return err({ why: why2 });
    }
    const found = await logsOfAttempt(ctx.transport, me.logDirs, ctx);
    const rivals = found.length > 0 ? await rivalsOf(ctx, me) : [];
    const mine = [];
    const notes = [];
    for (const log of found) {
      const owners = rivals.length > 0 ? ownersOf(log, [me, ...rivals]) : [me];
      if (owners.length === 1 && owners[0] === me) mine.push(log);
      else if (owners.includes(me))
        notes.push(
          `${log.path}: this .eval log (task "${log.header.task ?? "?"}") fits several evaluations (${owners.map((o) => o.job.display).join(", ")}) by its task arguments, task and time: not counted for any; pass -T vis_label or --metadata epoch to tell them apart`
        );
      else if (owners.length === 0)
        notes.push(
          `${log.path}: this .eval log (task "${log.header.task ?? "?"}") matches no evaluation script writing to ${dirOf(log.path)} (task, vis_label, epoch, model path): not counted for any cell`
        );
    }
    const newestFirst = (a, b) => b.mtimeMs - a.mtimeMs;
    const success = mine.filter((l) => l.header.status === "success").sort(newestFirst)[0];
    if (success) {
      const result = evaluationResult(success.path, success.header);
      if (ctx.state === "COMPLETED" && (ctx.exitCode ?? 0) === 0) return ok({ result, ...warning(notes) });
      const ended = `${ctx.state}${ctx.exitCode !== void 0 ? ` (exit ${ctx.exitCode})` : ""}`;
      const disagrees = `${ctx.job.display}: the job ended ${ended}, but its .eval log says success: counted as succeeded (the job's exit status is not inspect's, e.g. a script that ends by waiting on its GPU monitor)`;
      return ok({ result, ...warning([disagrees, ...notes]) });
    }
    const newest = mine.sort(newestFirst)[0];
    if (newest && newest.header.status !== "started") {
      const inspectError = newest.header.error ? `: ${firstLine(newest.header.error)}` : "";
      return err({
        why: `the newest .eval log (${newest.path}) has status "${newest.header.status}"${inspectError}`,
        result: evaluationResult(newest.path, newest.header),
        ...warning(notes)
      });
    }
    const why = newest ? `the .eval log ${newest.path} was never finished (status "started")` : `no .eval log written by this attempt in ${me.logDirs.join(", ")}`;
    return err({ why, pending: true, ...warning(notes) });
  },
  async preflight(ctx) {
    const problems = [];
    for (const job of ctx.jobs) {
      const files = await inspect.files?.({ runDir: ctx.runDir, job, read: readerOf(ctx.transport) });
      if (!files) continue;
      const hint = (r) => `line ${r.line ?? "?"} of ${r.file} passes it to inspect: fix the path or create it before running`;
      const checked = await missingReads(ctx.transport, files, hint);
      problems.push(...checked.problems);
      for (const r of checked.present)
        if (r.kind === "model directory") problems.push(...await staleAdapterBase(ctx.transport, r));
    }
    return problems;
  },
  // cruijff_kit's eval template writes beside the checkpoint it evaluates ({run}/artifacts/epoch_N),
  // or in the run's artifacts directory for a base model.
  gpuMetricsFile(runDir, job) {
    const cell = job.cell;
    if (!cell) return void 0;
    const artifacts = `${resolvePath(runDir, cell.run)}/artifacts`;
    return cell.epoch === null ? `${artifacts}/gpu_metrics.csv` : `${artifacts}/epoch_${cell.epoch}/gpu_metrics.csv`;
  },
  nextSteps(runDir) {
    return [
      `View results: \`inspect view --log-dir ${runDir} --port=$(get_free_port)\``,
      `Export data: \`inspect log export ${runDir}/<run>/eval/<cell>/logs/<log>.eval\``
    ];
  }
};
function warning(notes) {
  return notes.length ? { warnings: notes } : {};
}
async function staleAdapterBase(transport, model) {
  const dir = model.path;
  const text = (await transport.readFile(`${dir}/adapter_config.json`))?.toString("utf8");
  if (text === void 0) return [];
  let base;
  try {
    base = JSON.parse(text)["base_model_name_or_path"];
  } catch {
    return [];
  }
  if (typeof base !== "string" || !base.startsWith("/") || await transport.stat(base) !== null) return [];
  const line = model.line ?? 0;
  return [
    {
      file: model.file,
      line,
      ...model.field ? { field: model.field } : {},
      message: `the adapter in ${dir} names its base model ${base}, which does not exist on the cluster`,
      hint: `fix base_model_name_or_path in ${dir}/adapter_config.json (line ${line} of ${model.file} evaluates it)`
    }
  ];
}
async function logDirsFromOutput(ctx, me) {
  if (!ctx.outputFile) return [];
  const tail = (await readTail(ctx.transport, ctx.outputFile, OUTPUT_TAIL_BYTES))?.toString("utf8") ?? "";
  const cwd = me.invocations[0]?.launch.cwd.value;
  const dirs = /* @__PURE__ */ new Set();
  for (const m of tail.matchAll(/^[\s│|]*Log: (\S+\.eval)[\s│|]*$/gm)) {
    const path = m[1] ?? "";
    if (path.startsWith("/") || cwd !== void 0) dirs.add(dirOf(resolvePath(cwd ?? "/", path)));
  }
  return [...dirs];
}
function dirOf(path) {
  return path.slice(0, path.lastIndexOf("/"));
}
function cellDirName(cell) {
  return cell.epoch === null ? cell.task : `${cell.task}_epoch${cell.epoch}`;
}
function evaluationResult(path, h) {
  return {
    kind: "evaluation",
    log: path,
    status: h.status,
    ...h.task ? { task: h.task } : {},
    ...h.model ? { model: h.model } : {},
    ...h.totalSamples !== void 0 ? { totalSamples: h.totalSamples } : {},
    ...h.completedSamples !== void 0 ? { completedSamples: h.completedSamples } : {},
    scores: h.scores
  };
}

// src/tools/torchtune-script.ts
var CONVENTIONAL_CONFIG = "finetune.yaml";
var CONFIG_YAML = {
  maxBytes: 1024 * 1024,
  usualSize: "real torchtune configs are a few KB",
  usualDepth: "torchtune configs nest a few",
  notMapping: "is not a YAML mapping"
};
function tuneInvocation(launch) {
  const tune = launch.program === "tune" || launch.module === "torchtune._cli.tune";
  if (tune) return launch.args[0]?.value === "run" ? tuneRun(launch, launch.args.slice(1)) : void 0;
  const torchrun = launch.program === "torchrun" || launch.module === "torch.distributed.run" || launch.module === "torch.distributed.launch";
  if (!torchrun) return void 0;
  const seen = { module: false };
  const at = parseOptions(launch.args, 0, TORCHRUN, (opt) => {
    if (opt === "-m" || opt === "--module") seen.module = true;
  });
  const module = seen.module;
  const script = launch.args[at];
  const rest = launch.args.slice(at + 1);
  if (!script) return void 0;
  if (module && script.value === "torchtune._cli.tune" || !module && /(^|\/)tune$/.test(script.value ?? ""))
    return rest[0]?.value === "run" ? tuneRun(launch, rest.slice(1)) : void 0;
  return recipeArgs(launch, script, rest);
}
function tuneRun(launch, args) {
  const at = parseOptions(args, 0, TORCHRUN);
  const recipe = args[at];
  return recipe ? recipeArgs(launch, recipe, args.slice(at + 1)) : void 0;
}
function recipeArgs(launch, recipe, args) {
  const inv = { launch, line: launch.command.line, recipe, overrides: [], unknown: [] };
  for (let i = 0; i < args.length; i++) {
    const w = args[i];
    const text = w.value ?? w.head;
    if (text === "--config") {
      inv.config = args[++i];
      continue;
    }
    if (text.startsWith("--config=")) {
      inv.config = sliceWord(w, "--config=".length);
      continue;
    }
    const m = /^(~?)([A-Za-z_][\w.-]*)(=|$)/.exec(text);
    if (m && (m[3] === "=" || m[1] === "~")) inv.overrides.push({ key: m[2] ?? "", word: w, remove: m[1] === "~" });
    else if (mayHoldOptions(w)) inv.unknown.push(w);
  }
  return inv;
}
async function trainingSetup(read, runDir, job) {
  const script = await jobScript(read, runDir, job);
  const jobDir = resolvePath(runDir, job.dir);
  const invocation = script?.launches.flatMap((l) => tuneInvocation(l) ?? [])[0];
  const launch = invocation?.launch;
  const resolve4 = (path) => launch ? clusterPath(launch, path) : { value: resolvePath(script?.script.startDir.value ?? jobDir, path) };
  const word = invocation?.config;
  const name = word?.value;
  const builtin = name !== void 0 && !/\.ya?ml$/.test(name) && !/^(\/|\.\.?\/)/.test(name);
  const configPath = !invocation ? { value: `${jobDir}/${CONVENTIONAL_CONFIG}` } : !word ? { why: `line ${invocation.line} runs torchtune without a --config` } : name === void 0 ? { why: word.why ?? "unknown" } : builtin ? { why: `${name} is one of torchtune's built-in configs` } : resolve4(name);
  const setup = {
    ...script ? { script } : {},
    ...invocation ? { invocation } : {},
    configPath,
    ...word ? { configWord: word } : {},
    configName: word ? word.value ?? word.raw : CONVENTIONAL_CONFIG,
    configFile: configPath.value !== void 0 ? inRunDir(runDir, configPath.value) : joinPath(job.dir, CONVENTIONAL_CONFIG),
    builtin,
    config: {},
    resolve: resolve4
  };
  const bytes = configPath.value !== void 0 ? await read(configPath.value, CONFIG_YAML.maxBytes + 1) : null;
  if (bytes && bytes.length > CONFIG_YAML.maxBytes) setup.unreadable = oversize(setup.configFile, CONFIG_YAML);
  else if (bytes) {
    setup.text = bytes.toString("utf8");
    const yaml = readYaml(setup.text, setup.configFile, CONFIG_YAML);
    if (!yaml.ok) setup.unreadable = yaml.error[0];
    else {
      setup.yaml = yaml.value;
      setup.config = yaml.value.data;
    }
  }
  for (const o of invocation?.overrides ?? []) applyOverride(setup.config, o);
  return setup;
}
function applyOverride(config, o) {
  const keys = o.key.split(".");
  let node = config;
  for (const k of keys.slice(0, -1)) {
    const next = node[k];
    if (!next || typeof next !== "object" || Array.isArray(next)) node[k] = {};
    node = node[k];
  }
  const last = keys[keys.length - 1] ?? "";
  if (o.remove) {
    Reflect.deleteProperty(node, last);
    return;
  }
  const text = o.word.value;
  if (text === void 0) {
    node[last] = new UnknownValue(o.word.why ?? "unknown");
    return;
  }
  const raw = text.slice(text.indexOf("=") + 1);
  node[last] = yamlValue(raw)?.value ?? raw;
}
var UnknownValue = class {
  constructor(why) {
    this.why = why;
  }
  why;
};
function overrideOf(setup, key2) {
  return [...setup.invocation?.overrides ?? []].reverse().find((o) => key2 === o.key || key2.startsWith(`${o.key}.`));
}
function locate(setup, keys) {
  const o = overrideOf(setup, keys.join("."));
  if (o) return { line: o.word.line, column: o.word.column, raw: o.word.raw };
  const at = setup.yaml?.find(keys);
  return { file: setup.configFile, line: at?.line ?? 1, ...at ? { column: at.column } : {}, raw: keys.join(".") };
}
function configString(setup, value) {
  if (value instanceof UnknownValue) return { why: value.why };
  if (typeof value !== "string") return { why: "not a string" };
  const out = interpolate(value, setup.config);
  const left = /\$\{[^}]*\}/.exec(out);
  return left ? { why: `${left[0]} cannot be resolved before the job runs` } : { value: out };
}
function interpolate(value, config, depth = 0) {
  if (depth > 8) return value;
  const out = value.replace(/\$\{([A-Za-z0-9_.]+)\}/g, (whole, key2) => {
    const v = valueAt(config, key2.split("."));
    return typeof v === "string" || typeof v === "number" ? String(v) : whole;
  });
  return out === value ? out : interpolate(out, config, depth + 1);
}
function outputDirOf(setup) {
  const top = valueAt(setup.config, ["output_dir"]);
  const value = top !== void 0 ? top : valueAt(setup.config, ["checkpointer", "output_dir"]);
  if (value === void 0 && setup.unreadable) return { why: formatProblem(setup.unreadable) };
  if (value === void 0)
    return setup.text === void 0 ? setup.resolve("artifacts") : { why: "the config has no output_dir" };
  const s = configString(setup, value);
  return s.value !== void 0 ? setup.resolve(s.value) : s;
}
var READS = [
  { keys: ["checkpointer", "checkpoint_dir"], kind: "base model directory", trigger: false },
  { keys: ["checkpointer", "checkpoint_files"], kind: "base model weights file", trigger: false },
  { keys: ["tokenizer", "path"], kind: "tokenizer file", trigger: false },
  { keys: ["tokenizer", "merges_file"], kind: "tokenizer merges file", trigger: false },
  { keys: ["dataset"], kind: "training dataset", trigger: true },
  { keys: ["dataset_val"], kind: "validation dataset", trigger: true }
];
var LOCAL_BUILDERS = /* @__PURE__ */ new Set([
  "json",
  "csv",
  "text",
  "parquet",
  "arrow",
  "pandas",
  "webdataset",
  "imagefolder",
  "audiofolder"
]);
function trainingFiles(setup, files) {
  const inv = setup.invocation;
  const command = inv?.launch.command;
  if (!inv) {
    files.note(
      files.scriptFile,
      { line: 1 },
      "no tune run or torchrun command in the script: what the job reads is not known"
    );
    return;
  }
  for (const w of inv.unknown) files.unresolvedWord(w, `arguments that may override the config: ${w.why ?? ""}`);
  const word = setup.configWord;
  if (!word) files.note(files.scriptFile, { line: inv.line }, setup.configPath.why ?? "no --config");
  else if (setup.builtin)
    files.unresolvedWord(
      word,
      `${word.value ?? ""} is one of torchtune's built-in configs: only its overrides are checked`
    );
  else files.readAt(setup.configPath, word, { kind: "training config", trigger: true, field: "--config" }, command);
  const unreadable = setup.unreadable;
  if (unreadable) files.note(setup.configFile, { line: unreadable.line ?? 1 }, formatProblem(unreadable));
  const recipe = inv.recipe?.value;
  if (recipe !== void 0 && inv.recipe && /\.py$/.test(recipe))
    files.readAt(
      setup.resolve(recipe),
      inv.recipe,
      { kind: "training recipe", trigger: true, field: "recipe" },
      command
    );
  const path = (keys, raw, kind, trigger, base) => {
    const at = locate(setup, keys);
    const s = configString(setup, raw);
    if (s.value === void 0) {
      files.note(at.file ?? files.scriptFile, at, `${keys.join(".")}: ${s.why}`);
      return;
    }
    const where = base !== void 0 && !s.value.startsWith("/") ? joinPath(base, s.value) : s.value;
    files.readAt(setup.resolve(where), at, { kind, trigger, field: keys.join(".") }, command);
  };
  for (const r of READS) {
    const value = valueAt(setup.config, r.keys);
    if (value === void 0) continue;
    if (r.keys[0] === "dataset" || r.keys[0] === "dataset_val") {
      const list2 = Array.isArray(value) ? value : [value];
      list2.forEach((d, i) => {
        const keys = Array.isArray(value) ? [...r.keys, i] : [...r.keys];
        datasetFiles(setup, keys, d, r, path, files);
      });
    } else if (r.keys.join(".") === "checkpointer.checkpoint_files") {
      const dir = configString(setup, valueAt(setup.config, ["checkpointer", "checkpoint_dir"]));
      if (dir.value === void 0) continue;
      checkpointFileNames(value).forEach((f, i) => {
        const keys = Array.isArray(value) ? [...r.keys, i] : r.keys;
        path(keys, f, r.kind, r.trigger, dir.value);
      });
    } else path(r.keys, value, r.kind, r.trigger);
  }
  const outKeys = valueAt(setup.config, ["output_dir"]) !== void 0 ? ["output_dir"] : ["checkpointer", "output_dir"];
  if (setup.text === void 0 && !overrideOf(setup, outKeys.join("."))) return;
  const out = outputDirOf(setup);
  files.writeAt(out, locate(setup, outKeys), { kind: "training output directory", field: outKeys.join(".") });
}
function datasetFiles(setup, keys, d, r, path, files) {
  if (!d || typeof d !== "object") return;
  const spec = d;
  const source = configString(setup, spec["source"]).value;
  if (source !== void 0 && /^(\/|\.\.?\/)/.test(source)) path([...keys, "source"], spec["source"], r.kind, r.trigger);
  const dataFiles = spec["data_files"];
  if (dataFiles === void 0) return;
  const entries = Array.isArray(dataFiles) ? dataFiles.map((f, i) => [[...keys, "data_files", i], f]) : dataFiles && typeof dataFiles === "object" ? Object.entries(dataFiles).map(([k, f]) => [[...keys, "data_files", k], f]) : [[[...keys, "data_files"], dataFiles]];
  for (const [k, f] of entries) {
    const local = source !== void 0 && (LOCAL_BUILDERS.has(source) || /^(\/|\.\.?\/)/.test(source));
    const absolute = configString(setup, f).value?.startsWith("/") ?? false;
    if (local || spec["source"] === void 0 && absolute) path(k, f, r.kind, r.trigger);
    else {
      const at = locate(setup, k);
      files.note(
        at.file ?? files.scriptFile,
        at,
        `data files of the dataset ${source ?? "(no source)"}: not a local path`
      );
    }
  }
}
function checkpointFileNames(spec) {
  if (Array.isArray(spec)) return spec.filter((f) => typeof f === "string");
  if (!spec || typeof spec !== "object") return [];
  const { filename_format: format, max_filename: max } = spec;
  if (typeof format !== "string" || typeof max !== "string" && typeof max !== "number") return [];
  const last = String(max);
  const n = Math.min(Number(last), 1e4);
  return Array.from(
    { length: Number.isFinite(n) ? n : 0 },
    (_, i) => format.replace("{}", String(i + 1).padStart(last.length, "0")).replace("{}", last)
  );
}
function commandLineSets(setup, key2) {
  return setup.invocation?.overrides.find((o) => o.key === key2);
}
function setTopLevel(text, key2, value) {
  const line = new RegExp(`^${key2}:[ \\t]*[^\\s#]*`, "m");
  if (line.test(text)) return text.replace(line, `${key2}: ${value}`);
  return `${text.replace(/\n?$/, "\n")}${key2}: ${value}
`;
}
var TORCHRUN = {
  long: [
    "--nnodes",
    "--nproc-per-node",
    "--nproc_per_node",
    "--rdzv-backend",
    "--rdzv_backend",
    "--rdzv-endpoint",
    "--rdzv_endpoint",
    "--rdzv-id",
    "--rdzv_id",
    "--rdzv-conf",
    "--rdzv_conf",
    "--max-restarts",
    "--max_restarts",
    "--monitor-interval",
    "--monitor_interval",
    "--start-method",
    "--start_method",
    "--event-log-handler",
    "--event_log_handler",
    "--role",
    "--log-dir",
    "--log_dir",
    "--redirects",
    "--tee",
    "--local-ranks-filter",
    "--local_ranks_filter",
    "--duplicate-stdout-filters",
    "--duplicate_stdout_filters",
    "--duplicate-stderr-filters",
    "--duplicate_stderr_filters",
    "--node-rank",
    "--node_rank",
    "--master-addr",
    "--master_addr",
    "--master-port",
    "--master_port",
    "--local-addr",
    "--local_addr",
    "--logs-specs",
    "--logs_specs",
    "--numa-binding",
    "--numa_binding",
    "--signals-to-handle",
    "--signals_to_handle",
    "--shutdown-timeout",
    "--shutdown_timeout",
    // argparse takes unique prefixes: the ones people write
    "--nproc",
    "--nnode"
  ],
  short: "rt"
};

// src/tools/torchtune-resume.ts
var WEIGHT_FILE = /\.(safetensors|pt|bin)$/;
var STOPPED = {
  TIMEOUT: "hit its time limit",
  PREEMPTED: "was preempted",
  NODE_FAIL: "lost its node"
};
var RECIPE_STATE = "recipe_state/recipe_state.pt";
var ADAPTER = "adapter_model.pt";
var EPOCH_DIR = /^epoch_(\d+)/;
var writtenKey = (epoch) => `epoch_${epoch}_mtime_ms`;
async function weightFiles(transport, dir) {
  const entries = await transport.list(dir);
  if (!entries) return null;
  const files = [];
  for (const e of entries) {
    if (e.isDirectory || !WEIGHT_FILE.test(e.name)) continue;
    const stat = await transport.stat(`${dir}/${e.name}`);
    if (stat) files.push({ path: `${dir}/${e.name}`, stat });
  }
  return files;
}
async function checkpointAt(transport, dir, epoch, attempt, chain) {
  const files = await weightFiles(transport, dir);
  if (!files) return "missing";
  if (files.length === 0) return "empty";
  const newest = Math.max(...files.map((f) => f.stat.mtimeMs));
  if (files.some((f) => writtenByAttempt(attempt, f.path, f.stat))) return { by: "attempt", newest };
  return { by: writtenByChain(chain, epoch, dir, files, newest, attempt) ? "chain" : "other", newest };
}
function writtenByChain(chain, epoch, dir, files, newest, attempt) {
  if (chain === void 0 || epoch >= (chain[RESUME_KEY] ?? 0) || chain[writtenKey(epoch)] !== newest) return false;
  const before = attempt.before;
  if (!before || !Object.keys(before).some((p) => p === dir || p.startsWith(`${dir}/`))) return true;
  return files.every((f) => {
    const was = before[f.path];
    return was != null && sameFile(was, f.stat);
  });
}
function chainOf(history, setup) {
  if (setup.config["resume_from_checkpoint"] !== true) return void 0;
  return (history ?? []).filter(isResumeItem).at(-1);
}
function stoppedBy(state) {
  return STOPPED[state];
}
async function resume(ctx, setup, stopped) {
  const refuse = (reason) => ({ retry: false, kind: "resume", reason });
  const path = setup.configPath.value;
  const config = setup.configName;
  if (path === void 0) return refuse(`${stopped}, and its config is not a file here (${setup.configPath.why})`);
  if (setup.text === void 0) return refuse(`${stopped}, and ${config} is gone`);
  const override = commandLineSets(setup, "resume_from_checkpoint");
  if (override) {
    const line = override.word.line;
    return refuse(`${stopped}, and line ${line} of the script sets resume_from_checkpoint: a resume edits ${config}`);
  }
  const root = outputDirOf(setup);
  if (root.value === void 0) return refuse(`${stopped}, and its checkpoint directory is not known: ${root.why}`);
  const chain = chainOf(ctx.history, setup);
  const point = await resumePoint(ctx.transport, root.value, ctx, chain);
  if (!point.ok) return refuse(`${stopped} ${point.error}`);
  const { epoch, written, unfinished: unfinished2 } = point.value;
  const next = epoch + 1;
  const resumes = (ctx.history ?? []).filter(isResumeItem).length;
  if (ctx.maxResumes === 0) return refuse(`${stopped} after epoch ${epoch}; resuming is off (max-resumes: 0)`);
  if (resumes >= ctx.maxResumes) {
    return refuse(`${stopped} after epoch ${epoch}, and max-resumes (${ctx.maxResumes}) is reached`);
  }
  if (ctx.state === "TIMEOUT" && chain?.[RESUME_KEY] === next) {
    return refuse(`hit its time limit again before finishing epoch ${next}: one epoch takes longer than #SBATCH --time`);
  }
  for (const dir of unfinished2) await removeTree(ctx.transport, dir);
  const edited = setTopLevel(setup.text, "resume_from_checkpoint", "True");
  if (edited !== setup.text) await ctx.transport.writeFileAtomic(path, edited);
  const removed = unfinished2.length ? `, removed the unfinished ${unfinished2.map(baseName).join(", ")}` : "";
  return {
    retry: true,
    kind: "resume",
    detectedVia: ctx.state,
    settings: { [RESUME_KEY]: next, ...written },
    edited: [path],
    description: `${stopped} after epoch ${epoch}: continues from epoch ${next} (resume ${resumes + 1}/${ctx.maxResumes}); ${config} sets resume_from_checkpoint: True${removed}`
  };
}
async function resumePoint(transport, outputDir, attempt, chain) {
  const recipeState = `${outputDir}/${RECIPE_STATE}`;
  const state = await transport.stat(recipeState);
  if (!state) return err(`before its first epoch checkpoint (there is no ${recipeState})`);
  const epochs = (await transport.list(outputDir) ?? []).flatMap((e) => {
    const n = e.isDirectory ? EPOCH_DIR.exec(e.name)?.[1] : void 0;
    return n === void 0 ? [] : [{ epoch: Number(n), dir: `${outputDir}/${e.name}` }];
  }).sort((a, b) => b.epoch - a.epoch);
  const unfinished2 = [];
  for (const { epoch, dir } of epochs) {
    const found = await checkpointAt(transport, dir, epoch, attempt, chain);
    if (typeof found === "string" || found.newest > state.mtimeMs) {
      unfinished2.push(dir);
      continue;
    }
    if (!await transport.stat(`${dir}/${ADAPTER}`)) {
      return err(
        `after epoch ${epoch}, but ${dir} has no ${ADAPTER}: torchtune 0.6.1 resumes a LoRA fine-tune from its files, not a full one`
      );
    }
    if (found.by === "other") return err(`before its first epoch checkpoint (${dir} was written before this attempt)`);
    for (const file of [recipeState, `${dir}/${ADAPTER}`]) {
      if (!await isWholeZip(transport, file)) return err(`after epoch ${epoch}, but ${file} is cut short`);
    }
    const written = {};
    for (let e = 0; e <= epoch; e++) {
      const at = await checkpointAt(transport, `${outputDir}/epoch_${e}`, e, attempt, chain);
      if (typeof at !== "string" && at.by !== "other") written[writtenKey(e)] = at.newest;
    }
    return ok({ epoch, written, unfinished: unfinished2 });
  }
  return err(`before its first epoch checkpoint (no epoch_N under ${outputDir} is older than ${recipeState})`);
}
async function isWholeZip(transport, path) {
  const st = await transport.stat(path);
  if (!st || st.size < 22) return false;
  const end = await transport.readRange(path, st.size - 22, 22);
  return end?.readUInt32LE(0) === 101010256;
}
async function removeTree(transport, path, depth = 0) {
  for (const e of await transport.list(path) ?? []) {
    if (e.isDirectory && depth < 8) await removeTree(transport, `${path}/${e.name}`, depth + 1);
    else await transport.remove(`${path}/${e.name}`);
  }
  await transport.remove(path);
}
var baseName = (path) => path.slice(path.lastIndexOf("/") + 1);

// src/tools/torchtune.ts
var SCRIPT = "finetune.slurm";
var MAX_OOM_RETRIES = 3;
var CUDA_OOM = /torch\.OutOfMemoryError|CUDA out of memory|torch\.cuda\.OutOfMemoryError/i;
var torchtune = {
  name: "torchtune",
  phase: "optimize",
  logFile: "run-torchtune.log",
  stateFile: "run-torchtune.state.json",
  submitAction: "SUBMIT_JOB",
  // cruijff_kit's finetune template: `nvidia-smi ... > ${OUTPUT_DIR}/gpu_metrics.csv`.
  gpuMetricsFile(_runDir, _job, output) {
    return output?.kind === "training" ? `${output.outputDir}/gpu_metrics.csv` : void 0;
  },
  async scaffold(experiment, exists) {
    const plan = { jobs: [], missing: [] };
    for (const run2 of experiment.runs) {
      if (run2.type !== "fine-tuned") continue;
      const config = joinPath(run2.name, CONVENTIONAL_CONFIG);
      const script = joinPath(run2.name, SCRIPT);
      const hasConfig = await exists(config);
      if (!await exists(script)) {
        plan.missing.push({ run: run2.name, display: run2.name, paths: hasConfig ? [script] : [config, script] });
        continue;
      }
      plan.jobs.push({
        key: script,
        display: run2.name,
        run: run2.name,
        dir: run2.name,
        script: SCRIPT,
        inputs: hasConfig ? [script, config] : [script]
      });
    }
    return plan;
  },
  async files(ctx) {
    return filesOf(await trainingSetup(ctx.read, ctx.runDir, ctx.job), ctx.job);
  },
  async outputs(ctx) {
    const setup = await trainingSetup(readerOf(ctx.transport), ctx.runDir, ctx.job);
    const root = outputDirOf(setup).value;
    const out = {};
    if (root === void 0) return out;
    for (const epoch of neededEpochs(ctx.experiment, ctx.job.run)) {
      const dir = `${root}/epoch_${epoch}`;
      const files = await weightFiles(ctx.transport, dir);
      if (!files) out[dir] = null;
      for (const f of files ?? []) out[f.path] = identityOf(f.stat);
    }
    return out;
  },
  async judge(ctx) {
    const setup = await trainingSetup(readerOf(ctx.transport), ctx.runDir, ctx.job);
    const root = outputDirOf(setup);
    if (root.value === void 0) return err({ why: `the checkpoint directory is not known: ${root.why}` });
    const outputDir = root.value;
    const chain = chainOf(ctx.history, setup);
    const checkpoints = {};
    const missing = [];
    const stale = [];
    for (const epoch of neededEpochs(ctx.experiment, ctx.job.run)) {
      const dir = `${outputDir}/epoch_${epoch}`;
      const found = await checkpointAt(ctx.transport, dir, epoch, ctx, chain);
      if (found === "missing") missing.push(dir);
      else if (found === "empty") missing.push(`${dir} (no weight files in it)`);
      else if (found.by === "other") stale.push(dir);
      else checkpoints[String(epoch)] = dir;
    }
    const losses = await readLosses(ctx.transport, outputDir, ctx.outputFile, ctx);
    const last = losses[losses.length - 1];
    const result = {
      kind: "training",
      outputDir,
      checkpoints,
      ...last ? { finalLoss: last.loss, totalSteps: last.step, lossCurve: thin(losses, 200) } : {}
    };
    if (ctx.state !== "COMPLETED" || ctx.exitCode !== void 0 && ctx.exitCode !== 0) {
      return err({ why: "torchtune did not finish: the job did not exit 0", result });
    }
    if (missing.length > 0) return err({ why: `checkpoint missing: ${missing.join(", ")}`, result, pending: true });
    if (stale.length > 0) {
      const how = ctx.before ? "its weight files are as they were then (size, mtime, inode)" : `older than the submission, ${ctx.since ?? "?"}`;
      const why = `checkpoint written before this attempt was submitted (${how}), so not by it: ${stale.join(", ")}`;
      return err({ why, result, pending: true });
    }
    return ok({ result });
  },
  async preflight(ctx) {
    const problems = [];
    for (const job of ctx.jobs) {
      const setup = await trainingSetup(readerOf(ctx.transport), ctx.runDir, job);
      if (!setup.script) continue;
      const files = filesOf(setup, job);
      const inv = setup.invocation;
      const config = setup.configWord?.raw ?? CONVENTIONAL_CONFIG;
      const usedBy = `${setup.script.file}${inv ? `:${inv.line}` : ""} runs torchtune with ${config}`;
      const checked = await missingReads(
        ctx.transport,
        files,
        (r) => r.kind === "training config" ? `${setup.script?.file ?? ""}:${r.line ?? "?"} names it: fix the path or create it before running` : `${usedBy}, which reads it: fix the path or create it before running`
      );
      problems.push(...checked.problems);
    }
    return problems;
  },
  async retry(ctx) {
    const setupOf = () => trainingSetup(readerOf(ctx.transport), ctx.runDir, ctx.job);
    const stopped = stoppedBy(ctx.state);
    if (stopped !== void 0) return resume(ctx, await setupOf(), stopped);
    let detectedVia;
    if (ctx.state === "OUT_OF_MEMORY") detectedVia = "slurm_state";
    else if (ctx.state === "FAILED" && ctx.outputTail && CUDA_OOM.test(ctx.outputTail.toString("utf8"))) {
      detectedVia = "cuda_log";
    }
    if (!detectedVia) return null;
    const retries = (ctx.history ?? []).filter((item) => !isResumeItem(item)).length;
    if (retries >= MAX_OOM_RETRIES) {
      return { retry: false, reason: `out of memory again after ${MAX_OOM_RETRIES} retries with smaller batches` };
    }
    const setup = await setupOf();
    const path = setup.configPath.value;
    const config = setup.configName;
    if (path === void 0)
      return { retry: false, reason: `out of memory, and its config is not a file here (${setup.configPath.why})` };
    for (const key2 of ["batch_size", "gradient_accumulation_steps"]) {
      const o = commandLineSets(setup, key2);
      if (o)
        return {
          retry: false,
          reason: `out of memory, and line ${o.word.line} of the script sets ${key2} on the command line: the retry edits only ${config}`
        };
    }
    const text = setup.text;
    if (text === void 0) {
      const why = setup.unreadable ? formatProblem(setup.unreadable) : `${config} is gone`;
      return { retry: false, reason: `out of memory, and ${why}` };
    }
    const batch = /^batch_size:[ \t]*(\d+)[ \t]*(#.*)?$/m.exec(text);
    if (!batch?.[1]) {
      return { retry: false, reason: `out of memory, and ${config} has no top-level batch_size to reduce` };
    }
    const oldBatch = Number(batch[1]);
    if (oldBatch <= 1) return { retry: false, reason: "out of memory with batch_size already 1" };
    const ga = /^gradient_accumulation_steps:[ \t]*(\d+)[ \t]*(#.*)?$/m.exec(text);
    const oldGa = ga?.[1] ? Number(ga[1]) : 1;
    const newBatch = Math.max(1, Math.floor(oldBatch / 2));
    const newGa = oldGa * 2;
    const edited = setTopLevel(setTopLevel(text, "batch_size", newBatch), "gradient_accumulation_steps", newGa);
    await ctx.transport.writeFileAtomic(path, edited);
    return {
      retry: true,
      detectedVia,
      settings: { batch_size: newBatch, gradient_accumulation_steps: newGa },
      edited: [path],
      description: `batch_size ${oldBatch} -> ${newBatch}, gradient_accumulation_steps ${oldGa} -> ${newGa} (attempt ${retries + 1}/${MAX_OOM_RETRIES}); ${config} updated`
    };
  }
};
function filesOf(setup, job) {
  const files = new JobFilesBuilder(setup.script);
  if (!setup.script) {
    files.note(joinPath(job.dir, job.script), { line: 1 }, "the job script cannot be read");
    return files.done();
  }
  trainingFiles(setup, files);
  files.sbatchWrites();
  return files.done();
}
function neededEpochs(experiment, run2) {
  const evaluated = experiment.cells.filter((c) => c.run === run2 && c.epoch !== null).map((c) => c.epoch);
  if (evaluated.length > 0) return [...new Set(evaluated)].sort((a, b) => a - b);
  const epochs = experiment.runs.find((r) => r.name === run2)?.epochs;
  return [epochs !== void 0 ? epochs - 1 : 0];
}
var MAX_POINTS = 2e4;
async function readLosses(transport, outputDir, outputFile, attempt) {
  const logDir = `${outputDir}/logs`;
  const candidates = [];
  for (const e of await transport.list(logDir) ?? []) {
    if (e.isDirectory || !/^log_.*\.txt$/.test(e.name)) continue;
    const path = `${logDir}/${e.name}`;
    const st = await transport.stat(path);
    if (st && writtenByAttempt(attempt, path, st)) candidates.push({ path, mtime: st.mtimeMs });
  }
  const newest = candidates.sort((a, b) => b.mtime - a.mtime)[0];
  if (newest) {
    const points2 = new Curve();
    await scanLines(transport, newest.path, (line) => {
      const m = /^Step (\d+) \| loss:([^ ]+)/.exec(line);
      if (m) points2.add({ step: Number(m[1]), loss: Number(m[2]) });
    });
    if (points2.length > 0) return points2.list();
  }
  if (!outputFile) return [];
  const points = new Curve();
  await scanLines(transport, outputFile, (line) => {
    for (const m of line.matchAll(/(\d+)\|(\d+)\|Loss: ([0-9.eE+-]+)/g)) {
      points.add({ epoch: Number(m[1]), step: Number(m[2]), loss: Number(m[3]) });
    }
  });
  return points.list();
}
var Curve = class {
  points = [];
  get length() {
    return this.points.length;
  }
  add(p) {
    if (!Number.isFinite(p.loss) || !Number.isFinite(p.step)) return;
    const last = this.points[this.points.length - 1];
    if (last && last.step === p.step) {
      last.loss = p.loss;
      return;
    }
    this.points.push(p);
    const n = this.points.length;
    if (n > MAX_POINTS) this.points = this.points.filter((_, i) => i % 2 === 0 || i === n - 1);
  }
  list() {
    return this.points;
  }
};
function thin(points, max) {
  if (points.length <= max) return points;
  const stride = points.length / max;
  const out = [];
  for (let i = 0; i < max; i++) {
    const p = points[Math.floor(i * stride)];
    if (p !== void 0) out.push(p);
  }
  const last = points[points.length - 1];
  if (last !== void 0) out[out.length - 1] = last;
  return out;
}

// src/tools/index.ts
var modules = /* @__PURE__ */ new Map();
function registerTool(module) {
  for (const name of [module.name, ...module.aliases ?? []]) modules.set(key(module.phase, name), module);
}
function toolFor(phase, name) {
  return modules.get(key(phase, name));
}
function toolNames(phase) {
  return [...modules.keys()].filter((k) => k.startsWith(`${phase}:`)).map((k) => k.slice(phase.length + 1));
}
var DEFAULT_TOOLS = { optimize: "torchtune", evaluate: "inspect-ai" };
function loaderToolNames() {
  return {
    preparation: { accepted: toolNames("optimize"), default: DEFAULT_TOOLS.optimize },
    evaluation: { accepted: toolNames("evaluate"), default: DEFAULT_TOOLS.evaluate }
  };
}
function key(phase, name) {
  return `${phase}:${name}`;
}
registerTool(torchtune);
registerTool(inspect);

// src/pipeline/files.ts
async function experimentFiles(runDir, phases, read) {
  const files = /* @__PURE__ */ new Map();
  for (const [tool, jobs] of phases) {
    if (!tool.files) continue;
    for (const job of jobs) files.set(job.key, await tool.files({ runDir, job, read }));
  }
  return files;
}
function inputsOf(files) {
  return (job) => [
    ...job.inputs,
    ...files.get(job.key)?.reads.filter((r) => r.trigger).map((r) => r.path) ?? []
  ];
}
function writtenPlaces(files) {
  return [...new Set([...files.values()].flatMap((f) => f.writes.map((w) => w.path)))];
}
function unresolvedLines(files) {
  const lines = [...files.values()].flatMap((f) => f.unresolved.map((u) => `${u.file}:${u.line}: ${u.text} (${u.why})`));
  return [...new Set(lines)];
}
async function experimentsReading(changed, candidates, caps) {
  const hits = [];
  for (const dir of candidates) {
    const summary = `${dir}/experiment_summary.yaml`;
    const size = statSync2(summary, { throwIfNoEntry: false })?.size;
    if (size === void 0 || size > caps.maxSummaryBytes) continue;
    const loaded = loadExperiment(readFileSync(summary, "utf8"), summary, summary, loaderToolNames(), caps);
    const experiment = loaded.experiment;
    if (!experiment) continue;
    const exists = (rel) => Promise.resolve(existsSync(`${dir}/${rel}`));
    const phases = [];
    for (const [phase, name] of [
      ["optimize", experiment.tools.preparation],
      ["evaluate", experiment.tools.evaluation]
    ]) {
      const tool = toolFor(phase, name);
      if (tool) phases.push([tool, (await tool.scaffold(experiment, exists)).jobs]);
    }
    const files = await experimentFiles(dir, phases, readerOf(new LocalTransport()));
    const reads = [...files.values()].flatMap((f) => f.reads.map((r) => resolve2(r.path)));
    if (changed.some((file) => reads.some((r) => isWithin(r, resolve2(file))))) hits.push(dir);
  }
  return ok(hits);
}
function writtenIn(root, jobs, files, outputPatterns) {
  const read = [
    ...jobs.map((j) => resolve2(root, j.dir)),
    ...[...files.values()].flatMap((f) => f.reads.map((r) => r.path))
  ];
  const places = writtenPlaces(files).filter((place) => !read.some((path) => isWithin(place, path)));
  return (rel) => {
    const path = resolve2(root, rel);
    return places.some((place) => isWithin(place, path)) || outputPatterns.some((p) => p.test(path));
  };
}

// src/engine/lock.ts
import { readFileSync as readFileSync2 } from "node:fs";
import { hostname } from "node:os";
var HolderSchema = external_exports.object({
  host: external_exports.string(),
  pid: external_exports.number(),
  started: external_exports.string(),
  heartbeat: external_exports.string(),
  run: external_exports.string().optional(),
  /** The holder process's start time, clock ticks since boot (field 22 of /proc/PID/stat). */
  pid_start: external_exports.string().optional(),
  /** /proc/sys/kernel/random/boot_id of the holder's machine. */
  boot_id: external_exports.string().optional()
});
var EMPTY_GRACE_MS = 1e4;
async function acquireLock(transport, path, options2) {
  const now = (/* @__PURE__ */ new Date()).toISOString();
  const self = processIdentity(process.pid);
  const bootId = readBootId();
  const me = {
    host: hostname(),
    pid: process.pid,
    started: now,
    heartbeat: now,
    ...options2.run ? { run: options2.run } : {},
    ...self && self !== "unknown" ? { pid_start: self.start } : {},
    ...bootId ? { boot_id: bootId } : {}
  };
  const emptyGrace = options2.emptyGraceMs ?? EMPTY_GRACE_MS;
  let tookOver;
  for (let tries = 0; tries < 3; tries++) {
    if (await transport.createExclusive(path, `${JSON.stringify(me)}
`)) {
      return ok(makeLock(transport, path, me, tookOver));
    }
    const read = await readHolder(transport, path, emptyGrace);
    if (read.kind === "gone") continue;
    if (read.kind === "being-written") {
      return err({
        file: path,
        message: `another run-experiment is taking this experiment's lock right now (the lock file is being written)`,
        hint: "re-run when it has finished"
      });
    }
    const holder = read.kind === "holder" ? read.holder : void 0;
    const staleWhy = holder ? staleReason(holder, read.kind === "holder" ? read.writtenMs : NaN, options2.staleAfterMs) : `its content stayed ${read.kind === "unreadable" ? read.what : "unreadable"} for ${Math.round(emptyGrace / 1e3)} s: its creator died while writing it`;
    if (!staleWhy && holder) {
      return err({
        file: path,
        message: `another run-experiment is already running this experiment: pid ${holder.pid} on ${holder.host}${holder.run ? ` (workflow run ${holder.run})` : ""}, started ${holder.started}, last seen ${holder.heartbeat}`,
        hint: "wait for it to finish; if it is gone, the lock becomes stale after its heartbeat stops, or remove the file"
      });
    }
    const who = holder ? ` held by pid ${holder.pid} on ${holder.host} since ${holder.started}` : "";
    tookOver = `took over a stale lock (${staleWhy})${who}`;
    await transport.remove(path);
  }
  return err({
    file: path,
    message: "could not take the experiment lock: it keeps being re-created by another process"
  });
}
async function readHolder(transport, path, graceMs) {
  const giveUp = Date.now() + 2 * graceMs;
  for (let wait = 50; ; wait = Math.min(wait * 2, 1e3)) {
    const bytes = await transport.readFile(path);
    if (bytes === null) return { kind: "gone" };
    const text = bytes.toString("utf8");
    const holder = parseHolder(text);
    const st = await transport.stat(path);
    if (holder) return { kind: "holder", holder, writtenMs: st?.mtimeMs ?? NaN };
    if (!st) return { kind: "gone" };
    if (Date.now() - st.mtimeMs >= graceMs)
      return { kind: "unreadable", what: text.trim() === "" ? "empty" : "unreadable" };
    if (Date.now() > giveUp) return { kind: "being-written" };
    await new Promise((r) => setTimeout(r, wait));
  }
}
function makeLock(transport, path, me, tookOver) {
  return {
    ...tookOver ? { tookOver } : {},
    async heartbeat() {
      me.heartbeat = (/* @__PURE__ */ new Date()).toISOString();
      await transport.writeFileAtomic(path, `${JSON.stringify(me)}
`);
    },
    async release() {
      const bytes = await transport.readFile(path);
      const holder = bytes ? parseHolder(bytes.toString("utf8")) : null;
      if (holder && holder.pid === me.pid && holder.host === me.host && holder.started === me.started)
        await transport.remove(path);
    }
  };
}
function parseHolder(text) {
  try {
    const parsed = HolderSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
function staleReason(holder, writtenMs, staleAfterMs) {
  if (holder.host === hostname()) {
    const gone = holderGone(holder);
    if (gone) return gone;
  }
  const beat = Date.parse(holder.heartbeat);
  const age = Date.now() - (Number.isFinite(writtenMs) && !(beat <= writtenMs) ? writtenMs : beat);
  if (Number.isFinite(age) && age > staleAfterMs) return `no heartbeat for ${Math.round(age / 1e3)} s`;
  return null;
}
function holderGone(holder) {
  const bootId = readBootId();
  if (holder.boot_id && bootId && holder.boot_id !== bootId) return "the machine has restarted since it was taken";
  const proc = processIdentity(holder.pid);
  if (proc === null) return `process ${holder.pid} no longer exists`;
  if (proc === "unknown") return null;
  if (proc.zombie) return `process ${holder.pid} has ended (a zombie not yet reaped)`;
  if (holder.pid_start && proc.start !== holder.pid_start)
    return `process ${holder.pid} has ended (its pid now belongs to another process)`;
  return null;
}
function processIdentity(pid) {
  let text;
  try {
    text = readFileSync2(`/proc/${pid}/stat`, "utf8");
  } catch (e) {
    if (e.code !== "ENOENT") return pidAlive(pid) ? "unknown" : null;
    try {
      readFileSync2("/proc/self/stat");
    } catch {
      return pidAlive(pid) ? "unknown" : null;
    }
    return null;
  }
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const state = fields[0] ?? "";
  return { start: fields[19] ?? "", zombie: state === "Z" || state === "X" || state === "x" };
}
function readBootId() {
  try {
    return readFileSync2("/proc/sys/kernel/random/boot_id", "utf8").trim() || void 0;
  } catch {
    return void 0;
  }
}
function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === "EPERM";
  }
}

// src/engine/cruijff-state.ts
var SHARED_DIR = "logs";
var DETACH_SENTINEL = `${SHARED_DIR}/.detach`;
var sharedPath = (runDir, file) => `${runDir}/${SHARED_DIR}/${file}`;
var legacyPath = (runDir, file) => `${runDir}/${file}`;
var CruijffEntrySchema = external_exports.looseObject({
  job_id: external_exports.union([external_exports.string(), external_exports.number()]).nullable(),
  submitted_at: external_exports.string(),
  state: external_exports.string(),
  error: external_exports.string().optional(),
  /** Items of any shape: cruijff_kit's own issue plans strategy names besides settings. */
  retry_history: external_exports.array(external_exports.unknown()).optional(),
  oom_detected_via: external_exports.string().optional(),
  oom_exhausted_logged: external_exports.boolean().optional(),
  /** Written by this action only: the submission time as an ISO instant. */
  submitted_iso: external_exports.string().optional()
});
function keyed(from = []) {
  const out = /* @__PURE__ */ Object.create(null);
  for (const [key2, value] of from) out[key2] = value;
  return out;
}
function parseStateFile(text) {
  let data;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return err(`not valid JSON (${messageOf(e)})`);
  }
  if (deeperThan(data, MAX_DEPTH)) return err(`nested more than ${MAX_DEPTH} levels deep (entries nest a few)`);
  const parsed = external_exports.record(external_exports.string(), CruijffEntrySchema).safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return err(`unexpected shape at ${issue?.path.join(".") || "the top"}: ${issue?.message ?? ""}`);
  }
  return ok(
    keyed(
      Object.entries(parsed.data).map(([key2, entry]) => [
        key2,
        { ...entry, job_id: entry.job_id === null ? null : String(entry.job_id) }
      ])
    )
  );
}
function deeperThan(value, limit) {
  const todo = [{ v: value, depth: 0 }];
  for (let next = todo.pop(); next; next = todo.pop()) {
    if (next.v === null || typeof next.v !== "object") continue;
    if (next.depth >= limit) return true;
    for (const child of Object.values(next.v)) todo.push({ v: child, depth: next.depth + 1 });
  }
  return false;
}
function formatStateFile(entries) {
  const sorted = keyed(
    Object.keys(entries).sort().map((key2) => [key2, sortKeys(entries[key2])])
  );
  return `${JSON.stringify(sorted, null, 2)}
`;
}
function sortKeys(v) {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v === null || typeof v !== "object") return v;
  return keyed(
    Object.keys(v).sort().map((k) => [k, sortKeys(v[k])])
  );
}
function localTimestamp(at, offsetMinutes) {
  const d = new Date(at.getTime() + offsetMinutes * 6e4);
  const p = (n) => String(n).padStart(2, "0");
  const day = `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}`;
  return `${day} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}
function parseLocalTimestamp(text, offsetMinutes) {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/.exec(text.trim());
  if (!m) return void 0;
  const [, y, mo, d, h, mi, s] = m.map(Number);
  const ms = Date.UTC(y, mo - 1, d, h, mi, s) - offsetMinutes * 6e4;
  return Number.isNaN(ms) ? void 0 : new Date(ms);
}
function parseUtcOffset(text) {
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(text.trim());
  if (!m) return void 0;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === "-" ? -minutes : minutes;
}
function submittedAt(entry, offsetMinutes) {
  if (entry.submitted_iso) {
    const t = Date.parse(entry.submitted_iso);
    if (!Number.isNaN(t)) return new Date(t);
  }
  return parseLocalTimestamp(entry.submitted_at, offsetMinutes);
}
function mergeStates(sources, offsetMinutes) {
  const entries = keyed();
  const origin = /* @__PURE__ */ new Map();
  const time = (e) => submittedAt(e, offsetMinutes)?.getTime() ?? Number.NEGATIVE_INFINITY;
  for (const source of sources) {
    for (const [key2, entry] of Object.entries(source.entries)) {
      const held = entries[key2];
      if (held && time(held) >= time(entry)) continue;
      entries[key2] = entry;
      origin.set(key2, source.label);
    }
  }
  return { entries, origin };
}

// src/engine/storage.ts
var STORAGE_CODES = {
  ENOSPC: "no space left on the device",
  EDQUOT: "the disk quota is exceeded",
  EROFS: "the file system is read-only",
  EIO: "an input/output error",
  EACCES: "permission denied",
  EPERM: "operation not permitted"
};
var STORAGE_WORDS = [
  [/no space left on device/i, "ENOSPC"],
  [/quota exceeded/i, "EDQUOT"],
  [/read-only file system/i, "EROFS"],
  [/input\/output error/i, "EIO"],
  [/permission denied/i, "EACCES"]
];
function storageProblem(e) {
  if (!(e instanceof Error)) return void 0;
  const x = e;
  const code = x.code && x.code in STORAGE_CODES ? x.code : STORAGE_WORDS.find(([re]) => re.test(e.message))?.[1];
  if (!code) return void 0;
  const what = STORAGE_CODES[code] ?? code;
  return {
    ...x.path ? { file: x.path } : {},
    message: `cannot write the run's files: ${what} (${code})`,
    hint: "free space or make the run directory writable, then re-run: finished jobs are not run again and running ones are re-attached"
  };
}
async function guardStorage(f) {
  try {
    return ok(await f());
  } catch (e) {
    const problem = storageProblem(e);
    if (!problem) throw e;
    return err(problem);
  }
}

// src/engine/log.ts
function timestamp(date = /* @__PURE__ */ new Date()) {
  return localTimestamp(date, -date.getTimezoneOffset());
}
function formatBlock(block, date = /* @__PURE__ */ new Date()) {
  const flat = (s) => s.replace(/\s*\n\s*/g, " | ").trimEnd();
  const out = [`[${timestamp(date)}] ${block.action}${block.description ? `: ${flat(block.description)}` : ""}`];
  if (block.details !== void 0) out.push(`Details: ${flat(block.details)}`);
  for (const line of block.lines ?? []) out.push(flat(line));
  if (block.result !== void 0) out.push(`Result: ${flat(block.result)}`);
  return out.join("\n");
}
var LogFile = class {
  constructor(transport, path, clock = () => /* @__PURE__ */ new Date()) {
    this.transport = transport;
    this.path = path;
    this.clock = clock;
  }
  transport;
  path;
  clock;
  /** Why a block could not be written, the first time it happened. */
  refused;
  async write(block) {
    try {
      await this.transport.appendFile(this.path, `${formatBlock(block, this.clock())}

`);
    } catch (e) {
      const problem = storageProblem(e);
      if (!problem) throw e;
      this.refused ??= { ...problem, file: this.path };
    }
  }
};
function formatDuration(ms) {
  const s = Math.max(0, Math.round(ms / 1e3));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, "0")}m`;
}

// src/engine/seal.ts
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
var KEYS_DIR = ".keys";
var Sealer = class _Sealer {
  constructor(key2, runDir) {
    this.key = key2;
    this.runDir = runDir;
  }
  key;
  runDir;
  /** The run directory's secret, created (mode 0600) the first time. Call it under the run directory's lock. */
  static async open(transport, runRoot, runDir) {
    const id = createHash("sha256").update(runDir).digest("hex").slice(0, 32);
    const path = `${runRoot}/${KEYS_DIR}/${id}.key`;
    const text = (await transport.readFile(path))?.toString("utf8").trim();
    if (text === void 0) {
      const key2 = randomBytes(32);
      await transport.writeFileAtomic(path, `${key2.toString("hex")}
`, { mode: 384 });
      return ok(new _Sealer(key2, runDir));
    }
    if (!/^[0-9a-f]{64}$/.test(text)) {
      return err({
        file: path,
        message: `the secret of run directory ${runDir} is malformed`,
        hint: "restore it from a backup; removing it makes every record of this run directory foreign (finished jobs run again)"
      });
    }
    return ok(new _Sealer(Buffer.from(text, "hex"), runDir));
  }
  /** A key for tests: seals made with it verify only with it. */
  static forTests(runDir, key2 = randomBytes(32)) {
    return new _Sealer(key2, runDir);
  }
  /** The seal of a record: what kind it is, and its parts, bound to this run directory. */
  seal(kind, ...parts) {
    const mac = createHmac("sha256", this.key);
    for (const p of [kind, this.runDir, ...parts]) mac.update(`${Buffer.byteLength(p)}:${p};`);
    return mac.digest("hex").slice(0, 32);
  }
  verify(seal, kind, ...parts) {
    if (typeof seal !== "string" || !/^[0-9a-f]{32}$/.test(seal)) return false;
    return timingSafeEqual(Buffer.from(seal, "hex"), Buffer.from(this.seal(kind, ...parts), "hex"));
  }
};

// src/pipeline/prepare.ts
import { existsSync as existsSync3, readFileSync as readFileSync3, statSync as statSync3 } from "node:fs";
import { relative as relative3 } from "node:path";

// src/engine/confine.ts
var ConfinedTransport = class {
  constructor(inner, roots, allowed = []) {
    this.inner = inner;
    this.allowed = allowed;
    this.roots = [...roots];
  }
  inner;
  allowed;
  /** Real paths of the roots, resolved once (a root that does not exist yet is taken as written). */
  realRoots;
  verdicts = /* @__PURE__ */ new Map();
  roots;
  get description() {
    return this.inner.description;
  }
  /** More paths the jobs' scripts name (their outputs may be read). */
  allow(paths) {
    const fresh = paths.filter((p) => !this.roots.includes(p));
    if (fresh.length === 0) return;
    this.roots.push(...fresh);
    this.realRoots = void 0;
    this.verdicts.clear();
  }
  /** Whether the content at `path` may be read (false also when it does not exist). */
  permits(path) {
    let verdict = this.verdicts.get(path);
    if (!verdict) {
      verdict = this.check(path);
      this.verdicts.set(path, verdict);
    }
    return verdict;
  }
  async check(path) {
    const real = await this.inner.realpath(path);
    if (real === null) return false;
    this.realRoots ??= Promise.all(this.roots.map(async (r) => await this.inner.realpath(r) ?? r));
    const roots = await this.realRoots;
    const inRoots = roots.some((r) => isWithin(r, real));
    return inRoots && (this.allowed.length === 0 || this.allowed.some((a) => isWithin(a, real)));
  }
  async readFile(path) {
    return await this.permits(path) ? this.inner.readFile(path) : null;
  }
  async readRange(path, start, length) {
    return await this.permits(path) ? this.inner.readRange(path, start, length) : null;
  }
  exec(argv, options2) {
    return this.inner.exec(argv, options2);
  }
  writeFileAtomic(path, data, options2) {
    return this.inner.writeFileAtomic(path, data, options2);
  }
  appendFile(path, data) {
    return this.inner.appendFile(path, data);
  }
  createExclusive(path, data) {
    return this.inner.createExclusive(path, data);
  }
  stat(path) {
    return this.inner.stat(path);
  }
  realpath(path) {
    return this.inner.realpath(path);
  }
  list(path) {
    return this.inner.list(path);
  }
  mkdirp(path) {
    return this.inner.mkdirp(path);
  }
  remove(path) {
    return this.inner.remove(path);
  }
  close() {
    return this.inner.close();
  }
};

// src/report/private.ts
import { existsSync as existsSync2 } from "node:fs";
import { dirname as dirname2, isAbsolute as isAbsolute2, join as join2, relative as relative2, resolve as resolve3, sep as sep2 } from "node:path";
var PRIVATE_MARKER = ".ck-private";
function isPrivateExperiment(dir, stopAt) {
  const root = resolve3(stopAt);
  const inside = (d) => {
    const rel = relative2(root, d);
    return rel !== ".." && !rel.startsWith(`..${sep2}`) && !isAbsolute2(rel);
  };
  const bounded = inside(resolve3(dir));
  for (let d = resolve3(dir); ; d = dirname2(d)) {
    if (existsSync2(join2(d, PRIVATE_MARKER))) return true;
    if (bounded && d === root || dirname2(d) === d) return false;
  }
}
var PRIVATE_NOTE = "\u{1F512} Private experiment (`.ck-private`): job outputs, error text and `.eval` logs stay in the run directory.";
function failureText(o, isPrivate) {
  if (!isPrivate) return o.error ?? o.state;
  return `${o.state}${o.exitCode !== void 0 ? ` (exit ${o.exitCode})` : ""}`;
}
function skipText(s, isPrivate) {
  return isPrivate ? `the training of ${s.run} did not succeed` : s.reason;
}

// src/pipeline/prepare.ts
async function prepare(c, draft, log) {
  const shown = (path) => path.startsWith(`${c.workspace}/`) ? relative3(c.workspace, path) : path;
  const summaryPath = `${c.expDir}/experiment_summary.yaml`;
  if (!existsSync3(summaryPath) || !statSync3(summaryPath).isFile()) {
    const message = `no experiment_summary.yaml in ${c.expDir}`;
    const hint = "run the design-experiment step first to create it; nothing was submitted";
    return err({
      status: "invalid",
      verdict: "no experiment_summary.yaml",
      errors: [{ file: shown(summaryPath), message, hint }]
    });
  }
  const s = c.settings;
  await log.write({
    action: "DISCOVER_EXPERIMENT",
    description: shown(c.expDir),
    details: `summary ${summaryPath}; phases=${s.phases}; executor=${s.executor}` + (s.ssh ? `; via ssh ${s.ssh.user}@${s.ssh.host}:${s.ssh.port}` : ""),
    result: "found"
  });
  const caps = { maxSummaryBytes: s.maxSummaryBytes, maxCells: s.maxCells };
  const bytes = statSync3(summaryPath).size;
  const loaded = bytes > caps.maxSummaryBytes ? { errors: [oversize(shown(summaryPath), summaryYaml(caps.maxSummaryBytes), bytes)], warnings: [] } : loadExperiment(readFileSync3(summaryPath, "utf8"), summaryPath, shown(summaryPath), loaderToolNames(), caps);
  draft.warnings.push(...loaded.warnings);
  if (!loaded.experiment) {
    const verdict = `${loaded.errors.length} problem(s) in experiment_summary.yaml`;
    await log.write({
      action: "VALIDATE_EXPERIMENT",
      description: shown(summaryPath),
      details: loaded.errors.map(formatProblem).join("\n"),
      result: `invalid: ${loaded.errors.length} problem(s); nothing submitted`
    });
    return err({ status: "invalid", verdict, errors: loaded.errors, log });
  }
  const experiment = loaded.experiment;
  draft.experiment = experiment;
  draft.private = isPrivateExperiment(c.expDir, c.workspace);
  draft.experimentName = experiment.name;
  const root = await resolveRunRoot(c.transport, s.runRoot, c.workspace, c.remote);
  if (!root.ok) {
    await log.write({
      action: "ERROR",
      description: "run-root",
      details: root.error.message,
      result: "nothing submitted"
    });
    return err({ status: "invalid", verdict: "run-root cannot be used", errors: [root.error], log });
  }
  const choice = chooseRunDir({
    expDir: c.expDir,
    workspace: c.workspace,
    declaredDir: experiment.declaredDir,
    remoteRunDir: c.remoteRunDir,
    remote: c.remote,
    runRoot: root.value,
    repository: c.io.env["GITHUB_REPOSITORY"] ?? "",
    ref: refKey(c.io.env, c.commentTarget?.issueNumber)
  });
  const runDir = choice.runDir;
  if (choice.warning) draft.warnings.push({ file: shown(summaryPath), ...choice.warning });
  const outside = s.allowedRoots.length > 0 && !s.allowedRoots.some((r) => isWithin(r, runDir));
  if (outside) {
    const e = {
      field: "allowed-roots",
      message: `the run directory ${runDir} (${choice.how}) is not under any of allowed-roots: ` + s.allowedRoots.join(", ")
    };
    await log.write({ action: "ERROR", description: "run directory", details: e.message, result: "nothing submitted" });
    return err({ status: "invalid", verdict: "the run directory is outside allowed-roots", errors: [e], log });
  }
  draft.runDir = runDir;
  const fineTuned = experiment.runs.filter((r) => r.type === "fine-tuned").length;
  await log.write({
    action: "VALIDATE_EXPERIMENT",
    description: experiment.name,
    details: `${experiment.runs.length} runs (${fineTuned} fine-tuned), ${experiment.tasks.length} tasks, ${experiment.cells.length} evaluation cells; run directory ${runDir} (${choice.how})`,
    result: "valid"
  });
  const optimizer = toolFor("optimize", experiment.tools.preparation);
  const evaluator = toolFor("evaluate", experiment.tools.evaluation);
  if (!optimizer || !evaluator) {
    const message = `no module for tools ${experiment.tools.preparation} / ${experiment.tools.evaluation}`;
    return err({ status: "invalid", verdict: message, errors: [{ field: "tools", message }], log });
  }
  const gates = bindGates(s.require, experiment);
  if (!gates.ok) {
    await log.write({
      action: "VALIDATE_REQUIRE",
      details: gates.error.map(formatProblem).join("\n"),
      result: `invalid: ${gates.error.length} condition(s) name what the experiment does not have; nothing submitted`
    });
    return err({
      status: "invalid",
      verdict: "the require input does not fit this experiment",
      errors: gates.error,
      log
    });
  }
  draft.nextSteps = [...optimizer.nextSteps?.(runDir) ?? [], ...evaluator.nextSteps?.(runDir) ?? []];
  await log.write({
    action: "READ_TOOLS",
    details: `preparation=${optimizer.name} -> optimizer module, evaluation=${evaluator.name} -> evaluator module` + (experiment.tools.defaulted ? " (defaulted: tools section missing)" : ""),
    result: "modules selected"
  });
  const exists = (rel) => Promise.resolve(existsSync3(`${c.expDir}/${rel}`));
  const training = await optimizer.scaffold(experiment, exists);
  const evaluation = await evaluator.scaffold(experiment, exists);
  const listed = (plan) => plan.missing.map((m) => `${m.display}: ${m.paths.join(", ")}`).join("; ");
  if (training.missing.length > 0 && s.phases !== "evaluate") {
    const errors = training.missing.map((m) => ({
      file: shown(summaryPath),
      field: `runs.${m.run}`,
      message: `fine-tuning scaffolding missing for run ${m.run}: ${m.paths.join(", ")}`,
      hint: "run the scaffold-experiment step"
    }));
    await log.write({
      action: "VERIFY_SCAFFOLD",
      details: `missing training files: ${listed(training)}`,
      result: "incomplete: nothing submitted"
    });
    return err({ status: "invalid", verdict: "fine-tuning job scripts are missing", errors, log });
  }
  const jobs = (s.phases !== "evaluate" ? training.jobs.length : 0) + (s.phases !== "optimize" ? evaluation.jobs.length : 0);
  if (jobs > s.maxJobs) {
    const e = {
      file: shown(summaryPath),
      field: "runs",
      message: `the experiment would submit ${jobs} jobs (${training.jobs.length} fine-tuning, ${evaluation.jobs.length} evaluation), more than max-jobs (${s.maxJobs})`,
      hint: "raise the max-jobs input if this is intended, or split the experiment"
    };
    await log.write({ action: "ERROR", description: "max-jobs", details: e.message, result: "nothing submitted" });
    return err({ status: "invalid", verdict: "too many jobs for one experiment", errors: [e], log });
  }
  if (evaluation.missing.length > 0 && s.phases !== "optimize") {
    draft.warnings.push({
      file: shown(summaryPath),
      field: "evaluation.matrix",
      message: `evaluation scaffolding missing, these cells are skipped: ${listed(evaluation)}`,
      hint: "run the scaffold-experiment step, then re-run: finished jobs are not repeated"
    });
  }
  await log.write({
    action: "VERIFY_SCAFFOLD",
    details: `${training.jobs.length} fine-tuning scripts, ${evaluation.jobs.length} evaluation scripts` + (evaluation.missing.length ? `; missing: ${listed(evaluation)}` : ""),
    result: evaluation.missing.length ? `incomplete: ${evaluation.missing.length} evaluation cell(s) skipped` : "complete"
  });
  await logWarnings(log, draft.warnings);
  const reads = new ConfinedTransport(c.transport, [runDir], s.allowedRoots);
  return ok({
    experiment,
    runDir,
    runRoot: root.value,
    reads,
    optimizer,
    evaluator,
    training,
    evaluation,
    gates: gates.value
  });
}
async function logWarnings(log, warnings) {
  if (warnings.length === 0) return;
  await log.write({
    action: "WARNING",
    description: `${warnings.length} warning(s) about the experiment`,
    lines: warnings.map(formatProblem),
    result: "continuing"
  });
}

// src/pipeline/phases.ts
import { createHash as createHash5 } from "node:crypto";

// src/cluster/stage.ts
import { promises as fs } from "node:fs";
async function stageFiles(sourceDir, runDir, transport, policy) {
  const report = { copied: [], updated: [], unchanged: 0, conflicts: [] };
  for (const rel of await walk(sourceDir, policy)) {
    const data = await fs.readFile(`${sourceDir}/${rel}`);
    const existing = await transport.readFile(`${runDir}/${rel}`);
    if (existing?.equals(data)) {
      report.unchanged++;
      continue;
    }
    const decision = policy.decide(rel, data, existing);
    if (decision === "keep") {
      report.unchanged++;
      continue;
    }
    if (decision !== "copy") {
      report.conflicts.push({ path: rel, reason: decision.conflict });
      continue;
    }
    const mode = (await fs.stat(`${sourceDir}/${rel}`)).mode & 511;
    await transport.writeFileAtomic(`${runDir}/${rel}`, data, { mode });
    (existing ? report.updated : report.copied).push(rel);
  }
  return report;
}
async function walk(root, policy, prefix = "") {
  const out = [];
  const entries = await fs.readdir(`${root}/${prefix}`, { withFileTypes: true });
  for (const e of entries.sort((a, b) => a.name < b.name ? -1 : 1)) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (policy.skip(rel)) continue;
    if (e.isDirectory()) out.push(...await walk(root, policy, rel));
    else if (e.isFile()) out.push(rel);
  }
  return out;
}

// src/engine/eligible.ts
function gateEvaluations(evalJobs, training) {
  const runnable = [];
  const skipped = [];
  for (const job of evalJobs) {
    const cell = job.cell;
    if (!cell) continue;
    const t = cell.epoch === null ? void 0 : training.get(cell.run);
    if (cell.epoch === null || t?.ok) runnable.push(job);
    else {
      const reason = t ? t.error : `training of ${cell.run} did not run`;
      skipped.push({ display: job.display, run: cell.run, task: cell.task, epoch: cell.epoch, reason });
    }
  }
  return { runnable, skipped };
}
function trainingFromOutcomes(outcomes) {
  const m = /* @__PURE__ */ new Map();
  for (const o of outcomes) {
    if (o.result === "succeeded") m.set(o.job.run, ok(true));
    else if (o.result === "detached") m.set(o.job.run, err(`training of ${o.job.run} is still running`));
    else m.set(o.job.run, err(`training of ${o.job.run} failed: ${o.error ?? o.state}`));
  }
  return m;
}
async function trainingFromCheckpoints(optimizer, jobs, experiment, transport, runDir) {
  const verdicts = /* @__PURE__ */ new Map();
  const outcomes = [];
  for (const job of jobs) {
    const j = await optimizer.judge({ transport, runDir, experiment, job, state: "COMPLETED" });
    verdicts.set(job.run, j.ok ? ok(true) : err(`no usable checkpoint for ${job.run}: ${j.error.why}`));
    const output = j.ok ? j.value.result : j.error.result;
    outcomes.push({
      job,
      result: j.ok ? "succeeded" : "failed",
      resolution: "already-succeeded",
      state: j.ok ? "COMPLETED" : "MISSING",
      jobId: null,
      attempt: 0,
      ...output ? { output } : {},
      ...j.ok ? {} : { error: j.error.why }
    });
  }
  return { verdicts, outcomes };
}

// src/engine/outcome.ts
import { createHash as createHash2 } from "node:crypto";
function outcomeOf(job, entry, result, resolution, output) {
  return {
    job,
    result,
    resolution,
    state: entry?.state ?? "NOT_SUBMITTED",
    jobId: entry?.job_id ?? null,
    attempt: entry?.attempt ?? 1,
    ...entry?.exit_code !== void 0 ? { exitCode: entry.exit_code } : {},
    ...entry?.submitted_iso ? { submittedIso: entry.submitted_iso } : {},
    ...entry?.started_iso ? { startedIso: entry.started_iso } : {},
    ...entry?.ended_iso ? { endedIso: entry.ended_iso } : {},
    ...entry?.error ? { error: entry.error } : {},
    ...entry?.output_file ? { outputFile: entry.output_file } : {},
    ...settingsOf(entry?.retry_history).length ? { retries: settingsOf(entry?.retry_history) } : {},
    ...entry?.history?.length ? { earlier: entry.history } : {},
    ...output ? { output } : {}
  };
}
function settingsOf(history) {
  return (history ?? []).filter(
    (item) => typeof item === "object" && item !== null && !Array.isArray(item) && Object.values(item).every((v) => typeof v === "number")
  );
}
function attemptRecordOf(e) {
  return {
    job_id: e.job_id,
    state: e.state,
    submitted_iso: e.submitted_iso ?? e.submitted_at,
    ...e.exit_code !== void 0 ? { exit_code: e.exit_code } : {},
    ...e.started_iso ? { started_iso: e.started_iso } : {},
    ...e.ended_iso ? { ended_iso: e.ended_iso } : {},
    ...e.error ? { error: e.error } : {}
  };
}
function jobNameFor(experimentId, key2) {
  const slug = key2.replace(/\/(finetune|cell)\.slurm$/, "").replace(/\.slurm$/, "").replace(/[^\w.-]+/g, "_");
  const short = createHash2("sha256").update(key2).digest("hex").slice(0, 6);
  return `re-${experimentId}-${slug.slice(0, 80)}-${short}`;
}
function lastLines(bytes) {
  const lines = bytes.toString("utf8").split(/\r?\n|\r/).map((l) => l.replace(CONTROL, "").trim()).filter(Boolean);
  const text = lines.slice(-3).join(" | ");
  return text.length > 400 ? `\u2026${text.slice(-400)}` : text;
}
var CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;
function countBy(values) {
  const counts = /* @__PURE__ */ new Map();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.keys()].sort().map((k) => `${k}=${counts.get(k) ?? 0}`).join(", ");
}

// src/engine/board.ts
var JobBoard = class {
  constructor(jobs, state) {
    this.jobs = jobs;
    this.state = state;
  }
  jobs;
  state;
  watched = [];
  waiting = [];
  /** Outcomes settled since the last `drainSettled`. */
  recent = [];
  /** A job as resume decided: to submit, or to watch (possibly already settled). */
  add(tracked, submit3) {
    const card = { ...tracked, queued: submit3, requeue: false };
    if (submit3) this.waiting.push(card);
    else this.watched.push(card);
  }
  /** The next job to submit, if any. */
  next() {
    return this.waiting[0];
  }
  /** The next job was submitted: it is watched now (and its retry note was said). */
  submitted(t) {
    const card = this.take(t);
    delete card.retryNote;
    delete card.retryKind;
    this.watched.push(card);
  }
  /** A job's end: its outcome (a submission that failed for good settles it too). */
  settle(t, outcome) {
    const card = this.card(t);
    if (card.queued) this.watched.push(this.take(t));
    card.outcome = outcome;
    this.recent.push(outcome);
  }
  /** The outcomes settled since the last call. */
  drainSettled() {
    const settled2 = this.recent;
    this.recent = [];
    return settled2;
  }
  /** Every job of the phase has been submitted (or needs no submission). */
  allSubmitted() {
    return this.waiting.length === 0;
  }
  /** Each job as a later phase's dependents see it. */
  views() {
    return [...this.watched, ...this.waiting].map((c) => {
      const result = c.outcome?.result;
      return {
        job: c.job,
        jobId: c.queued ? null : this.state.get(c.job.key)?.job_id ?? null,
        submittedNow: c.resolution === "submitted" || c.resolution === "resubmitted",
        ...result === "succeeded" || result === "failed" ? { result } : {}
      };
    });
  }
  /** The tool asked for the job to be submitted again (e.g. out of memory), saying why. */
  retry(t, note, kind) {
    const card = this.card(t);
    card.requeue = true;
    if (note) card.retryNote = note;
    if (kind) card.retryKind = kind;
  }
  /** How long the job's outputs have been looked for since it ended (0 the first time). */
  validating(t) {
    const card = this.card(t);
    card.validatingSince ??= Date.now();
    return Date.now() - card.validatingSince;
  }
  /** Retries asked for during the last poll go to the front of the queue, in their order. */
  requeueRetries() {
    const again = this.watched.filter((c) => c.requeue);
    for (const card of again.reverse()) {
      this.watched.splice(this.watched.indexOf(card), 1);
      Object.assign(card, { requeue: false, queued: true, resolution: "resubmitted" });
      delete card.validatingSince;
      this.waiting.unshift(card);
    }
  }
  /** Submitted or re-attached, and not settled: what the scheduler is asked about. */
  open() {
    return this.watched.filter((c) => !c.outcome);
  }
  /** Jobs submitted and not settled (the queue limit counts them). */
  inFlight() {
    return this.open().length;
  }
  /** Every job settled, nothing left to submit. */
  finished() {
    return this.waiting.length === 0 && this.watched.every((c) => c.outcome);
  }
  /** Each job's outcome, in the phase's order: settled, still running (detached), or never submitted. */
  outcomes() {
    return this.jobs.map((job) => {
      const card = [...this.watched, ...this.waiting].find((c) => c.job === job);
      if (card?.outcome) return card.rerun ? { ...card.outcome, rerun: card.rerun } : card.outcome;
      const entry = this.state.get(job.key);
      const o = outcomeOf(job, entry, "detached", card?.resolution ?? "reattached", entry?.output);
      if (card?.queued) return { ...o, state: "NOT_SUBMITTED", jobId: null };
      return card?.rerun ? { ...o, rerun: card.rerun } : o;
    });
  }
  /** Every job's state for progress reports (no scheduler call: what the last poll recorded). */
  snapshot(phase, startedAt, final) {
    const at = (iso) => {
      const ms = iso === void 0 ? NaN : Date.parse(iso);
      return Number.isNaN(ms) ? void 0 : ms;
    };
    const view = (c) => {
      const e = this.state.get(c.job.key);
      const state = c.outcome?.state ?? (c.queued ? "NOT_SUBMITTED" : e?.state || "PENDING");
      const category = c.outcome ? c.outcome.result === "succeeded" ? "succeeded" : c.outcome.result === "failed" ? "failed" : "running" : c.queued || state === "PENDING" || state === "REQUEUED" || state === "CONFIGURING" ? "queued" : "running";
      const startedAtMs = at(c.outcome?.startedIso ?? e?.started_iso);
      const endedAtMs = at(c.outcome?.endedIso ?? e?.ended_iso);
      const note = c.retryNote ?? (!c.outcome && isTerminal(state) ? "checking outputs" : void 0);
      return {
        key: c.job.key,
        display: c.job.display,
        state,
        category,
        jobId: c.queued ? null : c.outcome?.jobId ?? e?.job_id ?? null,
        ...startedAtMs !== void 0 && !c.queued ? { startedAt: startedAtMs } : {},
        ...endedAtMs !== void 0 && !c.queued ? { endedAt: endedAtMs } : {},
        ...note ? { note } : {}
      };
    };
    const order = new Map(this.jobs.map((j, i) => [j.key, i]));
    const jobs = [...this.watched, ...this.waiting].map(view).sort((a, b) => (order.get(a.key) ?? 0) - (order.get(b.key) ?? 0));
    return { phase, now: Date.now(), startedAt: startedAt.getTime(), jobs, final };
  }
  card(t) {
    const card = [...this.watched, ...this.waiting].find((c) => c.job === t.job);
    if (!card) throw new Error(`${t.job.key} is not on the board`);
    return card;
  }
  /** Takes a waiting job off the queue. */
  take(t) {
    const card = this.card(t);
    const i = this.waiting.indexOf(card);
    if (i >= 0) this.waiting.splice(i, 1);
    card.queued = false;
    return card;
  }
};

// src/engine/inputs.ts
import { createHash as createHash3 } from "node:crypto";
var LARGE_FILE_BYTES = 64 * 1024 * 1024;
var MAX_DIR_ENTRIES = 1e4;
var InputDigests = class {
  constructor(transport, runDir, inputsOf2 = (job) => job.inputs) {
    this.transport = transport;
    this.runDir = runDir;
    this.inputsOf = inputsOf2;
  }
  transport;
  runDir;
  inputsOf;
  cache = /* @__PURE__ */ new Map();
  /** How a path is named in the state: relative inside the run directory, absolute outside it. */
  name(path) {
    const abs = resolvePath(this.runDir, path);
    return isWithin(this.runDir, abs) ? abs.slice(this.runDir.length + 1) || "." : abs;
  }
  /** The digest of one file or directory as it is now; undefined when it does not exist. */
  file(path) {
    const abs = resolvePath(this.runDir, path);
    let digest = this.cache.get(abs);
    if (!digest) {
      digest = this.compute(abs);
      this.cache.set(abs, digest);
    }
    return digest;
  }
  /** Forget a file's digest (the action just rewrote it). */
  forget(path) {
    this.cache.delete(resolvePath(this.runDir, path));
  }
  /**
   * The digests of a job's inputs as the user wrote them: a file that reads as the action's own edit
   * recorded in `previous` counts as the user's version it was made from. `edits` keeps the edits that
   * still hold.
   */
  async of(job, previous) {
    const inputs = {};
    const edits = {};
    for (const path of new Set(this.inputsOf(job).map((p) => resolvePath(this.runDir, p)))) {
      const name = this.name(path);
      const now = await this.file(path);
      if (now === void 0) continue;
      const edited = previous?.edits?.[name];
      const original = previous?.inputs?.[name];
      if (edited !== void 0 && edited === now && original !== void 0) {
        inputs[name] = original;
        edits[name] = edited;
      } else inputs[name] = now;
    }
    return { inputs, edits };
  }
  async compute(abs) {
    const st = await this.transport.stat(abs);
    if (!st) return void 0;
    if (st.isDirectory) {
      const entries = (await this.transport.list(abs) ?? []).sort((a, b) => a.name < b.name ? -1 : 1);
      const h = createHash3("sha256").update("directory\n");
      for (const e of entries.slice(0, MAX_DIR_ENTRIES)) {
        const s = await this.transport.stat(`${abs}/${e.name}`);
        h.update(`${e.name}\0${s?.isDirectory ? "d" : "f"}\0${s?.size ?? -1}\0${s?.mtimeMs ?? -1}
`);
      }
      return `dir:${h.digest("hex")}`;
    }
    if (st.size > LARGE_FILE_BYTES) return `size:${st.size}:mtime:${Math.round(st.mtimeMs)}`;
    const bytes = await this.transport.readFile(abs);
    return bytes ? createHash3("sha256").update(bytes).digest("hex") : void 0;
  }
};
function digestOf(inputs) {
  const h = createHash3("sha256");
  for (const name of Object.keys(inputs).sort()) h.update(`${name}\0${inputs[name] ?? ""}
`);
  return h.digest("hex").slice(0, 16);
}
function changedInputs(recorded, now) {
  return Object.keys(recorded).filter((name) => now[name] !== recorded[name]).map((name) => ({ name, deleted: now[name] === void 0 }));
}

// src/engine/evidence.ts
function evidenceOf(o) {
  const foreignIds = o.states.flatMap(
    ({ state, keys }) => keys.flatMap((key2) => {
      const id = state.foreignEntry(key2)?.entry.job_id;
      return id ? [id] : [];
    })
  );
  return {
    digests: new InputDigests(o.transport, o.runDir, o.inputsOf),
    marked: markedJobs(o.scheduler, o.sealer, o.experimentId),
    foreign: foreignJobs(o.scheduler, foreignIds)
  };
}
var PREFIX = "run-experiment:";
function markerOf(sealer, jobName, digest) {
  return `${PREFIX}${jobName}:${digest}:${sealer.seal("job-marker", jobName, digest)}`;
}
function markerPrefix(experimentId) {
  return `${PREFIX}re-${experimentId}-`;
}
function readMarker(sealer, marker) {
  const [prefix, jobName, digest, seal, ...rest] = marker.split(":");
  if (`${prefix}:` !== PREFIX || !jobName || !digest || rest.length > 0) return void 0;
  return sealer.verify(seal, "job-marker", jobName, digest) ? { jobName, digest } : void 0;
}
var Lookup = class {
  constructor(ask) {
    this.ask = ask;
  }
  ask;
  answer;
  get() {
    this.answer ??= this.ask().then(ok, (e) => err(messageOf(e)));
    return this.answer;
  }
};
function markedJobs(scheduler, sealer, experimentId) {
  return new Lookup(async () => {
    const since = new Date(Date.now() - LOOKBACK_MS).toISOString();
    const found = await scheduler.findMarked(markerPrefix(experimentId), since);
    return found.flatMap((j) => {
      const m = readMarker(sealer, j.marker);
      return m ? [{ ...j, ...m }] : [];
    });
  });
}
function foreignJobs(scheduler, ids) {
  return new Lookup(async () => {
    if (ids.length === 0) return /* @__PURE__ */ new Map();
    return scheduler.describe(ids, new Date(Date.now() - LOOKBACK_MS).toISOString());
  });
}

// src/engine/watch.ts
async function pollOnce(ctx, board, outage, digests) {
  const open = board.open();
  const ended = new Set(open.filter((t) => isTerminal(ctx.state.get(t.job.key)?.state ?? "")));
  const queries = open.flatMap((t) => {
    const e = ctx.state.get(t.job.key);
    const weekAgo = new Date(Date.now() - LOOKBACK_MS).toISOString();
    return e?.job_id && !ended.has(t) ? [{ jobId: e.job_id, submittedAt: ctx.state.submittedIso(e) ?? weekAgo }] : [];
  });
  if (queries.length === 0 && ended.size === 0) return false;
  const statuses = queries.length > 0 ? await ctx.scheduler.poll(queries) : /* @__PURE__ */ new Map();
  if (queries.length > 0) {
    await noteOutage(
      ctx,
      outage,
      queries.map((q) => statuses.get(q.jobId))
    );
  }
  let changed = false;
  for (const t of open) {
    const entry = ctx.state.get(t.job.key);
    if (!entry?.job_id) continue;
    const status = ended.has(t) ? recordedStatus(entry) : statuses.get(entry.job_id);
    if (!status || status.state === "UNKNOWN") continue;
    let updated = applyStatus(entry, status);
    if (ctx.scheduler.chainsJobs && waitsInVain(status)) updated = await release(ctx, t.job, entry.job_id, updated);
    if (updated.state !== entry.state) {
      changed = true;
      await ctx.toolLog.write({
        action: "STATE_CHANGE",
        description: t.job.key,
        details: `job ${entry.job_id}: ${entry.state || "?"} -> ${updated.state}`,
        result: "tracked"
      });
    }
    if (isTerminal(updated.state)) {
      const done = await finish(ctx, board, t, updated, status, digests);
      if (done) {
        updated = done;
        changed = true;
      }
    }
    if (JSON.stringify(updated) !== JSON.stringify(entry)) await ctx.state.put(t.job.key, updated);
  }
  return changed;
}
async function release(ctx, job, jobId, entry) {
  const r = await ctx.scheduler.updateDependency(jobId, []);
  await ctx.toolLog.write({
    action: r.ok ? "DEPENDENCY_RELEASED" : "DEPENDENCY_UPDATE_FAILED",
    description: job.display,
    details: `job ${jobId} waited for a job that ended without success, queued by an earlier pass; what it needs is done${r.ok ? "" : `: ${r.error}`}`,
    result: r.ok ? "waits for nothing" : "polling again"
  });
  if (!r.ok) return entry;
  const { after: _waitedFor, ...rest } = entry;
  return rest;
}
async function noteOutage(ctx, outage, answers) {
  const unanswered = answers.every((a) => !a || a.state === "UNKNOWN");
  if (unanswered && outage.since === void 0) {
    outage.since = Date.now();
    await ctx.toolLog.write({
      action: "POLL_UNANSWERED",
      details: `the scheduler did not answer for any job: ${answers.find((a) => a?.raw)?.raw ?? "no answer"}`,
      result: "jobs keep their last known state; polling again"
    });
  } else if (!unanswered && outage.since !== void 0) {
    const seconds = Math.round((Date.now() - outage.since) / 1e3);
    delete outage.since;
    await ctx.toolLog.write({
      action: "POLL_ANSWERED",
      details: `the scheduler answers again after ${seconds} s`,
      result: "tracked"
    });
  }
}
var TAIL_BYTES = 8192;
async function finish(ctx, board, t, current, status, digests) {
  let entry = current;
  if (entry.output_file) ctx.reads.allow([dirnameOf(entry.output_file)]);
  const tail = entry.state !== "COMPLETED" && entry.output_file ? await readTail(ctx.reads, entry.output_file, OUTPUT_TAIL_BYTES) ?? void 0 : void 0;
  if (tail) {
    const end = tail.subarray(Math.max(0, tail.length - TAIL_BYTES));
    const classified = ctx.scheduler.classify(status, end.toString("utf8"));
    if (classified.state !== entry.state) {
      entry = { ...entry, state: classified.state, ...classified.reason ? { reason: classified.reason } : {} };
    }
  }
  if (entry.state === "CANCELLED" && entry.cancel_requested) {
    await ctx.toolLog.write({
      action: "CANCELLED_EARLIER",
      description: t.job.display,
      details: `job ${entry.job_id ?? "?"} was cancelled by cancel-on-abort`,
      result: "will run again"
    });
    board.retry(t);
    return { ...entry, validated: false, error: "cancelled (cancel-on-abort)" };
  }
  const judgement = await ctx.tool.judge(judgeContext(ctx, t.job, entry));
  if (judgement.ok) {
    const { result, warnings = [] } = judgement.value;
    const final2 = { ...entry, validated: true, output: result };
    delete final2.error;
    const outcome = outcomeOf(t.job, final2, "succeeded", t.resolution, result);
    board.settle(t, warnings.length ? { ...outcome, warnings } : outcome);
    await warn(ctx, t.job, warnings, "succeeded");
    return final2;
  }
  const judged = judgement.error;
  if (judged.pending && board.validating(t) < ctx.scheduler.outputWaitSeconds * 1e3) return null;
  await warn(ctx, t.job, judged.warnings ?? [], "noted");
  if (entry.state !== "COMPLETED") {
    const decision = ctx.tool.retry ? await ctx.tool.retry({
      ...judgeContext(ctx, t.job, entry),
      maxResumes: ctx.settings.maxResumes,
      ...tail ? { outputTail: tail } : {}
    }) : null;
    const kind = decision?.kind ?? "out-of-memory";
    if (decision?.retry) {
      board.retry(t, decision.description, kind);
      const edits = { ...entry.edits };
      for (const path of decision.edited ?? []) {
        digests.forget(path);
        const now = await digests.file(path);
        if (now !== void 0) edits[digests.name(path)] = now;
      }
      return {
        ...entry,
        ...Object.keys(edits).length ? { edits } : {},
        retry_history: [...entry.retry_history ?? [], decision.settings],
        ...kind === "out-of-memory" ? { oom_detected_via: decision.detectedVia } : {},
        oom_exhausted_logged: false
      };
    }
    const gaveUp = decision?.reason;
    if (gaveUp !== void 0 && !entry.oom_exhausted_logged) {
      await ctx.toolLog.write({
        action: RETRY_BLOCKS[kind].gaveUp,
        description: t.job.display,
        details: `${gaveUp}; tried ${JSON.stringify(entry.retry_history ?? [])}`,
        result: "manual intervention required"
      });
      entry = { ...entry, oom_exhausted_logged: true };
    }
    const reasons = [status.reason, gaveUp].filter(Boolean);
    const last = tail ? lastLines(tail.subarray(Math.max(0, tail.length - 4096))) : "";
    const error = `${entry.state}${entry.exit_code !== void 0 ? ` (exit ${entry.exit_code})` : ""}${reasons.length ? `: ${reasons.join("; ")}` : ""} \u2014 ${judged.why}${last ? ` \u2014 last output: ${last}` : ""}`;
    const final2 = { ...entry, validated: false, error, ...judged.result ? { output: judged.result } : {} };
    board.settle(t, outcomeOf(t.job, final2, "failed", t.resolution, judged.result));
    await ctx.toolLog.write({ action: "JOB_FAILED", description: t.job.display, details: error, result: "failure" });
    return final2;
  }
  const final = {
    ...entry,
    validated: false,
    error: `completed, but ${judged.why}`,
    ...judged.result ? { output: judged.result } : {}
  };
  board.settle(t, outcomeOf(t.job, final, "failed", t.resolution, judged.result));
  await ctx.toolLog.write({
    action: "OUTPUTS_MISSING",
    description: t.job.display,
    details: `job ${entry.job_id ?? "?"}: ${judged.why}`,
    result: "failure"
  });
  return final;
}
var RETRY_BLOCKS = {
  "out-of-memory": { retry: "OOM_RETRY", gaveUp: "OOM_EXHAUSTED" },
  resume: { retry: "RESUME", gaveUp: "RESUME_EXHAUSTED" }
};
async function warn(ctx, job, warnings, result) {
  for (const w of warnings) {
    ctx.onWarning?.(job, w);
    await ctx.toolLog.write({ action: "WARNING", description: job.display, details: w, result });
  }
}
function judgeContext(ctx, job, entry) {
  const since = ctx.state.submittedIso(entry);
  return {
    transport: ctx.reads,
    runDir: ctx.runDir,
    experiment: ctx.experiment,
    job,
    // An earlier success is re-checked for its outputs only: how its job ended was judged then.
    state: entry.validated === true ? "COMPLETED" : entry.state,
    ...entry.exit_code !== void 0 && entry.validated !== true ? { exitCode: entry.exit_code } : {},
    ...entry.output_file ? { outputFile: entry.output_file } : {},
    // An attempt cruijff_kit's runner submitted is judged by its own submission time too.
    ...since ? { since } : {},
    ...entry.retry_history?.length ? { history: entry.retry_history } : {},
    ...entry.outputs_before ? { before: entry.outputs_before } : {},
    window: windowOf(entry),
    // Jobs sharing this job's directory may write where it writes (the flat layout's shared log directory).
    neighbours: ctx.jobs.filter((j) => j.dir === job.dir && j.key !== job.key).map((j) => {
      const e = ctx.state.get(j.key);
      return { job: j, ...e ? { window: windowOf(e) } : {} };
    })
  };
}
function windowOf(entry) {
  return {
    ...entry.started_iso ? { startedAt: entry.started_iso } : {},
    ...entry.ended_iso ? { endedAt: entry.ended_iso } : {}
  };
}
function recordedStatus(e) {
  return {
    jobId: e.job_id ?? "",
    state: e.state,
    raw: `${e.state} (recorded)`,
    ...e.exit_code !== void 0 ? { exitCode: e.exit_code } : {},
    ...e.started_iso ? { startedAt: e.started_iso } : {},
    ...e.ended_iso ? { endedAt: e.ended_iso } : {},
    ...e.reason ? { reason: e.reason } : {}
  };
}
function applyStatus(entry, s) {
  return {
    ...entry,
    state: s.state,
    ...s.exitCode !== void 0 ? { exit_code: s.exitCode } : {},
    ...s.startedAt ? { started_iso: s.startedAt } : {},
    ...s.endedAt ? { ended_iso: s.endedAt } : {},
    ...s.reason ? { reason: s.reason } : {}
  };
}

// src/engine/resume.ts
var watch = (job, resolution, outcome) => ({
  tracked: { job, resolution, ...outcome ? { outcome } : {} },
  submit: false
});
var submit = (job, resolution, rerun) => ({
  tracked: { job, resolution, ...rerun ? { rerun } : {} },
  submit: true
});
var undecided = (job, entry, error) => ({
  tracked: {
    job,
    resolution: "found-by-name",
    outcome: { ...outcomeOf(job, entry, "failed", "found-by-name"), error }
  },
  submit: false
});
async function resume2(ctx, job, ev) {
  const entry = ctx.state.get(job.key);
  if (!entry) return withoutEntry(ctx, job, ev);
  if (entry.validated === true) {
    const stale = await staleness(ctx, job, entry, ev.digests);
    if (stale) {
      await ctx.toolLog.write({
        action: stale.action,
        description: job.display,
        details: `job ${entry.job_id ?? "?"} succeeded earlier, but ${stale.why}`,
        result: "will run again"
      });
      return submit(job, "resubmitted", stale.why);
    }
    const j = await ctx.tool.judge(judgeContext(ctx, job, entry));
    if (j.ok) {
      await warn(ctx, job, j.value.warnings ?? [], "noted");
      return watch(job, "already-succeeded", outcomeOf(job, entry, "succeeded", "already-succeeded", j.value.result));
    }
    await ctx.toolLog.write({
      action: "OUTPUTS_INVALID",
      description: job.display,
      details: `job ${entry.job_id ?? "?"} succeeded earlier, but ${j.error.why}`,
      result: "will run again"
    });
    return submit(job, "resubmitted", `its outputs are no longer valid: ${j.error.why}`);
  }
  if (entry.state === "SUBMITTING") return findInterrupted(ctx, job, entry, ev);
  if (entry.job_id && (!isTerminal(entry.state) || entry.validated === void 0)) {
    if (!isTerminal(entry.state)) ctx.onWatched?.(entry.job_id);
    const earlier = ctx.earlier?.get(job.key);
    if (earlier) return { tracked: { job, ...earlier }, submit: false };
    return watch(job, "reattached");
  }
  return submit(job, "resubmitted");
}
async function withoutEntry(ctx, job, ev) {
  const foreign = ctx.state.foreignEntry(job.key);
  if (foreign) {
    const id = foreign.entry.job_id;
    const known = id ? await ev.foreign.get() : void 0;
    if (known && !known.ok) {
      return undecided(
        job,
        void 0,
        `${foreign.file} names job ${id ?? ""} for ${job.key}, and the scheduler cannot be asked about it now (${known.error}): re-run to check again`
      );
    }
    const theirs = id && known?.ok ? known.value.get(id) : void 0;
    if (theirs && await submittedFrom(ctx, theirs, job)) return adoptForeign(ctx, job, foreign, theirs, ev);
    const why = id ? `names job ${id}, which the scheduler does not know as a job of ${resolvePath(ctx.runDir, job.dir)} for this user` : "names no job";
    const message = `${foreign.file}: the entry for ${job.key} was not written by this action for this run directory and ${why}: ignored (a copied or committed record is not evidence)`;
    ctx.onWarning?.(job, message);
    await ctx.toolLog.write({
      action: "FOREIGN_IGNORED",
      description: job.display,
      details: message,
      result: "ignored"
    });
  }
  const { inputs } = await ev.digests.of(job);
  const found = await findMarked(ctx, job, digestOf(inputs), ev);
  if (!found.ok) return undecided(job, void 0, found.error);
  if (!found.value) return submit(job, "submitted");
  const m = found.value;
  const adopted = await adoptedEntry(ctx, job, m, { inputs, job_name: m.jobName, attempt: 1 });
  const lost = `job ${m.status.jobId} (${m.status.state}) carries this run directory's marker for these inputs, but the state did not record it (it was lost or reset)`;
  if (!isTerminal(adopted.state)) {
    await ctx.state.put(job.key, adopted);
    ctx.onWatched?.(m.status.jobId);
    await ctx.toolLog.write({
      action: "FOUND_BY_MARKER",
      description: job.display,
      details: lost,
      result: "adopted: not submitted again"
    });
    return watch(job, "found-by-name");
  }
  const j = await ctx.tool.judge(judgeContext(ctx, job, adopted));
  if (j.ok) {
    const done = { ...adopted, validated: true, output: j.value.result };
    await ctx.state.put(job.key, done);
    await ctx.toolLog.write({
      action: "FOUND_BY_MARKER",
      description: job.display,
      details: lost,
      result: "succeeded: not run again"
    });
    await warn(ctx, job, j.value.warnings ?? [], "succeeded");
    return watch(job, "found-by-name", outcomeOf(job, done, "succeeded", "found-by-name", j.value.result));
  }
  await ctx.state.put(job.key, { ...adopted, validated: false, error: j.error.why });
  await ctx.toolLog.write({
    action: "FOUND_BY_MARKER",
    description: job.display,
    details: `${lost}; ${j.error.why}`,
    result: "will run again"
  });
  return submit(job, "resubmitted", `job ${m.status.jobId}, found by its marker, does not stand: ${j.error.why}`);
}
async function findMarked(ctx, job, digest, ev) {
  const marked = await ev.marked.get();
  if (!marked.ok) {
    return {
      ok: false,
      error: `whether this job was submitted before cannot be told now: the queue cannot be searched for its marker (${marked.error}); re-run to check again`
    };
  }
  const name = jobNameFor(ctx.experimentId, job.key);
  const mine = marked.value.filter((m) => m.jobName === name && m.digest === digest);
  return { ok: true, value: mine[mine.length - 1] };
}
async function submittedFrom(ctx, known, job) {
  if (!known.workDir) return false;
  const recorded = resolvePath("/", known.workDir);
  const isRecorded = async (d) => d === recorded || await ctx.transport.realpath(d) === recorded;
  const dir = resolvePath(ctx.runDir, job.dir);
  if (await isRecorded(dir)) return true;
  const script = (await ctx.transport.readFile(`${dir}/${job.script}`))?.toString("utf8") ?? "";
  const workDir = workDirOf(script, dir);
  return workDir !== dir && await isRecorded(workDir);
}
async function adoptedEntry(ctx, job, known, extra) {
  const s = known.status;
  const at = known.submittedAt ? new Date(known.submittedAt) : /* @__PURE__ */ new Date();
  const jobDir = resolvePath(ctx.runDir, job.dir);
  const script = (await ctx.transport.readFile(`${jobDir}/${job.script}`))?.toString("utf8") ?? "";
  return {
    job_id: s.jobId,
    submitted_at: ctx.state.localTime(at),
    submitted_iso: at.toISOString(),
    state: s.state === "UNKNOWN" ? "PENDING" : s.state,
    name: job.display,
    output_file: ctx.scheduler.outputPath(ctx.scheduler.outputPattern(script, jobDir), s.jobId, extra.job_name ?? ""),
    ...s.exitCode !== void 0 ? { exit_code: s.exitCode } : {},
    ...s.startedAt ? { started_iso: s.startedAt } : {},
    ...s.endedAt ? { ended_iso: s.endedAt } : {},
    ...s.reason ? { reason: s.reason } : {},
    ...extra
  };
}
async function adoptForeign(ctx, job, foreign, known, ev) {
  const { inputs } = await ev.digests.of(job);
  const theirs = `job ${known.status.jobId} (recorded in ${foreign.file}, submitted by cruijff_kit's runner at ${foreign.entry.submitted_at})`;
  const adopted = await adoptedEntry(ctx, job, known, { inputs, attempt: 1 });
  if (!isTerminal(adopted.state)) {
    await ctx.state.put(job.key, adopted);
    ctx.onWatched?.(known.status.jobId);
    await ctx.toolLog.write({
      action: "ADOPTED",
      description: job.display,
      details: `${theirs} is ${adopted.state}`,
      result: "re-attached"
    });
    return watch(job, "reattached");
  }
  const j = await ctx.tool.judge(judgeContext(ctx, job, adopted));
  if (j.ok) {
    const done = { ...adopted, validated: true, output: j.value.result };
    await ctx.state.put(job.key, done);
    await ctx.toolLog.write({
      action: "ADOPTED",
      description: job.display,
      details: `${theirs} ended ${adopted.state}`,
      result: "succeeded: not run again"
    });
    await warn(ctx, job, j.value.warnings ?? [], "succeeded");
    return watch(job, "already-succeeded", outcomeOf(job, done, "succeeded", "already-succeeded", j.value.result));
  }
  await ctx.state.put(job.key, { ...adopted, validated: false, error: j.error.why });
  await ctx.toolLog.write({
    action: "ADOPTED",
    description: job.display,
    details: `${theirs} ended ${adopted.state}: ${j.error.why}`,
    result: "will run again"
  });
  return submit(job, "resubmitted", `cruijff_kit's attempt (job ${known.status.jobId}) does not stand: ${j.error.why}`);
}
async function staleness(ctx, job, entry, digests) {
  if (!entry.inputs) {
    return { action: "INPUTS_UNKNOWN", why: "no record of the inputs it ran with was kept, so it is not evidence" };
  }
  const { inputs } = await digests.of(job, entry);
  const changed = changedInputs(entry.inputs, inputs);
  if (changed.length > 0) {
    const words = changed.map((c) => `${c.name} ${c.deleted ? "was deleted" : "changed"}`);
    return { action: "INPUTS_CHANGED", why: `${words.join(", ")} since it ran` };
  }
  const dep = ctx.dependency?.(job);
  const submitted = ctx.state.submittedIso(entry);
  const ran = submitted ? Date.parse(submitted) : NaN;
  const queuedBehind2 = dep?.jobId !== void 0 && entry.after?.includes(dep.jobId) === true;
  if (dep && !queuedBehind2 && Number.isFinite(ran) && ran < Date.parse(dep.changedAt)) {
    return { action: "DEPENDENCY_CHANGED", why: `${dep.what} since it ran` };
  }
  return void 0;
}
async function findInterrupted(ctx, job, entry, ev) {
  const found = await findMarked(ctx, job, digestOf(entry.inputs ?? {}), ev);
  if (!found.ok) return undecided(job, entry, `an earlier submission was interrupted, and ${found.error}`);
  const last = found.value;
  if (!last) return submit(job, (entry.attempt ?? 1) > 1 ? "resubmitted" : "submitted");
  const status = last.status;
  const adopted = {
    ...entry,
    job_id: status.jobId,
    state: status.state === "UNKNOWN" ? "PENDING" : status.state,
    output_file: ctx.scheduler.outputPath(entry.output_file ?? "", status.jobId, entry.job_name ?? "")
  };
  await ctx.state.put(job.key, adopted);
  if (!isTerminal(adopted.state)) ctx.onWatched?.(status.jobId);
  await ctx.toolLog.write({
    action: ctx.tool.submitAction,
    description: job.display,
    details: `${ctx.scheduler.submitCommand} ${job.script} (interrupted before its id was recorded; found in the queue by its marker ${entry.job_name ?? ""})`,
    lines: [`Job ID: ${status.jobId}`],
    result: "success"
  });
  return { tracked: { job, resolution: "found-by-name" }, submit: false };
}

// src/engine/submit.ts
async function submit2(ctx, t, digests, after = []) {
  const { job } = t;
  const previous = ctx.state.get(job.key);
  const jobDir = resolvePath(ctx.runDir, job.dir);
  const scriptText = (await ctx.transport.readFile(`${jobDir}/${job.script}`))?.toString("utf8") ?? "";
  const outputPattern = ctx.scheduler.outputPattern(scriptText, jobDir);
  const { inputs, edits } = await digests.of(job, previous);
  const before = await ctx.tool.outputs?.({
    transport: ctx.transport,
    runDir: ctx.runDir,
    experiment: ctx.experiment,
    job
  });
  const attempt = previous && previous.state !== "SUBMITTING" ? (previous.attempt ?? 1) + 1 : previous?.attempt ?? 1;
  const history = [...previous?.history ?? []];
  if (previous && previous.state !== "SUBMITTING") history.push(attemptRecordOf(previous));
  const jobName = jobNameFor(ctx.experimentId, job.key);
  const now = /* @__PURE__ */ new Date();
  const pending = {
    job_id: null,
    submitted_at: ctx.state.localTime(now),
    state: "SUBMITTING",
    name: job.display,
    job_name: jobName,
    attempt,
    submitted_iso: now.toISOString(),
    output_file: outputPattern,
    inputs,
    ...Object.keys(edits).length ? { edits } : {},
    ...after.length ? { after: [...after] } : {},
    ...before ? { outputs_before: before } : {},
    ...history.length ? { history } : {},
    ...previous?.retry_history ? { retry_history: previous.retry_history } : {},
    ...previous?.oom_detected_via ? { oom_detected_via: previous.oom_detected_via } : {}
  };
  await ctx.state.put(job.key, pending);
  const marker = markerOf(ctx.sealer, jobName, digestOf(inputs));
  const r = await ctx.scheduler.submit({
    dir: jobDir,
    script: job.script,
    name: jobName,
    outputPattern,
    scriptText,
    marker,
    ...after.length ? { dependency: { afterok: after } } : {}
  });
  const command = `${ctx.scheduler.submitCommand} ${job.script}`;
  if (!r.ok && r.error.retryLater) {
    if (previous) await ctx.state.put(job.key, previous);
    else await ctx.state.remove(job.key);
    if (ctx.onDeferred) await ctx.onDeferred(job, r.error.message);
    return { kind: "deferred" };
  }
  if (!r.ok) {
    const failed = { ...pending, state: "SUBMIT_FAILED", error: r.error.message };
    await ctx.state.put(job.key, failed);
    await ctx.toolLog.write({
      action: ctx.tool.submitAction,
      description: job.display,
      details: command,
      result: `failure: ${r.error.message}`
    });
    const outcome = {
      ...outcomeOf(job, failed, "failed", t.resolution),
      error: `submission failed: ${r.error.message}`
    };
    return { kind: "failed", outcome };
  }
  const jobId = r.value.jobId;
  const submitted = {
    ...pending,
    job_id: jobId,
    state: "PENDING",
    output_file: ctx.scheduler.outputPath(outputPattern, jobId, jobName)
  };
  await ctx.state.put(job.key, submitted);
  ctx.onWatched?.(jobId);
  await ctx.toolLog.write({
    action: ctx.tool.submitAction,
    description: job.display,
    details: `${command}${attempt > 1 ? ` (attempt ${attempt})` : ""}` + (after.length ? ` (queued behind ${after.join(", ")}: it starts when they completed)` : ""),
    lines: [`Job ID: ${jobId}`],
    result: "success"
  });
  if (t.retryNote) {
    await ctx.toolLog.write({
      action: RETRY_BLOCKS[t.retryKind ?? "out-of-memory"].retry,
      description: job.display,
      details: t.retryNote,
      result: `resubmitted as job ${jobId}`
    });
  }
  return { kind: "ok" };
}

// src/engine/phase.ts
async function runPhase(ctx) {
  const startedAt = /* @__PURE__ */ new Date();
  const board = new JobBoard(ctx.jobs, ctx.state);
  let submissions = [...ctx.earlier?.values() ?? []].filter((e) => e.resolution !== "reattached").length;
  let detached;
  let stopped;
  const ev = ctx.evidence ?? evidenceOf({ ...ctx, states: [{ state: ctx.state, keys: ctx.jobs.map((j) => j.key) }] });
  try {
    for (const job of ctx.jobs) {
      const r = await resume2(ctx, job, ev);
      board.add(r.tracked, r.submit);
    }
    detached = await monitor(ctx, board, startedAt, () => submissions++, ev.digests);
  } catch (e) {
    stopped = storageProblem(e);
    if (!stopped) throw e;
    detached = true;
  }
  const outcomes = board.outcomes();
  const breakdown = countBy(outcomes.map((o) => o.state));
  const reason = stopped ? stopped.message : String(ctx.signal.reason ?? "signal");
  try {
    await ctx.toolLog.write(
      detached ? {
        action: "MONITOR_DETACHED",
        details: `reason=${reason}; state breakdown: ${breakdown || "(no state)"}`,
        result: "monitoring paused; jobs continue"
      } : { action: "ALL_COMPLETE", details: `terminal-state breakdown: ${breakdown}`, result: "done" }
    );
  } catch (e) {
    if (!storageProblem(e)) throw e;
    stopped ??= storageProblem(e);
  }
  return { outcomes, startedAt, endedAt: /* @__PURE__ */ new Date(), detached, submissions, ...stopped ? { stopped } : {} };
}
async function monitor(ctx, board, startedAt, counted2, digests) {
  const aborted = () => ctx.signal.aborted;
  let interval = ctx.settings.pollInterval;
  let firstRound = true;
  const outage = {};
  const dependents = ctx.dependents;
  const free = () => ctx.scheduler.maxInFlight - board.inFlight() - (dependents?.inFlight() ?? 0);
  for (; ; ) {
    if (aborted()) return true;
    let deferred = false;
    for (let next = board.next(); next && free() > 0; next = board.next()) {
      if (aborted()) break;
      if (ctx.beforeSubmit) await ctx.beforeSubmit();
      if (aborted()) break;
      const before = ctx.state.get(next.job.key)?.job_id;
      const r = await submit2(ctx, next, digests);
      if (r.kind === "deferred") {
        deferred = true;
        break;
      }
      if (r.kind === "failed") board.settle(next, r.outcome);
      else board.submitted(next);
      counted2();
      const now = ctx.state.get(next.job.key)?.job_id;
      if (dependents && before && now && before !== now) await dependents.moved(next.job, before, now);
      if (board.next() && ctx.scheduler.staggerSeconds > 0) await sleep(ctx.scheduler.staggerSeconds * 1e3, ctx.signal);
    }
    if (dependents) {
      for (const o of board.drainSettled())
        if (o.result === "failed") await dependents.failed(o.job, o.jobId, o.error ?? o.state);
      if (!deferred && !aborted() && !board.next() && free() > 0)
        await dependents.fill(board.views(), board.allSubmitted(), free());
    }
    if (firstRound) {
      firstRound = false;
      ctx.onFirstRound?.();
    }
    const finished = board.finished();
    await ctx.onProgress?.(board.snapshot(ctx.tool.phase, startedAt, finished));
    if (finished) return false;
    await sleep(interval * 1e3, ctx.signal);
    if (aborted()) return true;
    const changed = await pollOnce(ctx, board, outage, digests);
    board.requeueRetries();
    if (ctx.onCycle) await ctx.onCycle();
    interval = changed || deferred ? ctx.settings.pollInterval : Math.min(interval * 1.5, Math.max(ctx.settings.maxPollInterval, ctx.settings.pollInterval));
  }
}
function sleep(ms, signal) {
  return new Promise((resolve4) => {
    if (signal.aborted) {
      resolve4();
      return;
    }
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve4();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

// src/engine/module.ts
async function runModule(log, phase) {
  const { tool } = phase;
  await log.write({
    action: "MODULE_START",
    description: tool.name,
    details: `${tool.phase} phase; module log ${tool.logFile}`,
    result: "started"
  });
  const r = await runPhase(phase);
  const ok2 = r.outcomes.filter((o) => o.result === "succeeded").length;
  const earlier = r.outcomes.filter((o) => o.resolution === "already-succeeded").length;
  await log.write({
    action: r.detached ? "MODULE_DETACHED" : "MODULE_END",
    description: tool.name,
    details: `duration ${formatDuration(r.endedAt.getTime() - r.startedAt.getTime())}; ${ok2}/${r.outcomes.length} succeeded; ${r.submissions} submitted this pass; already done ${earlier}`,
    result: r.detached ? "detached: jobs keep running" : ok2 === r.outcomes.length ? "completed" : `completed with ${r.outcomes.length - ok2} failure(s)`
  });
  return r;
}

// src/engine/dependents.ts
var QueuedEvaluations = class {
  constructor(ctx, mode, ev) {
    this.ctx = ctx;
    this.mode = mode;
    this.ev = ev;
    for (const job of ctx.jobs) {
      const e = ctx.state.get(job.key);
      if (!e?.job_id || isTerminal(e.state) || e.state === "SUBMITTING" || !e.after?.length) continue;
      this.queued.set(job.key, { job, jobId: e.job_id, after: [...e.after] });
      this.decided.add(job.key);
    }
  }
  ctx;
  mode;
  ev;
  queued = /* @__PURE__ */ new Map();
  /** Evaluations already decided (queued here, or left to the evaluation phase). */
  decided = /* @__PURE__ */ new Set();
  /** How each evaluation queued here came to be, for the evaluation phase. */
  earlier = /* @__PURE__ */ new Map();
  inFlight() {
    return this.queued.size;
  }
  /** The ids of the evaluations queued and not known to have ended (cancel-on-abort cancels them too). */
  ids() {
    return [...this.queued.values()].map((q) => q.jobId);
  }
  async fill(trainings, allSubmitted, slots) {
    if (this.mode === "all" && !allSubmitted) return 0;
    const byRun = new Map(trainings.map((t) => [t.job.run, t]));
    const waitFor = (run2) => {
      const own = byRun.get(run2);
      const pending = (t) => t.jobId !== null && t.result === void 0;
      if (this.mode === "own") return own && pending(own) ? [own.jobId] : [];
      return trainings.filter(pending).map((t) => t.jobId);
    };
    let submitted = 0;
    for (const job of this.ctx.jobs) {
      if (submitted >= slots) break;
      if (this.decided.has(job.key)) continue;
      const training = job.cell?.epoch === null ? void 0 : byRun.get(job.run);
      if (training?.result === "failed") continue;
      if (this.mode === "own" && training && training.jobId === null) continue;
      const why = await this.mustRun(job, training);
      this.decided.add(job.key);
      if (why === void 0) continue;
      const had = this.ctx.state.get(job.key);
      if (why && had?.validated === true) {
        await this.ctx.toolLog.write({
          action: "DEPENDENCY_CHANGED",
          description: job.display,
          details: `job ${had.job_id ?? "?"} succeeded earlier, but ${why}`,
          result: "will run again"
        });
      }
      const after = waitFor(job.run);
      const resolution = this.ctx.state.get(job.key) ? "resubmitted" : "submitted";
      const r = await submit2(this.ctx, { job, resolution }, this.ev.digests, after);
      if (r.kind === "deferred") {
        this.decided.delete(job.key);
        break;
      }
      if (r.kind === "failed") continue;
      const jobId = this.ctx.state.get(job.key)?.job_id;
      if (!jobId) continue;
      this.queued.set(job.key, { job, jobId, after });
      this.earlier.set(job.key, { resolution, ...why ? { rerun: why } : {} });
      submitted++;
    }
    return submitted;
  }
  async moved(training, from, to) {
    for (const q of this.queued.values()) {
      if (!q.after.includes(from)) continue;
      await this.repoint(
        q,
        q.after.map((id) => id === from ? to : id),
        `${training.display} runs again as job ${to}`
      );
    }
  }
  async failed(training, jobId, why) {
    const own = [...this.queued.values()].filter((q) => q.job.run === training.run && q.job.cell?.epoch !== null);
    if (own.length > 0) {
      await this.ctx.scheduler.cancel(own.map((q) => q.jobId));
      for (const q of own) {
        this.queued.delete(q.job.key);
        this.earlier.delete(q.job.key);
        const entry = this.ctx.state.get(q.job.key);
        const reason = `the training of ${training.run} did not succeed: ${why}`;
        if (entry) await this.ctx.state.put(q.job.key, { ...entry, validated: false, error: `cancelled: ${reason}` });
        await this.ctx.toolLog.write({
          action: "CANCEL_EVAL",
          description: q.job.display,
          details: `job ${q.jobId}: ${reason}`,
          result: "cancelled before it could start (reported skipped)"
        });
      }
    }
    if (jobId === null) return;
    for (const q of this.queued.values()) {
      if (!q.after.includes(jobId)) continue;
      const released = `${training.display} (job ${jobId}) failed: no longer waited for`;
      await this.repoint(
        q,
        q.after.filter((id) => id !== jobId),
        released
      );
    }
  }
  /**
   * Whether an evaluation must run in this pass: '' when it never ran or failed, a reason when it had
   * succeeded but its training runs again now; undefined when the evaluation phase decides (it is done,
   * running, or recorded elsewhere — a foreign entry, a marker of a lost state).
   */
  async mustRun(job, training) {
    const entry = this.ctx.state.get(job.key);
    if (!entry) {
      if (this.ctx.state.foreignEntry(job.key)) return void 0;
      const marked = await this.ev.marked.get();
      if (!marked.ok) return void 0;
      const { inputs } = await this.ev.digests.of(job);
      const name = jobNameFor(this.ctx.experimentId, job.key);
      const digest = digestOf(inputs);
      return marked.value.some((m) => m.jobName === name && m.digest === digest) ? void 0 : "";
    }
    if (entry.state === "SUBMITTING" || entry.job_id && !isTerminal(entry.state)) return void 0;
    if (training?.submittedNow) return `the training of ${job.run} runs again (job ${training.jobId ?? "?"})`;
    return entry.validated === true ? void 0 : "";
  }
  async repoint(q, after, why) {
    const r = await this.ctx.scheduler.updateDependency(q.jobId, after);
    const entry = this.ctx.state.get(q.job.key);
    if (!r.ok) {
      await this.ctx.toolLog.write({
        action: "DEPENDENCY_UPDATE_FAILED",
        description: q.job.display,
        details: `job ${q.jobId}: ${why}; ${r.error}`,
        result: "left as it was: the evaluation phase checks it"
      });
      return;
    }
    q.after = after;
    if (entry) await this.ctx.state.put(q.job.key, { ...entry, after });
    await this.ctx.toolLog.write({
      action: "DEPENDENCY_UPDATED",
      description: q.job.display,
      details: `job ${q.jobId}: ${why}; now waits for ${after.length ? after.join(", ") : "nothing"}`,
      result: "queued"
    });
  }
};

// src/engine/meter.ts
var MeteredScheduler = class {
  constructor(inner) {
    this.inner = inner;
    const usage = inner.usage?.bind(inner);
    if (usage) this.usage = usage;
  }
  inner;
  latencies = [];
  submits = 0;
  usage;
  get kind() {
    return this.inner.kind;
  }
  get submitCommand() {
    return this.inner.submitCommand;
  }
  get maxInFlight() {
    return this.inner.maxInFlight;
  }
  get staggerSeconds() {
    return this.inner.staggerSeconds;
  }
  get outputWaitSeconds() {
    return this.inner.outputWaitSeconds;
  }
  get chainsJobs() {
    return this.inner.chainsJobs;
  }
  /** What the phase used so far. */
  use() {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const mid = (sorted.length - 1) / 2;
    const median = sorted.length ? ((sorted[Math.floor(mid)] ?? 0) + (sorted[Math.ceil(mid)] ?? 0)) / 2 : 0;
    return {
      statusQueries: sorted.length,
      statusMedianMs: Math.round(median),
      statusMaxMs: Math.round(sorted[sorted.length - 1] ?? 0),
      submissions: this.submits
    };
  }
  async status(query) {
    const started = performance.now();
    try {
      return await query();
    } finally {
      this.latencies.push(performance.now() - started);
    }
  }
  outputPattern(scriptText, jobDir) {
    return this.inner.outputPattern(scriptText, jobDir);
  }
  outputPath(pattern, jobId, jobName) {
    return this.inner.outputPath(pattern, jobId, jobName);
  }
  classify(status, outputTail) {
    return this.inner.classify(status, outputTail);
  }
  submit(job) {
    this.submits++;
    return this.inner.submit(job);
  }
  poll(jobs) {
    return this.status(() => this.inner.poll(jobs));
  }
  findMarked(prefix, since) {
    return this.status(() => this.inner.findMarked(prefix, since));
  }
  findByName(name, since) {
    return this.status(() => this.inner.findByName(name, since));
  }
  describe(jobIds, since) {
    return this.status(() => this.inner.describe(jobIds, since));
  }
  updateDependency(jobId, afterok) {
    return this.inner.updateDependency(jobId, afterok);
  }
  cancel(jobIds) {
    return this.inner.cancel(jobIds);
  }
};

// src/engine/staging.ts
import { createHash as createHash4 } from "node:crypto";
function isActionFile(rel) {
  const parts = rel.split("/");
  const base = parts[parts.length - 1] ?? "";
  if (parts[0] === SHARED_DIR || parts.some((p) => p === ".git" || p.startsWith(FILES.workDir))) return true;
  if (/^run-.*\.(log|state\.json)$/.test(base) || base === FILES.results || base === FILES.jobSummary) return true;
  return base === FILES.chart || base.endsWith(".tmp");
}
function stagingPolicy(entries, written) {
  const inUse = /* @__PURE__ */ new Map();
  const edited = /* @__PURE__ */ new Map();
  for (const e of entries) {
    for (const path of Object.keys(e.edits ?? {})) edited.set(path, e.inputs?.[path]);
    const live = !isTerminal(e.state);
    if (!live || !e.inputs) continue;
    for (const [path, hash] of Object.entries(e.inputs)) inUse.set(path, { hash, state: e.state, name: e.name ?? path });
  }
  return {
    skip: (rel) => isActionFile(rel) || written(rel),
    decide(rel, data, existing) {
      if (!existing) return "copy";
      const sha = () => createHash4("sha256").update(data).digest("hex");
      if (edited.has(rel) && edited.get(rel) === sha()) return "keep";
      const used = inUse.get(rel);
      if (used && used.hash !== sha()) {
        return {
          conflict: `job ${used.name} (${used.state}) runs with the version in the run directory; the checked-out file differs and was not copied (re-run when it has finished)`
        };
      }
      return "copy";
    }
  };
}

// src/report/finish.ts
import { mkdirSync as mkdirSync2, writeFileSync as writeFileSync2 } from "node:fs";
import { tmpdir as tmpdir2 } from "node:os";
import { join as join4 } from "node:path";

// src/report/artifact.ts
import { appendFileSync, mkdtempSync, mkdirSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname as dirname3, join as join3 } from "node:path";
var MAX_FILE_BYTES = 20 * 1024 * 1024;
var UPLOAD_DEADLINE_MS = 12e4;
async function uploadArtifact(req) {
  if (!req.env["ACTIONS_RUNTIME_TOKEN"] || !req.env["ACTIONS_RESULTS_URL"]) {
    return ok({ skipped: "not running inside GitHub Actions (no ACTIONS_RUNTIME_TOKEN / ACTIONS_RESULTS_URL)" });
  }
  const deadlineMs = req.deadlineMs ?? UPLOAD_DEADLINE_MS;
  let staging;
  try {
    staging = mkdtempSync(join3(req.env["RUNNER_TEMP"] || tmpdir(), "run-experiment-artifact-"));
  } catch (e) {
    return err(`cannot create a staging folder: ${describeError(e)}`);
  }
  const work = stageAndUpload(req, staging).then(
    (r) => r,
    (e) => err(describeError(e))
  );
  void work.then(() => {
    try {
      rmSync(staging, { recursive: true, force: true });
    } catch {
    }
  });
  return withDeadline(
    work,
    deadlineMs,
    () => err(`no answer from the artifact service within ${Math.round(deadlineMs / 1e3)} s`),
    { signal: req.finishNow, value: () => err("abandoned: the runner is stopping the step") }
  );
}
async function stageAndUpload(req, staging) {
  const local = [];
  for (const path of [...new Set(req.files)]) {
    const rel = path.startsWith(`${req.runDir}/`) ? path.slice(req.runDir.length + 1) : path.split("/").pop() ?? "file";
    const target = join3(staging, rel);
    if (await copyTail(req.transport, path, target)) local.push(target);
  }
  if (local.length === 0) return ok({ skipped: "no files to upload yet" });
  const { DefaultArtifactClient } = await import("./artifact-E2FO5OKS.js");
  const client = new DefaultArtifactClient();
  if (req.replace) {
    try {
      await client.deleteArtifact(req.name);
    } catch {
    }
  }
  const r = await client.uploadArtifact(
    req.name,
    local,
    staging,
    req.retentionDays > 0 ? { retentionDays: req.retentionDays } : {}
  );
  if (r.id === void 0) return err("the artifact service returned no id");
  return ok({ id: r.id, size: r.size ?? 0, files: local.length });
}
async function copyTail(transport, path, target) {
  const st = await transport.stat(path);
  if (!st || st.isDirectory) return false;
  mkdirSync(dirname3(target), { recursive: true });
  writeFileSync(target, "");
  const from = Math.max(0, st.size - MAX_FILE_BYTES);
  for (let pos = from; pos < st.size; pos += SCAN_CHUNK_BYTES) {
    const chunk = await transport.readRange(path, pos, Math.min(SCAN_CHUNK_BYTES, st.size - pos));
    if (chunk === null && pos === from) {
      rmSync(target, { force: true });
      return false;
    }
    if (!chunk || chunk.length === 0) break;
    appendFileSync(target, chunk);
  }
  return true;
}
function describeError(e) {
  if (e instanceof Error) {
    const extra = e;
    const status = extra.statusCode ?? extra.status;
    const parts = [
      e.message.trim(),
      typeof extra.code === "string" || typeof extra.code === "number" ? `code ${String(extra.code)}` : "",
      typeof status === "number" || typeof status === "string" ? `HTTP ${String(status)}` : ""
    ].filter(Boolean);
    if (parts.length > 0) return parts.join(", ");
    return e.name && e.name !== "Error" ? e.name : "an error without a message";
  }
  const text = typeof e === "string" ? e.trim() : JSON.stringify(e);
  return text && text !== '""' ? text : "an error without a message";
}
function artifactName(input, experimentName, attempt) {
  const base = (input || `run-experiment-${experimentName}`).replace(/["':<>|*?\\/\r\n]+/g, "_");
  return `${base}-attempt${attempt || "1"}`;
}

// src/report/chart.ts
function metricBars(r) {
  const byTask = /* @__PURE__ */ new Map();
  for (const o of r.evaluate?.outcomes ?? []) {
    const cell = o.job.cell;
    if (o.result !== "succeeded" || !cell) continue;
    const headline = headlineMetric(evaluationOf(o));
    if (!headline) continue;
    const group = byTask.get(cell.task) ?? { metric: headline.name, bars: [] };
    group.bars.push({ label: cell.epoch === null ? cell.run : `${cell.run} ep${cell.epoch}`, value: headline.value });
    byTask.set(cell.task, group);
  }
  return byTask;
}
function mermaidCharts(r) {
  const out = [];
  for (const [task, { metric, bars }] of metricBars(r)) {
    const max = Math.max(1, ...bars.map((b) => b.value));
    out.push(
      "```mermaid",
      "xychart-beta",
      `    title "${mermaidText(task)}: ${mermaidText(metric)}"`,
      `    x-axis [${bars.map((b) => `"${mermaidText(b.label)}"`).join(", ")}]`,
      `    y-axis "${mermaidText(metric)}" 0 --> ${round(max)}`,
      `    bar [${bars.map((b) => round(b.value)).join(", ")}]`,
      "```",
      ""
    );
  }
  return out.join("\n");
}
function lossCurves(r) {
  return [...r.optimize?.outcomes ?? []].map((o) => ({
    run: o.job.run,
    points: trainingOf(o)?.lossCurve ?? []
  })).filter((c) => c.points.length > 1);
}
function hasResultsChart(r) {
  return metricBars(r).size > 0 || lossCurves(r).length > 0;
}
function resultsSvg(r) {
  const groups = [...metricBars(r)];
  const curves = lossCurves(r);
  if (groups.length === 0 && curves.length === 0) return void 0;
  const width = 720;
  const rowH = 22;
  const parts = [];
  let y = 30;
  parts.push(`<text x="10" y="20" font-size="16" font-weight="bold">${xmlText(r.experimentName)}: results</text>`);
  for (const [task, { metric, bars }] of groups) {
    const max = Math.max(1, ...bars.map((b) => b.value));
    const title = `${xmlText(task)} \u2014 ${xmlText(metric)}`;
    parts.push(`<text x="10" y="${y + 16}" font-size="13" font-weight="bold">${title}</text>`);
    y += 24;
    for (const b of bars) {
      const w = Math.max(1, b.value / max * 400);
      parts.push(
        `<text x="170" y="${y + 15}" font-size="12" text-anchor="end">${xmlText(b.label)}</text>`,
        `<rect x="180" y="${y + 3}" width="${w.toFixed(1)}" height="${rowH - 6}" fill="#2f81f7"/>`,
        `<text x="${(186 + w).toFixed(1)}" y="${y + 15}" font-size="12">${round(b.value)}</text>`
      );
      y += rowH;
    }
    y += 10;
  }
  if (curves.length > 0) {
    const plotH = 200;
    const x0 = 60;
    const x1 = width - 20;
    const top = y + 30;
    const maxStep = Math.max(...curves.flatMap((c) => c.points.map((p) => p.step)));
    const maxLoss = Math.max(...curves.flatMap((c) => c.points.map((p) => p.loss)));
    const colors = ["#2f81f7", "#d1242f", "#1a7f37", "#9a6700", "#8250df", "#bf3989"];
    parts.push(
      `<text x="10" y="${y + 16}" font-size="13" font-weight="bold">training loss</text>`,
      `<line x1="${x0}" y1="${top + plotH}" x2="${x1}" y2="${top + plotH}" stroke="#888"/>`,
      `<line x1="${x0}" y1="${top}" x2="${x0}" y2="${top + plotH}" stroke="#888"/>`,
      `<text x="${x0 - 5}" y="${top + 10}" font-size="11" text-anchor="end">${round(maxLoss)}</text>`,
      `<text x="${x0 - 5}" y="${top + plotH}" font-size="11" text-anchor="end">0</text>`,
      `<text x="${x1}" y="${top + plotH + 15}" font-size="11" text-anchor="end">step ${maxStep}</text>`
    );
    curves.forEach((c, i) => {
      const color = colors[i % colors.length] ?? "#000";
      const pts = c.points.map(
        (p) => `${(x0 + p.step / maxStep * (x1 - x0)).toFixed(1)},` + (top + plotH - p.loss / (maxLoss || 1) * plotH).toFixed(1)
      ).join(" ");
      parts.push(
        `<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${pts}"/>`,
        `<text x="${x1 - 100}" y="${top + 15 + i * 15}" font-size="12" fill="${color}">${xmlText(c.run)}</text>`
      );
    });
    y = top + plotH + 25;
  }
  const open = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y + 10}" font-family="sans-serif">`;
  return `${open}
<rect width="100%" height="100%" fill="white"/>
${parts.join("\n")}
</svg>
`;
}
function round(v) {
  return String(Math.round(v * 1e3) / 1e3);
}

// src/report/compute.ts
function localUsage(jobId, times) {
  const at = (iso) => iso === void 0 ? void 0 : Date.parse(iso) || void 0;
  const u = { jobId, gpus: 0 };
  const submittedAt2 = at(times.submittedIso);
  const startedAt = at(times.startedIso);
  const endedAt = at(times.endedIso);
  if (submittedAt2 !== void 0) u.submittedAt = submittedAt2;
  if (startedAt !== void 0) u.startedAt = startedAt;
  if (endedAt !== void 0) u.endedAt = endedAt;
  return u;
}
var CRUIJFF_COLUMNS = [
  "timestamp",
  "utilization.gpu",
  "utilization.memory",
  "memory.used",
  "memory.total",
  "power.draw",
  "temperature.gpu"
];
function nvidiaNumber(s) {
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*(?:%|MiB|W|C)?\s*$/.exec(s ?? "");
  return m ? Number(m[1]) : void 0;
}
function nvidiaTime(s) {
  const m = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})/.exec(s ?? "");
  if (!m) return void 0;
  const [, y, mo, d, h, mi, se] = m.map(Number);
  return new Date(y ?? 0, (mo ?? 1) - 1, d, h, mi, se).getTime();
}
function parseGpuMetricsCsv(text, window) {
  let columns = CRUIJFF_COLUMNS;
  const utils = [];
  const mems = [];
  const totals = [];
  const powers = [];
  let samples = 0;
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim()) continue;
    const cells = line.split(",").map((c) => c.trim());
    if (cells.some((c) => /^(utilization|memory)\./.test(c))) {
      columns = cells.map((c) => c.replace(/\s*\[.*\]$/, ""));
      continue;
    }
    if (cells.length < columns.length) continue;
    const get = (name) => {
      const i = columns.indexOf(name);
      return i < 0 ? void 0 : nvidiaNumber(cells[i]);
    };
    if (window && columns.includes("timestamp")) {
      const at = nvidiaTime(cells[columns.indexOf("timestamp")]);
      if (at === void 0 || at < window.from || at > window.to) continue;
    }
    samples++;
    const u = get("utilization.gpu");
    const m = get("memory.used");
    const t = get("memory.total");
    const p = get("power.draw");
    if (u !== void 0) utils.push(u);
    if (m !== void 0) mems.push(m);
    if (t !== void 0) totals.push(t);
    if (p !== void 0) powers.push(p);
  }
  if (!columns.includes("utilization.gpu") && !columns.includes("memory.used"))
    return err("no utilization.gpu or memory.used column");
  const mean = (xs) => xs.length === 0 ? void 0 : xs.reduce((a, b) => a + b, 0) / xs.length;
  const max = (xs) => xs.length === 0 ? void 0 : Math.max(...xs);
  const g = { samples };
  const fields = [
    ["utilMeanPct", mean(utils)],
    ["utilMaxPct", max(utils)],
    ["memPeakMiB", max(mems)],
    ["memTotalMiB", max(totals)],
    ["powerMeanW", mean(powers)]
  ];
  for (const [k, v] of fields) if (v !== void 0) g[k] = v;
  return ok(g);
}
function computeRows(jobs, usage, gpuMetrics, now) {
  return jobs.map((j) => {
    const u = j.jobId === null ? void 0 : usage.get(j.jobId);
    const g = j.jobId === null ? void 0 : gpuMetrics.get(j.jobId);
    const row = { phase: j.phase, display: j.display, jobId: j.jobId, gpus: u?.gpus ?? 0, gpuHours: 0 };
    if (!u) return row;
    if (u.state !== void 0) row.state = u.state;
    if (u.submittedAt !== void 0 && u.startedAt !== void 0)
      row.queueS = Math.max(0, (u.startedAt - u.submittedAt) / 1e3);
    const wall = u.elapsedS ?? (u.startedAt !== void 0 ? Math.max(0, ((u.endedAt ?? now) - u.startedAt) / 1e3) : void 0);
    if (wall !== void 0) {
      row.wallS = wall;
      row.gpuHours = row.gpus * wall / 3600;
    }
    if (u.maxRssBytes !== void 0) row.peakRssBytes = u.maxRssBytes;
    if (g?.utilMeanPct !== void 0) row.gpuUtilMeanPct = g.utilMeanPct;
    if (g?.memPeakMiB !== void 0) row.gpuMemPeakMiB = g.memPeakMiB;
    return row;
  });
}
function computeTotals(rows) {
  const total = (phase, rs) => {
    const t = {
      phase,
      jobs: rs.length,
      wallS: rs.reduce((a, r) => a + (r.wallS ?? 0), 0),
      gpuHours: rs.reduce((a, r) => a + r.gpuHours, 0)
    };
    const peak = (xs) => {
      const ns = xs.filter((x) => x !== void 0);
      return ns.length > 0 ? Math.max(...ns) : void 0;
    };
    const q = peak(rs.map((r) => r.queueS));
    const rss = peak(rs.map((r) => r.peakRssBytes));
    const gm = peak(rs.map((r) => r.gpuMemPeakMiB));
    if (q !== void 0) t.maxQueueS = q;
    if (rss !== void 0) t.peakRssBytes = rss;
    if (gm !== void 0) t.gpuMemPeakMiB = gm;
    return t;
  };
  const phases = [...new Set(rows.map((r) => r.phase))];
  const out = phases.map(
    (p) => total(
      p,
      rows.filter((r) => r.phase === p)
    )
  );
  if (phases.length > 1) out.push(total("all", rows));
  return out;
}
function formatBytes(bytes) {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 10 || i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i] ?? "B"}`;
}
var dash = "\u2013";
function computeMarkdown(rows) {
  if (rows.length === 0) return "";
  const gpuCols = rows.some((r) => r.gpuUtilMeanPct !== void 0 || r.gpuMemPeakMiB !== void 0);
  const header = ["Job", "Phase", "Job ID", "State", "Queue wait", "Wall time", "GPUs", "GPU-hours", "Peak memory"];
  if (gpuCols) header.push("GPU util (mean)", "Peak GPU memory");
  const dur = (s) => s === void 0 ? dash : formatDuration(s * 1e3);
  const jobRows = rows.map((r) => [
    r.display,
    r.phase,
    r.jobId ?? dash,
    r.state ?? dash,
    dur(r.queueS),
    dur(r.wallS),
    String(r.gpus),
    r.gpuHours.toFixed(2),
    r.peakRssBytes === void 0 ? dash : formatBytes(r.peakRssBytes),
    ...gpuCols ? [
      r.gpuUtilMeanPct === void 0 ? dash : `${Math.round(r.gpuUtilMeanPct)}%`,
      r.gpuMemPeakMiB === void 0 ? dash : formatBytes(r.gpuMemPeakMiB * 1024 * 1024)
    ] : []
  ]);
  const totalRows = computeTotals(rows).map((t) => [
    strong(t.phase === "all" ? "Total" : `Total ${t.phase}`),
    t.phase === "all" ? "" : t.phase,
    `${t.jobs} jobs`,
    "",
    t.maxQueueS === void 0 ? dash : `max ${dur(t.maxQueueS)}`,
    strong(dur(t.wallS)),
    "",
    strong(t.gpuHours.toFixed(2)),
    t.peakRssBytes === void 0 ? dash : `max ${formatBytes(t.peakRssBytes)}`,
    ...gpuCols ? ["", t.gpuMemPeakMiB === void 0 ? dash : `max ${formatBytes(t.gpuMemPeakMiB * 1024 * 1024)}`] : []
  ]);
  const align = header.map((_, i) => i >= 4 ? "right" : "left");
  return markdownTable(header, [...jobRows, ...totalRows], align);
}
function attemptsOf(phase, outcomes) {
  return outcomes.flatMap((o) => [
    // Earlier attempts first (an out-of-memory retry's first try held its GPU too).
    ...(o.earlier ?? []).flatMap(
      (a, i) => a.job_id ? [
        {
          job: { phase, display: `${o.job.display} (attempt ${i + 1}, ${a.state})`, jobId: a.job_id },
          times: {
            submittedIso: a.submitted_iso,
            ...a.started_iso ? { startedIso: a.started_iso } : {},
            ...a.ended_iso ? { endedIso: a.ended_iso } : {}
          }
        }
      ] : []
    ),
    ...o.jobId ? [
      {
        job: { phase, display: o.job.display, jobId: o.jobId },
        times: {
          ...o.submittedIso ? { submittedIso: o.submittedIso } : {},
          ...o.startedIso ? { startedIso: o.startedIso } : {},
          ...o.endedIso ? { endedIso: o.endedIso } : {}
        }
      }
    ] : []
  ]);
}
async function collectCompute(scheduler, phases, gpuMetrics, now) {
  const attempts = phases.flatMap((p) => attemptsOf(p.phase, p.outcomes));
  if (attempts.length === 0) return { rows: [] };
  const usage = /* @__PURE__ */ new Map();
  let warning2;
  if (scheduler.usage) {
    const queries = attempts.map(({ job, times }) => ({
      jobId: job.jobId,
      submittedAt: times.submittedIso ?? new Date(now - LOOKBACK_MS).toISOString()
    }));
    try {
      for (const [id, u] of await scheduler.usage(queries)) usage.set(id, u);
    } catch (e) {
      warning2 = `compute: the scheduler's accounting could not be read (${messageOf(e)}); times are the action's own`;
    }
  }
  for (const { job, times } of attempts) if (!usage.has(job.jobId)) usage.set(job.jobId, localUsage(job.jobId, times));
  const jobs = attempts.map((a) => a.job);
  return { rows: computeRows(jobs, usage, gpuMetrics, now), ...warning2 ? { warning: warning2 } : {} };
}
var WINDOW_SLACK_MS = 6e4;
var MAX_GPU_CSV_BYTES = 16 * 1024 * 1024;
async function collectGpuMetrics(transport, jobs, now) {
  const out = /* @__PURE__ */ new Map();
  const texts = /* @__PURE__ */ new Map();
  for (const j of jobs) {
    if (!texts.has(j.file)) {
      const bytes = await readTail(transport, j.file, MAX_GPU_CSV_BYTES).catch(() => null);
      texts.set(j.file, bytes ? bytes.toString("utf8") : null);
    }
    const text = texts.get(j.file);
    const from = j.startedIso ? Date.parse(j.startedIso) : NaN;
    if (!text || Number.isNaN(from)) continue;
    const to = j.endedIso ? Date.parse(j.endedIso) : now;
    const g = parseGpuMetricsCsv(text, {
      from: from - WINDOW_SLACK_MS,
      to: (Number.isNaN(to) ? now : to) + WINDOW_SLACK_MS
    });
    if (g.ok && g.value.samples > 0) out.set(j.jobId, g.value);
  }
  return out;
}
async function computeOf(transport, scheduler, runDir, phases, now) {
  const files = phases.flatMap(
    ({ tool, outcomes }) => outcomes.flatMap((o) => {
      const file = o.jobId ? tool.gpuMetricsFile?.(runDir, o.job, o.output) : void 0;
      if (!o.jobId || !file) return [];
      return [
        {
          jobId: o.jobId,
          file,
          ...o.startedIso ? { startedIso: o.startedIso } : {},
          ...o.endedIso ? { endedIso: o.endedIso } : {}
        }
      ];
    })
  );
  const gpu = await collectGpuMetrics(transport, files, now);
  return collectCompute(scheduler, phases, gpu, now);
}
function schedulerUseLines(phases) {
  return phases.flatMap(
    ([phase, use]) => use ? [
      `- ${phase}: ${use.statusQueries} status ${use.statusQueries === 1 ? "query" : "queries"}` + (use.statusQueries ? ` (median ${use.statusMedianMs} ms, max ${use.statusMaxMs} ms)` : "") + `, ${use.submissions} ${use.submissions === 1 ? "submission" : "submissions"}`
    ] : []
  );
}

// src/report/checklist.ts
async function checklist(transport, mainLog, r, asked = { optimize: true, evaluate: true }) {
  const ckpts = checkpointsOf(r.optimize?.outcomes ?? r.priorTraining);
  const evalLogs = evalLogsOf(r.evaluate?.outcomes ?? []);
  const exist = async (paths) => (await Promise.all(paths.map((p) => transport.stat(p)))).every(Boolean);
  const allOk = (outcomes) => outcomes.every((o) => o.result === "succeeded");
  return [
    ["experiment_summary.yaml found and read", true],
    ["Scaffolding verified", true],
    ["Optimizer module executed and completed", r.optimize ? allOk(r.optimize.outcomes) : null],
    // Nothing it trains is evaluated: the experiment cannot answer its question.
    asked.evaluate && r.experiment && nothingEvaluated(r.experiment) ? ["Evaluator module executed and completed", false, "no matrix entry evaluates any fine-tuned run"] : [
      "Evaluator module executed and completed",
      r.evaluate ? allOk(r.evaluate.outcomes) && r.skippedEvals.length === 0 : r.skippedEvals.length ? false : null
    ],
    [
      "Model checkpoints exist",
      r.optimize?.outcomes.length ? ckpts.length > 0 && await exist(ckpts) && r.counts.runsSucceeded === r.counts.runsTotal : null
    ],
    ["Evaluation logs exist", r.evaluate ? evalLogs.length === r.counts.evalsTotal && await exist(evalLogs) : null],
    ["Orchestration log created", await transport.stat(mainLog) !== null],
    ["All module logs exist", await exist(r.logFiles)]
  ];
}
async function writeChecklist(log, items) {
  for (const [item, holds, why] of items) {
    await log.write({
      action: "CHECK",
      description: item,
      result: holds === null ? "not applicable (phase not run)" : holds ? "\u2713" : `\u2717${why ? ` (${why})` : ""}`
    });
  }
}
function unevaluatedRuns(experiment) {
  return experiment.runs.filter((run2) => run2.type === "fine-tuned").filter((run2) => !experiment.cells.some((c) => c.run === run2.name && c.epoch !== null)).map((run2) => run2.name);
}
function nothingEvaluated(experiment) {
  if (experiment.runs.length === 0) return false;
  const trained = experiment.runs.filter((run2) => run2.type === "fine-tuned").length;
  return experiment.cells.length === 0 || trained > 0 && unevaluatedRuns(experiment).length === trained;
}
function unevaluatedNote(experiment) {
  const runs2 = experiment ? unevaluatedRuns(experiment) : [];
  if (runs2.length === 0) return void 0;
  const which = runs2.length === 1 ? "1 fine-tuned run is" : `${runs2.length} fine-tuned runs are`;
  return `${which} trained but evaluated by no evaluation cell: ${compactNames(runs2)}`;
}
var MAX_NAMED = 50;
function compactNames(names) {
  const groups = /* @__PURE__ */ new Map();
  const items = [];
  names.forEach((name, at) => {
    const m = /^(.*?)(\d+)$/.exec(name);
    if (!m) {
      items.push(name);
      return;
    }
    const [, prefix = "", digits = ""] = m;
    let group = groups.get(prefix);
    if (!group) {
      group = [];
      groups.set(prefix, group);
      items.push({ prefix });
    }
    group.push({ digits, at });
  });
  const written = (digits) => digits.length > 1 && digits.startsWith("0") ? `w${digits.length}` : "";
  const ranges = (prefix, members) => {
    const padded = members.some((d) => written(d.digits) !== "");
    const kinds = /* @__PURE__ */ new Map();
    for (const { digits } of members) {
      const kind = padded ? `w${digits.length}` : "";
      kinds.set(kind, [...kinds.get(kind) ?? [], digits]);
    }
    return [...kinds.values()].flatMap((all) => {
      const sorted = [...new Set(all)].sort((a, b) => Number(a) - Number(b));
      const out = [];
      for (let i = 0; i < sorted.length; ) {
        let j = i;
        while (j + 1 < sorted.length && Number(sorted[j + 1]) === Number(sorted[j]) + 1) j++;
        if (j - i >= 2) out.push(`${prefix}{${sorted[i] ?? ""}..${sorted[j] ?? ""}}`);
        else for (let k = i; k <= j; k++) out.push(`${prefix}${sorted[k] ?? ""}`);
        i = j + 1;
      }
      return out;
    });
  };
  const parts = items.flatMap(
    (item) => typeof item === "string" ? [item] : ranges(item.prefix, groups.get(item.prefix) ?? [])
  );
  const shown = parts.slice(0, MAX_NAMED).join(", ");
  return parts.length > MAX_NAMED ? `${shown} and ${parts.length - MAX_NAMED} more` : shown;
}
function gated(verdict, items) {
  const failing = items.filter(([, holds]) => holds === false).map(([item, , why]) => why ? `${item} (${why})` : item);
  if (verdict.status !== "success" || failing.length === 0) return verdict;
  return { status: "partial", verdict: `${verdict.verdict}, but the validation checklist fails: ${failing.join("; ")}` };
}

// src/report/summary.ts
var MAX_LIST = 50;
var DESIGN_HINT = "2. If experiment_summary.yaml is missing, run the design-experiment step first; if job scripts are missing, run scaffold-experiment.";
function jobSummaryMarkdown(r, resultsTable2) {
  const out = [];
  const title = r.status === "invalid" ? "## Run Experiment: invalid experiment" : !r.experiment ? "## Run Experiment: did not start" : r.detached ? "## Run Experiment: detached (jobs keep running)" : "## Run Experiment Complete";
  out.push(title, "");
  if (r.runDir) out.push(`Experiment: ${mdCode(r.runDir)}`, "");
  out.push(`**Status:** ${statusIcon(r.status)} ${r.status} \u2014 ${mdText(r.verdict)}`, "");
  if (r.private) out.push(PRIVATE_NOTE, "");
  const unevaluated = unevaluatedNote(r.experiment);
  if (unevaluated) out.push(`\u26A0\uFE0F ${mdText(unevaluated)}`, "");
  if (r.errors.length > 0) {
    out.push("### Problems", "");
    for (const p of r.errors) out.push(`- ${mdText(formatProblem(p))}`);
    out.push("");
  }
  if (r.warnings.length > 0) {
    out.push(`<details><summary>Warnings (${r.warnings.length})</summary>`, "");
    for (const p of r.warnings.slice(0, 100)) out.push(`- ${mdText(formatProblem(p))}`);
    out.push("", "</details>", "");
  }
  const train = r.optimize?.outcomes ?? [];
  if (r.optimize) {
    const ok2 = train.filter((o) => o.result === "succeeded");
    const bad = train.filter((o) => o.result === "failed");
    const open = train.filter((o) => o.result === "detached");
    out.push(
      "### Optimization Results",
      "",
      `${ok2.length === train.length ? "\u2713" : "\u2717"} ${ok2.length}/${train.length} runs completed successfully`,
      `Duration: ${formatDuration(r.optimize.endedAt.getTime() - r.optimize.startedAt.getTime())}`,
      ""
    );
    out.push("**Completed runs:**", ...list(ok2.map((o) => mdText(`${o.job.display} \u2014 ${jobFacts(o)}`))), "");
    out.push(
      "**Failed runs:**",
      ...list(
        bad.map(
          (o) => mdText(
            `${o.job.display} \u2014 ${failureText(o, r.private)}` + (o.retries?.length ? ` (${retryText(o.retries)})` : "")
          )
        )
      ),
      ""
    );
    if (open.length > 0) out.push("**Not finished:**", ...list(open.map((o) => mdText(unfinished(o)))), "");
    const ckpts = checkpointsOf(ok2);
    out.push("**Model checkpoints:**", ...list(ckpts.map(mdCode)), "");
  }
  if (r.evaluate || r.skippedEvals.length > 0) {
    const evals = r.evaluate?.outcomes ?? [];
    const ok2 = evals.filter((o) => o.result === "succeeded");
    const bad = evals.filter((o) => o.result === "failed");
    const open = evals.filter((o) => o.result === "detached");
    const total = evals.length + r.skippedEvals.length;
    out.push(
      "### Evaluation Results",
      "",
      `${ok2.length === total ? "\u2713" : "\u2717"} ${ok2.length}/${total} evaluations completed successfully`
    );
    if (r.evaluate)
      out.push(`Duration: ${formatDuration(r.evaluate.endedAt.getTime() - r.evaluate.startedAt.getTime())}`);
    out.push("", "**Completed evaluations:**", ...list(ok2.map((o) => mdText(`${o.job.display} \u2014 ${jobFacts(o)}`))), "");
    const failed = bad.map((o) => mdText(`${o.job.display} \u2014 ${failureText(o, r.private)}`));
    out.push("**Failed evaluations:**", ...list(failed), "");
    if (open.length > 0) out.push("**Not finished:**", ...list(open.map((o) => mdText(unfinished(o)))), "");
    if (r.skippedEvals.length > 0)
      out.push(
        "**Skipped evaluations:**",
        ...list(r.skippedEvals.map((s) => mdText(`${s.display} \u2014 ${skipText(s, r.private)}`))),
        ""
      );
    const logs = evalLogsOf(ok2);
    out.push("**Evaluation logs:**", ...list(logs.map(mdCode)), "");
  }
  const resumed = [...train, ...r.evaluate?.outcomes ?? []];
  const counts = (k) => resumed.filter((o) => o.resolution === k).length;
  if (resumed.some((o) => o.resolution !== "submitted")) {
    out.push(
      "### Resumed",
      "",
      `Already succeeded (not re-run): ${counts("already-succeeded")} \xB7 re-attached: ${counts("reattached") + counts("found-by-name")} \xB7 re-submitted: ${counts("resubmitted")} \xB7 newly submitted: ${counts("submitted")} \xB7 skipped: ${r.skippedEvals.length}`,
      ""
    );
    const reruns = resumed.filter((o) => o.rerun);
    if (reruns.length > 0) {
      out.push("**Run again (an earlier success no longer stood):**");
      out.push(...list(reruns.map((o) => mdText(`${o.job.display} \u2014 ${o.rerun ?? ""}`))), "");
    }
  }
  const gates = gatesMarkdown(r);
  if (gates) out.push(gates);
  if (resultsTable2) {
    out.push("### Results", "", resultsTable2, "");
    const charts = mermaidCharts(r);
    if (charts) out.push(charts);
  }
  if (r.compute && r.compute.length > 0) out.push("### Compute", "", computeMarkdown(r.compute), "", ...schedulerUse(r));
  if (!r.experiment) {
    out.push(
      "### Next Steps",
      "",
      "1. Fix the problems above (each names the file, line and field, or the input), then re-run.",
      DESIGN_HINT,
      ""
    );
    return out.join("\n");
  }
  const optMs = r.optimize ? r.optimize.endedAt.getTime() - r.optimize.startedAt.getTime() : 0;
  const evalMs = r.evaluate ? r.evaluate.endedAt.getTime() - r.evaluate.startedAt.getTime() : 0;
  out.push(
    "### Total Time",
    "",
    `Complete workflow: ${formatDuration(r.endedAt.getTime() - r.startedAt.getTime())}`,
    `- Optimization: ${r.optimize ? formatDuration(optMs) : "not run"}`,
    `- Evaluation: ${r.evaluate ? formatDuration(evalMs) : "not run"}`,
    ""
  );
  out.push("### Next Steps", "");
  if (r.status === "invalid") {
    out.push("1. Fix the problems above (each names the file, line and field), then re-run.", DESIGN_HINT);
  } else {
    const steps = [
      ...r.nextSteps.map(mdSpans),
      "Analyze results (see experiment_summary.yaml for configuration)",
      ...r.status !== "success" ? ["Re-run this workflow to retry what failed: succeeded jobs are never run again."] : []
    ];
    out.push(...steps.map((step, i) => `${i + 1}. ${step}`));
  }
  out.push("", `Logs: ${r.logFiles.map(mdCode).join(", ")}`);
  if (r.artifact) {
    out.push(
      "id" in r.artifact ? `Artifact: ${mdCode(r.artifact.name)} (id ${r.artifact.id}): ` + (r.private ? "the summaries only (a private experiment)" : `logs, state, summaries${r.evaluate ? " and .eval logs" : ""}`) : "failed" in r.artifact ? `Artifact upload failed (${mdText(r.artifact.failed)}): the files stay in ${mdCode(r.runDir)}` : `Artifact not uploaded: ${mdText(r.artifact.skipped)}`
    );
  }
  out.push("");
  return out.join("\n");
}
function resultsMarkdown(r) {
  const exp = r.experiment;
  if (!exp) return { markdown: "", table: "" };
  const table = resultsTable(exp, r);
  const out = [];
  const done = r.counts.runsSucceeded + r.counts.evalsSucceeded;
  const total = r.counts.runsTotal + r.counts.evalsTotal;
  out.push(
    "# Experiment Summary",
    "",
    `**Experiment:** ${mdCode(exp.name)} | **Generated:** ${timestamp(r.endedAt)} | **Status:** ${done}/${total} complete`,
    ""
  );
  if (r.private) out.push(PRIVATE_NOTE, "");
  out.push("## Results", "", table, "");
  if (hasResultsChart(r)) out.push(`![results: metrics per run and training loss](${FILES.chart})`, "");
  const notes = (o) => r.private ? o.exitCode !== void 0 ? `exit ${o.exitCode}` : "" : o.error ?? "";
  const incomplete = [
    ...(r.optimize?.outcomes ?? []).filter((o) => o.result !== "succeeded").map((o) => [o.job.display, "fine-tuning", o.state, notes(o)]),
    ...(r.evaluate?.outcomes ?? []).filter((o) => o.result !== "succeeded").map((o) => [o.job.display, "evaluation", o.state, notes(o)]),
    ...r.skippedEvals.map((s) => [s.display, "evaluation", "SKIPPED", skipText(s, r.private)])
  ];
  if (incomplete.length > 0)
    out.push("## Incomplete Runs", "", markdownTable(["Run", "Stage", "Status", "Notes"], incomplete), "");
  const gates = gatesMarkdown(r);
  if (gates) out.push(gates.replace(/^### /, "## "));
  if (r.compute && r.compute.length > 0) out.push("## Compute", "", computeMarkdown(r.compute), "", ...schedulerUse(r));
  out.push("## Next Steps", "", ...r.nextSteps.map((step) => `- ${mdSpans(step)}`), "");
  return { markdown: out.join("\n"), table };
}
function resultsTable(exp, r) {
  const training = /* @__PURE__ */ new Map();
  for (const o of [...r.priorTraining, ...r.optimize?.outcomes ?? []]) training.set(o.job.run, o);
  const evals = evaluationsByCell(r);
  const paramKeys = [...new Set(exp.runs.flatMap((run2) => Object.keys(run2.parameters)))].filter((k) => exp.runs.some((run2) => isScalar3(run2.parameters[k]))).slice(0, 8);
  const columns = [...new Set(exp.cells.map(columnOf))];
  const header = ["Run", "Type", ...paramKeys, "Final loss", ...columns];
  const rows = exp.runs.map((run2) => {
    const t = training.get(run2.name);
    const loss = trainingOf(t)?.finalLoss;
    const cells = columns.map((col) => {
      const cell = exp.cells.find((c) => c.run === run2.name && columnOf(c) === col);
      if (!cell) return "";
      const o = evals.get(cellDisplayName(cell));
      if (!o) return "\u2013";
      if ("reason" in o) return "skipped";
      if (o.result === "succeeded") return metricText(evaluationOf(o));
      return o.result === "detached" ? openWord(o) : "failed";
    });
    const lossText = typeof loss === "number" ? loss.toFixed(4) : run2.type === "fine-tuned" ? t ? t.result === "succeeded" ? "n/a" : t.result === "detached" ? openWord(t) : "failed" : "\u2013" : "";
    return [
      run2.name,
      run2.type,
      ...paramKeys.map((k) => isScalar3(run2.parameters[k]) ? String(run2.parameters[k]) : ""),
      lossText,
      ...cells
    ];
  });
  return markdownTable(header, rows);
}
function openWord(o) {
  return o.state === "CANCELLED" ? "cancelled" : o.state === "NOT_SUBMITTED" || !o.jobId ? "not run" : "running";
}
function columnOf(c) {
  return c.epoch === null ? c.task : `${c.task} @ epoch ${c.epoch}`;
}
function metricText(e) {
  const h = headlineMetric(e);
  if (!h) return "done";
  const value = `${h.value.toFixed(3)}${h.stderr !== void 0 ? ` \xB1 ${h.stderr.toFixed(3)}` : ""}`;
  return SHARE_METRICS.includes(h.metric) ? value : `${h.metric} ${value}`;
}
function unfinished(o) {
  const what = o.state === "CANCELLED" ? `cancelled (cancel-on-abort), job ${o.jobId ?? "?"}` : o.state === "NOT_SUBMITTED" || !o.jobId ? "not submitted (the run stopped first)" : `still running (detached), job ${o.jobId}: re-run to re-attach`;
  return `${o.job.display} \u2014 ${what}`;
}
function jobFacts(o) {
  const parts = [`job ${o.jobId ?? "?"}`];
  if (o.startedIso && o.endedIso) parts.push(formatDuration(Date.parse(o.endedIso) - Date.parse(o.startedIso)));
  if (o.attempt > 1) parts.push(`attempt ${o.attempt}`);
  if (o.retries?.length) parts.push(retryText(o.retries));
  if (o.resolution === "already-succeeded") parts.push("done earlier, not re-run");
  const loss = trainingOf(o)?.finalLoss;
  if (loss !== void 0) parts.push(`final loss ${loss.toFixed(4)}`);
  const evaluation = evaluationOf(o);
  if (evaluation) parts.push(metricText(evaluation));
  return parts.join(", ");
}
function retryText(retries) {
  const resume3 = (r) => isResumeItem(r);
  const oom = retries.filter((r) => !resume3(r));
  const resumes = retries.filter(resume3);
  const chain = (key2) => oom.map((r) => r[key2]).filter((v) => v !== void 0).join(" \u2192 ");
  const parts = [];
  if (oom.length) {
    const what = `${oom.length} out-of-memory ${oom.length === 1 ? "retry" : "retries"}`;
    const ga = chain("gradient_accumulation_steps");
    parts.push(`${what}: batch_size \u2192 ${chain("batch_size")}, gradient_accumulation_steps \u2192 ${ga}`);
  }
  if (resumes.length) {
    const from = resumes.map((r) => r[RESUME_KEY]).join(", ");
    parts.push(`${resumes.length} ${resumes.length === 1 ? "resume" : "resumes"}: continued from epoch ${from}`);
  }
  return parts.join("; ");
}
function list(items) {
  if (items.length === 0) return ["- none"];
  const shown = items.slice(0, MAX_LIST).map((i) => `- ${i}`);
  if (items.length > MAX_LIST) shown.push(`- \u2026 and ${items.length - MAX_LIST} more (see the logs)`);
  return shown;
}
function isScalar3(v) {
  return typeof v === "string" || typeof v === "number" || typeof v === "boolean";
}
function schedulerUse(r) {
  const lines = schedulerUseLines([
    ["optimize", r.optimize?.scheduler],
    ["evaluate", r.evaluate?.scheduler]
  ]);
  return lines.length ? ["Scheduler calls:", "", ...lines, ""] : [];
}

// src/report/finish.ts
async function finishExperiment(f, report, log) {
  const results = report.experiment && report.status !== "invalid" ? resultsMarkdown(report) : void 0;
  const runDirExists = report.status !== "invalid" && report.runDir !== "" && await f.transport.stat(report.runDir) !== null;
  const store = new ResultFiles(f, report);
  if (runDirExists) {
    report.summaryPath = `${report.runDir}/${FILES.jobSummary}`;
    if (results && f.summarize) {
      await store.write(FILES.results, results.markdown);
      const svg = resultsSvg(report);
      if (svg) await store.write(FILES.chart, svg);
    }
  }
  if (log) {
    const c = report.counts;
    await store.guard(
      () => log.write({
        action: "COMPLETE",
        description: report.experimentName,
        details: `status=${report.status}; ${report.verdict}; runs ${c.runsSucceeded}/${c.runsTotal} succeeded; evaluations ${c.evalsSucceeded}/${c.evalsTotal} succeeded, ${c.evalsSkipped} skipped; total ${formatDuration(report.endedAt.getTime() - report.startedAt.getTime())}`,
        lines: [
          `Logs: ${report.logFiles.join(", ")}`,
          ...report.summaryPath ? [`Summary: ${report.summaryPath}`] : [],
          ...results && f.summarize ? [`Results: ${report.runDir}/${FILES.results}`] : []
        ],
        result: report.status
      })
    );
  }
  if (report.summaryPath) {
    report.summaryPath = await store.write(FILES.jobSummary, jobSummaryMarkdown(report, results?.table));
    if (report.status !== "invalid" && report.experiment) {
      await publishArtifact(f, report, true, store.elsewhere());
    }
    report.summaryPath = await store.write(FILES.jobSummary, jobSummaryMarkdown(report, results?.table));
  }
  return report;
}
var ResultFiles = class {
  constructor(f, report) {
    this.f = f;
    this.report = report;
  }
  f;
  report;
  fallback;
  written = [];
  /** Writes `name`; returns the path it went to (undefined when the runner's disk refused it too). */
  async write(name, text) {
    if (!this.fallback) {
      const path = `${this.report.runDir}/${name}`;
      if (await this.guard(() => this.f.transport.writeFileAtomic(path, text))) return path;
    }
    try {
      const path = join4(this.fallbackDir(), name);
      writeFileSync2(path, text);
      if (!this.written.includes(path)) this.written.push(path);
      return path;
    } catch (e) {
      const problem = storageProblem(e);
      if (!problem) throw e;
      return void 0;
    }
  }
  /** Runs a write to the run directory; false (and the fallback from now on) when storage refused it. */
  async guard(write) {
    try {
      await write();
      return true;
    } catch (e) {
      const problem = storageProblem(e);
      if (!problem) throw e;
      if (!this.fallback) {
        const dir = this.fallbackDir();
        this.report.warnings.push({
          ...problem,
          message: `${problem.message}: the summary and results are in ${dir} on the runner instead`
        });
      }
      return false;
    }
  }
  /** Files written outside the run directory (they go into the artifact too). */
  elsewhere() {
    return this.written;
  }
  fallbackDir() {
    if (!this.fallback) {
      const safe = (this.report.experimentName || "experiment").replace(/[^\w.-]+/g, "_");
      this.fallback = join4(this.f.env["RUNNER_TEMP"] || tmpdir2(), "run-experiment", safe);
      mkdirSync2(this.fallback, { recursive: true });
    }
    return this.fallback;
  }
};
function artifactFiles(f, report, extraFiles = []) {
  const { runDir } = report;
  const summaries = [FILES.results, FILES.jobSummary, FILES.chart].map((p) => `${runDir}/${p}`);
  if (report.private) return [...summaries, ...extraFiles];
  const outcomes = [...report.optimize?.outcomes ?? [], ...report.evaluate?.outcomes ?? []];
  return [
    ...[FILES.mainLog, ...f.moduleFiles].map((p) => `${runDir}/${p}`),
    ...summaries,
    ...f.artifact.includeEvalLogs ? (report.evaluate?.outcomes ?? []).flatMap((o) => evaluationOf(o)?.log ?? []) : [],
    ...outcomes.flatMap((o) => o.result === "failed" && o.outputFile ? [o.outputFile] : []),
    ...extraFiles
  ];
}
async function publishArtifact(f, report, replace, extraFiles = []) {
  const { runDir, experiment } = report;
  if (!experiment) return;
  const files = artifactFiles(f, report, extraFiles);
  const name = artifactName(f.artifact.name, experiment.name, f.env["GITHUB_RUN_ATTEMPT"]);
  const r = await uploadArtifact({
    transport: f.transport,
    runDir,
    files,
    name,
    retentionDays: f.artifact.retentionDays,
    replace,
    env: f.env,
    ...f.uploadDeadlineMs !== void 0 ? { deadlineMs: f.uploadDeadlineMs } : {},
    ...f.finishNow ? { finishNow: f.finishNow } : {}
  });
  const failedBefore = (w) => w.message.startsWith(UPLOAD_FAILED);
  if (!r.ok) {
    report.artifact = { failed: r.error };
    const message = `${UPLOAD_FAILED} (${r.error}): the logs and summaries stay in ${runDir}`;
    if (!report.warnings.some(failedBefore)) report.warnings.push({ message });
    return;
  }
  for (let i = report.warnings.length - 1; i >= 0; i--) {
    if (failedBefore(report.warnings[i] ?? { message: "" })) report.warnings.splice(i, 1);
  }
  if ("skipped" in r.value) report.artifact = { skipped: r.value.skipped };
  else report.artifact = { id: r.value.id, name };
}
var UPLOAD_FAILED = "artifact upload failed";

// src/pipeline/cancel.ts
function markCancelled(r, ids) {
  if (!r || ids.length === 0) return r;
  const outcomes = r.outcomes.map(
    (o) => o.result === "detached" && o.jobId && ids.includes(o.jobId) ? { ...o, state: "CANCELLED" } : o
  );
  return { ...r, outcomes };
}
async function noteCancelled(ids, stores) {
  for (const store of stores) {
    for (const [key2, entry] of Object.entries(store.entries)) {
      if (!entry.job_id || !ids.includes(entry.job_id)) continue;
      await guardStorage(() => store.put(key2, { ...entry, cancel_requested: true }));
    }
  }
}
async function cancelDetached(scheduler, log, draft, phases, queued = []) {
  const running = phases.flatMap((r) => r?.outcomes ?? []).flatMap((o) => o.result === "detached" && o.jobId ? [o.jobId] : []);
  const ids = [.../* @__PURE__ */ new Set([...running, ...queued])];
  const failure = await scheduler.cancel(ids).then(
    () => void 0,
    (e) => messageOf(e)
  );
  const warning2 = `cancel-on-abort: could not cancel job(s) ${ids.join(", ")}`;
  return reportCancel(log, draft, { details: `cancel-on-abort: ${ids.length} job(s)`, warning: warning2 }, ids, failure);
}
async function reportCancel(log, draft, say, ids, failure) {
  if (failure) draft.warnings.push({ message: `${say.warning}: ${failure}` });
  await log.write({
    action: "CANCEL_JOBS",
    details: `${say.details}: ${ids.join(", ") || "none"}`,
    result: failure ? `failed: ${failure}` : "cancelled"
  });
  return failure ? [] : [...ids];
}
async function cancelStranded(scheduler, sealer, experimentId, log, draft) {
  if (!scheduler.chainsJobs) return [];
  const found = await markedJobs(scheduler, sealer, experimentId).get();
  const ids = found.ok ? found.value.filter((j) => queuedBehind(j.status)).map((j) => j.status.jobId) : [];
  if (found.ok && ids.length === 0) return [];
  const failure = found.ok ? await scheduler.cancel(ids).then(
    () => void 0,
    (e) => messageOf(e)
  ) : found.error;
  const details = `${ids.length} job(s) of this run directory queued behind a dependency that will never be met`;
  return reportCancel(
    log,
    draft,
    { details, warning: "jobs left waiting on a dependency could not be cancelled" },
    ids,
    failure
  );
}
function queuedBehind(status) {
  return waitsInVain(status) || status.state === "PENDING" && status.reason === "Dependency";
}

// src/require/requirements.ts
function applyRequirements(report, bound) {
  if (bound.length === 0) return;
  if (!report.evaluate) {
    report.gatesNote = "not evaluated: this pass ran no evaluation (phases: optimize, or it was detached)";
    report.warnings.push({ field: "require", message: `the require conditions were ${report.gatesNote}` });
    return;
  }
  report.gates = evaluateGates(bound, evaluationsByCell(report));
  const failing = report.gates.filter((g) => !g.passed);
  for (const g of failing) {
    const hint = `the condition is on line ${g.line} of the require input`;
    report.errors.push({ field: "require", message: `"${g.condition}" does not hold: ${g.summary}`, hint });
  }
  if (failing.length > 0 && report.status !== "invalid") {
    report.status = "failed";
    const names = failing.map((g) => `"${g.condition}"`).join(", ");
    report.verdict = `required condition${failing.length > 1 ? "s" : ""} not met: ${names}; ${report.verdict}`;
  }
}

// src/pipeline/conclude.ts
async function conclude(report, c) {
  const phases = [
    ...report.optimize ? [{ phase: "optimize", tool: c.optimizer, outcomes: report.optimize.outcomes }] : [],
    ...report.evaluate ? [{ phase: "evaluate", tool: c.evaluator, outcomes: report.evaluate.outcomes }] : []
  ];
  const compute2 = await computeOf(c.transport, c.scheduler, c.runDir, phases, Date.now());
  if (compute2.rows.length > 0) report.compute = compute2.rows;
  if (compute2.warning) report.warnings.push({ message: compute2.warning });
  const unevaluated = unevaluatedNote(report.experiment);
  if (unevaluated) report.warnings.push({ message: unevaluated });
  if (report.detached) return;
  applyRequirements(report, c.gates);
  const items = await checklist(c.transport, c.mainLog.path, report, c.asked);
  await writeChecklist(c.mainLog, items);
  Object.assign(report, gated(report, items));
}

// src/pipeline/detach.ts
function detachOn(cancelled, transport, sentinel) {
  const controller = new AbortController();
  const follow = () => {
    controller.abort(cancelled.reason);
  };
  if (cancelled.aborted) follow();
  else cancelled.addEventListener("abort", follow, { once: true });
  return {
    signal: controller.signal,
    check: async () => {
      if (!controller.signal.aborted && await transport.stat(sentinel) !== null) controller.abort("sentinel");
    }
  };
}
var ABORTED_UPLOAD_WAIT_MS = 3e3;
var ABORTED_UPLOAD_DEADLINE_MS = 4e3;
async function settled(task, ms) {
  if (!task) return;
  await (ms === void 0 ? task : withDeadline(task, ms, () => void 0));
}

// src/pipeline/preflight.ts
import { existsSync as existsSync4 } from "node:fs";
import { relative as relative4 } from "node:path";
async function preflight(c, p, states) {
  const todo = (jobs, state) => jobs.filter((j) => state?.get(j.key)?.validated !== true);
  const phases = [
    ...c.settings.phases !== "evaluate" ? [[p.optimizer, todo(p.training.jobs, states[0])]] : [],
    ...c.settings.phases !== "optimize" ? [[p.evaluator, todo(p.evaluation.jobs, states[1])]] : []
  ];
  const problems = [];
  for (const [tool, jobs] of phases) {
    if (!tool.preflight || jobs.length === 0) continue;
    const found = await tool.preflight({ transport: c.transport, runDir: p.runDir, experiment: p.experiment, jobs });
    for (const x of found) {
      const inCheckout = x.file && !x.file.startsWith("/") ? `${c.expDir}/${x.file}` : void 0;
      const file = inCheckout && existsSync4(inCheckout) ? inCheckout.startsWith(`${c.workspace}/`) ? relative4(c.workspace, inCheckout) : inCheckout : x.file && (x.file.startsWith("/") ? x.file : `${p.runDir}/${x.file}`);
      problems.push({ ...x, ...file ? { file } : {} });
    }
  }
  return problems;
}

// src/pipeline/reporting.ts
import { relative as relative5 } from "node:path";

// src/report/progress.ts
function compactDuration(ms) {
  const s = Math.max(0, Math.floor(ms / 1e3));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h${String(m % 60).padStart(2, "0")}m`;
  return `${Math.floor(h / 24)}d${h % 24}h`;
}
function countsText(jobs) {
  const n = (c) => jobs.filter((j) => j.category === c).length;
  const failed = n("failed");
  const parts = [`${n("succeeded") + failed}/${jobs.length} done${failed > 0 ? ` (${failed} failed)` : ""}`];
  if (n("running") > 0) parts.push(`${n("running")} running`);
  if (n("queued") > 0) parts.push(`${n("queued")} queued`);
  return parts.join(", ");
}
function jobText(j, now) {
  const facts = [];
  if (j.jobId) facts.push(`job ${j.jobId}`);
  if (j.startedAt !== void 0) facts.push(compactDuration((j.endedAt ?? now) - j.startedAt));
  if (j.note) facts.push(j.note);
  return `${j.display} ${j.state}${facts.length > 0 ? ` (${facts.join(", ")})` : ""}`;
}
function signature(j) {
  return `${j.state}|${j.category}|${j.jobId ?? ""}|${j.note ?? ""}`;
}
var ProgressReporter = class {
  last = /* @__PURE__ */ new Map();
  lastLineAt;
  lastChangeAt = 0;
  gap;
  heartbeatMs;
  maxHeartbeatMs;
  maxShown;
  constructor(options2 = {}) {
    this.heartbeatMs = options2.heartbeatMs ?? 5 * 6e4;
    this.maxHeartbeatMs = Math.max(this.heartbeatMs, options2.maxHeartbeatMs ?? 30 * 6e4);
    this.maxShown = options2.maxChangesShown ?? 3;
    this.gap = this.heartbeatMs;
  }
  /** One snapshot per poll in; at most one update out. */
  observe(s) {
    const first = this.lastLineAt === void 0;
    const changed = s.jobs.filter((j) => this.last.get(j.key) !== signature(j));
    this.last = new Map(s.jobs.map((j) => [j.key, signature(j)]));
    const head = `${s.phase}: ${countsText(s.jobs)} \xB7 ${compactDuration(s.now - s.startedAt)}`;
    if (first || changed.length > 0) {
      this.lastLineAt = s.now;
      this.lastChangeAt = s.now;
      this.gap = this.heartbeatMs;
      const shown = first ? [] : changed.slice(0, this.maxShown).map((j) => jobText(j, s.now));
      if (!first && changed.length > this.maxShown) shown.push(`${changed.length - this.maxShown} more changed`);
      return {
        kind: first ? "start" : "change",
        line: shown.length > 0 ? `${head} \xB7 ${shown.join(", ")}` : head,
        changed: first ? [] : changed,
        details: { title: `${s.phase}: ${s.jobs.length} jobs`, lines: s.jobs.map((j) => jobText(j, s.now)) }
      };
    }
    if (s.now - (this.lastLineAt ?? s.now) < this.gap) return void 0;
    this.lastLineAt = s.now;
    this.gap = Math.min(this.gap * 2, this.maxHeartbeatMs);
    return {
      kind: "heartbeat",
      line: `${head} \xB7 no change for ${compactDuration(s.now - this.lastChangeAt)}`,
      changed: []
    };
  }
};
function actionsLogLines(u) {
  const out = [u.line];
  if (u.details) {
    out.push(`::group::${u.details.title.replace(/[\r\n]/g, " ")}`);
    for (const l of u.details.lines) out.push(l.startsWith("::") ? ` ${l}` : l);
    out.push("::endgroup::");
  }
  return out;
}
function progressBlock(u, phase) {
  const body = u.line.startsWith(`${phase}: `) ? u.line.slice(phase.length + 2) : u.line;
  return { action: "STATUS_CHECK", description: phase, details: body, result: u.kind };
}

// src/report/live.ts
function linksFrom(env) {
  const server = env["GITHUB_SERVER_URL"] ?? "https://github.com";
  const repo = env["GITHUB_REPOSITORY"];
  const runId = env["GITHUB_RUN_ID"];
  if (!repo || !runId) return {};
  const run2 = `${server}/${repo}/actions/runs/${runId}`;
  return { run: run2, artifact: (id) => `${run2}/artifacts/${id}` };
}
var PHASE_WORDS = { optimize: "training", evaluate: "evaluating" };
var LiveReport = class {
  constructor(c) {
    this.c = c;
  }
  c;
  reporters = /* @__PURE__ */ new Map();
  /** The latest counts line of each phase, in the order phases started. */
  phases = /* @__PURE__ */ new Map();
  queue = Promise.resolve();
  /** The module logs, once the run directory is known. */
  useLogs(logFor) {
    this.c.logFor = logFor;
  }
  /** Once the summary is read, its experiment name replaces the directory's. */
  rename(name) {
    this.c.experimentName = name;
  }
  /**
   * One snapshot per poll cycle, from the engine: prints and logs its line (awaited: module-log
   * blocks stay in order); the comment update is queued, never awaited here. Never throws.
   */
  async progress(s) {
    let reporter = this.reporters.get(s.phase);
    if (!reporter) {
      reporter = new ProgressReporter();
      this.reporters.set(s.phase, reporter);
    }
    const u = reporter.observe(s);
    this.phases.set(s.phase, {
      line: `${countsText(s.jobs)} \xB7 ${compactDuration(s.now - s.startedAt)}`,
      final: s.final
    });
    if (u) {
      for (const line of actionsLogLines(u)) this.c.info(line);
      const log = this.c.logFor(s.phase);
      if (log) {
        await log.write(progressBlock(u, s.phase)).catch((e) => {
          this.c.warn(`progress: cannot write ${log.path}: ${messageOf(e)}`);
        });
      }
    }
    if (u?.kind === "start" || s.final) this.enqueue(() => this.publish(this.progressBody(), false));
  }
  /** Resolves once the queued comment updates are done (each is bounded by its deadline). */
  async flush() {
    await this.queue;
  }
  /** The final comment, after the queued updates. */
  async finish(report) {
    await this.flush();
    await this.publish(finalCommentMarkdown(report, this.c.links), report.status !== "success");
  }
  enqueue(task) {
    this.queue = this.queue.then(task).then(
      () => void 0,
      (e) => {
        this.c.warn(`progress report: ${messageOf(e)}`);
      }
    );
  }
  async publish(body, failing) {
    const comment = this.c.comment;
    if (!comment) return;
    const policy = commentPolicy(comment.mode, failing);
    if (!policy.publish) return;
    const r = await comment.sticky.publish(body, { create: policy.create });
    if (!r.ok && "warning" in r) this.c.warn(r.warning);
  }
  progressBody() {
    const phases = [...this.phases];
    const current = phases[phases.length - 1];
    const doing = current ? current[1].final ? `${PHASE_WORDS[current[0]] ?? current[0]} done` : phases.length > 1 ? `${phases.slice(0, -1).map(([p]) => `${PHASE_WORDS[p] ?? p} done`).join(", ")}, ${PHASE_WORDS[current[0]] ?? current[0]}` : PHASE_WORDS[current[0]] ?? current[0] : "starting";
    return [
      `${heading(this.c.experimentName)}: \u23F3 ${mdText(doing)}`,
      "",
      ...phases.map(([p, v]) => `- **${mdText(p)}**: ${mdText(v.line)}`),
      "",
      this.c.links.run ? `[Live progress in the workflow run](${mdUrl(this.c.links.run)})` : "",
      ""
    ].join("\n");
  }
};
function heading(name) {
  return name ? `### \u{1F9EA} Experiment ${mdCode(name)}` : "### \u{1F9EA} Experiment";
}
function finalCommentMarkdown(r, links) {
  const out = [];
  out.push(
    `${heading(r.experimentName)}: ${statusIcon(r.status)} ${r.status}`,
    "",
    mdText(r.verdict),
    "",
    ...r.private ? [PRIVATE_NOTE, ""] : []
  );
  const c = r.counts;
  const facts = [
    `Training: ${c.runsSucceeded}/${c.runsTotal} runs`,
    `evaluation: ${c.evalsSucceeded}/${c.evalsTotal}${c.evalsSkipped ? ` (${c.evalsSkipped} skipped)` : ""}`,
    `took ${formatDuration(r.endedAt.getTime() - r.startedAt.getTime())}`
  ];
  out.push(facts.join(" \xB7 "), "");
  const unevaluated = unevaluatedNote(r.experiment);
  if (unevaluated) out.push(`\u26A0\uFE0F ${mdText(unevaluated)}`, "");
  const gates = gatesMarkdown(r);
  if (gates) out.push(gates.replace(/^### /, "#### "));
  if (r.experiment && r.status !== "invalid") {
    out.push("#### Results", "", resultsTable(r.experiment, r), "");
    const charts = mermaidCharts(r);
    if (charts) out.push(charts);
  }
  const failed = [
    ...(r.optimize?.outcomes ?? []).filter((o) => o.result === "failed"),
    ...(r.evaluate?.outcomes ?? []).filter((o) => o.result === "failed")
  ];
  const problems = r.errors.filter((p) => p.field !== "require");
  if (failed.length > 0 || r.skippedEvals.length > 0 || problems.length > 0) {
    out.push("#### What failed", "");
    for (const p of problems) out.push(`- ${mdText(p.message)}`);
    for (const o of failed.slice(0, 30)) out.push(`- ${mdCode(o.job.display)}: ${mdText(failureText(o, r.private))}`);
    if (failed.length > 30) out.push(`- \u2026 and ${failed.length - 30} more (see the job summary)`);
    for (const s of r.skippedEvals.slice(0, 10))
      out.push(`- ${mdCode(s.display)} skipped: ${mdText(skipText(s, r.private))}`);
    out.push("");
  }
  if (r.compute && r.compute.length > 0) {
    const totals = computeTotals(r.compute);
    const all = totals.find((t) => t.phase === "all") ?? totals[0];
    const title = all ? `Compute: ${r.compute.length} jobs, ${all.gpuHours.toFixed(2)} GPU-hours` : "Compute";
    out.push(`<details><summary>${title}</summary>`, "", computeMarkdown(r.compute), "", "</details>", "");
  }
  const linkParts = [
    links.run ? `[workflow run](${mdUrl(links.run)})` : "",
    r.artifact && "id" in r.artifact ? links.artifact ? `[artifact ${mdCode(r.artifact.name)}](${mdUrl(links.artifact(r.artifact.id))})` : `artifact ${mdCode(r.artifact.name)}` : ""
  ].filter(Boolean);
  if (linkParts.length > 0) out.push(linkParts.join(" \xB7 "), "");
  return out.join("\n");
}

// src/pipeline/reporting.ts
function liveReport(c, name) {
  const target = c.commentTarget;
  const key2 = `${relative5(c.workspace, c.expDir) || "."}/experiment_summary.yaml`;
  const comment = target && c.settings.githubToken && c.settings.comment !== "never" ? {
    sticky: new StickyComment({
      token: c.settings.githubToken,
      target,
      key: key2,
      ...c.io.env["GITHUB_API_URL"] ? { apiUrl: c.io.env["GITHUB_API_URL"] } : {}
    }),
    mode: c.settings.comment
  } : void 0;
  return new LiveReport({
    experimentName: name,
    info: (line) => {
      c.io.info(line);
    },
    warn: (message) => {
      c.io.annotate("warning", { field: "comment", message });
    },
    logFor: () => void 0,
    ...comment ? { comment } : {},
    links: linksFrom(c.io.env)
  });
}
async function endExperiment(c, p, live, report, log) {
  const finished = await finishExperiment(finishContext(c, p), report, log);
  await live?.finish(finished);
  return finished;
}
function finishContext(c, p) {
  return {
    // Artifact files are job outputs: read through the confinement (writes pass through).
    transport: p?.reads ?? c.transport,
    env: c.io.env,
    summarize: c.settings.summarize,
    artifact: {
      name: c.settings.artifactName,
      retentionDays: c.settings.retentionDays,
      includeEvalLogs: c.settings.includeEvalLogs
    },
    moduleFiles: p ? [p.optimizer, p.evaluator].flatMap((t) => [t.logFile, t.stateFile]).map((f) => `${SHARED_DIR}/${f}`) : [],
    ...c.signal.aborted ? { uploadDeadlineMs: ABORTED_UPLOAD_DEADLINE_MS } : {},
    ...c.finishNow ? { finishNow: c.finishNow } : {}
  };
}

// src/engine/state.ts
var AttemptRecordSchema = external_exports.object({
  job_id: external_exports.string().nullable(),
  state: external_exports.string(),
  exit_code: external_exports.number().optional(),
  submitted_iso: external_exports.string(),
  started_iso: external_exports.string().optional(),
  ended_iso: external_exports.string().optional(),
  error: external_exports.string().optional()
});
var EntrySchema = external_exports.looseObject({
  /**
   * The seal (engine/seal.ts) binding this entry to its run directory and job: only a sealed entry is the
   * action's own record. cruijff_kit keeps fields it does not know, so the seal survives its rewrites.
   */
  seal: external_exports.string().optional(),
  /** cruijff_kit fields. */
  job_id: external_exports.string().nullable(),
  submitted_at: external_exports.string(),
  state: external_exports.string(),
  error: external_exports.string().optional(),
  /** Ours. */
  name: external_exports.string().optional(),
  job_name: external_exports.string().optional(),
  attempt: external_exports.number().int().optional(),
  submitted_iso: external_exports.string().optional(),
  started_iso: external_exports.string().optional(),
  ended_iso: external_exports.string().optional(),
  exit_code: external_exports.number().optional(),
  reason: external_exports.string().optional(),
  output_file: external_exports.string().optional(),
  /**
   * A digest of each file the job reads as input (its script, config, task and data files), by path
   * relative to the run directory (absolute outside it), as the user wrote them: the action's own edits
   * (an out-of-memory retry's batch size) are in `edits`, not here.
   */
  inputs: external_exports.record(external_exports.string(), external_exports.string()).optional(),
  /**
   * The tool's expected outputs as they were just before this attempt was submitted (size, mtime, inode;
   * null: absent): an output counts for the attempt only when it changed since.
   */
  outputs_before: OutputSnapshotSchema.optional(),
  /** The digest of each input the action itself rewrote for a retry, after its edit. */
  edits: external_exports.record(external_exports.string(), external_exports.string()).optional(),
  /** True once the tool module judged this attempt a success from the tool's own record. */
  validated: external_exports.boolean().optional(),
  /** What the tool module found (checkpoints and loss, or the evaluation log and its scores). */
  output: ToolResultSchema.optional(),
  /** The attempts before this one, oldest first. */
  history: external_exports.array(AttemptRecordSchema).optional(),
  /**
   * cruijff_kit's retry fields: the settings of each retry, e.g. [{batch_size: 4,
   * gradient_accumulation_steps: 2}]. Items of any shape are kept (cruijff_kit plans strategy names).
   */
  retry_history: external_exports.array(external_exports.unknown()).optional(),
  oom_detected_via: external_exports.string().optional(),
  oom_exhausted_logged: external_exports.boolean().optional(),
  /**
   * The jobs this one waits for (SLURM's afterok): an evaluation queued behind trainings. Re-pointed when a
   * training is submitted again, released from one that failed for good.
   */
  after: external_exports.array(external_exports.string()).optional(),
  /** This run cancelled the job (cancel-on-abort): when it ends CANCELLED, it is submitted again, not failed. */
  cancel_requested: external_exports.boolean().optional()
});
var StateFileSchema = external_exports.record(external_exports.string(), EntrySchema);
var StateStore = class _StateStore {
  constructor(transport, location, shared, intents, foreign, utcOffsetMinutes, sealer) {
    this.transport = transport;
    this.location = location;
    this.shared = shared;
    this.intents = intents;
    this.foreign = foreign;
    this.utcOffsetMinutes = utcOffsetMinutes;
    this.sealer = sealer;
  }
  transport;
  location;
  shared;
  intents;
  foreign;
  utcOffsetMinutes;
  sealer;
  /** The shared state file's path. */
  get path() {
    return this.location.shared;
  }
  /**
   * Reads the state; missing files are an empty state, a corrupt one is an error (never "start over").
   * A path alone is a location with nothing else (the shared file holds submissions in progress too).
   * Entries without a valid seal are foreign (see `foreignEntry`); a sealed entry always wins over a
   * foreign one, whatever times they claim.
   */
  static async open(transport, where, options2 = {}) {
    const location = typeof where === "string" ? { shared: where } : where;
    const offset = options2.utcOffsetMinutes ?? -(/* @__PURE__ */ new Date()).getTimezoneOffset();
    const own = (key2, entry) => !options2.sealer || sealed(options2.sealer, key2, entry);
    const shared = await readState(transport, location.shared);
    if (!shared.ok) return shared;
    const sources = [
      { label: location.shared, entries: shared.value?.entries ?? keyed() }
    ];
    const retire = [];
    for (const legacy2 of location.legacy ?? []) {
      const old = await readState(transport, legacy2.path);
      if (!old.ok) return old;
      if (old.value === null) continue;
      sources.push({ label: legacy2.path, entries: old.value.entries });
      retire.push({ ...legacy2, text: old.value.text });
    }
    const split = (mine) => sources.map((x) => ({
      label: x.label,
      entries: keyed(Object.entries(x.entries).filter(([k, e]) => own(k, e) === mine))
    }));
    const merged = mergeStates(split(true), offset).entries;
    const others = mergeStates(split(false), offset);
    const foreign = keyed();
    for (const [key2, entry] of Object.entries(others.entries)) {
      if (!(key2 in merged)) foreign[key2] = { entry, file: others.origin.get(key2) ?? "" };
    }
    const intents = location.intents ? await readState(transport, location.intents) : ok(null);
    if (!intents.ok) return intents;
    const pending = keyed();
    for (const [key2, intent] of Object.entries(intents.value?.entries ?? {})) {
      const held = merged[key2];
      const at = (e) => submittedAt(e, offset)?.getTime() ?? 0;
      if (own(key2, intent) && (!held || at(held) <= at(intent))) pending[key2] = intent;
    }
    const store = new _StateStore(transport, location, merged, pending, foreign, offset, options2.sealer);
    if (retire.length > 0) {
      await store.flush();
      for (const r of retire) {
        await transport.writeFileAtomic(r.retiredTo, r.text);
        await transport.remove(r.path);
      }
    }
    return ok(store);
  }
  /** Every job's entry the action wrote for this run directory, by state key (a submission in progress first). */
  get entries() {
    return keyed([...Object.entries(this.shared), ...Object.entries(this.intents)]);
  }
  get(key2) {
    return this.intents[key2] ?? this.shared[key2];
  }
  /** The entry for `key` that the action did not write for this run directory, when there is one and no own entry. */
  foreignEntry(key2) {
    return this.get(key2) ? void 0 : this.foreign[key2];
  }
  async put(key2, entry) {
    const record = this.sealer ? { ...entry, seal: sealOf(this.sealer, key2, entry) } : entry;
    if (entry.state === "SUBMITTING" && this.location.intents) {
      this.intents[key2] = record;
      await this.flushIntents();
      return;
    }
    const hadIntent = key2 in this.intents;
    if (hadIntent) this.intents = without(this.intents, key2);
    this.shared[key2] = record;
    await this.flush();
    if (hadIntent) await this.flushIntents();
  }
  /** Forgets a job's submission in progress, or the job (a deferred first submission), flushing. */
  async remove(key2) {
    if (key2 in this.intents) {
      this.intents = without(this.intents, key2);
      await this.flushIntents();
      return;
    }
    this.shared = without(this.shared, key2);
    await this.flush();
  }
  /** When the entry's attempt was submitted (ISO), whichever runner wrote it. */
  submittedIso(entry) {
    return submittedAt(entry, this.utcOffsetMinutes)?.toISOString();
  }
  /** `YYYY-MM-DD HH:MM:SS` in the cluster's local time, as cruijff_kit writes `submitted_at`. */
  localTime(at) {
    return localTimestamp(at, this.utcOffsetMinutes);
  }
  /**
   * The shared file in the layout cruijff_kit writes (sorted keys, two-space indent, trailing newline):
   * the action's entries, and the foreign ones it found there (cruijff_kit's records stay cruijff_kit's).
   */
  async flush() {
    const foreign = Object.entries(this.foreign).map(([k, f]) => [k, f.entry]);
    await this.transport.writeFileAtomic(
      this.location.shared,
      formatStateFile(keyed([...foreign, ...Object.entries(this.shared)]))
    );
  }
  async flushIntents() {
    if (!this.location.intents) return;
    if (Object.keys(this.intents).length === 0) await this.transport.remove(this.location.intents);
    else await this.transport.writeFileAtomic(this.location.intents, formatStateFile(this.intents));
  }
};
function sealOf(sealer, key2, entry) {
  const { seal: _old, ...content } = entry;
  return sealer.seal("state-entry", key2, formatStateFile({ content }));
}
function sealed(sealer, key2, entry) {
  return sealer.verify(entry.seal, "state-entry", key2, formatStateFile({ content: { ...entry, seal: void 0 } }));
}
function without(entries, key2) {
  return keyed(Object.entries(entries).filter(([k]) => k !== key2));
}
async function readState(transport, path) {
  const bytes = await transport.readFile(path);
  if (bytes === null) return ok(null);
  const hint = "fix it, or move it away to forget what ran (jobs may then run twice)";
  const text = bytes.toString("utf8");
  const file = parseStateFile(text);
  if (!file.ok) return err({ file: path, message: `the resume state is ${file.error}`, hint });
  const parsed = StateFileSchema.safeParse(file.value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return err({
      file: path,
      field: issue?.path.join("."),
      message: `the resume state is malformed: ${issue?.message ?? "unknown problem"}`,
      hint
    });
  }
  return ok({ entries: keyed(Object.entries(parsed.data)), text });
}

// src/pipeline/states.ts
async function openStates(transport, runDir, tools, sealer) {
  const offset = await clusterUtcOffset(transport);
  const stores = [];
  for (const tool of tools) {
    const location = {
      shared: sharedPath(runDir, tool.stateFile),
      legacy: [
        {
          path: legacyPath(runDir, tool.stateFile),
          retiredTo: `${runDir}/${FILES.workDir}/${tool.stateFile}.before-logs`
        }
      ],
      intents: `${runDir}/${FILES.workDir}/submitting-${tool.stateFile}`
    };
    const s = await StateStore.open(transport, location, {
      sealer,
      ...offset === void 0 ? {} : { utcOffsetMinutes: offset }
    });
    if (!s.ok) return s;
    stores.push(s.value);
  }
  return ok(stores);
}
async function clusterUtcOffset(transport) {
  const r = await transport.exec(["date", "+%z"], { timeoutMs: 3e4 }).catch(() => void 0);
  return r && r.code === 0 ? parseUtcOffset(r.stdout) : void 0;
}

// src/pipeline/phases.ts
async function runPhases(c, p, draft, mainLog, scheduler, live, sealer, heartbeat) {
  const { transport, settings } = c;
  const { runDir, optimizer, evaluator, experiment } = p;
  const finish2 = (report2) => endExperiment(c, p, live, report2, mainLog);
  const refuse = (status2, verdict2, errors) => finish2({ ...draft, status: status2, verdict: verdict2, errors, logFiles: [mainLog.path], endedAt: /* @__PURE__ */ new Date() });
  const states = await openStates(transport, runDir, [optimizer, evaluator], sealer);
  if (!states.ok) {
    await mainLog.write({
      action: "ERROR",
      description: "resume state",
      details: formatProblem(states.error),
      result: "nothing submitted"
    });
    return refuse("failed", "the resume state is unreadable", [states.error]);
  }
  const [optimizeState, evaluateState] = states.value;
  const phases = [
    [optimizer, p.training.jobs],
    [evaluator, p.evaluation.jobs]
  ];
  if (runDir !== c.expDir || c.remote) {
    const entries = [...Object.values(optimizeState.entries), ...Object.values(evaluateState.entries)];
    const checkout = await experimentFiles(c.expDir, phases, readerOf(c.runnerFs));
    const jobs = phases.flatMap(([, j]) => j);
    const patterns = phases.flatMap(([tool]) => tool.resultFiles ? [tool.resultFiles] : []);
    for (const job of jobs) {
      const dir = `${c.expDir}/${job.dir}`;
      const script = (await c.runnerFs.readFile(`${dir}/${job.script}`))?.toString("utf8") ?? "";
      patterns.push(outputPatternRegex(scheduler.outputPattern(script, dir)));
    }
    const written = writtenIn(c.expDir, jobs, checkout, patterns);
    const staged = await stageFiles(c.expDir, runDir, transport, stagingPolicy(entries, written));
    for (const x of staged.conflicts) draft.warnings.push({ file: x.path, message: `staging conflict: ${x.reason}` });
    await mainLog.write({
      action: "STAGE",
      description: `${c.expDir} -> ${runDir}`,
      details: `${staged.copied.length} copied, ${staged.updated.length} updated, ${staged.unchanged} unchanged, ${staged.conflicts.length} conflicts${staged.conflicts.map((x, i) => `${i ? "," : ":"} ${x.path}`).join("")}`,
      result: staged.conflicts.length ? "staged with conflicts (kept the run directory version)" : "staged"
    });
  }
  const experimentId = `${experiment.name.replace(/[^\w.-]+/g, "_").slice(0, 24)}-${sha6(runDir)}`;
  const detach = detachOn(c.signal, transport, `${runDir}/${DETACH_SENTINEL}`);
  const meters = { optimize: new MeteredScheduler(scheduler), evaluate: new MeteredScheduler(scheduler) };
  const common = {
    experiment,
    experimentId,
    runDir,
    transport,
    reads: p.reads,
    scheduler: settings.phases === "evaluate" ? meters.evaluate : meters.optimize,
    sealer,
    settings: {
      pollInterval: settings.pollInterval,
      maxPollInterval: settings.maxPollInterval,
      maxResumes: settings.maxResumes
    },
    signal: detach.signal,
    onCycle: async () => {
      await heartbeat();
      await detach.check();
    },
    beforeSubmit: detach.check,
    onWatched: (id) => c.onWatched?.(runDir, id),
    onDeferred: async (job, message) => {
      await mainLog.write({
        action: "SUBMIT_DEFERRED",
        description: job.display,
        details: message,
        result: "queue limit reached: waiting, then retrying"
      });
    },
    onWarning: (_job, message) => {
      if (!draft.warnings.some((w) => w.message === message)) draft.warnings.push({ message });
    },
    onProgress: (snapshot) => live.progress(snapshot)
  };
  const partial = (extra) => ({
    ...draft,
    status: "partial",
    verdict: "",
    endedAt: /* @__PURE__ */ new Date(),
    ...extra
  });
  const toolLog = (tool) => new LogFile(transport, sharedPath(runDir, tool.logFile));
  const logs = { optimize: toolLog(optimizer), evaluate: toolLog(evaluator) };
  live.useLogs((phase) => phase === "optimize" ? logs.optimize : phase === "evaluate" ? logs.evaluate : void 0);
  const files = await experimentFiles(runDir, phases, readerOf(transport));
  p.reads.allow(writtenPlaces(files));
  const unknown = unresolvedLines(files);
  if (unknown.length > 0) {
    await mainLog.write({
      action: "PATHS_UNKNOWN",
      description: `${unknown.length} path(s) the jobs name are only known when they run`,
      lines: unknown,
      result: "not checked before submission, not rerun triggers"
    });
  }
  const missingInputs = await preflight(c, p, [optimizeState, evaluateState]);
  if (missingInputs.length > 0) {
    await mainLog.write({
      action: "PREFLIGHT",
      description: `${missingInputs.length} path(s) the jobs read are missing`,
      lines: missingInputs.map(formatProblem),
      result: "nothing submitted"
    });
    const verdict2 = `${missingInputs.length} path(s) the jobs would read do not exist on the cluster`;
    return refuse("invalid", verdict2, missingInputs);
  }
  let optimize;
  let evaluate;
  let priorTraining = [];
  const skipped = p.evaluation.missing.flatMap(
    (m) => m.cell && settings.phases !== "optimize" ? [
      {
        display: m.display,
        run: m.run,
        task: m.cell.task,
        epoch: m.cell.epoch,
        reason: `no job script (${m.paths.join(", ")})`
      }
    ] : []
  );
  await detach.check();
  const evidence = evidenceOf({
    ...common,
    inputsOf: inputsOf(files),
    states: [
      { state: optimizeState, keys: p.training.jobs.map((j) => j.key) },
      { state: evaluateState, keys: p.evaluation.jobs.map((j) => j.key) }
    ]
  });
  const evaluation = {
    ...common,
    scheduler: meters.evaluate,
    evidence,
    tool: evaluator,
    jobs: p.evaluation.jobs,
    state: evaluateState,
    toolLog: logs.evaluate,
    dependency: trainingDependency(p.training.jobs, optimizeState)
  };
  const queued = settings.phases === "all" && scheduler.chainsJobs ? new QueuedEvaluations(evaluation, settings.evaluateAfter, evidence) : void 0;
  if (settings.phases !== "evaluate") {
    const phase = {
      ...common,
      evidence,
      tool: optimizer,
      jobs: p.training.jobs,
      state: optimizeState,
      toolLog: logs.optimize,
      ...queued ? { dependents: queued } : {}
    };
    optimize = { ...await runModule(mainLog, phase), scheduler: meters.optimize.use() };
  }
  let between;
  if (settings.phases !== "optimize" && !optimize?.detached) {
    let verdicts;
    if (optimize) verdicts = trainingFromOutcomes(optimize.outcomes);
    else {
      const known = await trainingFromCheckpoints(optimizer, p.training.jobs, experiment, transport, runDir);
      verdicts = known.verdicts;
      priorTraining = known.outcomes;
    }
    const gate = gateEvaluations(p.evaluation.jobs, verdicts);
    skipped.push(...gate.skipped);
    for (const s of gate.skipped) {
      await mainLog.write({ action: "SKIP_EVAL", description: s.display, details: s.reason, result: "not submitted" });
    }
    const trained = optimize;
    const phase = {
      ...evaluation,
      jobs: gate.runnable,
      ...queued ? { earlier: queued.earlier } : {},
      onFirstRound: () => {
        if (trained) between = publishArtifact(finishContext(c, p), partial({ optimize: trained }), false);
      }
    };
    evaluate = { ...await runModule(mainLog, phase), scheduler: meters.evaluate.use() };
    if (skipped.length > 0 && !evaluate.detached) await cancelStranded(scheduler, sealer, experimentId, mainLog, draft);
  }
  const stopped = optimize?.stopped ?? evaluate?.stopped;
  const detached = Boolean(optimize?.detached || evaluate?.detached);
  const cancel = detached && settings.cancelOnAbort && !stopped && c.signal.aborted;
  if (cancel) {
    const cancelled = await cancelDetached(scheduler, mainLog, draft, [optimize, evaluate], queued?.ids());
    optimize = markCancelled(optimize, cancelled);
    evaluate = markCancelled(evaluate, cancelled);
    await noteCancelled(cancelled, [optimizeState, evaluateState]);
  }
  await settled(between, c.signal.aborted ? ABORTED_UPLOAD_WAIT_MS : void 0);
  const counts = countOutcomes(optimize?.outcomes ?? [], evaluate?.outcomes ?? [], skipped);
  const { status, verdict } = stopped ? {
    status: "failed",
    verdict: `stopped watching: ${stopped.message}; the jobs keep running, re-run once it is fixed`
  } : detached ? {
    status: "failed",
    verdict: detach.signal.reason === "sentinel" ? `detached by ${DETACH_SENTINEL}: jobs keep running; remove it, then re-run to re-attach` : `detached by ${String(c.signal.reason ?? "a signal")}: ` + (cancel ? "jobs cancelled (cancel-on-abort)" : "jobs keep running; re-run to re-attach")
  } : statusOf(counts);
  if (stopped) draft.errors.push(stopped);
  const logFiles = [
    mainLog.path,
    ...optimize ? [sharedPath(runDir, optimizer.logFile)] : [],
    ...evaluate ? [sharedPath(runDir, evaluator.logFile)] : []
  ];
  const report = {
    ...draft,
    ...{ status, verdict, optimize, evaluate, skippedEvals: skipped, priorTraining, counts, logFiles, detached },
    endedAt: /* @__PURE__ */ new Date()
  };
  await conclude(report, {
    transport,
    scheduler,
    runDir,
    optimizer,
    evaluator,
    gates: p.gates,
    asked: { optimize: settings.phases !== "evaluate", evaluate: settings.phases !== "optimize" },
    mainLog
  });
  return finish2(report);
}
function trainingDependency(trainingJobs, training) {
  return (job) => {
    if (job.cell?.epoch === null) return void 0;
    const t = trainingJobs.find((x) => x.run === job.run);
    const e = t ? training.get(t.key) : void 0;
    const at = e?.validated ? training.submittedIso(e) : void 0;
    if (!e || !at) return void 0;
    return {
      changedAt: at,
      what: `the training of ${job.run} ran again (job ${e.job_id ?? "?"})`,
      ...e.job_id ? { jobId: e.job_id } : {}
    };
  };
}
function sha6(text) {
  return createHash5("sha256").update(text).digest("hex").slice(0, 6);
}

// src/pipeline/index.ts
async function runExperiment(c) {
  const draft = emptyDraft(/* @__PURE__ */ new Date(), c.expDir);
  const soFar = {};
  const run2 = await guardStorage(() => prepareAndRun(c, draft, soFar));
  if (run2.ok) return run2.value;
  const verdict = `stopped: ${run2.error.message}`;
  const report = { ...draft, status: "failed", verdict, errors: [...draft.errors, run2.error] };
  return endExperiment(c, soFar.prepared, soFar.live, { ...report, endedAt: /* @__PURE__ */ new Date() });
}
async function prepareAndRun(c, draft, soFar) {
  const checkoutLog = new LogFile(c.remote ? c.runnerFs : c.transport, `${c.expDir}/${FILES.mainLog}`);
  const live = liveReport(c, draft.experimentName);
  soFar.live = live;
  const stop = async (status, verdict, errors, log) => {
    const report = { ...draft, status, verdict, errors, logFiles: log ? [log.path] : [], endedAt: /* @__PURE__ */ new Date() };
    return endExperiment(c, void 0, live, report, log);
  };
  const refuse = async (description, problem, verdict) => {
    await checkoutLog.write({ action: "ERROR", description, details: problem.message, result: "nothing submitted" });
    return stop("failed", verdict, [problem], checkoutLog);
  };
  const prepared = await prepare(c, draft, checkoutLog);
  if (!prepared.ok)
    return stop(prepared.error.status, prepared.error.verdict, prepared.error.errors, prepared.error.log);
  const p = prepared.value;
  live.rename(p.experiment.name);
  soFar.prepared = p;
  const mainLog = p.runDir === c.expDir && !c.remote ? checkoutLog : new LogFile(c.transport, `${p.runDir}/${FILES.mainLog}`);
  const scheduler = await c.makeScheduler(p.runDir, p.runRoot);
  if (!scheduler.ok) return refuse("executor", scheduler.error, scheduler.error.message);
  await c.transport.mkdirp(p.runDir);
  const lock = await acquireLock(c.transport, `${p.runDir}/${FILES.workDir}/lock`, {
    staleAfterMs: Math.max(6e5, c.settings.maxPollInterval * 3e3),
    ...c.io.env["GITHUB_RUN_ID"] ? { run: c.io.env["GITHUB_RUN_ID"] } : {}
  });
  if (!lock.ok) return refuse("lock", lock.error, "another run holds this experiment");
  if (lock.value.tookOver) draft.warnings.push({ message: lock.value.tookOver });
  const sealer = await Sealer.open(c.transport, p.runRoot, p.runDir);
  if (!sealer.ok) {
    await guardStorage(() => lock.value.release());
    return refuse("run directory secret", sealer.error, sealer.error.message);
  }
  if (mainLog !== checkoutLog) {
    const where = `run directory is ${p.runDir}${c.remote ? ` on ${c.transport.description}` : ""}`;
    await checkoutLog.write({ action: "STAGE", details: where, result: "the orchestration log continues there" });
    await logWarnings(mainLog, draft.warnings);
  }
  try {
    return await runPhases(c, p, draft, mainLog, scheduler.value, live, sealer.value, () => lock.value.heartbeat());
  } finally {
    await guardStorage(() => lock.value.release());
  }
}

// src/main.ts
var MAX_ERROR_ANNOTATIONS = 10;
var MAX_WARNING_ANNOTATIONS = 10;
var MAX_SUMMARY_BYTES = 1024 * 1024 - 4096;
async function run(given = {}) {
  const deps = {
    ...given,
    io: given.io ?? coreIO(),
    signal: given.signal ?? new AbortController().signal
  };
  const { io } = deps;
  io.saveState(SAVED.isPost, "true");
  const startedAt = /* @__PURE__ */ new Date();
  const workspace = io.env["GITHUB_WORKSPACE"] || process.cwd();
  const stopEarly = (status, verdict, errors) => publish(io, [{ ...emptyDraft(startedAt), status, verdict, errors, endedAt: /* @__PURE__ */ new Date() }], void 0);
  const parsed = readSettings((name) => io.getInput(name));
  if (!parsed.ok) return stopEarly("invalid", "bad action inputs", parsed.error);
  const settings = parsed.value;
  if (settings.githubToken) io.mask(settings.githubToken);
  if (settings.ssh) {
    io.mask(settings.ssh.privateKey);
    for (const line of settings.ssh.privateKey.split(/\r?\n/))
      if (line.trim().length >= 8 && !/^-----/.test(line.trim())) io.mask(line.trim());
  }
  const event = readEvent(io.env);
  if (!event.ok) return stopEarly("invalid", event.error.message, [event.error]);
  const located = await locateExperiments({
    experimentDirInput: settings.experimentDir,
    event: event.value,
    workspace,
    allowForks: settings.allowForkPullRequests,
    github: {
      token: settings.githubToken,
      ...io.env["GITHUB_API_URL"] ? { apiUrl: io.env["GITHUB_API_URL"] } : {}
    },
    experimentsReading: deps.experimentsReading ?? ((changed, candidates) => experimentsReading(changed, candidates, {
      maxSummaryBytes: settings.maxSummaryBytes,
      maxCells: settings.maxCells
    }))
  });
  if (!located.ok) return stopEarly(located.error.status, located.error.problem.message, [located.error.problem]);
  io.info(`run-experiment: ${located.value.how}`);
  if (located.value.dirs.length === 0) {
    io.annotate("notice", { message: "this pull request touches no experiment: nothing to run" });
    return publish(io, [], settings);
  }
  const runnerFs = new LocalTransport();
  const reached = await reach(settings, runnerFs, (m) => {
    io.info(m);
  });
  if (!reached.ok) return stopEarly("failed", reached.error.message, [reached.error]);
  const transport = reached.value;
  deps.observe?.transport?.(transport);
  const watched = [];
  const onWatched = (runDir, jobId) => {
    if (watched.some((w) => w.runDir === runDir && w.jobId === jobId)) return;
    watched.push({ runDir, jobId });
    io.saveState(SAVED.jobs, JSON.stringify(watched));
  };
  const target = commentTarget(event.value);
  try {
    const reports = [];
    for (const expDir of located.value.dirs) {
      if (deps.signal.aborted) {
        const verdict = `cancelled (${String(deps.signal.reason ?? "signal")}) before it started: nothing submitted`;
        reports.push({ ...emptyDraft(startedAt, expDir), runDir: "", status: "failed", verdict, endedAt: /* @__PURE__ */ new Date() });
        continue;
      }
      reports.push(
        await runExperiment({
          io,
          signal: deps.signal,
          ...deps.finishNow ? { finishNow: deps.finishNow } : {},
          ...target ? { commentTarget: target } : {},
          transport,
          settings,
          expDir,
          workspace,
          runnerFs,
          onWatched,
          remote: transport !== runnerFs,
          ...settings.remoteExperimentDir && located.value.dirs.length === 1 ? { remoteRunDir: settings.remoteExperimentDir } : {},
          makeScheduler: async (runDir, runRoot) => {
            const s = await makeScheduler(settings, transport, runDir, jobsDirOf(runRoot));
            return s.ok && deps.observe?.scheduler ? ok(deps.observe.scheduler(s.value)) : s;
          }
        })
      );
    }
    return await publish(io, reports, settings);
  } finally {
    await transport.close();
  }
}
function overall(reports) {
  if (reports.length === 0) return "success";
  if (reports.some((r) => r.status === "invalid")) return "invalid";
  if (reports.every((r) => r.status === "success")) return "success";
  if (reports.every((r) => r.status === "failed")) return "failed";
  return "partial";
}
async function publish(io, reports, settings) {
  const errors = reports.flatMap((r) => r.errors);
  const warnings = reports.flatMap((r) => r.warnings);
  const status = overall(reports);
  const failing = shouldFail({ status }, settings?.failOn ?? "any-failure");
  const budget = MAX_ERROR_ANNOTATIONS - (failing ? 1 : 0);
  const shown = errors.length <= budget ? errors.length : budget - 1;
  errors.slice(0, shown).forEach((p) => {
    io.annotate("error", p);
  });
  if (errors.length > shown)
    io.annotate("error", { message: `${errors.length - shown} more problems: all are listed in the job summary` });
  const shownWarnings = warnings.length <= MAX_WARNING_ANNOTATIONS ? warnings.length : MAX_WARNING_ANNOTATIONS - 1;
  warnings.slice(0, shownWarnings).forEach((p) => {
    io.annotate("warning", p);
  });
  if (warnings.length > shownWarnings) {
    const more = warnings.length - shownWarnings;
    io.annotate("warning", { message: `${more} more warnings: all are listed in the job summary` });
  }
  const sections = reports.map(
    (r) => jobSummaryMarkdown(
      r,
      r.experiment && r.status !== "invalid" && settings?.summarize !== false ? resultsTable(r.experiment, r) : void 0
    )
  );
  let markdown = reports.length === 0 ? "## Run Experiment\n\nThis pull request touches no experiment (no file of one, nor a file its jobs read): nothing was run.\n" : reports.length === 1 ? sections[0] ?? "" : [
    `# Run Experiment: ${reports.length} experiments \u2014 ${status}`,
    "",
    ...sections.map((s) => s.replace(/^## /m, "## "))
  ].join("\n");
  if (Buffer.byteLength(markdown, "utf8") > MAX_SUMMARY_BYTES) markdown = trimSummary(markdown, reports);
  await io.writeSummary(markdown);
  const sum = (k) => reports.reduce((n, r) => n + r.counts[k], 0);
  const artifactIds = reports.map((r) => r.artifact && "id" in r.artifact ? String(r.artifact.id) : "").filter(Boolean);
  const outputs = {
    status,
    "runs-total": sum("runsTotal"),
    "runs-succeeded": sum("runsSucceeded"),
    "runs-failed": sum("runsFailed"),
    "evals-total": sum("evalsTotal"),
    "evals-succeeded": sum("evalsSucceeded"),
    "evals-failed": sum("evalsFailed"),
    "evals-skipped": sum("evalsSkipped"),
    "experiment-dir": reports.map((r) => r.runDir).filter(Boolean).join("\n"),
    "summary-path": reports.map((r) => r.summaryPath ?? "").filter(Boolean).join("\n"),
    "artifact-id": artifactIds.join("\n"),
    gates: gatesOutput(reports)
  };
  for (const name of OUTPUTS) io.setOutput(name, outputs[name]);
  io.saveState(SAVED.completed, "true");
  const verdict = reports.length === 1 ? reports[0]?.verdict ?? "" : `${reports.length} experiments: ` + reports.map((r) => `${r.experimentName || r.runDir}: ${r.status}`).join(", ");
  io.info(`run-experiment: ${status} \u2014 ${verdict}`);
  if (failing) io.setFailed(`run-experiment: ${status} \u2014 ${verdict}`);
  return { status, reports };
}
function trimSummary(markdown, reports) {
  const where = reports.map(
    (r) => [
      r.summaryPath ? mdCode(r.summaryPath) : "",
      r.artifact && "name" in r.artifact ? `artifact ${mdCode(r.artifact.name)}` : ""
    ].filter(Boolean).join(" and ")
  ).filter(Boolean).join("; ");
  const note = `

---
**This summary was trimmed: it exceeded GitHub's 1 MiB limit for a step summary.** The full text is in ${where || "the run directory"}.
`;
  const budget = MAX_SUMMARY_BYTES - Buffer.byteLength(note, "utf8");
  let cut = Buffer.from(markdown, "utf8").subarray(0, budget).toString("utf8");
  cut = cut.slice(0, cut.lastIndexOf("\n"));
  return cut + note;
}
export {
  run
};
//# sourceMappingURL=main-3F2M27AE.js.map
