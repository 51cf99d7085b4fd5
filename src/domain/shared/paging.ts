import { InvalidInputError } from './errors.js'

export const DEFAULT_PAGE_LIMIT = 100
export const MAX_PAGE_LIMIT = 1000

/**
 * One page request for every list. Keyset by default: `after` is the sort key of the last item of
 * the previous page, so a page deep in a large list costs what the first costs. The older offset
 * style is accepted too, and answered with the total.
 */
export type PageRequest =
  { limit: number; after?: string; offset?: undefined } | { limit: number; offset: number; after?: undefined }

export interface Page<T> {
  items: T[]
  pagination: { limit: number; nextCursor: string | null; offset?: number; total?: number }
}

export function encodeCursor(key: string): string {
  return Buffer.from(JSON.stringify({ v: 1, k: key })).toString('base64url')
}

export function decodeCursor(cursor: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { v?: unknown; k?: unknown }
    if (parsed.v === 1 && typeof parsed.k === 'string') return parsed.k
  } catch {
    // fall through to the 400
  }
  throw new InvalidInputError(
    'pagination.invalid_cursor',
    'The cursor is not one this API issued. Pass nextCursor from a previous page unchanged.',
    {},
    [{ path: '/query/cursor', message: 'invalid cursor' }],
  )
}

/** Reads `limit`, `cursor` and `offset` from a query (the schema has already range-checked them). */
export function pageRequest(query: { limit?: number; cursor?: string; offset?: number }): PageRequest {
  const limit = query.limit ?? DEFAULT_PAGE_LIMIT
  if (query.cursor !== undefined && query.offset !== undefined) {
    throw new InvalidInputError('pagination.cursor_and_offset', 'Use either cursor or offset, not both.', {}, [
      { path: '/query/offset', message: 'cannot be combined with cursor' },
    ])
  }
  if (query.offset !== undefined) return { limit, offset: query.offset }
  return query.cursor !== undefined ? { limit, after: decodeCursor(query.cursor) } : { limit }
}

/**
 * Runs a page: `fetch` reads up to `limit + 1` rows after the cursor key (or at the offset), in
 * key order; the extra row tells whether there is a next page. `count` is only asked in offset mode.
 */
export async function readPage<T>(
  request: PageRequest,
  fetch: (window: { limit: number; after?: string; offset?: number }) => Promise<T[]>,
  keyOf: (item: T) => string,
  count?: () => Promise<number>,
): Promise<Page<T>> {
  const rows = await fetch({
    limit: request.limit + 1,
    ...(request.after !== undefined && { after: request.after }),
    ...(request.offset !== undefined && { offset: request.offset }),
  })
  const items = rows.slice(0, request.limit)
  const last = items.at(-1)
  const more = rows.length > request.limit && last !== undefined
  if (request.offset !== undefined) {
    return {
      items,
      pagination: {
        limit: request.limit,
        offset: request.offset,
        total: count ? await count() : request.offset + rows.length,
        nextCursor: more ? encodeCursor(keyOf(last)) : null,
      },
    }
  }
  return { items, pagination: { limit: request.limit, nextCursor: more ? encodeCursor(keyOf(last)) : null } }
}

export function mapPage<T, U>(page: Page<T>, map: (item: T) => U): Page<U> {
  return { items: page.items.map(map), pagination: page.pagination }
}
