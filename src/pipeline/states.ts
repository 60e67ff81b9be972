/** Each tool's resume state: where it lives in the run directory, opened with the cluster's UTC offset. */
import type { Transport } from '../cluster/transport.js'
import { legacyPath, parseUtcOffset, sharedPath } from '../engine/cruijff-state.js'
import type { Sealer } from '../engine/seal.js'
import { StateStore } from '../engine/state.js'
import { FILES } from '../names.js'
import { ok, type Result } from '../result.js'
import type { ToolModule } from '../tools/tool.js'

/**
 * Each tool's resume state, where cruijff_kit's runner keeps it too (`logs/`), merged with what earlier
 * versions of the action wrote at the run directory's root. `submitted_at` is in the cluster's local
 * time, as cruijff_kit's tools read it there.
 */
export async function openStates(
  transport: Transport,
  runDir: string,
  tools: ToolModule[],
  sealer: Sealer,
): Promise<Result<StateStore[]>> {
  const offset = await clusterUtcOffset(transport)
  const stores: StateStore[] = []
  for (const tool of tools) {
    const location = {
      shared: sharedPath(runDir, tool.stateFile),
      legacy: [
        {
          path: legacyPath(runDir, tool.stateFile),
          retiredTo: `${runDir}/${FILES.workDir}/${tool.stateFile}.before-logs`,
        },
      ],
      intents: `${runDir}/${FILES.workDir}/submitting-${tool.stateFile}`,
    }
    const s = await StateStore.open(transport, location, {
      sealer,
      ...(offset === undefined ? {} : { utcOffsetMinutes: offset }),
    })
    if (!s.ok) return s
    stores.push(s.value)
  }
  return ok(stores)
}

/** Minutes east of UTC on the cluster (`date +%z` where the jobs run), or undefined (then this runner's). */
export async function clusterUtcOffset(transport: Transport): Promise<number | undefined> {
  const r = await transport.exec(['date', '+%z'], { timeoutMs: 30_000 }).catch(() => undefined)
  return r && r.code === 0 ? parseUtcOffset(r.stdout) : undefined
}
