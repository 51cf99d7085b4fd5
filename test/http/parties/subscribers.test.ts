import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DomainError } from '../../../src/domain/shared/errors.js'
import type { SubscriptionLookup } from '../../../src/services/subscriber.service.js'
import type { TestTenant } from '../../helpers/factories.js'
import { uniqueName } from '../../helpers/factories.js'
import { eventsAbout, makeCustomer, makeSubscriber } from '../../helpers/parties.js'
import { expectHiddenFrom, expectReplay, expectUnauthenticated } from '../../helpers/security.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

let t: TestApp
let tenant: TestTenant
let stranger: TestTenant

/** Stands in for the subscriptions area: subscription id (or `rid_` reference) → its subscriber. */
const links: { tenantId: string; subscriptionId: string; reference?: string; subscriberId: string }[] = []
const fakeLookup: SubscriptionLookup = {
  async subscriptionIdsBySubscriber(_ex, tenantId, subscriberIds) {
    const map = new Map<string, string[]>()
    for (const l of links.filter((l) => l.tenantId === tenantId && subscriberIds.includes(l.subscriberId))) {
      map.set(l.subscriberId, [...(map.get(l.subscriberId) ?? []), l.subscriptionId])
    }
    return map
  },
  async subscriberIdsBySubscriptions(_ex, tenantId, subscriptionIds) {
    return links
      .filter(
        (l) =>
          l.tenantId === tenantId &&
          (subscriptionIds.includes(l.subscriptionId) || subscriptionIds.includes(`rid_${l.reference}`)),
      )
      .map((l) => l.subscriberId)
  },
}
const link = (who: TestTenant, subscriberId: string, reference?: string) => {
  const subscriptionId = randomUUID()
  links.push({ tenantId: who.tenant.id, subscriptionId, subscriberId, ...(reference && { reference }) })
  return subscriptionId
}

beforeAll(async () => {
  t = await createTestApp({ seams: { subscriptionLookup: fakeLookup } })
  tenant = await t.tenant()
  stranger = await t.tenant()
})
afterAll(() => t.close())

describe('creating subscribers (through the party service)', () => {
  it('creates a subscriber of a customer (by UUID or rid_) and emits subscriber.created', async () => {
    const customer = await makeCustomer(t, tenant, { name: 'Owner AB', referenceId: uniqueName('owner') })
    const subscriber = await makeSubscriber(t, tenant, {
      customerId: `rid_${customer.referenceId}`,
      name: 'Mia',
      email: 'mia@example.com',
      address: { city: 'Austin', state: 'TX', country: 'US' },
      metadata: { seat: 3 },
    })
    const wire = (await t.request(tenant, { method: 'GET', url: `/subscribers/${subscriber.subscriberId}` })).json()
    expect(wire).toEqual({
      subscriberId: subscriber.subscriberId,
      name: 'Mia',
      email: 'mia@example.com',
      address: { city: 'Austin', state: 'TX', country: 'US' },
      customerId: customer.customerId,
      customer: { customerId: customer.customerId, name: 'Owner AB' },
      subscriptionIds: [],
      metadata: { seat: 3 },
      createdAt: t.clock.now().toISOString(),
      updatedAt: t.clock.now().toISOString(),
    })
    const [created] = await eventsAbout(t, tenant, subscriber.subscriberId)
    expect(created).toMatchObject({
      type: 'subscriber.created',
      resource: { type: 'subscriber', id: subscriber.subscriberId },
      data: wire,
    })
    expect(t.services.parties.embedSubscriber(subscriber)).toEqual({
      subscriberId: subscriber.subscriberId,
      name: 'Mia',
      email: 'mia@example.com',
      address: { city: 'Austin', state: 'TX', country: 'US' },
      createdAt: subscriber.createdAt,
      updatedAt: subscriber.updatedAt,
    })
  })

  it("refuses an unknown (or another tenant's) customer with customer.not_found, and bad values with their path", async () => {
    const theirs = await makeCustomer(t, stranger)
    for (const customerId of [theirs.customerId, 'rid_nobody']) {
      await expect(makeSubscriber(t, tenant, { customerId })).rejects.toMatchObject({ code: 'customer.not_found' })
    }
    const customer = await makeCustomer(t, tenant)
    const bad = await makeSubscriber(t, tenant, {
      customerId: customer.customerId,
      email: 'no',
      address: { country: 'usa' },
    }).catch((e: unknown) => e)
    expect(bad).toBeInstanceOf(DomainError)
    expect(bad).toMatchObject({
      code: 'request.validation_failed',
      fieldErrors: [{ path: '/body/email' }, { path: '/body/address/country' }],
    })
    const count = (
      await t.request(tenant, { method: 'GET', url: `/subscribers?customerId=${customer.customerId}` })
    ).json().items.length
    expect(count).toBe(0)
  })
})

