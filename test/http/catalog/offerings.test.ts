import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { groupBody, offeringBody } from '../../helpers/catalog.js'
import { idem, makeApiKey } from '../../helpers/factories.js'
import type { TestTenant } from '../../helpers/factories.js'
import { expectHiddenFrom, expectReplay, expectUnauthenticated } from '../../helpers/security.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

let t: TestApp

beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t.close())

/** A tenant with the group `plans`. */
async function tenantWithGroup(): Promise<TestTenant> {
  const tenant = await t.tenant()
  expect(
    (
      await t.request(tenant, {
        method: 'POST',
        url: '/product-offering-groups',
        payload: groupBody('plans', { name: 'Mobile Plans' }),
      })
    ).statusCode,
  ).toBe(201)
  return tenant
}

const create = (tenant: TestTenant, body: unknown, headers: Record<string, string> = {}) =>
  t.request(tenant, { method: 'POST', url: '/product-offerings', payload: body as object, headers })
const get = (tenant: TestTenant, id: string) => t.request(tenant, { method: 'GET', url: `/product-offerings/${id}` })
const eventsOf = async (tenant: TestTenant, id: string) =>
  (await t.request(tenant, { method: 'GET', url: `/events?resourceType=product_offering&resourceId=${id}` })).json()
    .items as { type: string; data: Record<string, unknown> }[]

