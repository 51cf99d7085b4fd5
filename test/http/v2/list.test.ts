import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeSubscription, subscriptionWorld } from '../../helpers/subscriptions.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'
import { V2_SECRET, addOnsUrl, orgBearer, v2 } from '../../helpers/v2.js'

/** The AddOnsSet: every activation_date operator in the three spellings, legacy_add_on_id, paging. */
let t: TestApp
let org: string
let sub: string
let auth: { headers: Record<string, string> }
/** legacy_id → activation_date of the passes set up below (the first one is added now). */
const ACTIVATIONS: Record<number, string> = {
  1: '2025-01-15T10:00:00.000Z',
  2: '2025-02-01T00:00:00.000Z',
  3: '2025-02-10T12:00:00.000Z',
  4: '2025-02-10T12:00:30.000Z',
  5: '2025-03-01T00:00:00.000Z',
}

beforeAll(async () => {
  t = await createTestApp({ v2: { jwtSecret: V2_SECRET } }) // 2025-01-15T10:00:00Z
  const world = await subscriptionWorld(t)
  sub = (await makeSubscription(t, world)).subscriptionId as string
  org = world.tenant.tenant.name
  auth = await orgBearer(t, org)
  for (const [legacy, at] of Object.entries(ACTIVATIONS)) {
    const payload = {
      catalogue_add_on_id: 'addon-roaming-eu-7d',
      legacy_id: Number(legacy),
      ...(legacy !== '1' && { activation_date: at }),
    }
    const res = await v2(t, auth, { method: 'POST', url: addOnsUrl(org, sub), payload })
    expect(res.status, res.raw).toBe(201)
  }
})
afterAll(() => t.close())

const legacyIds = async (query: string): Promise<number[]> => {
  const res = await v2(t, auth, { method: 'GET', url: addOnsUrl(org, sub, query) })
  expect(res.status, `${query}: ${res.raw}`).toBe(200)
  return res.body.items.map((a: { legacy_id: number }) => a.legacy_id)
}
const enc = encodeURIComponent

describe('list add-ons (GET …/add_ons)', () => {
  it('lists every add-on oldest first in an AddOnsSet', async () => {
    const res = await v2(t, auth, { method: 'GET', url: addOnsUrl(org, sub) })
    expect(res.body).toMatchObject({ offset: 0, limit: 100, total: 5 })
    expect(
      res.body.items.map((a: { legacy_id: number; activation_date: string }) => [a.legacy_id, a.activation_date]),
    ).toEqual(Object.entries(ACTIVATIONS).map(([k, v]) => [Number(k), v]))
  })

  it('filters activation_date with each operator', async () => {
    const cases: [string, number[]][] = [
      ['eq', [3]],
      ['lt', [1, 2]],
      ['lte', [1, 2, 3]],
      ['gt', [4, 5]],
      ['gte', [3, 4, 5]],
    ]
    for (const [op, expected] of cases)
      expect(await legacyIds(`?activation_date[${op}]=2025-02-10T12:00:00Z`), op).toEqual(expected)
    // A date is the whole day (UTC here, the tenant's zone); a date-time the span of its last digit.
    expect(await legacyIds('?activation_date[eq]=2025-02-10')).toEqual([3, 4])
    expect(await legacyIds('?activation_date[gt]=2025-02-10')).toEqual([5])
    expect(await legacyIds(`?activation_date[eq]=${enc('2025-02-10T12:00Z')}`)).toEqual([3, 4])
  })

  it('takes the filter as a bare value (eq), a JSON object or bracketed keys, alike', async () => {
    expect(await legacyIds('?activation_date=2025-02-01T00:00:00Z')).toEqual([2])
    const json = await legacyIds(
      `?activation_date=${enc('{"gte":"2025-02-01T00:00:00Z","lt":"2025-03-01T00:00:00Z"}')}`,
    )
    const brackets = await legacyIds(
      '?activation_date[gte]=2025-02-01T00:00:00Z&activation_date[lt]=2025-03-01T00:00:00Z',
    )
    expect(json).toEqual([2, 3, 4])
    expect(brackets).toEqual(json)
    // An offset other than Z, its + sent unencoded (it arrives as a space).
    expect(await legacyIds('?activation_date[gte]=2025-02-10T13:00:00+01:00')).toEqual([3, 4, 5])
  })

  it('filters legacy_add_on_id, and combines filters', async () => {
    expect(await legacyIds('?legacy_add_on_id=4')).toEqual([4])
    expect(await legacyIds('?legacy_add_on_id=4&activation_date[lt]=2025-02-01')).toEqual([])
    expect(await legacyIds('?legacy_add_on_id=99')).toEqual([])
  })

  it('pages with offset and limit; total counts every match', async () => {
    const page = await v2(t, auth, { method: 'GET', url: addOnsUrl(org, sub, '?offset=1&limit=2') })
    expect(page.body).toMatchObject({ offset: 1, limit: 2, total: 5 })
    expect(page.body.items.map((a: { legacy_id: number }) => a.legacy_id)).toEqual([2, 3])
    const filtered = await v2(t, auth, {
      method: 'GET',
      url: addOnsUrl(org, sub, '?activation_date[gte]=2025-02-01&offset=2&limit=2'),
    })
    expect(filtered.body).toMatchObject({ offset: 2, limit: 2, total: 4 })
    expect(filtered.body.items.map((a: { legacy_id: number }) => a.legacy_id)).toEqual([4, 5])
    expect((await v2(t, auth, { method: 'GET', url: addOnsUrl(org, sub, '?offset=10') })).body).toMatchObject({
      items: [],
      total: 5,
    })
  })

  it('answers a malformed filter or page with a 400 naming the parameter', async () => {
    const cases: [string, string, string][] = [
      ['?activation_date=yesterday', 'request.invalid_filter', '/query/activation_date/eq'],
      [`?activation_date=${enc('{"gte":')}`, 'request.invalid_filter', '/query/activation_date'],
      [`?activation_date=${enc('{"since":"2025-01-01"}')}`, 'request.invalid_filter', '/query/activation_date/since'],
      ['?activation_date[gte]=soon', 'request.invalid_filter', '/query/activation_date/gte'],
      ['?activation_date=2025-01-01&activation_date=2025-02-01', 'request.validation_failed', '/query/activation_date'],
      ['?limit=0', 'request.validation_failed', '/query/limit'],
      ['?offset=-1', 'request.validation_failed', '/query/offset'],
      ['?legacy_add_on_id=abc', 'request.validation_failed', '/query/legacy_add_on_id'],
    ]
    for (const [query, code, path] of cases) {
      const res = await v2(t, auth, { method: 'GET', url: addOnsUrl(org, sub, query) })
      expect(res.status, query).toBe(400)
      expect(res.body.code, query).toBe(code)
      expect(
        res.body.errors.map((e: { path: string }) => e.path),
        query,
      ).toContain(path)
    }
  })
})
