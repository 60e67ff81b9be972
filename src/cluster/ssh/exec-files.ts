/**
 * The Transport's file operations over plain exec channels, for login nodes whose sshd offers no SFTP
 * subsystem. Each operation is ONE command: a fixed bash script (no data in it) with the paths, sizes and
 * names as positional arguments, the whole argv quoted by quote.ts, file contents on stdin and stdout:
 *
 *   exec env -i PATH="$PATH" LC_ALL=C bash --norc --noprofile -c SCRIPT re-files ARG...
 *
 * (run by /bin/sh, see connection.ts). The login shell that sshd starts for the request has already read the
 * user's rc file (we cannot prevent that; connection.ts drops its output); from `env -i` on nothing of it is
 * left: no functions, no BASH_ENV, no aliases, no environment but PATH, a C locale for the tools' messages.
 * Needs bash and GNU coreutils (dd, stat, mv -T, ln -T), plus cmp; `flock` when present.
 *
 * Semantics as over SFTP: writes go to a temporary file (fsync) renamed into place; data that arrives short
 * (a connection dropped mid-transfer) is never installed; createExclusive is an atomic link(2) of a complete
 * file (O_EXCL through noclobber where the file system has no hard links); an append is a compare-and-append
 * on the file's size, under flock, so a retry after a dropped connection never appends twice.
 */
import { shellJoin } from '../quote.js'
import type { DirEntry, FileStat, WriteOptions } from '../transport.js'
import type { SshConnection } from './connection.js'
import { runCommand, type RunOutcome } from './exec-channel.js'
import { dirnameOf, tempName } from '../paths.js'
import type { FileOps } from './files.js'

/** Exit statuses of the scripts below. */
const MISSING = 65
const EXISTS = 66
const SHORT = 67
const CHANGED = 68

/** Cleans up the staging file `$t` however the script ends; copies stdin there and checks its length `$len`. */
const STAGE = `trap 'rm -f -- "$t"' EXIT; trap 'exit 129' HUP PIPE TERM INT;
dd of="$t" bs=1048576 conv=excl,fsync status=none || exit 1;
got=$(stat -c %s -- "$t") || exit 1;
[ "$got" = "$len" ] || { echo "received $got of $len bytes" >&2; exit ${SHORT}; };`

/**
 * The scripts, written one statement a line with its terminator, sent as ONE line (lines joined by spaces):
 * the quoted argument then holds no newline, which csh-family login shells cannot take inside quotes.
 */
const SOURCES = {
  // $1 path, $2 start, $3 length ('' for the whole file)
  read: `p=$1;
[ -e "$p" ] || exit ${MISSING};
[ -d "$p" ] && { echo "$p: is a directory" >&2; exit 1; };
[ -z "$3" ] && exec cat -- "$p";
exec dd if="$p" bs=1048576 iflag=skip_bytes,count_bytes,fullblock skip="$2" count="$3" status=none`,
  // $1 path -> "SIZE MTIME INODE TYPE"
  stat: `[ -e "$1" ] || exit ${MISSING};
exec stat -L -c '%s %Y %i %F' -- "$1"`,
  // $1 path -> the path, links resolved
  realpath: `[ -e "$1" ] || exit ${MISSING};
exec realpath -e -- "$1"`,
  // $1 directory -> NUL-terminated entries, each 'd' or 'f' then the name
  list: `p=$1;
[ -d "$p" ] || exit ${MISSING};
{ [ -r "$p" ] && [ -x "$p" ]; } || { echo "$p: permission denied" >&2; exit 1; };
shopt -s dotglob nullglob;
for e in "$p"/*; do
if [ -d "$e" ]; then printf 'd%s\\0' "\${e##*/}"; else printf 'f%s\\0' "\${e##*/}"; fi;
done`,
  mkdirp: `exec mkdir -p -- "$1"`,
  // a file or symlink (not its target), or an empty directory; missing is fine
  remove: `p=$1;
if [ -d "$p" ] && [ ! -L "$p" ]; then rmdir -- "$p" && exit 0; [ -e "$p" ] || exit 0; exit 1; fi;
exec rm -f -- "$p"`,
  // $1 path, $2 parent, $3 length, $4 temporary name, $5 octal permission bits ('' for the umask's)
  write: `p=$1 len=$3 t=$4;
mkdir -p -- "$2" || exit 1;
${STAGE}
if [ -n "$5" ]; then chmod -- "$5" "$t" || exit 1; fi;
mv -fT -- "$t" "$p" || exit 1`,
  // $1 path, $2 parent, $3 length, $4 staging name, $5 the size the file must have, $6 1 on a retry
  // -> the file's size after the append. On a retry whose first attempt went through, the file ends with our
  // bytes right after the old size: that counts as done.
  append: `p=$1 len=$3 t=$4 want=$5;
mkdir -p -- "$2" || exit 1;
${STAGE}
exec 9>>"$p" || exit 1;
if command -v flock >/dev/null; then flock 9 || exit 1; fi;
now=$(stat -c %s -- "$p") || exit 1;
if [ "$now" = "$want" ]; then
dd if="$t" of="$p" bs=1048576 oflag=append conv=notrunc,fsync status=none || exit 1;
echo $((now + len)); exit 0;
fi;
if [ "$6" = 1 ] && [ "$now" = $((want + len)) ] && cmp -s -i "$want:0" -- "$p" "$t"; then echo "$now"; exit 0; fi;
echo "$now"; exit ${CHANGED}`,
  // $1 path, $2 parent, $3 length, $4 staging name, $5 1 on a retry. Where the file system has no hard
  // links: O_EXCL through noclobber, then the content.
  create: `p=$1 len=$3 t=$4;
mkdir -p -- "$2" || exit 1;
${STAGE}
ln -T -- "$t" "$p" 2>/dev/null && exit 0;
if [ -e "$p" ] || [ -L "$p" ]; then
[ "$5" = 1 ] && cmp -s -- "$t" "$p" && exit 0;
exit ${EXISTS};
fi;
( set -C; : > "$p" ) || { [ -e "$p" ] && exit ${EXISTS}; exit 1; };
cat -- "$t" >> "$p" || exit 1`,
  // what the scripts above need, checked once when this fallback is chosen
  probe: `for c in dd stat mv ln mkdir rmdir rm cat cmp; do
command -v "$c" >/dev/null || { echo "$c is not installed" >&2; exit 1; };
done;
for c in dd stat mv ln; do
case "$("$c" --version 2>/dev/null)" in *coreutils*) ;; *) echo "$c is not GNU coreutils' $c" >&2; exit 1 ;; esac;
done`,
} as const

