/**
 * Experiments scaffolded by cruijff_kit's own tools (../shared/fixtures/cruijff_kit/, beside the project for
 * every developer and CI; RE_CRUIJFF_FIXTURES overrides), made runnable here:
 * a fixture is copied to where its `experiment.dir` says (under a temporary scratch space), its
 * placeholders are filled in, the files its job scripts read are created (base models, tokenizers,
 * datasets, the inspect task file), and a bin directory of stand-ins for the programs the scripts call
 * (`tune`, `inspect`, `python -m cruijff_kit...`, `nvidia-smi`, `module`, `conda`) goes first on PATH.
 * Every line of the job scripts runs unchanged. See test/helpers/standins/ for what each stand-in
 * writes and which knobs (RE_STANDIN_FAIL, RE_STANDIN_OOM, RE_STANDIN_SECONDS) make it fail or last.
 */
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs'
import { writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse as parseYaml } from 'yaml'
import { tempDir } from './experiment.ts'

const HERE = dirname(fileURLToPath(import.meta.url))
export const REPO = resolve(HERE, '../..')
export const FIXTURES = process.env['RE_CRUIJFF_FIXTURES'] ?? resolve(REPO, '../shared/fixtures/cruijff_kit')
if (!existsSync(join(FIXTURES, 'README.md'))) {
  // Fail loudly: the cruijff_kit tests never skip.
  throw new Error(`cruijff_kit fixtures not found at ${FIXTURES}: they live in ../shared (or set RE_CRUIJFF_FIXTURES)`)
}
export const STANDINS = join(HERE, 'standins')
export const FIXTURE_NAMES = ['workflow_test_base_2026-11-27', 'cap_rank_lr_model_sweep_2026-11-27'] as const
export type FixtureName = (typeof FIXTURE_NAMES)[number]

export interface CruijffExperiment {
  fixture: FixtureName
  /** Everything of this instance lives under here. */
  root: string
  /** `@SCRATCH@`: the cluster's scratch space. */
  scratch: string
  /** `@CRUIJFF_KIT@`: where the task files the eval scripts name are. */
  cruijffKit: string
  /** The experiment's run directory (its `experiment.dir`). */
  dir: string
  /** The stand-in bin directory (first on PATH in `env`). */
  bin: string
  /** Environment for the action and the jobs: PATH with the stand-ins, the stand-ins' Python. */
  env: Record<string, string>
}

export interface InstantiateOptions {
  /** Leave nvidia-smi out of the bin directory (the eval scripts' `wait` then returns 127). */
  withoutNvidiaSmi?: boolean
  /** Parent of the scratch space (default: a new temporary directory). */
  root?: string
}

/** The Python of the tools venv, with inspect-ai: the stand-ins run with it. */
export function toolsPython(): string {
  const venv = process.env['RUN_EXPERIMENT_VENV'] ?? join(REPO, '.venv-tools')
  const python = join(venv, 'bin/python')
  if (!existsSync(python))
    throw new Error(`no tools venv at ${venv}: run scripts/python-env.sh (npm test does) or set RUN_EXPERIMENT_VENV`)
  return python
}

