import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { groupBody, offeringBody, seedCatalog, seedDemoCatalog } from '../../helpers/catalog.js'
import type { TestTenant } from '../../helpers/factories.js'
import { expectUnauthenticated } from '../../helpers/security.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

let t: TestApp
let demo: TestTenant

/** The demo catalog's AVAILABLE offerings in list order: by group id (ungrouped first), then rank, then id. */
const DEMO_ORDER = [
  'addon-security-pack',
  'accessory-sim-holder',
  'addon-data-1gb',
  'addon-data-5gb',
  'addon-data-10gb',
  'license-security-suite',
  'mobile-plan-basic',
  'mobile-plan-plus',
  'mobile-plan-max',
  'topup-data-2gb',
  'addon-roaming-eu-7d',
]

beforeAll(async () => {
  t = await createTestApp()
  demo = await t.tenant()
  await seedDemoCatalog(t.services, demo)
  // Another tenant's catalog never shows up.
  await seedDemoCatalog(t.services, await t.tenant())
})
afterAll(() => t.close())

const ids = async (tenant: TestTenant, query: string) => {
  const res = await t.request(tenant, { method: 'GET', url: `/product-offerings${query}` })
  expect(res.statusCode, res.body).toBe(200)
  return res.json().items.map((o: { productOfferingId: string }) => o.productOfferingId) as string[]
}

describe('GET /product-offerings', () => {
  it('lists AVAILABLE offerings by group, then rank, then id', async () => {
    expect(await ids(demo, '')).toEqual(DEMO_ORDER)
  })

  it('filters by types, in either spelling', async () => {
    const addons = [
      'addon-security-pack',
      'addon-data-1gb',
      'addon-data-5gb',
      'addon-data-10gb',
      'topup-data-2gb',
      'addon-roaming-eu-7d',
    ]
    expect(await ids(demo, '?types[]=SUBSCRIPTION_ADDON')).toEqual(addons)
    expect(await ids(demo, '?types=SUBSCRIPTION_ADDON')).toEqual(addons)
    expect(await ids(demo, '?types=LICENSE&types=EXTERNAL_PRODUCT')).toEqual([
      'accessory-sim-holder',
      'license-security-suite',
    ])
    expect(await ids(demo, '?type[]=SUBSCRIPTION')).toEqual([
      'mobile-plan-basic',
      'mobile-plan-plus',
      'mobile-plan-max',
    ])
    const bad = await t.request(demo, { method: 'GET', url: '/product-offerings?types[]=PHONE' })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().errors[0].path).toMatch(/^\/query\/types/)
  })

  it('filters by categories, group and customer type', async () => {
    expect(
      await ids(demo, '?categories[]=PRODUCT_CATEGORY_TOP_UP&categories[]=PRODUCT_CATEGORY_TRAVEL_ESIM_PACKAGE'),
    ).toEqual(['topup-data-2gb', 'addon-roaming-eu-7d'])
    expect(await ids(demo, '?categories=PRODUCT_CATEGORY_EXTRA_DATA')).toEqual([
      'addon-data-1gb',
      'addon-data-5gb',
      'addon-data-10gb',
    ])
    expect(await ids(demo, '?productOfferingGroupId=mobile-plans')).toEqual([
      'mobile-plan-basic',
      'mobile-plan-plus',
      'mobile-plan-max',
    ])
    expect(await ids(demo, '?productOfferingGroupId=nothing')).toEqual([])
    expect(await ids(demo, '?customerType=BUSINESS')).toEqual([])
    expect(await ids(demo, '?customerType=CONSUMER&types=LICENSE')).toEqual(['license-security-suite'])
  })

  it('filters by status, AVAILABLE by default', async () => {
    const tenant = await t.tenant()
    await seedCatalog(t.services, tenant, {
      offerings: [offeringBody('live'), offeringBody('gone', { status: 'ARCHIVED' })],
    })
    expect(await ids(tenant, '')).toEqual(['live'])
    expect(await ids(tenant, '?status[]=ARCHIVED')).toEqual(['gone'])
    expect(await ids(tenant, '?status=AVAILABLE&status=ARCHIVED')).toEqual(['gone', 'live'])
  })

  it('walks every page by cursor, in order, without gaps or repeats', async () => {
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const res = await t.request(demo, {
        method: 'GET',
        url: `/product-offerings?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      })
      const body = res.json() as { items: { productOfferingId: string }[]; pagination: { nextCursor: string | null } }
      expect(body.pagination).not.toHaveProperty('total')
      seen.push(...body.items.map((o: { productOfferingId: string }) => o.productOfferingId))
      cursor = body.pagination.nextCursor
    } while (cursor)
    expect(seen).toEqual(DEMO_ORDER)
  })

  it('pages ungrouped offerings and equal ranks stably', async () => {
    const tenant = await t.tenant()
    await seedCatalog(t.services, tenant, {
      groups: [groupBody('a'), groupBody('b')],
      offerings: [
        offeringBody('b-2', { productOfferingGroupId: 'b', rank: 2 }),
        offeringBody('loose-z'),
        offeringBody('a-high', { productOfferingGroupId: 'a', rank: 10 }),
        offeringBody('a-low-y', { productOfferingGroupId: 'a', rank: -1 }),
        offeringBody('a-low-x', { productOfferingGroupId: 'a', rank: -1 }),
        offeringBody('loose-a', { rank: 7 }),
      ],
    })
    const expected = ['loose-z', 'loose-a', 'a-low-x', 'a-low-y', 'a-high', 'b-2']
    expect(await ids(tenant, '')).toEqual(expected)
    const walked: string[] = []
    let cursor: string | null = null
    do {
      const res = await t.request(tenant, {
        method: 'GET',
        url: `/product-offerings?limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      })
      const body = res.json() as { items: { productOfferingId: string }[]; pagination: { nextCursor: string | null } }
      walked.push(...body.items.map((o: { productOfferingId: string }) => o.productOfferingId))
      cursor = body.pagination.nextCursor
    } while (cursor)
    expect(walked).toEqual(expected)
  })

  it('pages by offset, answering the total', async () => {
    const res = await t.request(demo, { method: 'GET', url: '/product-offerings?limit=4&offset=4' })
    expect(res.json().items.map((o: { productOfferingId: string }) => o.productOfferingId)).toEqual(
      DEMO_ORDER.slice(4, 8),
    )
    expect(res.json().pagination).toMatchObject({
      limit: 4,
      offset: 4,
      total: DEMO_ORDER.length,
      nextCursor: expect.any(String),
    })
    const filtered = (
      await t.request(demo, { method: 'GET', url: '/product-offerings?types=SUBSCRIPTION&offset=0&limit=2' })
    ).json()
    expect(filtered.pagination.total).toBe(3)
  })

  it('answers 400 for a cursor it did not issue, and 401 without a key', async () => {
    const foreign = Buffer.from(JSON.stringify({ v: 1, k: 'not-a-key' })).toString('base64url')
    for (const cursor of [foreign, 'garbage']) {
      const res = await t.request(demo, { method: 'GET', url: `/product-offerings?cursor=${cursor}` })
      expect(res.statusCode).toBe(400)
      expect(res.json()).toMatchObject({ code: 'pagination.invalid_cursor', errors: [{ path: '/query/cursor' }] })
    }
    await expectUnauthenticated(t, { method: 'GET', url: '/product-offerings' })
  })
})

