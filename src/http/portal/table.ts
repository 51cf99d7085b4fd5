import type { Page } from '../../domain/shared/paging.js'
import { pageRequest } from '../../domain/shared/paging.js'
import type { PageRequest } from '../../domain/shared/paging.js'

/** Rows per portal table page. */
export const PORTAL_PAGE_SIZE = 25

/** The page a portal list asks its service for: the API's keyset cursor, 25 rows. */
export const tablePage = (query: { cursor?: string }): PageRequest =>
  pageRequest({ limit: PORTAL_PAGE_SIZE, ...(query.cursor ? { cursor: query.cursor } : {}) })

/**
 * What `views/partials/pager.eta` draws under a table: the link to the next page (the same path and
 * filters with the next cursor), or none on the last page.
 */
export function pager(path: string, filters: Record<string, string | undefined>, page: Page<unknown>) {
  const next = page.pagination.nextCursor
  if (next === null) return { nextHref: null }
  const params = new URLSearchParams()
  for (const [name, value] of Object.entries(filters)) if (value) params.set(name, value)
  params.set('cursor', next)
  return { nextHref: `${path}?${params.toString()}` }
}
