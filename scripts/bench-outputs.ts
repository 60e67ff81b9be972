/**
 * The action's memory against the size of a job's output (issue #9, defect 2): a fine-tuning job that
 * prints N bytes of torchtune progress lines (`1|12|Loss: 2.345 ...`), then succeeds or fails. The
 * action reads that output for the loss curve (success), for its tail and a CUDA out-of-memory (failure),
 * and uploads its tail with the artifact. Prints the peak RSS of the action's process (VmHWM) for each.
 *
 *   npm run bench:outputs -- [--sizes 1M,100M,2200M]
 */
import { execFileSync } from 'node:child_process'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startArtifactServer } from '../test/helpers/artifact-server.ts'
import { makeExperiment, tempDir } from '../test/helpers/experiment.ts'
import { localInputs, runAction } from '../test/helpers/action.ts'

const MIB = 1024 ** 2
const GIB = 1024 ** 3
const UNITS: Record<string, number> = { K: 1024, M: MIB, G: GIB }

function bytesOf(text: string): number {
  const m = /^(\d+)([KMG])?$/.exec(text.trim())
  if (!m?.[1]) throw new Error(`not a size: ${text} (e.g. 100M, 2200M)`)
  return Number(m[1]) * (m[2] ? (UNITS[m[2]] ?? 1) : 1)
}

/** Peak resident memory of a process so far (VmHWM), in MiB; 0 once it is gone. */
function peakRssMiB(pid: number): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m?.[1] ? Number(m[1]) / 1024 : 0
  } catch {
    return 0
  }
}

async function measure(bytes: number, fail: boolean, env: Record<string, string>): Promise<string> {
  const exp = makeExperiment(tempDir('re-bench-out-'), { runs: [{ name: 'a', lr: 1, epochs: [0] }] })
  const script = join(exp, 'a/finetune.slurm')
  const line = '1|12|Loss: 2.3456 | progress of the fine-tuning, one line per step, as torchtune prints it'
  const noise = `yes '${line}' | head -c ${String(bytes)}\n`
  const end = fail ? 'echo "torch.OutOfMemoryError: CUDA out of memory." >&2\nexit 1\n' : ''
  writeFileSync(script, readFileSync(script, 'utf8').replace(/done\n$/, `done\n${noise}${end}`))
  let peak = 0
  const t0 = Date.now()
  const r = await runAction({
    inputs: localInputs(exp, { 'fail-on': 'never', phases: 'optimize' }),
    env,
    onSpawn: (child) => {
      const timer = setInterval(() => {
        if (child.pid) peak = Math.max(peak, peakRssMiB(child.pid))
      }, 50)
      child.on('exit', () => {
        clearInterval(timer)
      })
    },
  })
  const seconds = (Date.now() - t0) / 1000
  const size = bytes >= GIB ? `${(bytes / GIB).toFixed(2)} GiB` : `${String(bytes / MIB)} MiB`
  rmSync(exp, { recursive: true, force: true })
  const status = r.outputs['status'] ?? `no outputs (${r.signal ?? String(r.code)})`
  return `${size.padStart(10)}  ${(fail ? 'fails' : 'succeeds').padEnd(8)}  ${status.padEnd(8)}  ${peak.toFixed(0).padStart(8)} MiB  ${seconds.toFixed(1).padStart(6)} s`
}

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  const at = args.indexOf('--sizes')
  const sizes = (at >= 0 ? (args[at + 1] ?? '') : '1M,100M,2200M').split(',').map(bytesOf)
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'ignore' })
  const server = await startArtifactServer()
  try {
    process.stdout.write('    output  job       status    peak RSS of the action   wall\n')
    for (const bytes of sizes)
      for (const fail of [false, true]) process.stdout.write(`${await measure(bytes, fail, server.env)}\n`)
  } finally {
    await server.close()
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench-outputs: ${e instanceof Error ? e.message : String(e)}\n`)
  process.exitCode = 1
})
