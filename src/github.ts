/**
 * GitHub's REST API through @actions/github (octokit), loaded on first use: the action's callers
 * (the pull-request comment, the fork check of an issue comment) share its API root and its reading
 * of a failed request.
 */
import type { getOctokit } from '@actions/github'

export type RestClient = ReturnType<typeof getOctokit>

/** An octokit client for `token` at `apiUrl`, else GITHUB_API_URL, else https://api.github.com. */
export async function restClient(token: string, apiUrl?: string): Promise<RestClient> {
  // Loaded on demand: octokit is not needed by runs that never call the API.
  const { getOctokit: load } = await import('@actions/github')
  return load(token, { baseUrl: apiUrl ?? process.env['GITHUB_API_URL'] ?? 'https://api.github.com' })
}

/** HTTP status of an octokit RequestError, if it is one. */
export function httpStatusOf(e: unknown): number | undefined {
  if (typeof e === 'object' && e !== null && 'status' in e && typeof e.status === 'number') return e.status
  return undefined
}
