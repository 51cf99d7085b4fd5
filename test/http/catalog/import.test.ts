import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { isTopUp } from '../../../src/domain/catalog/offering.js'
import type { CatalogDocument } from '../../../src/domain/catalog/inputs.js'
import { readCatalogFile } from '../../../src/services/catalog-import.js'
import { systemContext } from '../../../src/services/context.js'
import { DEMO_CATALOG, DEMO_TENANT, ensureDemo } from '../../../src/services/demo.service.js'
import { groupBody, offeringBody, offering, promotionBody } from '../../helpers/catalog.js'
import type { TestTenant } from '../../helpers/factories.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

let t: TestApp
const dir = mkdtempSync(join(tmpdir(), 'openline-catalog-'))

beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t.close())

const document: CatalogDocument = {
  groups: [groupBody('plans', { name: 'Plans' })],
  offerings: [
    offeringBody('plan-s', { productOfferingGroupId: 'plans', rank: 1 }),
    offeringBody('plan-l', {
      productOfferingGroupId: 'plans',
      rank: 2,
      price: { grossPrice: 39, currency: 'USD', priceType: 'RECURRING', billingCycle: { period: 'MONTHLY' } },
    }),
  ],
  promotions: [promotionBody('hello', { productOfferingIds: ['plan-s'] })],
}

function file(name: string, content: string): string {
  const path = join(dir, name)
  writeFileSync(path, content)
  return path
}

const importFile = (tenant: TestTenant, path: string) =>
  t.services.catalog.importCatalog(systemContext(tenant.tenant, t.clock, 'test'), readCatalogFile(path))
const allEvents = async (tenant: TestTenant) =>
  (await t.request(tenant, { method: 'GET', url: '/events?limit=1000' })).json().items as { type: string }[]
const listAll = async (tenant: TestTenant) =>
  (await t.request(tenant, { method: 'GET', url: '/product-offerings?status=AVAILABLE&status=ARCHIVED' }))
    .json()
    .items.map((o: { productOfferingId: string }) => o.productOfferingId)

describe('catalog import', () => {
  it('imports a YAML file and a JSON file alike', async () => {
    const fromYaml = await t.tenant()
    const fromJson = await t.tenant()
    expect(await importFile(fromYaml, file('catalog.yaml', stringify(document)))).toEqual({
      groups: 1,
      offerings: 2,
      promotions: 1,
    })
    expect(await importFile(fromJson, file('catalog.json', JSON.stringify(document)))).toEqual({
      groups: 1,
      offerings: 2,
      promotions: 1,
    })
    for (const tenant of [fromYaml, fromJson]) {
      expect(await listAll(tenant)).toEqual(['plan-s', 'plan-l'])
      expect((await t.request(tenant, { method: 'GET', url: '/product-offerings/plan-l' })).json()).toMatchObject({
        group: { name: 'Plans' },
        price: { netPrice: 39 },
      })
      expect((await t.request(tenant, { method: 'GET', url: '/promotions/HELLO' })).statusCode).toBe(200)
      expect((await allEvents(tenant)).map((e) => e.type)).toEqual([
        'product_offering_group.created',
        'product_offering.created',
        'product_offering.created',
        'promotion.created',
      ])
    }
  })

  it('re-imports without duplicating or touching anything unchanged, and updates what changed', async () => {
    const tenant = await t.tenant()
    const path = file('again.yaml', stringify(document))
    await importFile(tenant, path)
    const before = (await t.request(tenant, { method: 'GET', url: '/product-offerings/plan-s' })).json()
    t.clock.advance(60_000)
    expect(await importFile(tenant, path)).toEqual({ groups: 1, offerings: 2, promotions: 1 })
    expect((await t.request(tenant, { method: 'GET', url: '/product-offerings/plan-s' })).json()).toEqual(before)
    expect(await allEvents(tenant)).toHaveLength(4)

    const changed = structuredClone(document)
    ;(changed.offerings ?? [])[0]!.name = 'Small plan'
    ;(changed.offerings ?? [])[1]!.status = 'ARCHIVED'
    await importFile(tenant, file('changed.json', JSON.stringify(changed)))
    expect(await listAll(tenant)).toEqual(['plan-s', 'plan-l'])
    expect((await t.request(tenant, { method: 'GET', url: '/product-offerings/plan-s' })).json()).toMatchObject({
      name: 'Small plan',
      createdAt: before.createdAt,
      updatedAt: t.clock.now().toISOString(),
    })
    expect((await allEvents(tenant)).slice(4).map((e) => e.type)).toEqual([
      'product_offering.updated',
      'product_offering.archived',
    ])
  })

  it('lists every bad field of a file with its path, and writes nothing', async () => {
    const tenant = await t.tenant()
    const broken = {
      groups: [groupBody('plans'), { productOfferingGroupId: 'Bad Group', name: '' }],
      offerings: [
        offeringBody('fine'),
        {
          productOfferingId: 'no-product',
          name: 'x',
          price: { grossPrice: 1, currency: 'USD', priceType: 'ONE_TIME' },
        },
        offeringBody('bad-price', { price: { grossPrice: -3, currency: 'USD', priceType: 'SOMETIMES' as 'ONE_TIME' } }),
      ],
      promotions: [{ code: 'X', name: 'x', discount: { type: 'HALF' } }],
    }
    let error: unknown
    try {
      await importFile(tenant, file('broken.yaml', stringify(broken)))
    } catch (caught) {
      error = caught
    }
    expect(error).toMatchObject({ code: 'catalog.invalid_document' })
    const paths = (error as { fieldErrors: { path: string }[] }).fieldErrors.map((e) => e.path)
    expect(paths).toEqual(
      expect.arrayContaining([
        '/groups/1/productOfferingGroupId',
        '/groups/1/name',
        '/offerings/1/product',
        '/offerings/2/price/grossPrice',
        '/offerings/2/price/priceType',
        '/promotions/0/discount/type',
      ]),
    )
    expect(await listAll(tenant)).toEqual([])
    expect((await t.request(tenant, { method: 'GET', url: '/product-offering-groups' })).json().items).toEqual([])
  })

  it('lists the rules a schema cannot check too (unknown group, type change, duplicates, money), writing nothing', async () => {
    const tenant = await t.tenant()
    await importFile(tenant, file('base.json', JSON.stringify({ offerings: [offeringBody('existing')] })))
    const bad: CatalogDocument = {
      groups: [groupBody('g'), groupBody('g')],
      offerings: [
        offeringBody('new-one', { productOfferingGroupId: 'g' }),
        offeringBody('lost', { productOfferingGroupId: 'missing' }),
        offeringBody('existing', { product: { type: 'LICENSE', category: 'X' } }),
        offeringBody('new-one'),
        offeringBody('cents', { price: { grossPrice: 1.234, currency: 'USD', priceType: 'ONE_TIME' } }),
      ],
      promotions: [promotionBody('dup'), promotionBody('DUP')],
    }
    let error: unknown
    try {
      await importFile(tenant, file('bad.json', JSON.stringify(bad)))
    } catch (caught) {
      error = caught
    }
    const paths = (error as { fieldErrors: { path: string }[] }).fieldErrors.map((e) => e.path)
    expect(paths.sort()).toEqual(
      [
        '/groups/1/productOfferingGroupId',
        '/offerings/1/productOfferingGroupId',
        '/offerings/2/product/type',
        '/offerings/3/productOfferingId',
        '/offerings/4/price/grossPrice',
        '/promotions/1/code',
      ].sort(),
    )
    expect(await listAll(tenant)).toEqual(['existing'])
    expect((await offering(t.services, tenant, 'existing')).product.type).toBe('SUBSCRIPTION')
  })

  it('refuses a file that is not YAML or JSON', async () => {
    expect(() => readCatalogFile(file('x.json', '{ nope'))).toThrow(
      expect.objectContaining({ code: 'catalog.unreadable_document' }),
    )
    expect(() => readCatalogFile(file('x.yml', 'a: [b'))).toThrow(
      expect.objectContaining({ code: 'catalog.unreadable_document' }),
    )
  })
})

