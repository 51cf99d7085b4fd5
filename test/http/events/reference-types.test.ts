import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { stockInventory } from '../../helpers/inventory.js'
import { getLicense, licenseWorld, makeLicense } from '../../helpers/licenses.js'
import { getOrder, makeOrder, orderAct, subscriptionItem } from '../../helpers/orders.js'
import { inPorting, orderPortIn, portableNumber, portInItem, runDueJobs } from '../../helpers/porting.js'
import type { World } from '../../helpers/subscriptions.js'
import { act, advanceTo, getSubscription, makeSubscription, subscriptionWorld } from '../../helpers/subscriptions.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'
import { Receiver, createEndpoint, testDispatcher } from '../../helpers/webhooks.js'

type Json = Record<string, unknown> & { [key: string]: any } // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Every event type the Connect API reference lists (§6), provoked through the API (the test clock
 * for the time-driven ones) and read back from GET /events: the envelope, the resource, the stream
 * it is numbered in, and the full snapshot of the resource as of the change.
 */
let t: TestApp
beforeAll(async () => {
  t = await createTestApp() // 2025-01-15T10:00:00Z
})
afterAll(() => t.close())

const NOW = '2025-01-15T10:00:00.000Z'

/**
 * The events of one type about one resource, oldest first, each also read alone by id, and each
 * delivered as a webhook: replayed to a new endpoint on 127.0.0.1 and sent by the dispatcher,
 * signed (verified with the `standardwebhooks` library) under its own id, with the same envelope.
 */
async function eventsOf(world: World, type: string, resourceId: string): Promise<Json[]> {
  const res = await t.request(world.tenant, {
    method: 'GET',
    url: `/events?type=${encodeURIComponent(type)}&resourceId=${resourceId}&limit=1000`,
  })
  expect(res.statusCode, res.body).toBe(200)
  const items: Json[] = res.json().items
  for (const item of items) {
    expect(item.type).toBe(type)
    const one = await t.request(world.tenant, { method: 'GET', url: `/events/${item.eventId}` })
    expect(one.json()).toEqual(item)
  }
  await expectDelivered(world, type, items)
  return items
}

async function expectDelivered(world: World, type: string, items: Json[]): Promise<void> {
  const receiver = await Receiver.start()
  try {
    const { endpoint, secret } = await createEndpoint(t, world.tenant, { url: receiver.url, eventTypes: [type] })
    const replay = await t.request(world.tenant, {
      method: 'POST',
      url: `/webhook-endpoints/${endpoint.webhookEndpointId}/replay`,
      payload: { since: '2000-01-01T00:00:00Z' },
    })
    expect(replay.statusCode, replay.body).toBeLessThan(300)
    await testDispatcher(t).drain({ tenantId: world.tenant.tenant.id })
    receiver.verifyAll(secret)
    for (const item of items) {
      const delivered = receiver.received.filter((r) => r.headers['webhook-id'] === item.eventId)
      expect(delivered, `${type} ${item.eventId} delivered once`).toHaveLength(1)
      expect(delivered[0]?.json).toMatchObject({
        eventId: item.eventId,
        type,
        occurredAt: item.occurredAt,
        resource: item.resource,
        data: item.data,
      })
    }
  } finally {
    await receiver.close()
  }
}

/** The one event of `type` about the resource. */
async function onlyEvent(world: World, type: string, resourceId: string): Promise<Json> {
  const items = await eventsOf(world, type, resourceId)
  expect(items).toHaveLength(1)
  return items[0] as Json
}

const envelope = (resource: { type: string; id: string }, stream = resource) => ({
  eventId: expect.stringMatching(/^[0-9a-f-]{36}$/),
  resource,
  stream,
  sequence: expect.any(Number),
})

describe('order events', () => {
  it('order.updated: a change to the cart, with the order as GET then answers it', async () => {
    const world = await subscriptionWorld(t)
    const order = await makeOrder(t, world)
    await orderAct(t, world, order.orderId, 'POST', 'line-items', subscriptionItem({ lineItemId: 'plan' }), 201)
    const [updated] = await eventsOf(world, 'order.updated', order.orderId)
    expect(updated).toEqual({
      ...envelope({ type: 'order', id: order.orderId }),
      type: 'order.updated',
      occurredAt: NOW,
      data: await getOrder(t, world, order.orderId),
    })
    expect(updated?.data.lineItems).toHaveLength(1)
  })

  it('order.submitted: the submission, with the order the request answered', async () => {
    const world = await subscriptionWorld(t)
    const order = await makeOrder(t, world)
    await orderAct(t, world, order.orderId, 'POST', 'line-items', subscriptionItem({ lineItemId: 'plan' }), 201)
    const submitted = await orderAct(t, world, order.orderId, 'POST', 'submit', {})
    expect(await onlyEvent(world, 'order.submitted', order.orderId)).toEqual({
      ...envelope({ type: 'order', id: order.orderId }),
      type: 'order.submitted',
      occurredAt: NOW,
      data: submitted,
    })
    expect(submitted.status).toBe('SUBMITTED')
  })
})

