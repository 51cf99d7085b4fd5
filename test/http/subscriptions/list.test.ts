import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { uniqueName } from '../../helpers/factories.js'
import { makeCustomer } from '../../helpers/parties.js'
import type { World } from '../../helpers/subscriptions.js'
import { act, getSubscription, makeSubscription, subscriptionWorld } from '../../helpers/subscriptions.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

/** GET /subscriptions: every filter, alone and combined, both paging styles, and tenant isolation. */
let t: TestApp
let world: World
let stranger: World
let reference: string
let other: Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
const ids: Record<'s1' | 's2' | 's3' | 's4' | 's5', string> = { s1: '', s2: '', s3: '', s4: '', s5: '' }
let subscriberOfS3: string

beforeAll(async () => {
  t = await createTestApp()
  world = await subscriptionWorld(t)
  reference = uniqueName('crm-customer')
  world.customer = await makeCustomer(t, world.tenant, { referenceId: reference })
  other = await makeCustomer(t, world.tenant)
  const make = (body: Record<string, unknown>) =>
    makeSubscription(t, world, body).then((s) => s.subscriptionId as string)
  ids.s1 = await make({ productOfferingId: 'mobile-plan-plus', msisdn: '+15550000001' })
  ids.s2 = await make({
    productOfferingId: 'mobile-plan-basic',
    msisdn: '+15550000002',
    scheduleActivationAt: '2025-03-01',
  })
  const s3 = await makeSubscription(t, world, {
    productOfferingId: 'mobile-plan-max',
    msisdn: '+15550000003',
    customerId: other.customerId,
  })
  ids.s3 = s3.subscriptionId
  subscriberOfS3 = s3.subscriberId
  await act(t, world, ids.s3, 'POST', 'block')
  ids.s4 = await make({
    productOfferingId: 'mobile-plan-plus',
    msisdn: undefined,
    customerId: other.customerId,
    subscriber: undefined,
    subscriberId: subscriberOfS3,
  })
  await act(t, world, ids.s4, 'POST', 'cancel', { schedule: 'CancelNow', reason: 'NO_NEED' })
  ids.s5 = await make({ productOfferingId: 'mobile-plan-plus', msisdn: '+15550000005' })
  await act(t, world, ids.s5, 'POST', 'pause')
  // Another tenant with look-alike data: the same number and plan, its own customer.
  stranger = await subscriptionWorld(t)
  await makeSubscription(t, stranger, { productOfferingId: 'mobile-plan-plus', msisdn: '+15550000001' })
})
afterAll(() => t.close())

async function list(query: string, w: World = world) {
  const res = await t.request(w.tenant, { method: 'GET', url: `/subscriptions${query}` })
  expect(res.statusCode, `${query}: ${res.body}`).toBe(200)
  return res.json()
}
const idsOf = async (query: string) =>
  ((await list(query)).items as { subscriptionId: string }[]).map((s) => s.subscriptionId).sort()
const expected = (...names: (keyof typeof ids)[]) => names.map((n) => ids[n]).sort()

