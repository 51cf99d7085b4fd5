import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeApiKey } from '../../helpers/factories.js'
import { iccid, importSims } from '../../helpers/inventory.js'
import { eventsAbout } from '../../helpers/parties.js'
import { expectHiddenFrom, expectUnauthenticated } from '../../helpers/security.js'
import type { World } from '../../helpers/subscriptions.js'
import { advanceTo, makeSubscription, subscriptionWorld } from '../../helpers/subscriptions.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp() // the fake clock starts at 2025-01-15T10:00:00Z
})
afterAll(() => t.close())

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

/** A subscription using an eSIM from the inventory (creating it puts the SIM IN_USE). */
async function esimSubscription(
  world: World,
  referenceId?: string,
): Promise<{ subscriptionId: string; iccid: string }> {
  const sim = { iccid: iccid(), type: 'ESIM', lpa: '1$rsp.example.com$QR-4711' }
  await importSims(t, world.tenant, [sim])
  const sub = await makeSubscription(t, world, {
    sim: { esim: true, iccid: sim.iccid },
    ...(referenceId && { referenceId }),
  })
  return { subscriptionId: sub.subscriptionId, iccid: sim.iccid }
}

/** Width and height from a PNG's IHDR chunk, after checking the signature. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true)
  expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR')
  expect(png.subarray(-8, -4).toString('ascii')).toBe('IEND')
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) }
}

describe('GET /subscriptions/{subscriptionId}/esim/qrcode', () => {
  it('answers the activation code, a PNG data URL of it and an expiry 24 h ahead on the tenant clock, uncached and audited', async () => {
    const world = await subscriptionWorld(t)
    await advanceTo(t, world, '2025-02-01T08:30:00Z')
    const { subscriptionId, iccid: simIccid } = await esimSubscription(world, 'crm-esim-1')
    const res = await t.request(world.tenant, { method: 'GET', url: `/subscriptions/${subscriptionId}/esim/qrcode` })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.headers['cache-control']).toBe('no-store')
    const body = res.json()
    expect(body).toEqual({
      subscriptionId,
      qrCodeData: 'LPA:1$rsp.example.com$QR-4711',
      qrCodeUrl: expect.stringMatching(/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/),
      expiresAt: '2025-02-02T08:30:00.000Z',
      metadata: { iccid: simIccid, smdpAddress: 'rsp.example.com' },
    })
    const png = Buffer.from(body.qrCodeUrl.slice('data:image/png;base64,'.length), 'base64')
    const size = pngSize(png)
    expect(size.width).toBe(size.height)
    expect(size.width).toBeGreaterThanOrEqual(100)

    // The same through rid_, and the image route answers the very same PNG.
    expect(
      (await t.request(world.tenant, { method: 'GET', url: '/subscriptions/rid_crm-esim-1/esim/qrcode' })).json()
        .qrCodeData,
    ).toBe(body.qrCodeData)
    const image = await t.request(world.tenant, {
      method: 'GET',
      url: `/subscriptions/${subscriptionId}/esim/qrcode.png`,
    })
    expect(image.statusCode).toBe(200)
    expect(image.headers['content-type']).toBe('image/png')
    expect(image.headers['cache-control']).toBe('no-store')
    expect(image.rawPayload.equals(png)).toBe(true)

    const issued = await eventsAbout(t, world.tenant, simIccid)
    expect(issued.map((e) => [e.type, e.data.format, e.data.subscriptionId, e.data.issuedTo.id])).toEqual([
      ['sim.qrcode_issued', 'json', subscriptionId, world.tenant.keyId],
      ['sim.qrcode_issued', 'json', subscriptionId, world.tenant.keyId],
      ['sim.qrcode_issued', 'png', subscriptionId, world.tenant.keyId],
    ])
    expect(JSON.stringify(issued)).not.toContain('QR-4711')
  })

  it('answers 409 subscription.not_esim for a physical SIM, and 409 when no eSIM from the inventory is in use', async () => {
    const world = await subscriptionWorld(t)
    const physical = await makeSubscription(t, world, { sim: { esim: false, iccid: iccid() } })
    for (const suffix of ['qrcode', 'qrcode.png']) {
      const res = await t.request(world.tenant, {
        method: 'GET',
        url: `/subscriptions/${physical.subscriptionId}/esim/${suffix}`,
      })
      expect(res.statusCode).toBe(409)
      expect(res.json().code).toBe('subscription.not_esim')
    }
    const unprovisioned = await makeSubscription(t, world, { sim: { esim: true } })
    const res = await t.request(world.tenant, {
      method: 'GET',
      url: `/subscriptions/${unprovisioned.subscriptionId}/esim/qrcode`,
    })
    expect(res.statusCode).toBe(409)
    expect(res.json().code).toBe('subscription.esim_not_provisioned')
    expect(
      (await t.request(world.tenant, { method: 'GET', url: '/events?type=sim.qrcode_issued' })).json().items,
    ).toEqual([])
  })

  it("answers 404 for another tenant's subscription, 400 for a bad id, 401 without a key, 403 without read", async () => {
    const world = await subscriptionWorld(t)
    const stranger = await t.tenant()
    const { subscriptionId } = await esimSubscription(world)
    for (const suffix of ['qrcode', 'qrcode.png']) {
      const url = `/subscriptions/${subscriptionId}/esim/${suffix}`
      await expectHiddenFrom(t, stranger, { method: 'GET', url }, 'subscription.not_found')
      await expectUnauthenticated(t, { method: 'GET', url })
      const bad = await t.request(world.tenant, { method: 'GET', url: `/subscriptions/not-an-id/esim/${suffix}` })
      expect(bad.statusCode).toBe(400)
      expect(bad.json()).toMatchObject({ code: 'request.invalid_id', errors: [{ path: '/params/subscriptionId' }] })
      const writeOnly = await makeApiKey(t.services, world.tenant.tenant, ['write'])
      expect((await t.request(writeOnly, { method: 'GET', url })).statusCode).toBe(403)
    }
  })

  it('has no code once the subscription has ended (its eSIM is consumed)', async () => {
    const world = await subscriptionWorld(t)
    const { subscriptionId } = await esimSubscription(world)
    const cancel = await t.request(world.tenant, {
      method: 'POST',
      url: `/subscriptions/${subscriptionId}/cancel`,
      payload: { schedule: { type: 'CancelNow' }, reason: 'NO_NEED' },
    })
    expect(cancel.statusCode).toBe(200)
    expect(
      (await t.request(world.tenant, { method: 'GET', url: `/subscriptions/${subscriptionId}/esim/qrcode` })).json()
        .code,
    ).toBe('subscription.esim_not_provisioned')
  })
})