describe('subscription events', () => {
  it('subscription.created and subscription.subscriber_set: a subscription created with a subscriber', async () => {
    const world = await subscriptionWorld(t)
    const created = await makeSubscription(t, world)
    const id = created.subscriptionId as string
    const resource = { type: 'subscription', id }
    expect(await onlyEvent(world, 'subscription.created', id)).toEqual({
      ...envelope(resource),
      type: 'subscription.created',
      occurredAt: NOW,
      sequence: 1,
      data: created,
    })
    expect(await onlyEvent(world, 'subscription.subscriber_set', id)).toEqual({
      ...envelope(resource),
      type: 'subscription.subscriber_set',
      occurredAt: NOW,
      sequence: 2,
      data: created,
    })
    expect(created.subscriber).toMatchObject({ name: 'Sam Subscriber' })
    // Without a subscriber there is nothing to tell of one.
    const bare = await makeSubscription(t, world, { subscriber: undefined })
    expect(await eventsOf(world, 'subscription.subscriber_set', bare.subscriptionId)).toEqual([])
  })

  it('subscription.updated: a status change, with the subscription the request answered', async () => {
    const world = await subscriptionWorld(t)
    const sub = await makeSubscription(t, world)
    const blocked = await act(t, world, sub.subscriptionId, 'POST', 'block', { reason: 'unpaid' })
    expect(await onlyEvent(world, 'subscription.updated', sub.subscriptionId)).toEqual({
      ...envelope({ type: 'subscription', id: sub.subscriptionId }),
      type: 'subscription.updated',
      occurredAt: NOW,
      sequence: 3,
      data: blocked,
    })
    expect(blocked.status).toBe('BLOCKED')
  })

  it('subscription.ended: a scheduled cancel taking effect on the test clock', async () => {
    const world = await subscriptionWorld(t)
    const sub = await makeSubscription(t, world)
    await act(t, world, sub.subscriptionId, 'POST', 'cancel', {
      schedule: { type: 'CancelAtDate', date: '2025-02-01' },
      reason: 'NO_NEED',
    })
    expect(await eventsOf(world, 'subscription.ended', sub.subscriptionId)).toEqual([])
    await advanceTo(t, world, '2025-02-02T00:00:00Z')
    const ended = await onlyEvent(world, 'subscription.ended', sub.subscriptionId)
    expect(ended).toEqual({
      ...envelope({ type: 'subscription', id: sub.subscriptionId }),
      type: 'subscription.ended',
      occurredAt: '2025-02-01T00:00:00.000Z',
      data: expect.objectContaining({ subscriptionId: sub.subscriptionId, status: 'CANCELLED' }),
    })
    expect(ended.data).toEqual(await getSubscription(t, world, sub.subscriptionId))
  })
})