describe('GET /subscribers', () => {
  it('filters by customers (UUID or rid_, repeated) and by subscriptions through the subscription lookup', async () => {
    const own = await t.tenant()
    const a = await makeCustomer(t, own, { referenceId: 'cust-a' })
    const b = await makeCustomer(t, own)
    const c = await makeCustomer(t, own)
    const s1 = await makeSubscriber(t, own, { customerId: a.customerId, name: 'S1' })
    const s2 = await makeSubscriber(t, own, { customerId: b.customerId, name: 'S2' })
    await makeSubscriber(t, own, { customerId: c.customerId, name: 'S3' })
    const sub1 = link(own, s1.subscriberId, 'crm-sub-1')
    const sub2 = link(own, s2.subscriberId)
    const names = async (query: string) => {
      const res = await t.request(own, { method: 'GET', url: `/subscribers?${query}` })
      expect(res.statusCode, res.body).toBe(200)
      return res.json().items.map((s: { name: string }) => s.name)
    }
    expect(await names('')).toEqual(['S1', 'S2', 'S3'])
    expect(await names('customerId[]=rid_cust-a')).toEqual(['S1'])
    expect(await names(`customerId[]=rid_cust-a&customerId[]=${b.customerId}`)).toEqual(['S1', 'S2'])
    expect(await names(`customerId=${b.customerId}`)).toEqual(['S2'])
    expect(await names('customerId[]=rid_nobody')).toEqual([])
    expect(await names(`subscriptionId[]=${sub2}`)).toEqual(['S2'])
    expect(await names(`subscriptionId[]=rid_crm-sub-1&subscriptionId[]=${sub2}`)).toEqual(['S1', 'S2'])
    expect(await names(`subscriptionId[]=rid_crm-sub-1&customerId[]=${b.customerId}`)).toEqual([])
    expect(await names(`subscriptionId[]=${randomUUID()}`)).toEqual([])
    const listed = (await t.request(own, { method: 'GET', url: `/subscribers?customerId[]=${a.customerId}` })).json()
      .items[0]
    expect(listed.subscriptionIds).toEqual([sub1])
    expect(listed.customer).toEqual({ customerId: a.customerId, name: a.name })
    const theirCustomer = await makeCustomer(t, stranger, { referenceId: 'cust-a' })
    await makeSubscriber(t, stranger, { customerId: theirCustomer.customerId })
    expect(await names(`customerId[]=${theirCustomer.customerId}`)).toEqual([])
  })

  it('pages by cursor and by offset', async () => {
    const own = await t.tenant()
    const customer = await makeCustomer(t, own)
    for (const name of ['P1', 'P2', 'P3']) await makeSubscriber(t, own, { customerId: customer.customerId, name })
    const first = (await t.request(own, { method: 'GET', url: '/subscribers?limit=2' })).json()
    expect(first.items.map((s: { name: string }) => s.name)).toEqual(['P1', 'P2'])
    const next = (
      await t.request(own, { method: 'GET', url: `/subscribers?limit=2&cursor=${first.pagination.nextCursor}` })
    ).json()
    expect(next).toMatchObject({ items: [{ name: 'P3' }], pagination: { nextCursor: null } })
    const offset = (await t.request(own, { method: 'GET', url: '/subscribers?limit=1&offset=2' })).json()
    expect(offset).toMatchObject({
      items: [{ name: 'P3' }],
      pagination: { limit: 1, offset: 2, total: 3, nextCursor: null },
    })
  })

  it('answers malformed ids with 400 naming the parameter, and needs a key', async () => {
    const res = await t.request(tenant, { method: 'GET', url: '/subscribers?customerId[]=x&customerId[]=y' })
    expect(res.json()).toMatchObject({ code: 'request.invalid_id', errors: [{ path: '/query/customerId/0' }] })
    const sub = await t.request(tenant, { method: 'GET', url: '/subscribers?subscriptionId=nope' })
    expect(sub.json()).toMatchObject({ code: 'request.invalid_id', errors: [{ path: '/query/subscriptionId/0' }] })
    await expectUnauthenticated(t, { method: 'GET', url: '/subscribers' })
  })
})