type Script = keyof typeof SOURCES

const SCRIPTS = Object.fromEntries(
  Object.entries(SOURCES).map(([name, source]) => [name, source.split('\n').join(' ')]),
) as Record<Script, string>

/** Drops of the connection one write survives (each retried on the next connection). */
const MAX_DROPS = 10
/** Paths whose size after our last append is remembered (a wrong guess costs one more command). */
const MAX_REMEMBERED = 256

export class ExecFiles implements FileOps {
  /** The size each file had after our last append to it: the next append's expected size. */
  private readonly appendedSize = new Map<string, number>()

  constructor(private readonly ssh: SshConnection) {}

  /** Why this fallback cannot work on the server (missing bash, non-GNU tools), or undefined when it can. */
  async unusable(): Promise<string | undefined> {
    const r = await this.run('probe', [])
    if (r.kind === 'failed') return r.message
    if (r.kind === 'dropped') return 'the connection dropped while checking the tools'
    if (r.code === 0) return undefined
    const said = r.stderr.toString('utf8').trim()
    return r.code === 127 ? `bash is not available (${said})` : said || `the tool check exited ${r.code}`
  }

  async readFile(path: string): Promise<Buffer | null> {
    return this.read(path, 'readFile', [path, '0', ''])
  }

  async readRange(path: string, start: number, length: number): Promise<Buffer | null> {
    const args = [path, String(Math.max(0, Math.floor(start))), String(Math.max(0, Math.floor(length)))]
    return this.read(path, 'readRange', args)
  }

  private async read(path: string, op: string, args: string[]): Promise<Buffer | null> {
    const r = this.done(op, path, await this.run('read', args))
    if (r.code === MISSING) return null
    return this.ok(op, path, r).stdout
  }

  async stat(path: string): Promise<FileStat | null> {
    const r = this.done('stat', path, await this.run('stat', [path]))
    if (r.code === MISSING) return null
    const line = this.ok('stat', path, r).stdout.toString('utf8')
    const m = /^(\d+) (-?\d+) (\d+) (.*)$/.exec(line.trim())
    if (!m) throw new Error(`stat ${path} on ${this.ssh.description}: unexpected output ${JSON.stringify(line)}`)
    return { isDirectory: m[4] === 'directory', size: Number(m[1]), mtimeMs: Number(m[2]) * 1000, ino: Number(m[3]) }
  }

  async realpath(path: string): Promise<string | null> {
    const r = this.done('realpath', path, await this.run('realpath', [path]))
    if (r.code === MISSING) return null
    return this.ok('realpath', path, r).stdout.toString('utf8').replace(/\n$/, '')
  }

  async list(path: string): Promise<DirEntry[] | null> {
    const r = this.done('list', path, await this.run('list', [path]))
    if (r.code === MISSING) return null
    const out = this.ok('list', path, r).stdout.toString('utf8')
    return out
      .split('\0')
      .filter((e) => e.length > 1)
      .map((e) => ({ name: e.slice(1), isDirectory: e.startsWith('d') }))
      .filter((e) => e.name !== '.' && e.name !== '..')
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  }

  async mkdirp(path: string): Promise<void> {
    this.ok('mkdirp', path, this.done('mkdirp', path, await this.run('mkdirp', [path])))
  }

