#!/usr/bin/env node
// Runs the built action (dist/index.js) exactly as a GitHub runner does: INPUT_* variables,
// temporary GITHUB_STEP_SUMMARY / GITHUB_OUTPUT / GITHUB_STATE / GITHUB_EVENT_PATH files,
// GITHUB_WORKSPACE; then prints the job summary and the outputs. The tests drive the action
// through runAction() below, the same path.
//
//   node scripts/local-runner.mjs --experiment-dir examples/capitalize --executor local \
//        [--input name=value ...] [--event event.json --event-name pull_request] [--workspace DIR]
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync, rmSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/** Parses the GITHUB_OUTPUT / GITHUB_STATE file format (`name<<DELIM\nvalue\nDELIM`). */
export function parseFileCommands(text) {
  const out = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^=<]+)<<(.+)$/.exec(lines[i])
    if (m) {
      const value = []
      for (i++; i < lines.length && lines[i] !== m[2]; i++) value.push(lines[i])
      out[m[1]] = value.join('\n')
    } else if (lines[i].includes('=')) {
      const at = lines[i].indexOf('=')
      out[lines[i].slice(0, at)] = lines[i].slice(at + 1)
    }
  }
  return out
}

/** `::error file=x,line=3,col=5,title=t::message` lines from the action's stdout. */
export function parseAnnotations(stdout) {
  const found = []
  for (const line of stdout.split('\n')) {
    const m = /^::(error|warning|notice)( [^:]*)?::(.*)$/.exec(line)
    if (!m) continue
    const props = {}
    for (const part of (m[2] ?? '').trim().split(',').filter(Boolean)) {
      const at = part.indexOf('=')
      props[part.slice(0, at)] = decodeURIComponent(
        part
          .slice(at + 1)
          .replace(/%2C/g, ',')
          .replace(/%3A/g, ':'),
      )
    }
    found.push({ kind: m[1], ...props, message: m[3].replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%') })
  }
  return found
}

/**
 * Runs the action once. inputs: { 'experiment-dir': ..., executor: 'local', ... }.
 * Returns { code, signal, outputs, state, summary, stdout, stderr, annotations, child }.
 */
export function runAction({
  inputs = {},
  env = {},
  workspace = process.cwd(),
  eventName = 'workflow_dispatch',
  event = {},
  entry = join(repoRoot, 'dist/index.js'),
  onSpawn,
} = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'run-experiment-runner-'))
  const files = {
    output: join(dir, 'output'),
    state: join(dir, 'state'),
    summary: join(dir, 'summary.md'),
    event: join(dir, 'event.json'),
  }
  for (const f of [files.output, files.state, files.summary]) writeFileSync(f, '')
  writeFileSync(files.event, JSON.stringify(event))
  const inputEnv = {}
  for (const [k, v] of Object.entries(inputs)) inputEnv[`INPUT_${k.replace(/ /g, '_').toUpperCase()}`] = String(v)
  const childEnv = {
    ...Object.fromEntries(
      Object.entries(process.env).filter(
        ([k]) => !k.startsWith('INPUT_') && !k.startsWith('GITHUB_') && !k.startsWith('STATE_'),
      ),
    ),
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: files.output,
    GITHUB_STATE: files.state,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_EVENT_NAME: eventName,
    GITHUB_RUN_ID: '1',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_REPOSITORY: 'lab/experiments',
    GITHUB_SERVER_URL: 'https://github.com',
    RUNNER_TEMP: dir,
    ...inputEnv,
    ...env,
  }
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [entry], { cwd: workspace, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    onSpawn?.(child)
    child.on('close', (code, signal) => {
      const read = (f) => (existsSync(f) ? readFileSync(f, 'utf8') : '')
      const result = {
        code,
        signal,
        outputs: parseFileCommands(read(files.output)),
        state: parseFileCommands(read(files.state)),
        summary: read(files.summary),
        stdout,
        stderr,
        annotations: parseAnnotations(stdout),
      }
      rmSync(dir, { recursive: true, force: true })
      resolvePromise(result)
    })
  })
}

async function main(argv) {
  const inputs = {}
  const opts = { workspace: process.cwd() }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`)
      return argv[++i]
    }
    if (a === '--input') {
      const kv = value()
      const at = kv.indexOf('=')
      if (at < 1) throw new Error(`--input takes name=value, got ${kv}`)
      inputs[kv.slice(0, at)] = kv.slice(at + 1)
    } else if (a === '--event') opts.event = JSON.parse(readFileSync(value(), 'utf8'))
    else if (a === '--event-name') opts.eventName = value()
    else if (a === '--workspace') opts.workspace = resolve(value())
    else if (a === '--quiet') opts.quiet = true
    else if (a.startsWith('--')) inputs[a.slice(2)] = value()
    else throw new Error(`unexpected argument ${a}`)
  }
  const r = await runAction({
    inputs,
    workspace: opts.workspace,
    ...(opts.event ? { event: opts.event } : {}),
    ...(opts.eventName ? { eventName: opts.eventName } : {}),
    onSpawn: (child) => {
      if (!opts.quiet) {
        child.stdout.pipe(process.stdout)
        child.stderr.pipe(process.stderr)
      }
      for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => child.kill(s))
    },
  })
  process.stdout.write(`\n========== job summary ==========\n${r.summary}\n========== outputs ==========\n`)
  for (const [k, v] of Object.entries(r.outputs)) process.stdout.write(`${k}=${v}\n`)
  process.exitCode = r.code ?? 1
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((e) => {
    process.stderr.write(`local-runner: ${e.message}\n`)
    process.exitCode = 2
  })
}