describe('POST /product-offerings', () => {
  it('creates an offering with its client-chosen id, prices in decimal units and the group embedded', async () => {
    const tenant = await tenantWithGroup()
    const res = await create(
      tenant,
      offeringBody('mobile-plan-basic', {
        productOfferingGroupId: 'plans',
        rank: 1,
        description: 'Five gigabytes',
        price: {
          grossPrice: 19.99,
          discount: 5,
          currency: 'usd',
          priceType: 'RECURRING',
          billingCycle: { period: 'MONTH', interval: 1 },
          boundMonths: 12,
        },
        product: {
          type: 'SUBSCRIPTION',
          category: 'PRODUCT_CATEGORY_SUBSCRIPTION_CELL',
          networkProviderId: 'tmobile-us',
          features: { dataMb: 5120, countries: ['US'] },
          requirements: { 'subscriber.address': 'VERIFIED' },
        },
      }),
    )
    expect(res.statusCode).toBe(201)
    const body = res.json()
    expect(body).toMatchObject({
      productOfferingId: 'mobile-plan-basic',
      productId: 'mobile-plan-basic',
      status: 'AVAILABLE',
      description: 'Five gigabytes',
      richContent: null,
      product: {
        type: 'SUBSCRIPTION',
        category: 'PRODUCT_CATEGORY_SUBSCRIPTION_CELL',
        networkProviderId: 'tmobile-us',
        features: { dataMb: 5120, countries: ['US'] },
        requirements: { 'subscriber.address': 'VERIFIED' },
      },
      price: {
        grossPrice: 19.99,
        discount: 5,
        netPrice: 14.99,
        currency: 'USD',
        priceType: 'RECURRING',
        billingCycle: { period: 'MONTHLY', interval: 1 },
        boundMonths: 12,
        taxIncluded: false,
        currencyOptions: {},
      },
      productOfferingGroupId: 'plans',
      group: {
        productOfferingGroupId: 'plans',
        name: 'Mobile Plans',
        category: 'PRODUCT_CATEGORY_SUBSCRIPTION_CELL',
        description: null,
        internalDescription: null,
      },
      customerType: 'CONSUMER',
      addonCategories: [],
      rank: 1,
      changePolicy: { upgrade: 'IMMEDIATE', lateral: 'IMMEDIATE', downgrade: 'NEXT_RENEWAL' },
      compatibility: { categories: [], productOfferingIds: [] },
      maxPerSubscription: null,
      includedLicenseOfferingId: null,
      metadata: {},
      createdAt: t.clock.now().toISOString(),
    })
    expect(body).not.toHaveProperty('promotion')
    expect((await get(tenant, 'mobile-plan-basic')).json()).toEqual(body)
    const events = await eventsOf(tenant, 'mobile-plan-basic')
    expect(events.map((e) => e.type)).toEqual(['product_offering.created'])
    expect(events[0]?.data).toEqual(body)
  })

  it('keeps add-on rules and writes addonCategories and compatibility as one list', async () => {
    const tenant = await t.tenant()
    const res = await create(
      tenant,
      offeringBody('addon-data-1gb', {
        product: { type: 'SUBSCRIPTION_ADDON', category: 'PRODUCT_CATEGORY_EXTRA_DATA' },
        addonCategories: ['PRODUCT_CATEGORY_SUBSCRIPTION_CELL'],
        compatibility: { productOfferingIds: ['mobile-plan-basic'] },
        maxPerSubscription: 1,
        changePolicy: { downgrade: 'IMMEDIATE' },
      }),
    )
    expect(res.statusCode).toBe(201)
    expect(res.json()).toMatchObject({
      addonCategories: ['PRODUCT_CATEGORY_SUBSCRIPTION_CELL'],
      compatibility: { categories: ['PRODUCT_CATEGORY_SUBSCRIPTION_CELL'], productOfferingIds: ['mobile-plan-basic'] },
      maxPerSubscription: 1,
      changePolicy: { upgrade: 'IMMEDIATE', lateral: 'IMMEDIATE', downgrade: 'IMMEDIATE' },
    })
  })

  it('answers 409 for an id in use, and writes nothing', async () => {
    const tenant = await t.tenant()
    expect((await create(tenant, offeringBody('taken', { name: 'First' }))).statusCode).toBe(201)
    const again = await create(tenant, offeringBody('taken', { name: 'Second' }))
    expect(again.statusCode).toBe(409)
    expect(again.json()).toMatchObject({ code: 'product_offering.already_exists', productOfferingId: 'taken' })
    expect((await get(tenant, 'taken')).json().name).toBe('First')
    expect(await eventsOf(tenant, 'taken')).toHaveLength(1)
  })

  it('lets one of several concurrent creates of an id win, the others answering 409', async () => {
    const tenant = await t.tenant()
    const results = await Promise.all(
      Array.from({ length: 4 }, (_, i) => create(tenant, offeringBody('raced', { name: `Racer ${i}` }))),
    )
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409, 409, 409])
    expect(
      results.filter((r) => r.statusCode === 409).every((r) => r.json().code === 'product_offering.already_exists'),
    ).toBe(true)
    expect(await eventsOf(tenant, 'raced')).toHaveLength(1)
  })

  it('answers 422 for a group that does not exist', async () => {
    const tenant = await t.tenant()
    const res = await create(tenant, offeringBody('orphan', { productOfferingGroupId: 'nope' }))
    expect(res.statusCode).toBe(422)
    expect(res.json()).toMatchObject({
      code: 'product_offering_group.not_found',
      productOfferingGroupId: 'nope',
      errors: [{ path: '/body/productOfferingGroupId' }],
    })
    expect((await get(tenant, 'orphan')).statusCode).toBe(404)
  })

  it.each([
    ['a missing name', { name: undefined }, 'request.validation_failed', '/body/name'],
    [
      'an id with capitals',
      { productOfferingId: 'Mobile-Plan' },
      'request.validation_failed',
      '/body/productOfferingId',
    ],
    [
      'an id of 101 characters',
      { productOfferingId: 'a'.repeat(101) },
      'request.validation_failed',
      '/body/productOfferingId',
    ],
    [
      'an unknown product type',
      { product: { type: 'PHONE', category: 'X' } },
      'request.validation_failed',
      '/body/product/type',
    ],
    [
      'a price as a string',
      { price: { grossPrice: '9.99', currency: 'USD', priceType: 'ONE_TIME' } },
      'request.validation_failed',
      '/body/price/grossPrice',
    ],
    [
      'a negative price',
      { price: { grossPrice: -1, currency: 'USD', priceType: 'ONE_TIME' } },
      'request.validation_failed',
      '/body/price/grossPrice',
    ],
    [
      'an unknown period',
      { price: { grossPrice: 1, currency: 'USD', priceType: 'RECURRING', billingCycle: { period: 'HOURLY' } } },
      'request.validation_failed',
      '/body/price/billingCycle/period',
    ],
    [
      'a price finer than a cent',
      { price: { grossPrice: 9.999, currency: 'USD', priceType: 'ONE_TIME' } },
      'product_offering.invalid',
      '/body/price/grossPrice',
    ],
    [
      'an unknown currency',
      { price: { grossPrice: 9, currency: 'XYZ', priceType: 'ONE_TIME' } },
      'product_offering.invalid',
      '/body/price/currency',
    ],
    [
      'a recurring price without a cycle',
      { price: { grossPrice: 9, currency: 'USD', priceType: 'RECURRING' } },
      'product_offering.invalid',
      '/body/price/billingCycle',
    ],
    [
      'a discount above the price',
      { price: { grossPrice: 9, discount: 10, currency: 'USD', priceType: 'ONE_TIME' } },
      'product_offering.invalid',
      '/body/price/discount',
    ],
    [
      'a net price that does not add up',
      { price: { grossPrice: 9, discount: 1, netPrice: 7, currency: 'USD', priceType: 'ONE_TIME' } },
      'product_offering.invalid',
      '/body/price/netPrice',
    ],
    [
      'a top-up priced monthly',
      { product: { type: 'SUBSCRIPTION_ADDON', category: 'PRODUCT_CATEGORY_TOP_UP' } },
      'product_offering.invalid',
      '/body/price/priceType',
    ],
    ['a zero maxPerSubscription', { maxPerSubscription: 0 }, 'request.validation_failed', '/body/maxPerSubscription'],
    [
      'an unknown change timing',
      { changePolicy: { upgrade: 'LATER' } },
      'request.validation_failed',
      '/body/changePolicy/upgrade',
    ],
  ])('answers 400 for %s, naming the field, and writes nothing', async (_label, change, code, path) => {
    const tenant = await t.tenant()
    const res = await create(tenant, { ...offeringBody('bad-one'), ...change })
    expect(res.statusCode).toBe(400)
    expect(res.json().code).toBe(code)
    expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(path)
    expect(
      (await t.request(tenant, { method: 'GET', url: '/product-offerings?status=AVAILABLE&status=ARCHIVED' })).json()
        .items,
    ).toEqual([])
  })

  it('answers 401 without a valid key and 403 without the admin scope', async () => {
    const tenant = await t.tenant()
    await expectUnauthenticated(t, { method: 'POST', url: '/product-offerings', payload: offeringBody('x') })
    const writer = await makeApiKey(t.services, tenant.tenant, ['read', 'write'])
    const res = await t.request(writer, { method: 'POST', url: '/product-offerings', payload: offeringBody('x') })
    expect(res.statusCode).toBe(403)
    expect(res.json()).toMatchObject({ code: 'auth.missing_scope', requiredScope: 'admin' })
    expect((await get(tenant, 'x')).statusCode).toBe(404)
  })

  it('replays a create with the same idempotency key', async () => {
    const tenant = await t.tenant()
    const { first, status } = await expectReplay(t, tenant, {
      method: 'POST',
      url: '/product-offerings',
      payload: offeringBody('replayed'),
    })
    expect(status).toBe(201)
    expect(first.productOfferingId).toBe('replayed')
    expect(await eventsOf(tenant, 'replayed')).toHaveLength(1)
  })
})

