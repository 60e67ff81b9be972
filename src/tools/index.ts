/**
 * Registry: the `tools` section's names -> tool modules. The loader accepts exactly the names
 * registered here, and the pipeline asks here for the module of each phase. A new tool is a new
 * module file plus one `registerTool` line below (or a call from elsewhere, as the tests do).
 */
import type { ToolNames } from '../experiment/load.js'
import { inspect } from './inspect.js'
import type { ToolModule } from './tool.js'
import { torchtune } from './torchtune.js'

type Phase = ToolModule['phase']

const modules = new Map<string, ToolModule>()

/** Registers a module under its name and aliases; a later registration of a name replaces it. */
export function registerTool(module: ToolModule): void {
  for (const name of [module.name, ...(module.aliases ?? [])]) modules.set(key(module.phase, name), module)
}

/** The module for a phase's tool name (or alias), if one is registered. */
export function toolFor(phase: Phase, name: string): ToolModule | undefined {
  return modules.get(key(phase, name))
}

/** Registered names for a phase, aliases included, for the loader's validation. */
export function toolNames(phase: Phase): string[] {
  return [...modules.keys()].filter((k) => k.startsWith(`${phase}:`)).map((k) => k.slice(phase.length + 1))
}

/** The tool of each phase when the experiment's `tools` section is missing (backward compatibility). */
export const DEFAULT_TOOLS = { optimize: 'torchtune', evaluate: 'inspect-ai' } as const

/** What the loader accepts in the `tools` section, and its defaults. */
export function loaderToolNames(): ToolNames {
  return {
    preparation: { accepted: toolNames('optimize'), default: DEFAULT_TOOLS.optimize },
    evaluation: { accepted: toolNames('evaluate'), default: DEFAULT_TOOLS.evaluate },
  }
}

function key(phase: Phase, name: string): string {
  return `${phase}:${name}`
}

registerTool(torchtune)
registerTool(inspect)
