/** What the pipeline needs from the Actions runtime; @actions/core in production, a recorder in tests. */
import * as core from '@actions/core'
import type { InputName } from './names.js'
import type { Problem } from './result.js'

export interface ActionIO {
  getInput(name: InputName): string
  setOutput(name: string, value: string | number): void
  info(message: string): void
  /** An annotation; GitHub shows at most 10 of each kind per step. */
  annotate(kind: 'error' | 'warning' | 'notice', problem: Problem): void
  writeSummary(markdown: string): Promise<void>
  setFailed(message: string): void
  saveState(name: string, value: string): void
  /** Masks a secret in the runner's logs. */
  mask(secret: string): void
  /** Environment (GITHUB_WORKSPACE, GITHUB_RUN_ID, ...). */
  env: Record<string, string | undefined>
}

export function coreIO(): ActionIO {
  return {
    getInput: (name) => core.getInput(name),
    setOutput: (name, value) => {
      core.setOutput(name, value)
    },
    info: (m) => {
      core.info(m)
    },
    annotate: (kind, p) => {
      const props: core.AnnotationProperties = {
        title: p.field ? `experiment: ${p.field}` : 'run-experiment',
        ...(p.file ? { file: p.file } : {}),
        ...(p.line ? { startLine: p.line } : {}),
        ...(p.column ? { startColumn: p.column } : {}),
      }
      const message = `${p.field ? `${p.field}: ` : ''}${p.message}${p.hint ? ` (${p.hint})` : ''}`
      if (kind === 'error') core.error(message, props)
      else if (kind === 'warning') core.warning(message, props)
      else core.notice(message, props)
    },
    writeSummary: async (markdown) => {
      if (!process.env['GITHUB_STEP_SUMMARY']) return
      await core.summary.addRaw(markdown, true).write({ overwrite: false })
    },
    setFailed: (m) => {
      core.setFailed(m)
    },
    saveState: (name, value) => {
      core.saveState(name, value)
    },
    mask: (secret) => {
      core.setSecret(secret)
    },
    env: process.env,
  }
}