describe('GET /product-catalogs/default', () => {
  it('shows the AVAILABLE offerings and their groups in the Connect API shape', async () => {
    const res = await t.request(demo, { method: 'GET', url: '/product-catalogs/default' })
    expect(res.statusCode).toBe(200)
    const catalog = res.json()
    expect(catalog).toMatchObject({
      productCatalogId: 'default',
      external_reference: null,
      customerType: null,
      metadata: {},
    })
    expect(typeof catalog.name).toBe('string')
    expect(catalog.productOfferings.map((o: { productOfferingId: string }) => o.productOfferingId)).toEqual(DEMO_ORDER)
    expect(
      catalog.ProductOfferingGroups.map((g: { productOfferingGroupId: string }) => g.productOfferingGroupId),
    ).toEqual(['accessories', 'addon-data', 'licenses', 'mobile-plans', 'top-ups', 'travel-passes'])
    expect(Object.keys(catalog.ProductOfferingGroups[0]).sort()).toEqual([
      'category',
      'description',
      'internalDescription',
      'name',
      'productOfferingGroupId',
    ])
  })

  it('filters by customer type, leaving out groups with nothing to show', async () => {
    const tenant = await t.tenant()
    await seedCatalog(t.services, tenant, {
      groups: [groupBody('consumer'), groupBody('business')],
      offerings: [
        offeringBody('c1', { productOfferingGroupId: 'consumer' }),
        offeringBody('b1', { productOfferingGroupId: 'business', customerType: 'BUSINESS' }),
      ],
    })
    const catalog = (
      await t.request(tenant, { method: 'GET', url: '/product-catalogs/default?customerType=BUSINESS' })
    ).json()
    expect(catalog.customerType).toBe('BUSINESS')
    expect(catalog.productOfferings.map((o: { productOfferingId: string }) => o.productOfferingId)).toEqual(['b1'])
    expect(
      catalog.ProductOfferingGroups.map((g: { productOfferingGroupId: string }) => g.productOfferingGroupId),
    ).toEqual(['business'])
  })

  it('is empty for a tenant without a catalog, and 401 without a key', async () => {
    const catalog = (await t.request(await t.tenant(), { method: 'GET', url: '/product-catalogs/default' })).json()
    expect(catalog).toMatchObject({ productOfferings: [], ProductOfferingGroups: [] })
    await expectUnauthenticated(t, { method: 'GET', url: '/product-catalogs/default' })
    const bad = await t.request(demo, { method: 'GET', url: '/product-catalogs/default?customerType=ROBOT' })
    expect(bad.json()).toMatchObject({ code: 'request.validation_failed', errors: [{ path: '/query/customerType' }] })
  })
})