describe('GET /subscribers/{subscriberId}', () => {
  it('shows subscription ids from the lookup, answers 404 for unknown ids and 400 for non-UUIDs', async () => {
    const customer = await makeCustomer(t, tenant)
    const subscriber = await makeSubscriber(t, tenant, { customerId: customer.customerId })
    const subscriptionId = link(tenant, subscriber.subscriberId)
    expect(
      (await t.request(tenant, { method: 'GET', url: `/subscribers/${subscriber.subscriberId}` })).json()
        .subscriptionIds,
    ).toEqual([subscriptionId])
    expect((await t.request(tenant, { method: 'GET', url: `/subscribers/${randomUUID()}` })).json().code).toBe(
      'subscriber.not_found',
    )
    expect((await t.request(tenant, { method: 'GET', url: '/subscribers/nope' })).statusCode).toBe(400)
    await expectHiddenFrom(
      t,
      stranger,
      { method: 'GET', url: `/subscribers/${subscriber.subscriberId}` },
      'subscriber.not_found',
    )
    await expectUnauthenticated(t, { method: 'GET', url: `/subscribers/${subscriber.subscriberId}` })
  })

  it('is what requireSubscriber answers, also for ids that are not UUIDs', async () => {
    const customer = await makeCustomer(t, tenant)
    const subscriber = await makeSubscriber(t, tenant, { customerId: customer.customerId })
    expect(
      await t.services.parties.requireSubscriber(t.services.db, tenant.tenant.id, subscriber.subscriberId),
    ).toEqual(subscriber)
    await expect(t.services.parties.requireSubscriber(t.services.db, tenant.tenant.id, 'rid_x')).rejects.toMatchObject({
      code: 'subscriber.not_found',
    })
    await expect(
      t.services.parties.requireSubscriber(t.services.db, stranger.tenant.id, subscriber.subscriberId),
    ).rejects.toMatchObject({ code: 'subscriber.not_found' })
  })
})

describe('PUT /subscribers/{subscriberId}', () => {
  const setup = async () => {
    const customer = await makeCustomer(t, tenant)
    const subscriber = await makeSubscriber(t, tenant, {
      customerId: customer.customerId,
      name: 'Nils',
      email: 'nils@example.com',
      address: { city: 'Oslo', country: 'NO' },
      metadata: { a: 1 },
    })
    return (await t.request(tenant, { method: 'GET', url: `/subscribers/${subscriber.subscriberId}` })).json()
  }

  it('changes the fields sent, keeps the others, and emits subscriber.updated', async () => {
    const before = await setup()
    t.clock.advance(5000)
    const res = await t.request(tenant, {
      method: 'PUT',
      url: `/subscribers/${before.subscriberId}`,
      payload: { name: 'Nils N', metadata: { b: 2 } },
    })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toEqual({
      ...before,
      name: 'Nils N',
      metadata: { b: 2 },
      updatedAt: t.clock.now().toISOString(),
    })
    const events = await eventsAbout(t, tenant, before.subscriberId)
    expect(events.map((e) => e.type)).toEqual(['subscriber.created', 'subscriber.updated'])
    expect(events[1]?.data).toEqual(res.json())
  })

  it('clears the e-mail and address sent as null, and replaces the address whole', async () => {
    const before = await setup()
    const moved = (
      await t.request(tenant, {
        method: 'PUT',
        url: `/subscribers/${before.subscriberId}`,
        payload: { address: { street1: 'Main 1', country: 'SE' } },
      })
    ).json()
    expect(moved.address).toEqual({ street1: 'Main 1', country: 'SE' })
    const cleared = (
      await t.request(tenant, {
        method: 'PUT',
        url: `/subscribers/${before.subscriberId}`,
        payload: { email: null, address: null },
      })
    ).json()
    expect(cleared).not.toHaveProperty('email')
    expect(cleared).not.toHaveProperty('address')
    expect(cleared.name).toBe('Nils')
  })

  it.each([
    ['a null name', { name: null }, '/body/name'],
    ['an empty name', { name: '' }, '/body/name'],
    ['a bad e-mail', { email: 'nils' }, '/body/email'],
    ['a bad country', { address: { country: 'Norway' } }, '/body/address/country'],
  ])('answers %s with 400 naming the field, changing nothing', async (_case, payload, path) => {
    const before = await setup()
    const res = await t.request(tenant, { method: 'PUT', url: `/subscribers/${before.subscriberId}`, payload })
    expect(res.statusCode).toBe(400)
    expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(path)
    expect((await t.request(tenant, { method: 'GET', url: `/subscribers/${before.subscriberId}` })).json()).toEqual(
      before,
    )
  })

  it("answers 404 for unknown subscribers, hides another tenant's, replays, and needs a key", async () => {
    expect(
      (await t.request(tenant, { method: 'PUT', url: `/subscribers/${randomUUID()}`, payload: { name: 'x' } })).json()
        .code,
    ).toBe('subscriber.not_found')
    const before = await setup()
    const url = `/subscribers/${before.subscriberId}`
    await expectHiddenFrom(t, stranger, { method: 'PUT', url, payload: { name: 'stolen' } }, 'subscriber.not_found')
    await expectUnauthenticated(t, { method: 'PUT', url, payload: { name: 'x' } })
    expect((await t.request(tenant, { method: 'GET', url })).json()).toEqual(before)
    const { first } = await expectReplay(t, tenant, { method: 'PUT', url, payload: { name: 'Once' } })
    expect(first.name).toBe('Once')
    expect(
      (await eventsAbout(t, tenant, before.subscriberId)).filter((e) => e.type === 'subscriber.updated'),
    ).toHaveLength(1)
  })
})
