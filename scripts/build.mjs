// Bundles src/index.ts into dist/index.js (ESM) for the action runner.
// ssh2 carries optional native addons (sshcrypto.node, cpu-features) that it loads inside
// try/catch with a pure-JS fallback: they stay external and are never shipped. Some CommonJS
// dependencies call require() and use __dirname, which ESM lacks: the banner defines them.
import { build } from 'esbuild'
import { rmSync } from 'node:fs'

rmSync('dist', { recursive: true, force: true })
await build({
  entryPoints: { index: 'src/index.ts' },
  outdir: 'dist',
  bundle: true,
  // Heavy, rarely needed modules (ssh2, @actions/artifact) are dynamic imports: separate chunks
  // that a run loads only when it uses them, which keeps the action's cold start short.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  platform: 'node',
  target: 'node20',
  format: 'esm',
  external: ['*.node', 'cpu-features'],
  // Free uses of __filename/__dirname point at the bundle; modules that declare their own keep them.
  define: { __filename: '__reFilename', __dirname: '__reDirname' },
  banner: {
    js: [
      "import { createRequire as __reCreateRequire } from 'node:module';",
      "import { fileURLToPath as __reFileURLToPath } from 'node:url';",
      "import { dirname as __reDirnameOf } from 'node:path';",
      'const require = __reCreateRequire(import.meta.url);',
      'const __reFilename = __reFileURLToPath(import.meta.url);',
      'const __reDirname = __reDirnameOf(__reFilename);',
    ].join('\n'),
  },
  legalComments: 'linked',
  // node_modules may be a link (a git worktree sharing another checkout's): name files by the path
  // under this checkout, so the bundle is byte-identical wherever it is built (CI checks freshness).
  preserveSymlinks: true,
  // A crash's stack trace points into src/ (index.ts turns source maps on).
  sourcemap: 'linked',
  sourcesContent: false,
  logLevel: 'warning',
})