describe('GET /subscriptions', () => {
  it('lists the tenant’s subscriptions as full views, and nothing of other tenants', async () => {
    const page = await list('')
    expect((page.items as { subscriptionId: string }[]).map((s) => s.subscriptionId).sort()).toEqual(
      expected('s1', 's2', 's3', 's4', 's5'),
    )
    expect(page.pagination).toEqual({ limit: 100, nextCursor: null })
    expect(page.items.find((s: { subscriptionId: string }) => s.subscriptionId === ids.s5)).toEqual(
      await getSubscription(t, world, ids.s5),
    )
    const theirs = await list('', stranger)
    expect(theirs.items).toHaveLength(1)
    expect(Object.values(ids)).not.toContain(theirs.items[0].subscriptionId)
  })

  it.each([
    ['status', '?status=ACTIVATED', ['s1']],
    ['several statuses (repeated)', '?status=PENDING&status=PAUSED', ['s2', 's5']],
    ['several statuses (bracketed)', '?status[]=BLOCKED&status[]=CANCELLED', ['s3', 's4']],
    ['product offering', '?productOfferingId=mobile-plan-plus', ['s1', 's4', 's5']],
    ['product offering and status', '?productOfferingId=mobile-plan-plus&status=ACTIVATED&status=PAUSED', ['s1', 's5']],
    ['msisdn (not the other tenant’s same number)', '?msisdn=%2B15550000001', ['s1']],
    ['several msisdns', '?msisdn=%2B15550000002&msisdn=%2B15550000003', ['s2', 's3']],
    ['an msisdn nobody has', '?msisdn=%2B15559999999', []],
    ['an offering nobody is on', '?productOfferingId=mobile-plan-nope', []],
  ] as const)('filters by %s', async (_case, query, names) => {
    expect(await idsOf(query)).toEqual(expected(...names))
  })

  it('filters by customer, by UUID or rid_, one or several; an unknown or foreign customer matches nothing', async () => {
    expect(await idsOf(`?customerId=${world.customer.customerId}`)).toEqual(expected('s1', 's2', 's5'))
    expect(await idsOf(`?customerId=rid_${reference}`)).toEqual(expected('s1', 's2', 's5'))
    expect(await idsOf(`?customerId=rid_${reference}&customerId=${other.customerId}`)).toEqual(
      expected('s1', 's2', 's3', 's4', 's5'),
    )
    expect(await idsOf(`?customerId=${other.customerId}&status=BLOCKED`)).toEqual(expected('s3'))
    expect(await idsOf(`?customerId=${stranger.customer.customerId}`)).toEqual([])
    expect(await idsOf('?customerId=rid_nobody')).toEqual([])
    expect(await list(`?customerId=${stranger.customer.customerId}&offset=0`)).toEqual({
      items: [],
      pagination: { limit: 100, offset: 0, total: 0, nextCursor: null },
    })
  })

  it('filters by subscriber', async () => {
    expect(await idsOf(`?subscriberId=${subscriberOfS3}`)).toEqual(expected('s3', 's4'))
    const s1 = await getSubscription(t, world, ids.s1)
    expect(await idsOf(`?subscriberId=${s1.subscriberId}&subscriberId=${subscriberOfS3}`)).toEqual(
      expected('s1', 's3', 's4'),
    )
    const theirs = (await list('', stranger)).items[0]
    expect(await idsOf(`?subscriberId=${theirs.subscriberId}`)).toEqual([])
  })

  it('pages with cursors: every subscription once, in id order', async () => {
    const seen: string[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const page = await list(`?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
      expect(page.items.length).toBeLessThanOrEqual(2)
      seen.push(...page.items.map((s: { subscriptionId: string }) => s.subscriptionId))
      cursor = page.pagination.nextCursor
      pages++
    } while (cursor)
    expect(pages).toBe(3)
    expect(seen).toEqual(expected('s1', 's2', 's3', 's4', 's5'))
    // Filters hold across pages.
    const first = await list('?limit=1&productOfferingId=mobile-plan-plus')
    const second = await list(
      `?limit=1&productOfferingId=mobile-plan-plus&cursor=${encodeURIComponent(first.pagination.nextCursor)}`,
    )
    expect([first.items[0].subscriptionId, second.items[0].subscriptionId]).toEqual(
      expected('s1', 's4', 's5').slice(0, 2),
    )
  })

  it('pages with offsets, answering the total', async () => {
    const page = await list('?offset=1&limit=2')
    expect(page.pagination).toMatchObject({ limit: 2, offset: 1, total: 5 })
    expect(page.items.map((s: { subscriptionId: string }) => s.subscriptionId)).toEqual(
      expected('s1', 's2', 's3', 's4', 's5').slice(1, 3),
    )
    expect((await list('?offset=0&status=CANCELLED')).pagination).toMatchObject({ total: 1 })
    expect((await list('?offset=10')).items).toEqual([])
  })

  it.each([
    ['an unknown status', '?status=LIVE', '/query/status/0'],
    ['an msisdn that is not E.164', '?msisdn=0701234567', '/query/msisdn/0'],
    ['a subscriber id that is not a UUID', '?subscriberId=sub-1', '/query/subscriberId/0'],
    ['a customer id that is neither UUID nor rid_', '?customerId=cust-1', '/query/customerId'],
    ['a limit over 1000', '?limit=1001', '/query/limit'],
    ['a bad cursor', '?cursor=%%%', '/query/cursor'],
    ['cursor and offset together', '?cursor=abc&offset=1', '/query/offset'],
  ])('answers %s with 400 naming the parameter', async (_case, query, path) => {
    const res = await t.request(world.tenant, { method: 'GET', url: `/subscriptions${query}` })
    expect(res.statusCode, res.body).toBe(400)
    expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(path)
  })
})
