import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { poolOf, stockInventory } from '../../helpers/inventory.js'
import { eventsAbout } from '../../helpers/parties.js'
import {
  SE_DETAILS,
  eventsOfType,
  inPorting,
  orderPortIn,
  portInItem,
  portableNumber,
  runDueJobs,
  usDetails,
} from '../../helpers/porting.js'
import { act, advanceTo, getSubscription, subscriptionWorld, timelineOf } from '../../helpers/subscriptions.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t.close())

const PORT_IN_EVENTS = [
  'subscription.portIn.created',
  'subscription.portIn.updated',
  'subscription.portIn.completed',
  'subscription.portIn.failed',
]

describe('port-in through an order', () => {
  it('with a temporary number: active at once on a pool number, then COMPLETED on the test clock with the numbers swapped and the temporary one in quarantine', async () => {
    const world = await subscriptionWorld(t)
    const stock = await stockInventory(t, world.tenant)
    const ported = portableNumber()
    const { order, subscription } = await orderPortIn(t, world, portInItem(ported, { tempNumber: true }))
    const temporary = subscription.msisdn as string
    expect(stock.msisdns).toContain(temporary)
    expect(order.createdEntities.subscriptions[0]).toMatchObject({ status: 'ACTIVATED', msisdn: temporary })
    expect(subscription).toMatchObject({
      status: 'ACTIVATED',
      activatedAt: '2025-01-15T10:00:00.000Z',
      pendingMsisdn: { msisdn: ported, scheduledAt: null },
      porting: { msisdn: ported, status: 'PENDING', direction: 'INBOUND', scheduledAt: null },
    })
    // The subscription's first snapshot already shows the port-in.
    const [created] = await eventsOfType(t, world, 'subscription.created')
    expect(created?.data.porting).toMatchObject({ status: 'PENDING', msisdn: ported })
    expect(await inPorting(t, world, subscription.subscriptionId)).toMatchObject({
      subscriptionId: subscription.subscriptionId,
      msisdn: ported,
      status: 'PENDING',
      direction: 'INBOUND',
      details: { ...usDetails(), passcode: '****' },
      temporaryMsisdn: temporary,
      scheduledAt: null,
      rejection: null,
      failure: null,
      providerReference: null,
    })

    await runDueJobs(t, world)
    expect(await inPorting(t, world, subscription.subscriptionId)).toMatchObject({
      status: 'IN_PROGRESS',
      providerReference: expect.stringMatching(/^sim-port-/),
    })
    await advanceTo(t, world, '2025-01-15T11:00:00Z')
    expect(await inPorting(t, world, subscription.subscriptionId)).toMatchObject({
      status: 'SCHEDULED',
      scheduledAt: '2025-01-16',
    })
    expect((await getSubscription(t, world, subscription.subscriptionId)).pendingMsisdn).toEqual({
      msisdn: ported,
      scheduledAt: '2025-01-16',
    })
    expect(await poolOf(t, world.tenant).then((pool) => pool.get(temporary)?.status)).toBe('ASSIGNED')

    await advanceTo(t, world, '2025-01-16T09:59:59Z')
    expect((await inPorting(t, world, subscription.subscriptionId)).status).toBe('SCHEDULED')
    await advanceTo(t, world, '2025-01-16T10:00:00Z')
    const done = await getSubscription(t, world, subscription.subscriptionId)
    expect(done).toMatchObject({
      status: 'ACTIVATED',
      msisdn: ported,
      display: `+1 555 ${ported.slice(5, 8)} ${ported.slice(8)}`,
      pendingMsisdn: null,
      porting: { status: 'COMPLETED', scheduledAt: '2025-01-16' },
    })
    const portIn = await inPorting(t, world, subscription.subscriptionId)
    expect(portIn).toMatchObject({ status: 'COMPLETED', completedAt: '2025-01-16T10:00:00.000Z' })
    // Nothing needs the passcode once the port is done.
    expect(portIn.details).not.toHaveProperty('passcode')
    const pool = await poolOf(t, world.tenant)
    expect(pool.get(temporary)).toMatchObject({ status: 'QUARANTINED', availableAt: '2025-04-16T10:00:00.000Z' })
    expect(pool.has(ported)).toBe(false)

    const events = await eventsOfType(t, world, ...PORT_IN_EVENTS)
    expect(events.map((e) => [e.type, e.data.status])).toEqual([
      ['subscription.portIn.created', 'PENDING'],
      ['subscription.portIn.updated', 'IN_PROGRESS'],
      ['subscription.portIn.updated', 'SCHEDULED'],
      ['subscription.portIn.completed', 'COMPLETED'],
    ])
    expect(
      events.every(
        (e) =>
          e.resource.type === 'port_in' &&
          e.resource.id === portIn.portInId &&
          e.data.subscriptionId === subscription.subscriptionId,
      ),
    ).toBe(true)
    expect(events[0]?.data.details.passcode).toBe('****')
    expect(events[3]?.occurredAt).toBe('2025-01-16T10:00:00.000Z')
    const updates = (await eventsAbout(t, world.tenant, subscription.subscriptionId)).filter(
      (e) => e.type === 'subscription.updated',
    )
    expect(updates.at(-1)?.data).toMatchObject({ msisdn: ported, porting: { status: 'COMPLETED' } })
    const kinds = (await timelineOf(t, world, subscription.subscriptionId)).map((i) => i.kind)
    expect(kinds).toEqual(
      expect.arrayContaining([
        'port_in_requested',
        'port_in_submitted',
        'port_in_scheduled',
        'port_in_completed',
        'msisdn_changed',
      ]),
    )
  })

  it('without a temporary number: PENDING without a number until the port completes, then activated on the ported number', async () => {
    const world = await subscriptionWorld(t)
    await stockInventory(t, world.tenant)
    const ported = portableNumber()
    const { subscription } = await orderPortIn(t, world, portInItem(ported))
    expect(subscription).toMatchObject({
      status: 'PENDING',
      msisdn: null,
      display: null,
      activatedAt: null,
      pendingStatus: null,
      pendingMsisdn: { msisdn: ported, scheduledAt: null },
      porting: { status: 'PENDING' },
    })
    await runDueJobs(t, world)
    await advanceTo(t, world, '2025-01-16T12:00:00Z')
    expect(await getSubscription(t, world, subscription.subscriptionId)).toMatchObject({
      status: 'ACTIVATED',
      msisdn: ported,
      activatedAt: '2025-01-16T10:00:00.000Z',
      billingCycle: { anchorDate: '2025-01-16' },
      pendingMsisdn: null,
      porting: { status: 'COMPLETED' },
    })
    const kinds = (await timelineOf(t, world, subscription.subscriptionId)).map((i) => i.kind)
    expect(kinds.slice(-3)).toEqual(['port_in_completed', 'msisdn_changed', 'activated'])
  })

  it('rejected for wrong details: back to PENDING with the rejection, corrected through POST in-porting, then completed', async () => {
    const world = await subscriptionWorld(t)
    await stockInventory(t, world.tenant)
    const ported = portableNumber('0001')
    const { subscription } = await orderPortIn(t, world, portInItem(ported, { tempNumber: true }))
    await runDueJobs(t, world)
    await advanceTo(t, world, '2025-01-15T11:00:00Z')
    const rejected = await inPorting(t, world, subscription.subscriptionId)
    expect(rejected).toMatchObject({
      status: 'PENDING',
      rejection: { reason: expect.stringMatching(/do not match/), rejectedAt: '2025-01-15T11:00:00.000Z' },
      failure: null,
    })
    // Nothing more happens until the details are corrected.
    await advanceTo(t, world, '2025-01-17T11:00:00Z')
    expect((await inPorting(t, world, subscription.subscriptionId)).status).toBe('PENDING')

    const corrected = await act(t, world, subscription.subscriptionId, 'POST', 'in-porting', {
      details: usDetails({ accountNumber: 'ACC-9999', passcode: '****' }),
    })
    expect(corrected.subscription).toMatchObject({
      subscriptionId: subscription.subscriptionId,
      porting: { status: 'PENDING' },
    })
    expect(await inPorting(t, world, subscription.subscriptionId)).toMatchObject({
      status: 'PENDING',
      rejection: null,
      details: { accountNumber: 'ACC-9999', passcode: '****' },
    })
    await runDueJobs(t, world)
    expect((await inPorting(t, world, subscription.subscriptionId)).status).toBe('IN_PROGRESS')
    await advanceTo(t, world, '2025-01-18T12:00:00Z')
    expect(await getSubscription(t, world, subscription.subscriptionId)).toMatchObject({
      msisdn: ported,
      porting: { status: 'COMPLETED', scheduledAt: '2025-01-18' },
    })
    const types = (await eventsOfType(t, world, ...PORT_IN_EVENTS)).map((e) => `${e.type}:${e.data.status}`)
    expect(types).toEqual([
      'subscription.portIn.created:PENDING',
      'subscription.portIn.updated:IN_PROGRESS',
      'subscription.portIn.updated:PENDING', // the rejection
      'subscription.portIn.updated:PENDING', // the correction
      'subscription.portIn.updated:IN_PROGRESS',
      'subscription.portIn.updated:SCHEDULED',
      'subscription.portIn.completed:COMPLETED',
    ])
  })

  it('refused by the donor: FAILED with the reason; the line keeps its temporary number', async () => {
    const world = await subscriptionWorld(t)
    await stockInventory(t, world.tenant)
    const ported = portableNumber('0002')
    const { subscription } = await orderPortIn(t, world, portInItem(ported, { tempNumber: true }))
    await runDueJobs(t, world)
    await advanceTo(t, world, '2025-01-16T11:00:00Z')
    const portIn = await inPorting(t, world, subscription.subscriptionId)
    expect(portIn).toMatchObject({
      status: 'FAILED',
      failure: { reason: expect.stringMatching(/not portable/), failedAt: '2025-01-15T11:00:00.000Z' },
      completedAt: null,
    })
    expect(portIn.details).not.toHaveProperty('passcode')
    expect(await getSubscription(t, world, subscription.subscriptionId)).toMatchObject({
      status: 'ACTIVATED',
      msisdn: subscription.msisdn,
      pendingMsisdn: null,
      porting: { status: 'FAILED' },
    })
    expect((await poolOf(t, world.tenant)).get(subscription.msisdn)?.status).toBe('ASSIGNED')
    const [failed] = await eventsOfType(t, world, 'subscription.portIn.failed')
    expect(failed).toMatchObject({
      occurredAt: '2025-01-15T11:00:00.000Z',
      data: { status: 'FAILED', failure: { reason: expect.stringMatching(/not portable/) } },
    })
  })

  it('cancelled by the donor on the port day: FAILED; a subscription waiting without a number stays PENDING', async () => {
    const world = await subscriptionWorld(t)
    await stockInventory(t, world.tenant)
    const { subscription } = await orderPortIn(t, world, portInItem(portableNumber('0003')))
    await runDueJobs(t, world)
    await advanceTo(t, world, '2025-01-15T11:00:00Z')
    expect((await inPorting(t, world, subscription.subscriptionId)).status).toBe('SCHEDULED')
    await advanceTo(t, world, '2025-01-16T10:00:00Z')
    expect(await inPorting(t, world, subscription.subscriptionId)).toMatchObject({
      status: 'FAILED',
      failure: { reason: expect.stringMatching(/port day/) },
    })
    expect(await getSubscription(t, world, subscription.subscriptionId)).toMatchObject({
      status: 'PENDING',
      msisdn: null,
      pendingMsisdn: null,
      porting: { status: 'FAILED' },
    })
  })

  it('ports a Swedish number with Swedish details; a slow donor (…0007) takes a week', async () => {
    const world = await subscriptionWorld(t, { timeZone: 'Europe/Stockholm' })
    await stockInventory(t, world.tenant)
    const ported = portableNumber('0007', 'SE')
    const { subscription } = await orderPortIn(t, world, portInItem(ported, { tempNumber: true, porting: SE_DETAILS }))
    await runDueJobs(t, world)
    await advanceTo(t, world, '2025-01-15T11:00:00Z')
    expect(await inPorting(t, world, subscription.subscriptionId)).toMatchObject({
      status: 'SCHEDULED',
      scheduledAt: '2025-01-22',
      details: SE_DETAILS,
    })
    await advanceTo(t, world, '2025-01-22T10:00:00Z')
    expect((await getSubscription(t, world, subscription.subscriptionId)).msisdn).toBe(ported)
  })

  it('ends with its subscription: cancelling a line whose port-in is live fails the port-in', async () => {
    const world = await subscriptionWorld(t)
    await stockInventory(t, world.tenant)
    const { subscription } = await orderPortIn(t, world, portInItem(portableNumber(), { tempNumber: true }))
    await runDueJobs(t, world)
    const cancelled = await act(t, world, subscription.subscriptionId, 'POST', 'cancel', {
      schedule: 'CancelNow',
      reason: 'WRONG_ORDER',
    })
    expect(cancelled).toMatchObject({ status: 'CANCELLED', pendingMsisdn: null, porting: { status: 'FAILED' } })
    expect(await inPorting(t, world, subscription.subscriptionId)).toMatchObject({
      status: 'FAILED',
      failure: { reason: 'The subscription was cancelled.' },
    })
    // The check the donor's review would have answered changes nothing now.
    await advanceTo(t, world, '2025-01-17T10:00:00Z')
    expect((await inPorting(t, world, subscription.subscriptionId)).status).toBe('FAILED')
    expect((await poolOf(t, world.tenant)).get(subscription.msisdn)?.status).toBe('QUARANTINED')
    expect((await eventsOfType(t, world, 'subscription.portIn.failed')).length).toBe(1)
  })
})
