/**
 * POSIX shell quoting. Every command that crosses a shell (SSH exec) is built with these,
 * so nothing from a YAML file or an input reaches a shell unquoted.
 */

/** Quotes one argument for a POSIX shell: single quotes, with embedded ones as '\''. */
export function shellQuote(arg: string): string {
  if (arg.includes('\0')) throw new Error('a NUL byte cannot be passed to a shell')
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg
  return `'${arg.replace(/'/g, `'\\''`)}'`
}

/** Joins argv into one shell command line. */
export function shellJoin(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ')
}

/** `cd DIR && env K=V … argv`, all quoted: what an SSH exec runs for ExecOptions. */
export function commandLine(argv: readonly string[], cwd?: string, env?: Record<string, string>): string {
  const envPart =
    env && Object.keys(env).length > 0
      ? [
          'env',
          ...Object.entries(env).map(([k, v]) => {
            if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new Error(`invalid environment variable name: ${k}`)
            return `${k}=${v}`
          }),
        ]
      : []
  const cmd = shellJoin([...envPart, ...argv])
  return cwd ? `cd ${shellQuote(cwd)} && ${cmd}` : cmd
}
