import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeApiKey } from '../../helpers/factories.js'
import { stockInventory } from '../../helpers/inventory.js'
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
import { expectHiddenFrom, expectReplay, expectUnauthenticated } from '../../helpers/security.js'
import type { World } from '../../helpers/subscriptions.js'
import { advanceTo, makeSubscription, subscriptionRequest, subscriptionWorld } from '../../helpers/subscriptions.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t.close())

/** A world with stock and one subscription porting a number in, its port-in still PENDING (not yet submitted). */
async function portingWorld(item: Record<string, unknown> = {}): Promise<{ world: World; id: string; msisdn: string }> {
  const world = await subscriptionWorld(t)
  await stockInventory(t, world.tenant)
  const msisdn = (item.msisdn as string | undefined) ?? portableNumber()
  const { subscription } = await orderPortIn(t, world, portInItem(msisdn, { tempNumber: true, ...item }))
  return { world, id: subscription.subscriptionId, msisdn }
}

const correct = (world: World, id: string, payload: unknown, headers: Record<string, string> = {}) =>
  t.request(world.tenant, {
    method: 'POST',
    url: `/subscriptions/${id}/in-porting`,
    payload: payload as Record<string, unknown>,
    headers,
  })

/** The port-in and how many port-in events there are: what "nothing was written" compares. */
async function snapshot(world: World, id: string) {
  return {
    portIn: await inPorting(t, world, id),
    events: (await eventsOfType(t, world, 'subscription.portIn.updated')).length,
  }
}

describe('GET /subscriptions/{id}/in-porting', () => {
  it('answers the port-in by UUID or rid_, and 404 for a subscription without one', async () => {
    const { world, id, msisdn } = await portingWorld({ referenceId: 'crm-port-1' })
    expect(await inPorting(t, world, id)).toMatchObject({ msisdn, status: 'PENDING' })
    expect(
      (await t.request(world.tenant, { method: 'GET', url: '/subscriptions/rid_crm-port-1/in-porting' })).json(),
    ).toMatchObject({ subscriptionId: id })
    const plain = await makeSubscription(t, world)
    const none = await t.request(world.tenant, {
      method: 'GET',
      url: `/subscriptions/${plain.subscriptionId}/in-porting`,
    })
    expect(none.statusCode).toBe(404)
    expect(none.json().code).toBe('porting.not_found')
    const unknown = await t.request(world.tenant, {
      method: 'GET',
      url: '/subscriptions/0194c1a2-0000-7000-8000-000000000000/in-porting',
    })
    expect(unknown.json().code).toBe('subscription.not_found')
    expect(
      (await t.request(world.tenant, { method: 'GET', url: '/subscriptions/not-an-id/in-porting' })).statusCode,
    ).toBe(400)
  })

  it('is 401 without a valid key and 404 for another tenant', async () => {
    const { id } = await portingWorld()
    await expectUnauthenticated(t, { method: 'GET', url: `/subscriptions/${id}/in-porting` })
    const stranger = await t.tenant()
    await expectHiddenFrom(
      t,
      stranger,
      { method: 'GET', url: `/subscriptions/${id}/in-porting` },
      'subscription.not_found',
    )
  })
})