export function instantiate(fixture: FixtureName, options: InstantiateOptions = {}): CruijffExperiment {
  if (!existsSync('/usr/bin/time'))
    throw new Error("cruijff_kit's eval scripts run /usr/bin/time: install the Debian package `time` (npm test does)")
  const root = options.root ?? tempDir('re-ck-')
  const scratch = join(root, 'scratch')
  const cruijffKit = join(root, 'cruijff_kit')
  const fill = (text: string): string => text.replaceAll('@SCRATCH@', scratch).replaceAll('@CRUIJFF_KIT@', cruijffKit)
  const source = join(FIXTURES, fixture)
  const summary = parseYaml(fill(readFileSync(join(source, 'experiment_summary.yaml'), 'utf8'))) as {
    experiment: { dir: string }
  }
  const dir = resolve(summary.experiment.dir)
  for (const rel of walk(source)) {
    const target = join(dir, rel)
    mkdirSync(dirname(target), { recursive: true })
    writeFileSync(target, fill(readFileSync(join(source, rel), 'utf8')))
    chmodSync(target, statSync(join(source, rel)).mode & 0o777)
  }
  createInputs(dir)

  const bin = join(root, 'bin')
  mkdirSync(bin, { recursive: true })
  for (const name of readdirSync(join(STANDINS, 'bin'))) {
    if (options.withoutNvidiaSmi && name === 'nvidia-smi') continue
    symlinkSync(join(STANDINS, 'bin', name), join(bin, name))
  }
  const env = {
    PATH: `${bin}:${process.env['PATH'] ?? '/usr/bin:/bin'}`,
    RE_STANDIN_PYTHON: toolsPython(),
    RE_STANDIN_CACHE: process.env['RE_STANDIN_CACHE'] ?? join(tempRoot(), 're-standin-cache'),
    RE_STANDIN_LOG: join(root, 'executions.txt'),
  }
  return { fixture, root, scratch, cruijffKit, dir, bin, env }
}

function tempRoot(): string {
  return process.env['TMPDIR'] ?? '/tmp'
}

function walk(root: string, rel = ''): string[] {
  const out: string[] = []
  for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name
    if (e.isDirectory()) out.push(...walk(root, r))
    else out.push(r)
  }
  return out.sort()
}

type Config = Record<string, unknown>

/** The files the job scripts of an experiment read: base models, tokenizers, datasets, task files. */
function createInputs(dir: string): void {
  const files = walk(dir)
  for (const rel of files.filter((f) => f.endsWith('/finetune.yaml'))) {
    const raw = parseYaml(readFileSync(join(dir, rel), 'utf8')) as Config
    const cfg = resolveRefs(raw, raw) as Config
    const ckpt = (cfg['checkpointer'] ?? {}) as Config
    const dirValue = ckpt['checkpoint_dir']
    const ckptDir = typeof dirValue === 'string' ? dirValue : ''
    baseModel(ckptDir, checkpointFiles(ckpt['checkpoint_files']))
    const tok = (cfg['tokenizer'] ?? {}) as Config
    for (const key of ['path', 'merges_file']) if (typeof tok[key] === 'string') touch(tok[key], 'tokenizer\n')
    for (const section of ['dataset', 'dataset_val']) {
      const files = ((cfg[section] ?? {}) as Config)['data_files']
      if (typeof files === 'string') dataset(files)
    }
  }
  const tasksByFile = new Map<string, Set<string>>()
  for (const rel of files.filter((f) => f.endsWith('.slurm') && f.includes('/eval/'))) {
    const script = readFileSync(join(dir, rel), 'utf8')
    const spec = /inspect eval (\S+)/.exec(script)?.[1] ?? ''
    const [file = '', task = ''] = spec.split('@')
    tasksByFile.set(file, new Set([...(tasksByFile.get(file) ?? []), task]))
    const modelPath = /-M model_path="([^"]+)"/.exec(script)?.[1]
    if (modelPath && !resolve(modelPath).startsWith(`${dir}/`)) baseModel(modelPath, ['model.safetensors'])
    const dataPath = /-T data_path="([^"]+)"/.exec(script)?.[1]
    if (dataPath) dataset(dataPath)
  }
  for (const [file, tasks] of tasksByFile) taskFile(file, [...tasks])
}

function resolveRefs(value: unknown, cfg: Config, depth = 0): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveRefs(v, cfg, depth))
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveRefs(v, cfg, depth)]))
  if (typeof value !== 'string' || !value.includes('${') || depth > 8) return value
  const lookup = (dotted: string): unknown =>
    dotted.split('.').reduce<unknown>((cur, part) => (cur as Config | undefined)?.[part], cfg)
  return resolveRefs(
    value.replace(/\$\{([\w.]+)\}/g, (_, k: string) => String(lookup(k))),
    cfg,
    depth + 1,
  )
}

