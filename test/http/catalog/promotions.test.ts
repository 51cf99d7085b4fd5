import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { offeringBody, promotionBody, seedCatalog } from '../../helpers/catalog.js'
import { makeApiKey } from '../../helpers/factories.js'
import type { TestTenant } from '../../helpers/factories.js'
import { expectHiddenFrom, expectReplay, expectUnauthenticated } from '../../helpers/security.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

let t: TestApp

beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t.close())

const create = (tenant: TestTenant, body: unknown) =>
  t.request(tenant, { method: 'POST', url: '/promotions', payload: body as object })
const priced = (tenant: TestTenant, id: string, code: string) =>
  t.request(tenant, { method: 'GET', url: `/product-offerings/${id}?promoCode=${encodeURIComponent(code)}` })

describe('promotions', () => {
  it('creates a promotion with a case-insensitive code, reads it back and emits promotion.created', async () => {
    const tenant = await t.tenant()
    const res = await create(
      tenant,
      promotionBody('welcome10', {
        productOfferingIds: ['plan'],
        durationMonths: 3,
        validTo: '2025-06-01T00:00:00+02:00',
        metadata: { campaign: 'spring' },
      }),
    )
    expect(res.statusCode).toBe(201)
    expect(res.json()).toEqual({
      code: 'WELCOME10',
      name: 'Promotion welcome10',
      description: null,
      status: 'ACTIVE',
      discount: { type: 'PERCENT', percent: 10 },
      productOfferingIds: ['plan'],
      validFrom: null,
      validTo: '2025-05-31T22:00:00.000Z',
      durationMonths: 3,
      metadata: { campaign: 'spring' },
      createdAt: t.clock.now().toISOString(),
      updatedAt: t.clock.now().toISOString(),
    })
    expect((await t.request(tenant, { method: 'GET', url: '/promotions/Welcome10' })).json()).toEqual(res.json())
    const dup = await create(tenant, promotionBody('WELCOME10'))
    expect(dup.statusCode).toBe(409)
    expect(dup.json()).toMatchObject({ code: 'promotion.already_exists', promoCode: 'WELCOME10' })
    const events = (
      await t.request(tenant, { method: 'GET', url: '/events?resourceType=promotion&resourceId=WELCOME10' })
    ).json().items
    expect(events.map((e: { type: string }) => e.type)).toEqual(['promotion.created'])
    expect(events[0].data).toEqual(res.json())
  })

  it('updates a promotion in full and emits promotion.updated', async () => {
    const tenant = await t.tenant()
    await create(tenant, promotionBody('SPRING', { durationMonths: 2 }))
    const res = await t.request(tenant, {
      method: 'PUT',
      url: '/promotions/spring',
      payload: { name: 'Spring', discount: { type: 'AMOUNT', amount: 5.5, currency: 'usd' }, status: 'ARCHIVED' },
    })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({
      code: 'SPRING',
      name: 'Spring',
      status: 'ARCHIVED',
      durationMonths: null,
      discount: { type: 'AMOUNT', amount: 5.5, currency: 'USD' },
    })
    const events = (
      await t.request(tenant, { method: 'GET', url: '/events?resourceType=promotion&resourceId=SPRING' })
    ).json().items
    expect(events.map((e: { type: string }) => e.type)).toEqual(['promotion.created', 'promotion.updated'])
  })

  it.each([
    ['a percent discount without percent', { discount: { type: 'PERCENT' } }, '/body/discount/percent'],
    ['a percent above 100', { discount: { type: 'PERCENT', percent: 150 } }, '/body/discount/percent'],
    ['an amount discount without currency', { discount: { type: 'AMOUNT', amount: 5 } }, '/body/discount/currency'],
    [
      'an amount finer than a cent',
      { discount: { type: 'AMOUNT', amount: 0.005, currency: 'USD' } },
      '/body/discount/amount',
    ],
    [
      'an end before the start',
      { validFrom: '2025-02-01T00:00:00Z', validTo: '2025-01-01T00:00:00Z' },
      '/body/validTo',
    ],
    ['a date without a time', { validTo: '2025-02-01' }, '/body/validTo'],
    ['a code with spaces', { code: 'TWO WORDS' }, '/body/code'],
  ])('answers 400 for %s, and writes nothing', async (_label, change, path) => {
    const tenant = await t.tenant()
    const res = await create(tenant, { ...promotionBody('BAD'), ...change })
    expect(res.statusCode).toBe(400)
    expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(path)
    expect((await t.request(tenant, { method: 'GET', url: '/promotions/BAD' })).statusCode).toBe(404)
  })

  it('answers 404 for unknown and another tenant’s codes, 401 without a key, 403 without admin, and replays', async () => {
    const tenant = await t.tenant()
    await create(tenant, promotionBody('MINE'))
    expect((await t.request(tenant, { method: 'GET', url: '/promotions/NONE' })).json()).toMatchObject({
      code: 'promotion.not_found',
    })
    expect(
      (
        await t.request(tenant, {
          method: 'PUT',
          url: '/promotions/NONE',
          payload: { name: 'x', discount: { type: 'PERCENT', percent: 1 } },
        })
      ).statusCode,
    ).toBe(404)
    const stranger = await t.tenant()
    await expectHiddenFrom(t, stranger, { method: 'GET', url: '/promotions/MINE' }, 'promotion.not_found')
    await expectHiddenFrom(
      t,
      stranger,
      { method: 'PUT', url: '/promotions/MINE', payload: { name: 'x', discount: { type: 'PERCENT', percent: 1 } } },
      'promotion.not_found',
    )
    await expectUnauthenticated(t, { method: 'GET', url: '/promotions/MINE' })
    await expectUnauthenticated(t, { method: 'POST', url: '/promotions', payload: promotionBody('X') })
    await expectUnauthenticated(t, {
      method: 'PUT',
      url: '/promotions/MINE',
      payload: { name: 'x', discount: { type: 'PERCENT', percent: 1 } },
    })
    const writer = await makeApiKey(t.services, tenant.tenant, ['read', 'write'])
    expect(
      (await t.request(writer, { method: 'POST', url: '/promotions', payload: promotionBody('X') })).statusCode,
    ).toBe(403)
    expect(
      (
        await t.request(writer, {
          method: 'PUT',
          url: '/promotions/MINE',
          payload: { name: 'x', discount: { type: 'PERCENT', percent: 1 } },
        })
      ).statusCode,
    ).toBe(403)
    expect((await t.request(writer, { method: 'GET', url: '/promotions/MINE' })).statusCode).toBe(200)
    expect(
      (await expectReplay(t, tenant, { method: 'POST', url: '/promotions', payload: promotionBody('ONCE') })).status,
    ).toBe(201)
    expect(
      (
        await expectReplay(t, tenant, {
          method: 'PUT',
          url: '/promotions/ONCE',
          payload: { name: 'y', discount: { type: 'PERCENT', percent: 2 } },
        })
      ).status,
    ).toBe(200)
  })
})

