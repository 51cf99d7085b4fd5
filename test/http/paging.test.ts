import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newId } from '../../src/domain/shared/ids.js'
import { apiKey } from '../../src/persistence/schema/index.js'
import type { TestTenant } from '../helpers/factories.js'
import type { TestApp } from '../helpers/test-app.js'
import { createTestApp } from '../helpers/test-app.js'

let t: TestApp
let tenant: TestTenant
const TOTAL = 1200

beforeAll(async () => {
  t = await createTestApp()
  tenant = await t.tenant()
  // A large list, written directly: the HTTP paging is what is under test.
  const rows = Array.from({ length: TOTAL - 1 }, (_, i) => ({
    tenantId: tenant.tenant.id,
    id: newId(),
    label: `bulk-${i}`,
    secretHash: '0'.repeat(64),
    hint: 'xxxx',
    scopes: ['read'],
    createdAt: t.clock.now(),
    lastUsedAt: null,
    revokedAt: null,
  }))
  for (let i = 0; i < rows.length; i += 400) await t.services.db.insert(apiKey).values(rows.slice(i, i + 400))
  await t.tenant() // another tenant's keys never show up
})
afterAll(() => t.close())

const page = (query: string) => t.request(tenant, { method: 'GET', url: `/api-keys?${query}` })

describe('paging', () => {
  it('walks a large list by keyset cursor with no gaps or repeats, and ends with nextCursor null', async () => {
    const seen: string[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const res = await page(`limit=97${cursor ? `&cursor=${cursor}` : ''}`)
      expect(res.statusCode).toBe(200)
      const body = res.json()
      expect(body.pagination.limit).toBe(97)
      expect(body.pagination).not.toHaveProperty('total')
      seen.push(...body.items.map((k: { id: string }) => k.id))
      cursor = body.pagination.nextCursor
      pages++
    } while (cursor)
    expect(pages).toBe(Math.ceil(TOTAL / 97))
    expect(seen).toHaveLength(TOTAL)
    expect(new Set(seen).size).toBe(TOTAL)
    expect([...seen].sort()).toEqual(seen)
  })

  it('defaults to 100 items and accepts 1..1000', async () => {
    expect((await page('')).json().items).toHaveLength(100)
    expect((await page('limit=1000')).json().items).toHaveLength(1000)
    expect((await page('limit=1')).json().items).toHaveLength(1)
    for (const bad of ['limit=0', 'limit=1001', 'limit=abc', 'offset=-1'])
      expect((await page(bad)).statusCode).toBe(400)
  })

  it('accepts the older offset style and answers with total and offset', async () => {
    const res = await page('limit=50&offset=1150')
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body.items).toHaveLength(50)
    expect(body.pagination).toMatchObject({ limit: 50, offset: 1150, total: TOTAL, nextCursor: null })
    const middle = (await page('limit=10&offset=100')).json()
    const viaCursor = (await page(`limit=10&cursor=${(await page('limit=100')).json().pagination.nextCursor}`)).json()
    expect(middle.items).toEqual(viaCursor.items)
  })

  it('answers a cursor it did not issue, or cursor with offset, with 400', async () => {
    const bad = await page('cursor=bm90LWEtY3Vyc29y')
    expect(bad.statusCode).toBe(400)
    expect(bad.json()).toMatchObject({ code: 'pagination.invalid_cursor', errors: [{ path: '/query/cursor' }] })
    const cursor = (await page('limit=5')).json().pagination.nextCursor
    expect((await page(`cursor=${cursor}&offset=5`)).json().code).toBe('pagination.cursor_and_offset')
  })
})