  async remove(path: string): Promise<void> {
    this.appendedSize.delete(path)
    this.ok('remove', path, this.done('remove', path, await this.run('remove', [path])))
  }

  async writeFileAtomic(path: string, data: string | Buffer, options: WriteOptions = {}): Promise<void> {
    this.appendedSize.delete(path)
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data
    // Rewriting the same bytes again after a drop is harmless: each attempt has its own temporary file.
    await this.withDrops('writeFileAtomic', path, bytes, () => [
      path,
      dirnameOf(path),
      String(bytes.length),
      tempName(path),
      options.mode === undefined ? '' : (options.mode & 0o7777).toString(8),
    ])
  }

  async createExclusive(path: string, data: string): Promise<boolean> {
    this.appendedSize.delete(path)
    const bytes = Buffer.from(data, 'utf8')
    const r = await this.withDrops('createExclusive', path, bytes, (retry) => [
      path,
      dirnameOf(path),
      String(bytes.length),
      tempName(path),
      retry ? '1' : '0',
    ])
    return r.code !== EXISTS
  }

  async appendFile(path: string, data: string): Promise<void> {
    const bytes = Buffer.from(data, 'utf8')
    let want = this.appendedSize.get(path) ?? (await this.stat(path))?.size ?? 0
    for (let changes = 0; ; changes++) {
      const expected = want
      const r = await this.withDrops('appendFile', path, bytes, (retry) => [
        path,
        dirnameOf(path),
        String(bytes.length),
        tempName(path),
        String(expected),
        retry ? '1' : '0',
      ])
      const size = Number(r.stdout.toString('utf8').trim())
      if (r.code === 0) {
        if (this.appendedSize.size >= MAX_REMEMBERED) this.appendedSize.clear()
        this.appendedSize.set(path, size)
        return
      }
      // CHANGED: the file is not the size we expected
      if (r.retried)
        throw new Error(`append to ${path} was interrupted by a dropped connection and the file changed meanwhile`)
      if (changes >= 5 || !Number.isFinite(size))
        throw new Error(`append to ${path} on ${this.ssh.description}: the file keeps changing (size ${size})`)
      want = size // someone else wrote to it: append after what is there now
    }
  }

  close(): Promise<void> {
    return Promise.resolve()
  }

  // ------------------------------------------------------------------ running the scripts

  private run(script: Script, args: readonly string[], stdin?: Buffer, retryOnDrop = true): Promise<RunOutcome> {
    const inner = ['bash', '--norc', '--noprofile', '-c', SCRIPTS[script], 're-files', ...args]
    // PATH="$PATH" is ours, constant: the login shell's own search path, so the tools are found where it finds them
    const line = `exec env -i PATH="$PATH" LC_ALL=C ${shellJoin(inner)}`
    return runCommand(this.ssh, line, { retryOnDrop, ...(stdin ? { stdin } : {}) })
  }

  /**
   * Runs a script that sends data on stdin and must not run twice unnoticed: after a drop it runs again, with
   * fresh arguments (`args(true)`: a new staging name, the retry flag), on the next connection.
   * Returns the final outcome, whose code is 0, EXISTS or CHANGED; anything else is thrown.
   */
  private async withDrops(
    op: 'writeFileAtomic' | 'createExclusive' | 'appendFile',
    path: string,
    bytes: Buffer,
    args: (retry: boolean) => string[],
  ): Promise<{ code: number; stdout: Buffer; retried: boolean }> {
    const script: Script = op === 'writeFileAtomic' ? 'write' : op === 'createExclusive' ? 'create' : 'append'
    for (let drops = 0; ; drops++) {
      const r = await this.run(script, args(drops > 0), bytes, false)
      if (r.kind === 'dropped' && drops < MAX_DROPS) continue
      const done = this.done(op, path, r)
      if (done.code === EXISTS || done.code === CHANGED) return { ...done, retried: drops > 0 }
      return { ...this.ok(op, path, done), retried: drops > 0 }
    }
  }

  /** The outcome of a command that ran; a transport failure is thrown. */
  private done(op: string, path: string, r: RunOutcome): { code: number; stdout: Buffer; stderr: Buffer } {
    if (r.kind === 'done') return r
    const why = r.kind === 'failed' ? r.message : 'the connection dropped again and again'
    throw new Error(`${op} ${path} on ${this.ssh.description}: ${why}`)
  }

  /** `r` when its code is 0; else an Error naming the operation, the path and the remote's words. */
  private ok<T extends { code: number; stdout: Buffer; stderr: Buffer }>(op: string, path: string, r: T): T {
    if (r.code === 0) return r
    const said = r.stderr.toString('utf8').trim()
    const why =
      r.code === 127
        ? `bash or a tool is missing there (file operations without SFTP need bash and GNU coreutils): ${said}`
        : r.code === SHORT
          ? `the data arrived incomplete (${said}); nothing was written`
          : said || `exit status ${r.code}`
    throw new Error(`${op} ${path} on ${this.ssh.description} (over exec, no SFTP): ${why}`)
  }
}
