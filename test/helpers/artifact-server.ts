/**
 * A local stand-in of GitHub's artifact service, enough for the real @actions/artifact client:
 * Twirp CreateArtifact / FinalizeArtifact / ListArtifacts / DeleteArtifact, and the Azure
 * block-blob PUTs (comp=block, comp=blocklist) the upload goes through. It keeps every artifact
 * (the zip bytes) so tests can open them. Listens on 127.0.0.1 only.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface StoredArtifact {
  id: number
  name: string
  zip: Buffer
  finalized: boolean
  expiresAt?: string
  deleted: boolean
}

export interface ArtifactServer {
  url: string
  /** The environment the action needs to reach this server. */
  env: Record<string, string>
  artifacts: StoredArtifact[]
  calls: string[]
  /** When set, CreateArtifact answers with this HTTP status (to test failures). */
  failWith?: number
  /** When set, the blob store answers every upload with this HTTP status and an empty body. */
  failBlobWith?: number
  /** When true, nothing is ever answered (a service that hangs). */
  silent?: boolean
  /** Milliseconds CreateArtifact waits before it answers (a slow service). */
  slowCreateMs?: number
  close(): Promise<void>
}

const PREFIX = '/twirp/github.actions.results.api.v1.ArtifactService/'

export async function startArtifactServer(): Promise<ArtifactServer> {
  const blocks = new Map<string, Map<string, Buffer>>()
  const blobs = new Map<string, Buffer>()
  let nextId = 100
  // What the tests read and the knobs they turn: the object returned below, so the handler sees every change.
  const state: Omit<ArtifactServer, 'url' | 'env' | 'close'> = { artifacts: [], calls: [] }
  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((e: unknown) => {
      res.writeHead(500)
      res.end(String(e))
    })
  })
  async function body(req: IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    return Buffer.concat(chunks)
  }
  function json(res: ServerResponse, value: unknown, status = 200): void {
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(JSON.stringify(value))
  }
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const data = await body(req)
    if (state.silent) return
    if (state.slowCreateMs && url.pathname.endsWith('/CreateArtifact')) {
      await new Promise((r) => setTimeout(r, state.slowCreateMs))
    }
    if (req.method === 'POST' && url.pathname.startsWith(PREFIX)) {
      const method = url.pathname.slice(PREFIX.length)
      state.calls.push(method)
      const msg = JSON.parse(data.toString('utf8') || '{}') as Record<string, unknown>
      if (method === 'CreateArtifact') {
        if (state.failWith) {
          json(res, { code: 'unavailable', msg: 'stand-in told to fail' }, state.failWith)
          return
        }
        const name = String(msg['name'])
        if (state.artifacts.some((a) => a.name === name && !a.deleted)) {
          json(
            res,
            { code: 'already_exists', msg: 'an artifact with this name already exists on the workflow run' },
            409,
          )
          return
        }
        const id = nextId++
        state.artifacts.push({
          id,
          name,
          zip: Buffer.alloc(0),
          finalized: false,
          deleted: false,
          ...(typeof msg['expires_at'] === 'string' ? { expiresAt: msg['expires_at'] } : {}),
        })
        const port = (server.address() as AddressInfo).port
        json(res, { ok: true, signed_upload_url: `http://127.0.0.1:${port}/blob/${id}?sig=stand-in` })
        return
      }
      if (method === 'FinalizeArtifact') {
        const a = state.artifacts.find((x) => x.name === msg['name'] && !x.deleted)
        if (!a) {
          json(res, { code: 'not_found', msg: 'no such artifact' }, 404)
          return
        }
        a.zip = blobs.get(String(a.id)) ?? Buffer.alloc(0)
        a.finalized = true
        json(res, { ok: true, artifact_id: String(a.id) })
        return
      }
      if (method === 'ListArtifacts') {
        const filter = (msg['name_filter'] as string | undefined) ?? undefined
        const list = state.artifacts.filter((a) => !a.deleted && a.finalized && (!filter || a.name === filter))
        json(res, {
          artifacts: list.map((a) => ({
            workflow_run_backend_id: 'run-1',
            workflow_job_run_backend_id: 'job-1',
            database_id: String(a.id),
            name: a.name,
            size: String(a.zip.length),
            created_at: new Date().toISOString(),
          })),
        })
        return
      }
      if (method === 'DeleteArtifact') {
        const a = state.artifacts.find((x) => x.name === msg['name'] && !x.deleted)
        if (a) a.deleted = true
        json(res, a ? { ok: true, artifact_id: String(a.id) } : { ok: false }, a ? 200 : 404)
        return
      }
      json(res, { code: 'bad_route', msg: method }, 404)
      return
    }
    if (req.method === 'PUT' && url.pathname.startsWith('/blob/') && state.failBlobWith) {
      res.writeHead(state.failBlobWith)
      res.end()
      return
    }
    if (req.method === 'PUT' && url.pathname.startsWith('/blob/')) {
      const id = url.pathname.slice('/blob/'.length)
      const comp = url.searchParams.get('comp')
      const headers = {
        'x-ms-request-id': 'stand-in',
        'x-ms-version': '2024-11-04',
        etag: '"0x1"',
        'last-modified': new Date().toUTCString(),
      }
      if (comp === 'block') {
        const blockId = url.searchParams.get('blockid') ?? ''
        const m = blocks.get(id) ?? new Map<string, Buffer>()
        m.set(blockId, data)
        blocks.set(id, m)
        res.writeHead(201, headers)
        res.end()
        return
      }
      if (comp === 'blocklist') {
        const ids = [...data.toString('utf8').matchAll(/<(?:Latest|Uncommitted|Committed)>([^<]+)<\//g)].map(
          (m) => m[1] ?? '',
        )
        const m = blocks.get(id) ?? new Map<string, Buffer>()
        blobs.set(id, Buffer.concat(ids.map((b) => m.get(b) ?? Buffer.alloc(0))))
        res.writeHead(201, headers)
        res.end()
        return
      }
      blobs.set(id, data)
      res.writeHead(201, headers)
      res.end()
      return
    }
    res.writeHead(404)
    res.end()
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url')
  const token = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ scp: 'Actions.GenericRead Actions.Results:run-1:job-1' })}.stand-in`
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}/`,
    env: {
      ACTIONS_RUNTIME_TOKEN: token,
      ACTIONS_RESULTS_URL: `http://127.0.0.1:${port}/`,
      GITHUB_SERVER_URL: 'https://github.com',
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => {
          resolve()
        })
      }),
  })
}

/** Entry names and contents of a zip, via the project's own dependency. */
export async function unzip(zip: Buffer): Promise<Map<string, Buffer>> {
  const { default: yauzl } = await import('yauzl')
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (e, z) => {
      if (e) {
        reject(e)
        return
      }
      const out = new Map<string, Buffer>()
      z.on('entry', (entry: import('yauzl').Entry) => {
        if (entry.fileName.endsWith('/')) {
          z.readEntry()
          return
        }
        z.openReadStream(entry, (se, s) => {
          if (se) {
            reject(se)
            return
          }
          const chunks: Buffer[] = []
          s.on('data', (c: Buffer) => chunks.push(c))
          s.on('end', () => {
            out.set(entry.fileName, Buffer.concat(chunks))
            z.readEntry()
          })
        })
      })
      z.on('end', () => {
        resolve(out)
      })
      z.on('error', reject)
      z.readEntry()
    })
  })
}
