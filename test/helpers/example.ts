/** A private copy of examples/capitalize (scaffold only), with its tiny model and data generated. */
import { cpSync, existsSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import { join, resolve } from 'node:path'
import { tempDir } from './experiment.ts'

/** Run outputs and generated inputs that a fresh copy must not carry over. */
const NOT_SCAFFOLD =
  /\/(artifacts|logs|data|models|\.run-experiment)$|\/(run-[^/]*\.(log|state\.json)|summary\.md|run-experiment-summary\.md|results\.svg|slurm-[^/]*\.out)$/

export function toolsVenv(): string {
  const venv = process.env['RUN_EXPERIMENT_VENV'] ?? resolve('.venv-tools')
  if (!existsSync(join(venv, 'bin/tune')))
    throw new Error(`no Python tools venv at ${venv}: run scripts/python-env.sh (npm test does)`)
  return venv
}

export function copyExample(prefix: string): string {
  const venv = toolsVenv()
  const exp = join(tempDir(prefix), 'capitalize')
  cpSync('examples/capitalize', exp, { recursive: true, filter: (src) => !NOT_SCAFFOLD.test(src) })
  execFileSync(join(venv, 'bin/python'), ['-W', 'ignore', 'scripts/make-tiny-model.py', join(exp, 'models/tiny')], {
    stdio: 'pipe',
  })
  execFileSync(join(venv, 'bin/python'), [join(exp, 'make_data.py')], { stdio: 'pipe' })
  return exp
}