describe('GET /product-offerings/{productOfferingId}', () => {
  it('answers 404 for an unknown id and for another tenant’s offering, 400 for a malformed id, 401 without a key', async () => {
    const tenant = await t.tenant()
    await create(tenant, offeringBody('mine'))
    const missing = await get(tenant, 'nothing-here')
    expect(missing.statusCode).toBe(404)
    expect(missing.json()).toMatchObject({ code: 'product_offering.not_found', id: 'nothing-here' })
    await expectHiddenFrom(
      t,
      await t.tenant(),
      { method: 'GET', url: '/product-offerings/mine' },
      'product_offering.not_found',
    )
    expect((await get(tenant, 'Not_Valid!')).json()).toMatchObject({
      code: 'request.validation_failed',
      errors: [{ path: '/params/productOfferingId' }],
    })
    await expectUnauthenticated(t, { method: 'GET', url: '/product-offerings/mine' })
  })
})

describe('PUT /product-offerings/{productOfferingId}', () => {
  it('replaces the editable fields, keeps the status and createdAt, and emits product_offering.updated', async () => {
    const tenant = await tenantWithGroup()
    await create(tenant, offeringBody('plan', { description: 'old', rank: 1, metadata: { a: 1 } }))
    await t.request(tenant, { method: 'POST', url: '/product-offerings/plan/archive' })
    const createdAt = (await get(tenant, 'plan')).json().createdAt
    t.clock.advance(60_000)
    const { productOfferingId: _id, ...body } = offeringBody('plan', {
      name: 'Renamed',
      productOfferingGroupId: 'plans',
      rank: 5,
    })
    const res = await t.request(tenant, {
      method: 'PUT',
      url: '/product-offerings/plan',
      payload: { ...body, price: { ...body.price, grossPrice: 24.5 } },
    })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({
      name: 'Renamed',
      status: 'ARCHIVED',
      description: null,
      rank: 5,
      metadata: {},
      group: { productOfferingGroupId: 'plans' },
      price: { grossPrice: 24.5, netPrice: 24.5 },
      createdAt,
    })
    expect(res.json().updatedAt).toBe(t.clock.now().toISOString())
    expect((await eventsOf(tenant, 'plan')).map((e) => e.type)).toEqual([
      'product_offering.created',
      'product_offering.archived',
      'product_offering.updated',
    ])
  })

  it('answers the same offering and emits nothing when nothing changed', async () => {
    const tenant = await t.tenant()
    const created = (await create(tenant, offeringBody('still'))).json()
    t.clock.advance(1000)
    const { productOfferingId: _id, ...body } = offeringBody('still')
    const res = await t.request(tenant, { method: 'PUT', url: '/product-offerings/still', payload: body })
    expect(res.json()).toEqual(created)
    expect(await eventsOf(tenant, 'still')).toHaveLength(1)
  })

  it('answers 409 when the product type would change, and writes nothing', async () => {
    const tenant = await t.tenant()
    await create(tenant, offeringBody('typed'))
    const { productOfferingId: _id, ...body } = offeringBody('typed', {
      name: 'Changed',
      product: { type: 'LICENSE', category: 'X' },
    })
    const res = await t.request(tenant, { method: 'PUT', url: '/product-offerings/typed', payload: body })
    expect(res.statusCode).toBe(409)
    expect(res.json()).toMatchObject({
      code: 'product_offering.type_immutable',
      currentType: 'SUBSCRIPTION',
      requestedType: 'LICENSE',
    })
    expect((await get(tenant, 'typed')).json().name).toBe('Offering typed')
  })

  it('answers 404 for an unknown or another tenant’s offering, 400 for a bad body, 401, 403, and replays', async () => {
    const tenant = await t.tenant()
    await create(tenant, offeringBody('owned'))
    const { productOfferingId: _id, ...body } = offeringBody('owned', { name: 'New name' })
    expect(
      (await t.request(tenant, { method: 'PUT', url: '/product-offerings/nobody', payload: body })).json().code,
    ).toBe('product_offering.not_found')
    await expectHiddenFrom(
      t,
      await t.tenant(),
      { method: 'PUT', url: '/product-offerings/owned', payload: body },
      'product_offering.not_found',
    )
    const bad = await t.request(tenant, {
      method: 'PUT',
      url: '/product-offerings/owned',
      payload: { ...body, name: '' },
    })
    expect(bad.json()).toMatchObject({ code: 'request.validation_failed', errors: [{ path: '/body/name' }] })
    await expectUnauthenticated(t, { method: 'PUT', url: '/product-offerings/owned', payload: body })
    const reader = await makeApiKey(t.services, tenant.tenant, ['read'])
    expect(
      (await t.request(reader, { method: 'PUT', url: '/product-offerings/owned', payload: body })).statusCode,
    ).toBe(403)
    expect((await get(tenant, 'owned')).json().name).toBe('Offering owned')
    const { status, first } = await expectReplay(t, tenant, {
      method: 'PUT',
      url: '/product-offerings/owned',
      payload: body,
    })
    expect(status).toBe(200)
    expect(first.name).toBe('New name')
  })
})