describe('the demo catalog', () => {
  it('imports cleanly with every kind of offering', async () => {
    const tenant = await t.tenant()
    expect(await importFile(tenant, DEMO_CATALOG.pathname)).toEqual({ groups: 6, offerings: 11, promotions: 1 })
    const byId = async (id: string) => offering(t.services, tenant, id)
    expect((await byId('mobile-plan-basic')).rank).toBe(1)
    expect((await byId('mobile-plan-max')).rank).toBe(3)
    expect(await byId('addon-data-5gb')).toMatchObject({
      maxPerSubscription: 1,
      compatibility: { categories: ['PRODUCT_CATEGORY_SUBSCRIPTION_CELL'] },
    })
    expect((await byId('addon-roaming-eu-7d')).product.features).toMatchObject({
      validityDays: 7,
      countries: expect.arrayContaining(['SE', 'DE']),
    })
    expect(isTopUp(await byId('topup-data-2gb'))).toBe(true)
    expect((await byId('license-security-suite')).product.type).toBe('LICENSE')
    expect((await byId('addon-security-pack')).includedLicenseOfferingId).toBe('license-security-suite')
    expect((await byId('accessory-sim-holder')).price).toMatchObject({ priceType: 'ONE_TIME', billingCycle: null })
    const priced = (
      await t.request(tenant, { method: 'GET', url: '/product-offerings/mobile-plan-basic?promoCode=WELCOME10' })
    ).json()
    expect(priced.price).toMatchObject({ grossPrice: 19.99, discount: 2, netPrice: 17.99 })
    expect(priced.promotion).toMatchObject({ durationMonths: 3 })
  })

  it('is seeded when the demo tenant is first created, and not again', async () => {
    const first = await ensureDemo(t.services, 'memory:')
    expect(first.created).toBe(true)
    const demo = await t.services.tenants.getByName(DEMO_TENANT)
    const ctx = systemContext(demo, t.clock, 'test')
    const seeded = await t.services.catalog.listOfferings(t.services.db, demo.id, {})
    expect(seeded).toHaveLength(11)
    await t.services.catalog.archiveOffering(ctx, 'accessory-sim-holder')
    const second = await ensureDemo(t.services, 'memory:')
    expect(second.created).toBe(false)
    const after = await t.services.catalog.listOfferings(t.services.db, demo.id, { status: ['ARCHIVED'] })
    expect(after.map((o) => o.id)).toEqual(['accessory-sim-holder'])
  })

  it('stocks the demo tenant with numbers and SIMs once, so demo orders can be fulfilled', async () => {
    await ensureDemo(t.services, 'memory:')
    const demo = await t.services.tenants.getByName(DEMO_TENANT)
    const ctx = systemContext(demo, t.clock, 'test')
    const count = async () => ({
      numbers: (await t.services.numberPool.list(ctx, {}, { limit: 100 })).items.length,
      sims: (await t.services.sims.list(ctx, {}, { limit: 100 })).items.map((s) => s.type),
    })
    const stocked = await count()
    expect(stocked.numbers).toBe(50)
    expect(stocked.sims.filter((type) => type === 'ESIM')).toHaveLength(10)
    expect(stocked.sims.filter((type) => type === 'PHYSICAL')).toHaveLength(10)
    await ensureDemo(t.services, 'memory:')
    expect(await count()).toEqual(stocked)
  })
})
