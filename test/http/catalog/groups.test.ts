import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { groupBody, offeringBody } from '../../helpers/catalog.js'
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
  t.request(tenant, { method: 'POST', url: '/product-offering-groups', payload: body as object })
const get = (tenant: TestTenant, id: string) =>
  t.request(tenant, { method: 'GET', url: `/product-offering-groups/${id}` })
const eventTypes = async (tenant: TestTenant, id: string) =>
  (await t.request(tenant, { method: 'GET', url: `/events?resourceType=product_offering_group&resourceId=${id}` }))
    .json()
    .items.map((e: { type: string }) => e.type)

describe('product offering groups', () => {
  it('creates, reads, lists and updates a group, emitting events', async () => {
    const tenant = await t.tenant()
    const res = await create(
      tenant,
      groupBody('mobile-plans', { name: 'Mobile Plans', description: 'Plans', metadata: { crm: 'x' } }),
    )
    expect(res.statusCode).toBe(201)
    expect(res.json()).toEqual({
      productOfferingGroupId: 'mobile-plans',
      name: 'Mobile Plans',
      category: 'PRODUCT_CATEGORY_SUBSCRIPTION_CELL',
      description: 'Plans',
      internalDescription: null,
      metadata: { crm: 'x' },
      createdAt: t.clock.now().toISOString(),
      updatedAt: t.clock.now().toISOString(),
    })
    expect((await get(tenant, 'mobile-plans')).json()).toEqual(res.json())
    await create(tenant, groupBody('addon-data'))
    const list = (await t.request(tenant, { method: 'GET', url: '/product-offering-groups' })).json()
    expect(list.items.map((g: { productOfferingGroupId: string }) => g.productOfferingGroupId)).toEqual([
      'addon-data',
      'mobile-plans',
    ])
    const paged = (await t.request(tenant, { method: 'GET', url: '/product-offering-groups?limit=1' })).json()
    const next = (
      await t.request(tenant, {
        method: 'GET',
        url: `/product-offering-groups?limit=1&cursor=${paged.pagination.nextCursor}`,
      })
    ).json()
    expect(next.items.map((g: { productOfferingGroupId: string }) => g.productOfferingGroupId)).toEqual([
      'mobile-plans',
    ])
    expect(
      (await t.request(tenant, { method: 'GET', url: '/product-offering-groups?offset=1' })).json().pagination,
    ).toMatchObject({ total: 2, offset: 1 })

    t.clock.advance(5000)
    const updated = await t.request(tenant, {
      method: 'PUT',
      url: '/product-offering-groups/mobile-plans',
      payload: { name: 'Plans' },
    })
    expect(updated.statusCode).toBe(200)
    expect(updated.json()).toMatchObject({
      name: 'Plans',
      category: null,
      description: null,
      metadata: {},
      createdAt: res.json().createdAt,
      updatedAt: t.clock.now().toISOString(),
    })
    expect(await eventTypes(tenant, 'mobile-plans')).toEqual([
      'product_offering_group.created',
      'product_offering_group.updated',
    ])
  })

  it('shows a renamed group inside the offerings that embed it', async () => {
    const tenant = await t.tenant()
    await create(tenant, groupBody('g'))
    await t.request(tenant, {
      method: 'POST',
      url: '/product-offerings',
      payload: offeringBody('o', { productOfferingGroupId: 'g' }),
    })
    await t.request(tenant, { method: 'PUT', url: '/product-offering-groups/g', payload: { name: 'Renamed' } })
    expect((await t.request(tenant, { method: 'GET', url: '/product-offerings/o' })).json().group.name).toBe('Renamed')
  })

  it('answers 409 for an id in use and 400 for bad input, writing nothing', async () => {
    const tenant = await t.tenant()
    await create(tenant, groupBody('dup', { name: 'First' }))
    const again = await create(tenant, groupBody('dup', { name: 'Second' }))
    expect(again.statusCode).toBe(409)
    expect(again.json()).toMatchObject({ code: 'product_offering_group.already_exists', productOfferingGroupId: 'dup' })
    expect((await get(tenant, 'dup')).json().name).toBe('First')
    for (const [body, path] of [
      [{ productOfferingGroupId: 'UPPER', name: 'x' }, '/body/productOfferingGroupId'],
      [{ productOfferingGroupId: 'ok' }, '/body/name'],
      [{ productOfferingGroupId: 'ok', name: 'x', category: 7 }, '/body/category'],
    ] as const) {
      const res = await create(tenant, body)
      expect(res.statusCode).toBe(400)
      expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(path)
    }
    expect((await get(tenant, 'ok')).statusCode).toBe(404)
    expect(await eventTypes(tenant, 'dup')).toHaveLength(1)
  })

  it('answers 404 for unknown and another tenant’s groups', async () => {
    const tenant = await t.tenant()
    await create(tenant, groupBody('private'))
    expect((await get(tenant, 'unknown')).json()).toMatchObject({ code: 'product_offering_group.not_found' })
    expect(
      (await t.request(tenant, { method: 'PUT', url: '/product-offering-groups/unknown', payload: { name: 'x' } }))
        .statusCode,
    ).toBe(404)
    const stranger = await t.tenant()
    await expectHiddenFrom(
      t,
      stranger,
      { method: 'GET', url: '/product-offering-groups/private' },
      'product_offering_group.not_found',
    )
    await expectHiddenFrom(
      t,
      stranger,
      { method: 'PUT', url: '/product-offering-groups/private', payload: { name: 'x' } },
      'product_offering_group.not_found',
    )
    expect((await t.request(stranger, { method: 'GET', url: '/product-offering-groups' })).json().items).toEqual([])
  })

  it('answers 401 without a key, 403 without the admin scope, and replays writes', async () => {
    const tenant = await t.tenant()
    await expectUnauthenticated(t, { method: 'GET', url: '/product-offering-groups' })
    await expectUnauthenticated(t, { method: 'GET', url: '/product-offering-groups/x' })
    await expectUnauthenticated(t, { method: 'POST', url: '/product-offering-groups', payload: groupBody('x') })
    await expectUnauthenticated(t, { method: 'PUT', url: '/product-offering-groups/x', payload: { name: 'x' } })
    const writer = await makeApiKey(t.services, tenant.tenant, ['read', 'write'])
    expect(
      (await t.request(writer, { method: 'POST', url: '/product-offering-groups', payload: groupBody('x') }))
        .statusCode,
    ).toBe(403)
    expect((await t.request(writer, { method: 'GET', url: '/product-offering-groups' })).statusCode).toBe(200)
    const created = await expectReplay(t, tenant, {
      method: 'POST',
      url: '/product-offering-groups',
      payload: groupBody('x'),
    })
    expect(created.status).toBe(201)
    expect(await eventTypes(tenant, 'x')).toHaveLength(1)
    const updated = await expectReplay(t, tenant, {
      method: 'PUT',
      url: '/product-offering-groups/x',
      payload: { name: 'Y' },
    })
    expect(updated).toMatchObject({ status: 200, first: { name: 'Y' } })
  })
})