describe('GET /product-offerings/{id}?promoCode=', () => {
  let tenant: TestTenant

  beforeAll(async () => {
    tenant = await t.tenant()
    await seedCatalog(t.services, tenant, {
      offerings: [
        offeringBody('plan'),
        offeringBody('discounted', { price: { grossPrice: 10, discount: 4, currency: 'USD', priceType: 'ONE_TIME' } }),
        offeringBody('swedish', { price: { grossPrice: 99, currency: 'SEK', priceType: 'ONE_TIME' } }),
      ],
      promotions: [
        promotionBody('WELCOME10', { productOfferingIds: ['plan', 'discounted', 'swedish'], durationMonths: 3 }),
        promotionBody('FIVE50', { discount: { type: 'AMOUNT', amount: 5.5, currency: 'USD' } }),
        promotionBody('THIRD', { discount: { type: 'PERCENT', percent: 33.3333 } }),
        promotionBody('ONLYPLAN', { productOfferingIds: ['plan'] }),
        promotionBody('FUTURE', { validFrom: '2025-02-01T00:00:00Z' }),
        promotionBody('ENDING', { validTo: '2025-01-20T00:00:00Z' }),
        promotionBody('RETIRED', { status: 'ARCHIVED' }),
      ],
    })
  })

  it('applies a percentage to the cent and names the promotion', async () => {
    const res = await priced(tenant, 'plan', 'welcome10')
    expect(res.statusCode).toBe(200)
    expect(res.json().price).toMatchObject({ grossPrice: 19.99, discount: 2, netPrice: 17.99, currency: 'USD' })
    expect(res.json().promotion).toEqual({
      code: 'WELCOME10',
      name: 'Promotion WELCOME10',
      discount: { type: 'PERCENT', percent: 10 },
      discountAmount: 2,
      durationMonths: 3,
      validFrom: null,
      validTo: null,
    })
    expect((await priced(tenant, 'plan', 'THIRD')).json().price).toMatchObject({ discount: 6.66, netPrice: 13.33 })
    expect((await priced(tenant, 'swedish', 'WELCOME10')).json().price).toMatchObject({
      grossPrice: 99,
      discount: 9.9,
      netPrice: 89.1,
      currency: 'SEK',
    })
    const plain = (await t.request(tenant, { method: 'GET', url: '/product-offerings/plan' })).json()
    expect(plain.price).toMatchObject({ discount: 0, netPrice: 19.99 })
    expect(plain).not.toHaveProperty('promotion')
  })

  it('adds to an existing discount, and takes a fixed amount off in its currency', async () => {
    expect((await priced(tenant, 'discounted', 'WELCOME10')).json().price).toMatchObject({
      grossPrice: 10,
      discount: 4.6,
      netPrice: 5.4,
    })
    const fixed = (await priced(tenant, 'plan', 'FIVE50')).json()
    expect(fixed.price).toMatchObject({ discount: 5.5, netPrice: 14.49 })
    expect(fixed.promotion).toMatchObject({
      discount: { type: 'AMOUNT', amount: 5.5, currency: 'USD' },
      discountAmount: 5.5,
    })
    expect((await priced(tenant, 'discounted', 'FIVE50')).json().price).toMatchObject({ discount: 9.5, netPrice: 0.5 })
  })

  it.each([
    ['unknown_code', 'plan', 'NOSUCHCODE'],
    ['archived', 'plan', 'RETIRED'],
    ['not_yet_valid', 'plan', 'FUTURE'],
    ['not_for_offering', 'discounted', 'ONLYPLAN'],
    ['currency_mismatch', 'swedish', 'FIVE50'],
  ])('answers 422 promotion.not_applicable with reason %s', async (reason, id, code) => {
    const res = await priced(tenant, id, code)
    expect(res.statusCode).toBe(422)
    expect(res.json()).toMatchObject({
      code: 'promotion.not_applicable',
      reason,
      promoCode: code,
      productOfferingId: id,
    })
  })

  it('expires a code on the tenant’s clock', async () => {
    expect((await priced(tenant, 'plan', 'ENDING')).statusCode).toBe(200)
    const sandbox = await t.tenant()
    await seedCatalog(t.services, sandbox, {
      offerings: [offeringBody('plan')],
      promotions: [promotionBody('ENDING', { validTo: '2025-01-20T00:00:00Z' })],
    })
    // A sandbox tenant whose test clock has run ahead past the end: expired there, valid elsewhere.
    await t.services.tenants.update(t.services.db, sandbox.tenant.id, { clockOffsetMs: 10 * 86_400_000 })
    const ahead = await priced(sandbox, 'plan', 'ENDING')
    expect(ahead.json()).toMatchObject({ code: 'promotion.not_applicable', reason: 'expired' })
    t.clock.set('2025-01-20T00:00:00Z')
    expect((await priced(tenant, 'plan', 'ENDING')).json().reason).toBe('expired')
    t.clock.set('2025-01-15T10:00:00Z')
  })

  it('still answers 404 for an unknown offering before looking at the code', async () => {
    expect((await priced(tenant, 'nope', 'WELCOME10')).json().code).toBe('product_offering.not_found')
  })
})