describe('POST /subscriptions/{id}/in-porting', () => {
  it('corrects PENDING details: the submission of the old ones is dropped and the new revision is submitted', async () => {
    const { world, id } = await portingWorld()
    const res = await correct(world, id, { details: usDetails({ firstName: 'Augusta Ada' }) })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json().subscription).toMatchObject({
      subscriptionId: id,
      status: 'ACTIVATED',
      porting: { status: 'PENDING' },
    })
    const portIn = await inPorting(t, world, id)
    expect(portIn.details).toEqual({ ...usDetails({ firstName: 'Augusta Ada' }), passcode: '****' })
    await runDueJobs(t, world)
    expect((await inPorting(t, world, id)).providerReference).toMatch(/^sim-port-[0-9a-f]{12}-2-/)
    expect((await eventsOfType(t, world, 'subscription.portIn.updated')).map((e) => e.data.status)).toEqual([
      'PENDING',
      'IN_PROGRESS',
    ])
  })

  it('corrects IN_PROGRESS details: PENDING again, resubmitted, and the old review’s answer is ignored', async () => {
    const { world, id } = await portingWorld()
    await runDueJobs(t, world)
    await advanceTo(t, world, '2025-01-15T10:30:00Z')
    expect((await inPorting(t, world, id)).status).toBe('IN_PROGRESS')
    expect((await correct(world, id, { details: usDetails({ passcode: '1357' }) })).statusCode).toBe(200)
    expect((await inPorting(t, world, id)).status).toBe('PENDING')
    await runDueJobs(t, world)
    // 11:00 would have ended the first review; the second one ends at 11:30.
    await advanceTo(t, world, '2025-01-15T11:15:00Z')
    expect((await inPorting(t, world, id)).status).toBe('IN_PROGRESS')
    await advanceTo(t, world, '2025-01-15T11:30:00Z')
    expect(await inPorting(t, world, id)).toMatchObject({ status: 'SCHEDULED', scheduledAt: '2025-01-16' })
  })

  it('is a 409 once the donor agreed a date, and after the port-in ended; nothing is written', async () => {
    const { world, id } = await portingWorld()
    await runDueJobs(t, world)
    await advanceTo(t, world, '2025-01-15T11:00:00Z')
    const before = await snapshot(world, id)
    const scheduled = await correct(world, id, { details: usDetails() })
    expect(scheduled.statusCode).toBe(409)
    expect(scheduled.json()).toMatchObject({ code: 'porting.not_editable', currentStatus: 'SCHEDULED' })
    expect(await snapshot(world, id)).toEqual(before)
    await advanceTo(t, world, '2025-01-16T10:00:00Z')
    expect((await correct(world, id, { details: usDetails() })).json()).toMatchObject({
      code: 'porting.not_editable',
      currentStatus: 'COMPLETED',
    })
  })

  it('refuses bad input with a 400 naming each field, and writes nothing', async () => {
    const { world, id } = await portingWorld()
    const before = await snapshot(world, id)
    const cases: [unknown, string, string[]][] = [
      [{}, 'request.validation_failed', ['/body/details']],
      [{ details: 'call me' }, 'request.validation_failed', ['/body/details']],
      [
        { details: { firstName: 'Ada' } },
        'porting.invalid_details',
        ['/body/details/lastName', '/body/details/address', '/body/details/accountNumber', '/body/details/passcode'],
      ],
      [
        {
          details: usDetails({ address: { street1: '1 Main St', city: 'SF', state: 'CA', zip: '941' }, passcode: 12 }),
        },
        'porting.invalid_details',
        ['/body/details/address/zip', '/body/details/passcode'],
      ],
      [
        { details: SE_DETAILS },
        'porting.invalid_details',
        [
          '/body/details/firstName',
          '/body/details/lastName',
          '/body/details/address',
          '/body/details/accountNumber',
          '/body/details/passcode',
          '/body/details/identityNumber',
          '/body/details/currentOperator',
        ],
      ],
      // A field no country has is refused, not dropped.
      [{ details: usDetails({ colour: 'blue' }) }, 'porting.invalid_details', ['/body/details/colour']],
    ]
    for (const [payload, code, paths] of cases) {
      const res = await correct(world, id, payload)
      expect(res.statusCode, JSON.stringify(payload)).toBe(400)
      expect(res.json().code).toBe(code)
      expect(res.json().errors.map((e: { path: string }) => e.path)).toEqual(paths)
    }
    expect(await snapshot(world, id)).toEqual(before)
  })

  it('checks Swedish details for a Swedish number', async () => {
    const { world, id } = await portingWorld({ msisdn: portableNumber('1234', 'SE'), porting: SE_DETAILS })
    const res = await correct(world, id, { details: { identityNumber: '19811218-9875', currentOperator: 'Tele2' } })
    expect(res.statusCode).toBe(400)
    expect(res.json().errors).toEqual([{ path: '/body/details/identityNumber', message: 'fails its check digit' }])
    expect(
      (await correct(world, id, { details: { identityNumber: '5560360793', currentOperator: 'Tele2' } })).statusCode,
    ).toBe(200)
    expect((await inPorting(t, world, id)).details).toEqual({ identityNumber: '5560360793', currentOperator: 'Tele2' })
  })

  it('is 404 for a subscription without a port-in and for another tenant’s, 401 without a valid key, 403 for a read-only key', async () => {
    const { world, id } = await portingWorld()
    const plain = await makeSubscription(t, world)
    expect((await correct(world, plain.subscriptionId, { details: usDetails() })).json().code).toBe('porting.not_found')
    const options = {
      method: 'POST' as const,
      url: `/subscriptions/${id}/in-porting`,
      payload: { details: usDetails() },
    }
    await expectUnauthenticated(t, options)
    await expectHiddenFrom(t, await t.tenant(), options, 'subscription.not_found')
    const reader = await makeApiKey(t.services, world.tenant.tenant, ['read'])
    const forbidden = await t.request(reader, options)
    expect(forbidden.statusCode).toBe(403)
    expect((await inPorting(t, world, id)).updatedAt).toBe((await inPorting(t, world, id)).createdAt)
  })

  it('replays a request with the same idempotency key, and refuses the key with another body', async () => {
    const { world, id } = await portingWorld()
    const { first, status } = await expectReplay(t, world.tenant, {
      method: 'POST',
      url: `/subscriptions/${id}/in-porting`,
      payload: { details: usDetails({ lastName: 'King' }) },
    })
    expect(status).toBe(200)
    expect(first.subscription.subscriptionId).toBe(id)
    expect((await eventsOfType(t, world, 'subscription.portIn.updated')).length).toBe(1)
    const key = { 'x-idempotency-key': 'porting-once' }
    expect((await correct(world, id, { details: usDetails() }, key)).statusCode).toBe(200)
    const reused = await correct(world, id, { details: usDetails({ lastName: 'Byron' }) }, key)
    expect(reused.statusCode).toBe(409)
    expect(reused.json().code).toBe('idempotency.key_reused')
    expect((await inPorting(t, world, id)).details.lastName).toBe('Lovelace')
  })

  it('works with the plain subscription routes: the status routes still answer for a porting line', async () => {
    const { world, id } = await portingWorld()
    const res = await subscriptionRequest(t, world, id, 'POST', 'pause', {})
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ status: 'PAUSED', porting: { status: 'PENDING' } })
  })
})
