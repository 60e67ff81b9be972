/**
 * File-system failures of the run directory (full, read-only, over quota, failing disk) as located
 * problems: they stop the run cleanly — outputs set, summary written, state left as it was last written
 * whole — instead of a crash, and a re-run after the disk is fixed continues where it stopped.
 */
import { err, ok, type Problem, type Result } from '../result.js'

/** errno codes that mean "this storage cannot take our writes now", with the words shown for each. */
const STORAGE_CODES: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exceeded',
  EROFS: 'the file system is read-only',
  EIO: 'an input/output error',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
}
/** The same failures as SFTP servers and shells word them (no errno over SSH). */
const STORAGE_WORDS: [RegExp, string][] = [
  [/no space left on device/i, 'ENOSPC'],
  [/quota exceeded/i, 'EDQUOT'],
  [/read-only file system/i, 'EROFS'],
  [/input\/output error/i, 'EIO'],
  [/permission denied/i, 'EACCES'],
]

/** The problem a thrown file-system error describes, or undefined when it is not one of those. */
export function storageProblem(e: unknown): Problem | undefined {
  if (!(e instanceof Error)) return undefined
  const x = e as NodeJS.ErrnoException
  const code = x.code && x.code in STORAGE_CODES ? x.code : STORAGE_WORDS.find(([re]) => re.test(e.message))?.[1]
  if (!code) return undefined
  const what = STORAGE_CODES[code] ?? code
  return {
    ...(x.path ? { file: x.path } : {}),
    message: `cannot write the run's files: ${what} (${code})`,
    hint:
      'free space or make the run directory writable, then re-run: finished jobs are not run again and ' +
      'running ones are re-attached',
  }
}

/** Runs `f`; a storage failure becomes a value, anything else is thrown on. */
export async function guardStorage<T>(f: () => Promise<T>): Promise<Result<T>> {
  try {
    return ok(await f())
  } catch (e) {
    const problem = storageProblem(e)
    if (!problem) throw e
    return err(problem)
  }
}
