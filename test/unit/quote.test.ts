/** Shell quoting (src/cluster/quote.ts): what crosses a shell arrives verbatim. */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { commandLine, shellJoin, shellQuote } from '../../src/cluster/quote.ts'

describe('quote', () => {
  it('quotes hostile arguments so a shell passes them verbatim', () => {
    const hostile = ['$(touch /tmp/pwned)', "'; rm -rf / #", 'a b', 'new\nline', '`id`', '"', '', '-rf', '*']
    const out = execFileSync('bash', ['-c', `printf '%s\\0' ${shellJoin(hostile)}`])
      .toString('utf8')
      .split('\0')
      .slice(0, -1)
    assert.deepEqual(out, hostile)
    assert.equal(shellQuote('plain-word_1.0'), 'plain-word_1.0')
    assert.equal(commandLine(['ls', 'a b'], '/tmp/x y', { A: '1 2' }), "cd '/tmp/x y' && env 'A=1 2' ls 'a b'")
    assert.throws(() => commandLine(['x'], undefined, { 'A;B': '1' }))
  })
})
