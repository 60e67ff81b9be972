/**
 * The first look at the data, beside its schema and before validation: each leniency of schema.ts read
 * as cruijff_kit reads it (with a warning), each legacy key noted, and each key the schema does not list
 * reported: near a known key, an error with a did-you-mean; near none, a warning.
 */
import { z } from 'zod'
import type { FileProblems } from './problems.js'
import { LENIENCIES, SummarySchema } from './schema.js'
import { fieldName, isMapping, type Mapping, type Path } from '../yaml.js'

type Schema = z.core.$ZodType

/** The data as the runner reads it: every leniency applied (in place, where the value stays a mapping). */
export function review(data: Mapping, problems: FileProblems): Mapping {
  visit(SummarySchema, data, [], problems, [])
  return data
}

/** The value at path as its schema reads it; `renamed` are the earlier key names its leniency reads. */
function visit(
  schema: Schema,
  value: unknown,
  path: Path,
  problems: FileProblems,
  renamed: readonly string[],
): unknown {
  const leniency = LENIENCIES.get(schema)
  const read = leniency ? leniency.read(value) : value
  if (leniency && read !== value) {
    const note = leniency.note(value, read, fieldName(path))
    if (note.key === undefined) problems.warn(path, note.message, note.hint)
    else problems.warn([...path, note.key], note.message, note.hint, 'key')
  }
  if (schema instanceof z.ZodObject && isMapping(read)) visitKeys(schema, read, path, problems, renamed)
  else if (schema instanceof z.ZodArray && Array.isArray(read)) {
    const items: unknown[] = read
    items.forEach((item, i) => (items[i] = visit(schema.element, item, [...path, i], problems, [])))
  } else {
    const inner = wrapped(schema).find((s) => !(schema instanceof z.ZodUnion) || fits(s, read))
    if (inner) return visit(inner, read, path, problems, leniency?.renamed ?? renamed)
  }
  return read
}

/** The schemas a wrapper holds: optional, nullable, a leniency (its pipe), the options of a union. */
function wrapped(schema: Schema): readonly Schema[] {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) return [schema.unwrap()]
  if (schema instanceof z.ZodPipe) return [schema.out]
  if (schema instanceof z.ZodUnion) return schema.options
  return []
}

const fits = (schema: Schema, value: unknown): boolean =>
  isMapping(value) ? schema instanceof z.ZodObject : Array.isArray(value) && schema instanceof z.ZodArray

const shapeOf = (schema: z.ZodObject): Record<string, Schema> => schema.shape

const legacyNote = (schema: Schema): string | undefined => {
  const meta = z.globalRegistry.get(schema)
  return meta?.deprecated ? meta.description : undefined
}

function visitKeys(
  schema: z.ZodObject,
  mapping: Mapping,
  path: Path,
  problems: FileProblems,
  renamed: readonly string[],
) {
  const shape = shapeOf(schema)
  for (const key of Object.keys(mapping)) {
    const here = [...path, key]
    const known = shape[key]
    const legacy = known && legacyNote(known)
    if (legacy) problems.warn(here, `\`${fieldName(here)}\`: ${legacy}`, undefined, 'key')
    else if (known) mapping[key] = visit(known, mapping[key], here, problems, [])
    // z.object lists every key of its mapping; z.looseObject is open.
    else if (schema.def.catchall === undefined) unknownKey(schema, here, problems, renamed)
  }
}

/**
 * A key the schema does not list: near a known key (a misspelling, or a key at the wrong level), an error,
 * since it would be ignored silently; near none (a newer cruijff_kit's option, say), a warning.
 */
function unknownKey(schema: z.ZodObject, path: Path, problems: FileProblems, renamed: readonly string[]): void {
  const key = String(path.at(-1))
  const { keys, legacy } = keysOf(schema)
  const suggestion = didYouMean(key, [...keys, ...renamed, ...legacy])
  const elsewhere = suggestion ? undefined : knownElsewhere(key, path.slice(0, -1))
  const keysHere = `keys here: ${keys.join(', ')}`
  if (suggestion || elsewhere) {
    const near = suggestion ? `did you mean "${suggestion}"?` : `it belongs under ${elsewhere}`
    const silently = 'neither cruijff_kit nor run-experiment reads it here, so a misspelling would be ignored silently'
    problems.error(path, `unknown key "${key}": ${near}`, `${silently}; ${keysHere}`, 'key')
  } else {
    const hint = `a newer cruijff_kit's option is for its own tools; if it is a misspelling, correct it (${keysHere})`
    problems.warn(path, `unknown key "${key}": run-experiment does not read it; the run goes on`, hint, 'key')
  }
}

/** The keys of a mapping: those in use, and the legacy ones. */
function keysOf(schema: z.ZodObject): { keys: string[]; legacy: string[] } {
  const entries = Object.entries(shapeOf(schema))
  return {
    keys: entries.filter(([, s]) => !legacyNote(s)).map(([key]) => key),
    legacy: entries.filter(([, s]) => legacyNote(s)).map(([key]) => key),
  }
}

/** The keys in use of every mapping whose keys the schema lists, by level (`runs[]`, `` for the top), top down. */
function levels(schema: Schema, level: string, out: Map<string, string[]>): Map<string, string[]> {
  if (schema instanceof z.ZodArray) levels(schema.element, `${level}[]`, out)
  else if (schema instanceof z.ZodObject) {
    if (schema.def.catchall === undefined) out.set(level, keysOf(schema).keys)
    for (const [key, s] of Object.entries(shapeOf(schema))) levels(s, level ? `${level}.${key}` : key, out)
  } else for (const s of wrapped(schema)) levels(s, level, out)
  return out
}
let LEVELS: Map<string, string[]> | undefined

/** Where else `key` is a known key than in the mapping at path, e.g. `evaluation` for a top-level `matrix`. */
function knownElsewhere(key: string, path: Path): string | undefined {
  LEVELS ??= levels(SummarySchema, '', new Map())
  const level = fieldName(path).replace(/\[\d+\]/g, '[]')
  const found = [...LEVELS].filter(([name, keys]) => name !== level && keys.includes(key))
  return found.length ? found.map(([name]) => name || 'the top level').join(' or ') : undefined
}

/** The closest known key, when it is close enough to be a typo (case, a letter or two, a swap). */
export function didYouMean(key: string, candidates: readonly string[]): string | undefined {
  const lower = key.toLowerCase()
  let best: { name: string; d: number } | undefined
  for (const c of candidates) {
    const d = editDistance(lower, c.toLowerCase())
    if (!best || d < best.d) best = { name: c, d }
  }
  if (!best) return undefined
  const allowed = Math.max(1, Math.min(3, Math.floor(Math.max(key.length, best.name.length) / 4)))
  return best.d <= allowed ? best.name : undefined
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps cost 1. */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return 4
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  )
  const at = (i: number, j: number): number => d[i]?.[j] ?? 0
  for (let i = 1; i <= a.length; i++) {
    const row = d[i] as number[]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let v = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, at(i - 2, j - 2) + 1)
      row[j] = v
    }
  }
  return at(a.length, b.length)
}