function checkpointFiles(spec: unknown): string[] {
  if (Array.isArray(spec)) return spec.map(String)
  if (spec && typeof spec === 'object') {
    const { filename_format: format, max_filename: max } = spec as { filename_format: string; max_filename: string }
    return Array.from({ length: Number(max) }, (_, i) =>
      format.replace('{}', String(i + 1).padStart(max.length, '0')).replace('{}', max),
    )
  }
  return ['model.safetensors']
}

function touch(path: string, text: string): void {
  if (existsSync(path)) return
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, text)
}

/** A base model directory as Hugging Face lays it out; the weights are placeholders. */
function baseModel(dir: string, weights: string[]): void {
  touch(join(dir, 'config.json'), `${JSON.stringify({ architectures: ['LlamaForCausalLM'], model_type: 'llama' })}\n`)
  touch(join(dir, 'generation_config.json'), '{}\n')
  touch(join(dir, 'tokenizer_config.json'), '{}\n')
  for (const w of weights) touch(join(dir, w), 'placeholder weights\n')
}

const WORDS = 'apple river stone cloud light grape tiger ocean bread flame'.split(' ')

/** A dataset file in cruijff_kit's format: {train, validation, test} lists of {input, output}. */
function dataset(path: string): void {
  const rows = (n: number, offset: number): { input: string; output: string }[] =>
    Array.from({ length: n }, (_, i) => {
      const w = `${WORDS[(i + offset) % WORDS.length] ?? 'word'}${i + offset}`
      return { input: w, output: `${w.charAt(0).toUpperCase()}${w.slice(1)}` }
    })
  touch(path, `${JSON.stringify({ train: rows(40, 0), validation: rows(10, 40), test: rows(10, 50) })}\n`)
}

/** An inspect-ai task file defining each task the eval scripts name (our own, not cruijff_kit's blueprint). */
function taskFile(path: string, tasks: string[]): void {
  const defs = tasks
    .map(
      (t) => `
@task
def ${t}(data_path: str, config_path: str = "", split: str = "test", vis_label: str = "",
         use_chat_template: bool = True, temperature: float = 0.0, max_tokens: int = 20,
         assistant_prefix: str = "") -> Task:
    return capitalize("${t}", data_path, split, vis_label, max_tokens)
`,
    )
    .join('')
  touch(
    path,
    `"""Capitalization tasks for run-experiment's tests; each names itself {task}_{vis_label}."""
import json

from inspect_ai import Task, task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.scorer import includes, match
from inspect_ai.solver import generate


def capitalize(name, data_path, split, vis_label, max_tokens):
    with open(data_path) as f:
        rows = json.load(f)[split]
    return Task(
        name=f"{name}_{vis_label}" if vis_label else name,
        dataset=MemoryDataset([Sample(input=r["input"], target=r["output"]) for r in rows]),
        solver=generate(max_tokens=max_tokens),
        scorer=[match(location="exact", ignore_case=False), includes(ignore_case=False)],
    )
${defs}`,
  )
}

/** Every `.eval` under the experiment, relative to it. */
export function evalLogs(exp: CruijffExperiment): string[] {
  return walk(exp.dir).filter((f) => f.endsWith('.eval'))
}

/** Relative path of a file of the experiment, for messages. */
export const rel = (exp: CruijffExperiment, path: string): string => relative(exp.dir, path)

/** Copies the instance's experiment directory (for a checkout that differs from the run directory). */
export function copyExperiment(exp: CruijffExperiment, to: string): string {
  cpSync(exp.dir, to, { recursive: true })
  return to
}

/** What the stand-ins ran, in order: `tune <dir>` / `inspect <dir>`, directories relative to the experiment. */
export function executions(exp: CruijffExperiment): string[] {
  const path = exp.env['RE_STANDIN_LOG'] ?? ''
  if (!existsSync(path)) return []
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => l.replace(`${exp.dir}/`, ''))
}