describe('port-in events', () => {
  /** The port-in of a new line ordered with a temporary number; `ending` picks the simulated donor's path. */
  async function portIn(ending: string): Promise<{ world: World; subscriptionId: string; portInId: string }> {
    const world = await subscriptionWorld(t)
    await stockInventory(t, world.tenant)
    const { subscription } = await orderPortIn(t, world, portInItem(portableNumber(ending), { tempNumber: true }))
    const { portInId } = await inPorting(t, world, subscription.subscriptionId)
    return { world, subscriptionId: subscription.subscriptionId, portInId }
  }

  /** The port-in as GET …/in-porting answers it: what the event's snapshot is. */
  const expectPortIn = async (world: World, subscriptionId: string, event: Json) =>
    expect(event.data).toEqual(await inPorting(t, world, subscriptionId))

  it('subscription.portIn.created: fulfilment of an order that ports a number in', async () => {
    const { world, subscriptionId, portInId } = await portIn('1234')
    const created = await onlyEvent(world, 'subscription.portIn.created', portInId)
    expect(created).toEqual({
      ...envelope({ type: 'port_in', id: portInId }, { type: 'subscription', id: subscriptionId }),
      type: 'subscription.portIn.created',
      occurredAt: NOW,
      data: expect.objectContaining({ portInId, subscriptionId, status: 'PENDING' }),
    })
    await expectPortIn(world, subscriptionId, created)
  })

  it('subscription.portIn.updated: the provider takes the request', async () => {
    const { world, subscriptionId, portInId } = await portIn('1234')
    await runDueJobs(t, world)
    const updated = await onlyEvent(world, 'subscription.portIn.updated', portInId)
    expect(updated).toEqual({
      ...envelope({ type: 'port_in', id: portInId }, { type: 'subscription', id: subscriptionId }),
      type: 'subscription.portIn.updated',
      occurredAt: NOW,
      data: expect.objectContaining({ portInId, status: 'IN_PROGRESS' }),
    })
    await expectPortIn(world, subscriptionId, updated)
  })

  it('subscription.portIn.completed: the port day arrives on the test clock', async () => {
    const { world, subscriptionId, portInId } = await portIn('1234')
    await runDueJobs(t, world)
    await advanceTo(t, world, '2025-01-15T11:00:00Z') // SCHEDULED for the 16th
    await advanceTo(t, world, '2025-01-16T10:00:00Z')
    const completed = await onlyEvent(world, 'subscription.portIn.completed', portInId)
    expect(completed).toEqual({
      ...envelope({ type: 'port_in', id: portInId }, { type: 'subscription', id: subscriptionId }),
      type: 'subscription.portIn.completed',
      occurredAt: '2025-01-16T10:00:00.000Z',
      data: expect.objectContaining({ portInId, status: 'COMPLETED' }),
    })
    await expectPortIn(world, subscriptionId, completed)
  })

  it('subscription.updated of an add-on add on a porting line: its customer, subscriber and porting as GET answers them', async () => {
    const { world, subscriptionId } = await portIn('1234')
    await runDueJobs(t, world) // IN_PROGRESS
    const added = await t.request(world.tenant, {
      method: 'POST',
      url: `/subscriptions/${subscriptionId}/addons`,
      headers: { 'x-idempotency-key': `porting-addon-${subscriptionId}` },
      payload: { productOfferingId: 'addon-data-1gb' },
    })
    expect(added.statusCode, added.body).toBe(201)
    const updated = (await eventsOf(world, 'subscription.updated', subscriptionId)).at(-1) as Json
    expect(updated.data).toMatchObject({ porting: { status: 'IN_PROGRESS' }, customer: { name: expect.any(String) } })
    expect(updated.data).toEqual(await getSubscription(t, world, subscriptionId))
  })

  it('subscription.portIn.failed: the donor refuses', async () => {
    const { world, subscriptionId, portInId } = await portIn('0002')
    await runDueJobs(t, world)
    await advanceTo(t, world, '2025-01-16T11:00:00Z')
    const failed = await onlyEvent(world, 'subscription.portIn.failed', portInId)
    expect(failed).toEqual({
      ...envelope({ type: 'port_in', id: portInId }, { type: 'subscription', id: subscriptionId }),
      type: 'subscription.portIn.failed',
      occurredAt: '2025-01-15T11:00:00.000Z',
      data: expect.objectContaining({ portInId, status: 'FAILED' }),
    })
    await expectPortIn(world, subscriptionId, failed)
  })
})

describe('license events', () => {
  it('license.created: an unassigned license is its own stream', async () => {
    const world = await licenseWorld(t)
    const license = await makeLicense(t, world)
    expect(await onlyEvent(world, 'license.created', license.licenseId)).toEqual({
      ...envelope({ type: 'license', id: license.licenseId }),
      type: 'license.created',
      occurredAt: NOW,
      sequence: 1,
      data: license,
    })
  })

  it('license.renewed: the renewal date arrives on the test clock', async () => {
    const world = await licenseWorld(t)
    const license = await makeLicense(t, world)
    await advanceTo(t, world, '2025-02-15T00:00:00Z')
    const renewed = await onlyEvent(world, 'license.renewed', license.licenseId)
    expect(renewed).toEqual({
      ...envelope({ type: 'license', id: license.licenseId }),
      type: 'license.renewed',
      occurredAt: '2025-02-15T00:00:00.000Z',
      data: expect.objectContaining({ licenseId: license.licenseId, status: 'ACTIVE' }),
    })
    expect(renewed.data).toEqual(await getLicense(t, world, license.licenseId))
    expect(renewed.data.billingCycle).toMatchObject({ nextRenewalAt: '2025-03-15T00:00:00.000Z' })
  })

  it('license.ended: a license assigned to a subscription ends with it, in the subscription’s stream', async () => {
    const world = await licenseWorld(t)
    const sub = await makeSubscription(t, world)
    const license = await makeLicense(t, world, {
      assignedTo: { type: 'SUBSCRIPTION', subscriptionId: sub.subscriptionId },
    })
    await act(t, world, sub.subscriptionId, 'POST', 'cancel', { schedule: 'CancelNow', reason: 'NO_NEED' })
    const ended = await onlyEvent(world, 'license.ended', license.licenseId)
    expect(ended).toEqual({
      ...envelope({ type: 'license', id: license.licenseId }, { type: 'subscription', id: sub.subscriptionId }),
      type: 'license.ended',
      occurredAt: NOW,
      data: expect.objectContaining({ licenseId: license.licenseId, status: 'CANCELLED' }),
    })
    expect(ended.data).toEqual(await getLicense(t, world, license.licenseId))
  })
})