describe('POST /product-offerings/{productOfferingId}/archive', () => {
  it('archives once: again answers the archived offering, with one archived event', async () => {
    const tenant = await t.tenant()
    await create(tenant, offeringBody('old-plan'))
    t.clock.advance(1000)
    const first = await t.request(tenant, {
      method: 'POST',
      url: '/product-offerings/old-plan/archive',
      headers: idem(),
    })
    expect(first.statusCode).toBe(200)
    expect(first.json()).toMatchObject({ status: 'ARCHIVED', updatedAt: t.clock.now().toISOString() })
    t.clock.advance(1000)
    const second = await t.request(tenant, { method: 'POST', url: '/product-offerings/old-plan/archive' })
    expect(second.json()).toEqual(first.json())
    const events = await eventsOf(tenant, 'old-plan')
    expect(events.map((e) => e.type)).toEqual(['product_offering.created', 'product_offering.archived'])
    expect(events[1]?.data).toMatchObject({ status: 'ARCHIVED' })
  })

  it('keeps an archived offering readable by id, but out of the default list and the catalog', async () => {
    const tenant = await t.tenant()
    await create(tenant, offeringBody('keep'))
    await create(tenant, offeringBody('retire'))
    await t.request(tenant, { method: 'POST', url: '/product-offerings/retire/archive' })
    expect((await get(tenant, 'retire')).json().status).toBe('ARCHIVED')
    const listed = (await t.request(tenant, { method: 'GET', url: '/product-offerings' }))
      .json()
      .items.map((o: { productOfferingId: string }) => o.productOfferingId)
    expect(listed).toEqual(['keep'])
    const catalog = (await t.request(tenant, { method: 'GET', url: '/product-catalogs/default' })).json()
    expect(catalog.productOfferings.map((o: { productOfferingId: string }) => o.productOfferingId)).toEqual(['keep'])
    const archived = (await t.request(tenant, { method: 'GET', url: '/product-offerings?status[]=ARCHIVED' })).json()
      .items
    expect(archived.map((o: { productOfferingId: string }) => o.productOfferingId)).toEqual(['retire'])
  })

  it('answers 404 for an unknown or another tenant’s offering, 401, 403, and replays', async () => {
    const tenant = await t.tenant()
    await create(tenant, offeringBody('arch'))
    expect((await t.request(tenant, { method: 'POST', url: '/product-offerings/none/archive' })).json().code).toBe(
      'product_offering.not_found',
    )
    await expectHiddenFrom(
      t,
      await t.tenant(),
      { method: 'POST', url: '/product-offerings/arch/archive' },
      'product_offering.not_found',
    )
    await expectUnauthenticated(t, { method: 'POST', url: '/product-offerings/arch/archive' })
    const writer = await makeApiKey(t.services, tenant.tenant, ['read', 'write'])
    expect((await t.request(writer, { method: 'POST', url: '/product-offerings/arch/archive' })).statusCode).toBe(403)
    expect((await get(tenant, 'arch')).json().status).toBe('AVAILABLE')
    const { status, first } = await expectReplay(t, tenant, { method: 'POST', url: '/product-offerings/arch/archive' })
    expect(status).toBe(200)
    expect(first.status).toBe('ARCHIVED')
  })
})
