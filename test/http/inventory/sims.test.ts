import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeApiKey } from '../../helpers/factories.js'
import { errorOf, iccid, importSims, inTransaction } from '../../helpers/inventory.js'
import { eventsAbout } from '../../helpers/parties.js'
import { expectHiddenFrom, expectReplay, expectUnauthenticated } from '../../helpers/security.js'
import { makeSubscription, subscriptionWorld } from '../../helpers/subscriptions.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp() // the fake clock starts at 2025-01-15T10:00:00Z
})
afterAll(() => t.close())

const esimRow = (overrides: Record<string, unknown> = {}) => ({
  iccid: iccid(),
  type: 'ESIM',
  imsi: '240011234567890',
  lpa: '1$rsp.example.com$ABCD1234',
  puk1: '90817263',
  puk2: '72635481',
  pin: '4321',
  ...overrides,
})
const physicalRow = (overrides: Record<string, unknown> = {}) => ({
  iccid: iccid(),
  type: 'PHYSICAL',
  imsi: '240011234567891',
  puk1: '11112222',
  puk2: '33334444',
  ...overrides,
})
const listSims = async (tenant: Parameters<TestApp['request']>[0], query = '') =>
  (await t.request(tenant, { method: 'GET', url: `/inventory/sims?limit=1000${query}` })).json().items

describe('POST /inventory/sims/import', () => {
  it('adds SIMs (an eSIM with its profile), skipping and counting the ones the tenant has', async () => {
    const tenant = await t.tenant()
    const esim = esimRow({ metadata: { batch: 'b1' } })
    const physical = physicalRow({ status: 'BRAND_RESERVED' })
    expect(await importSims(t, tenant, [esim, physical])).toEqual({ imported: 2, skipped: 0 })
    expect(await importSims(t, tenant, [{ ...esim, imsi: '240019999999999' }, physicalRow()])).toEqual({
      imported: 1,
      skipped: 1,
    })
    const res = await t.request(tenant, { method: 'GET', url: `/inventory/sims/${esim.iccid}` })
    expect(res.statusCode).toBe(200)
    expect(res.headers['cache-control']).toBe('no-store')
    expect(res.json()).toEqual({
      iccid: esim.iccid,
      type: 'ESIM',
      status: 'AVAILABLE',
      imsi: '240011234567890',
      lpa: '1$rsp.example.com$ABCD1234',
      esimProfile: { status: 'AVAILABLE', eid: null, lastOperationAt: '2025-01-15T10:00:00.000Z' },
      subscriptionId: null,
      metadata: { batch: 'b1' },
      createdAt: '2025-01-15T10:00:00.000Z',
      updatedAt: '2025-01-15T10:00:00.000Z',
    })
    expect((await t.request(tenant, { method: 'GET', url: `/inventory/sims/${physical.iccid}` })).json()).toMatchObject(
      { type: 'PHYSICAL', status: 'BRAND_RESERVED', lpa: null, esimProfile: null },
    )
    // PUKs and the PIN appear in no ordinary response.
    expect(JSON.stringify(await listSims(tenant))).not.toMatch(/90817263|72635481|11112222|puk|"pin"/)
  })

  it('lists every bad row with its path (Luhn, missing activation code, duplicates) and imports nothing', async () => {
    const tenant = await t.tenant()
    const good = esimRow()
    const badLuhn = `${good.iccid.slice(0, -1)}${(Number(good.iccid.at(-1)) + 1) % 10}`
    const schema = await t.request(tenant, {
      method: 'POST',
      url: '/inventory/sims/import',
      payload: { sims: [good, { iccid: '123', type: 'CARD', puk1: 'x' }] },
    })
    expect(schema.statusCode).toBe(400)
    expect(schema.json().errors.map((e: { path: string }) => e.path)).toEqual(
      expect.arrayContaining(['/body/sims/1/iccid', '/body/sims/1/type', '/body/sims/1/puk1']),
    )
    const rules = await t.request(tenant, {
      method: 'POST',
      url: '/inventory/sims/import',
      payload: {
        sims: [
          good,
          { iccid: badLuhn, type: 'PHYSICAL' },
          { iccid: iccid(), type: 'ESIM' },
          { ...physicalRow(), lpa: '1$a$b' },
          { ...good },
        ],
      },
    })
    expect(rules.statusCode).toBe(400)
    expect(rules.json()).toMatchObject({ code: 'inventory.invalid_import' })
    expect(rules.json().errors.map((e: { path: string }) => e.path)).toEqual([
      '/body/sims/1/iccid',
      '/body/sims/2/lpa',
      '/body/sims/3/lpa',
      '/body/sims/4/iccid',
    ])
    expect(await listSims(tenant)).toEqual([])
  })

  it('answers 401 without a valid key, 403 without the admin scope, and replays', async () => {
    const tenant = await t.tenant()
    const payload = { sims: [physicalRow()] }
    await expectUnauthenticated(t, { method: 'POST', url: '/inventory/sims/import', payload })
    const writer = await makeApiKey(t.services, tenant.tenant, ['read', 'write', 'sims:puk'])
    expect((await t.request(writer, { method: 'POST', url: '/inventory/sims/import', payload })).statusCode).toBe(403)
    expect(await listSims(tenant)).toEqual([])
    const { first, status } = await expectReplay(t, tenant, { method: 'POST', url: '/inventory/sims/import', payload })
    expect([status, first]).toEqual([200, { imported: 1, skipped: 0 }])
  })
})

describe('GET /inventory/sims and /inventory/sims/{iccid}', () => {
  it('filters the list by status and type, for admin keys only', async () => {
    const tenant = await t.tenant()
    const [e, p, r] = [esimRow(), physicalRow(), physicalRow({ status: 'BRAND_RESERVED' })]
    await importSims(t, tenant, [e, p, r])
    const iccids = (items: { iccid: string }[]) => items.map((s) => s.iccid).sort()
    expect(iccids(await listSims(tenant, '&type=PHYSICAL'))).toEqual([p.iccid, r.iccid].sort())
    expect(iccids(await listSims(tenant, '&status[]=BRAND_RESERVED&status[]=RESERVED'))).toEqual([r.iccid])
    expect(iccids(await listSims(tenant, '&status=AVAILABLE&type=ESIM'))).toEqual([e.iccid])
    expect((await t.request(tenant, { method: 'GET', url: '/inventory/sims?status=LOST' })).statusCode).toBe(400)
    await expectUnauthenticated(t, { method: 'GET', url: '/inventory/sims' })
    const reader = await makeApiKey(t.services, tenant.tenant, ['read'])
    expect((await t.request(reader, { method: 'GET', url: '/inventory/sims' })).statusCode).toBe(403)
    // One SIM needs only the read scope.
    expect((await t.request(reader, { method: 'GET', url: `/inventory/sims/${e.iccid}` })).statusCode).toBe(200)
  })

  it("answers 404 for an unknown or another tenant's SIM, 400 for a malformed ICCID, 401 without a key", async () => {
    const tenant = await t.tenant()
    const stranger = await t.tenant()
    const sim = physicalRow()
    await importSims(t, tenant, [sim])
    await expectHiddenFrom(t, stranger, { method: 'GET', url: `/inventory/sims/${sim.iccid}` }, 'sim.not_found')
    await expectHiddenFrom(t, stranger, { method: 'GET', url: `/inventory/sims/${sim.iccid}/puk` }, 'sim.not_found')
    expect((await t.request(tenant, { method: 'GET', url: `/inventory/sims/${iccid()}` })).json().code).toBe(
      'sim.not_found',
    )
    const bad = await t.request(tenant, { method: 'GET', url: '/inventory/sims/12ab' })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().errors[0].path).toBe('/params/iccid')
    await expectUnauthenticated(t, { method: 'GET', url: `/inventory/sims/${sim.iccid}` })
    await expectUnauthenticated(t, { method: 'GET', url: `/inventory/sims/${sim.iccid}/puk` })
  })
})

describe('GET /inventory/sims/{iccid}/puk', () => {
  it('serves the PUKs only to keys with the sims:puk scope, recording each read with the actor', async () => {
    const tenant = await t.tenant() // its key holds every scope, sims:puk included
    const sim = physicalRow()
    await importSims(t, tenant, [sim])
    const res = await t.request(tenant, { method: 'GET', url: `/inventory/sims/${sim.iccid}/puk` })
    expect(res.statusCode).toBe(200)
    expect(res.headers['cache-control']).toBe('no-store')
    expect(res.json()).toEqual({ iccid: sim.iccid, puk1: '11112222', puk2: '33334444' })
    const narrowed = await makeApiKey(t.services, tenant.tenant, ['read', 'write', 'admin'])
    const forbidden = await t.request(narrowed, { method: 'GET', url: `/inventory/sims/${sim.iccid}/puk` })
    expect(forbidden.statusCode).toBe(403)
    expect(forbidden.json()).toMatchObject({ code: 'auth.missing_scope', requiredScope: 'sims:puk' })
    const pukOnly = await makeApiKey(t.services, tenant.tenant, ['sims:puk'])
    expect((await t.request(pukOnly, { method: 'GET', url: `/inventory/sims/${sim.iccid}/puk` })).statusCode).toBe(200)
    const events = await eventsAbout(t, tenant, sim.iccid)
    expect(events.map((e) => [e.type, e.data.viewedBy.id])).toEqual([
      ['sim.puk_viewed', tenant.keyId],
      ['sim.puk_viewed', pukOnly.id],
    ])
    expect(JSON.stringify(events)).not.toContain('11112222')
  })

  it('is a scope keys get by default, and can be asked for by name', async () => {
    const tenant = await t.tenant()
    const created = await t.request(tenant, { method: 'POST', url: '/api-keys', payload: { label: 'full' } })
    expect(created.json().apiKey.scopes).toEqual(['read', 'write', 'admin', 'sims:puk'])
    const named = await t.request(tenant, {
      method: 'POST',
      url: '/api-keys',
      payload: { scopes: ['sims:puk', 'read'] },
    })
    expect(named.json().apiKey.scopes).toEqual(['read', 'sims:puk'])
  })
})

describe('SIMs in fulfilment (the service, inside a transaction)', () => {
  it('reserves a named SIM or any eSIM, consumes it for a subscription, and releases it when an order is undone', async () => {
    const world = await subscriptionWorld(t)
    const [physical, esim, brand] = [physicalRow(), esimRow(), physicalRow({ status: 'BRAND_RESERVED' })]
    await importSims(t, world.tenant, [physical, esim, brand])
    const sims = t.services.sims
    const reserved = await inTransaction(t, world.tenant, (tx, ctx) =>
      sims.reserveSim(tx, ctx, { iccid: physical.iccid }),
    )
    expect(reserved).toMatchObject({ iccid: physical.iccid, status: 'RESERVED', esimProfile: null })
    expect(
      await errorOf(
        inTransaction(t, world.tenant, (tx, ctx) =>
          sims.reserveSim(tx, ctx, { iccid: physical.iccid }, '/body/lineItems/0/sim'),
        ),
      ),
    ).toMatchObject({
      code: 'inventory.sim_unavailable',
      details: { status: 'RESERVED' },
      fieldErrors: [{ path: '/body/lineItems/0/sim/iccid' }],
    })
    expect(
      await errorOf(inTransaction(t, world.tenant, (tx, ctx) => sims.reserveSim(tx, ctx, { iccid: brand.iccid }))),
    ).toMatchObject({ code: 'inventory.sim_unavailable' })
    expect(
      await errorOf(
        inTransaction(t, world.tenant, (tx, ctx) => sims.reserveSim(tx, ctx, { iccid: iccid() }, '/body/sim')),
      ),
    ).toMatchObject({
      code: 'inventory.sim_not_found',
      fieldErrors: [{ path: '/body/sim/iccid' }],
    })

    const picked = await inTransaction(t, world.tenant, (tx, ctx) => sims.reserveSim(tx, ctx, { esim: true }))
    expect(picked).toMatchObject({ iccid: esim.iccid, status: 'RESERVED', esimProfile: { status: 'ALLOCATED' } })
    expect(
      await errorOf(inTransaction(t, world.tenant, (tx, ctx) => sims.reserveSim(tx, ctx, { esim: true }, '/body/sim'))),
    ).toMatchObject({
      code: 'inventory.sim_unavailable',
      fieldErrors: [{ path: '/body/sim/esim' }],
    })

    const sub = await makeSubscription(t, world) // the SIM is consumed for it below, as fulfilment does
    const used = await inTransaction(t, world.tenant, (tx, ctx) =>
      sims.consumeSim(tx, ctx, esim.iccid, sub.subscriptionId),
    )
    expect(used).toMatchObject({
      status: 'IN_USE',
      subscriptionId: sub.subscriptionId,
      esimProfile: { status: 'RELEASED', lastOperationAt: new Date('2025-01-15T10:00:00.000Z') },
    })
    expect(
      await inTransaction(t, world.tenant, (tx, ctx) => sims.consumeSim(tx, ctx, esim.iccid, sub.subscriptionId)),
    ).toEqual(used)

    const undone = await inTransaction(t, world.tenant, (tx, ctx) => sims.releaseSim(tx, ctx, physical.iccid))
    expect(undone).toMatchObject({ status: 'AVAILABLE', subscriptionId: null })
    expect(
      await errorOf(inTransaction(t, world.tenant, (tx, ctx) => sims.releaseSim(tx, ctx, brand.iccid))),
    ).toMatchObject({ code: 'inventory.sim_unavailable' })
    expect(
      await errorOf(
        inTransaction(t, world.tenant, (tx, ctx) => sims.consumeSim(tx, ctx, brand.iccid, sub.subscriptionId)),
      ),
    ).toMatchObject({ code: 'inventory.sim_unavailable' })

    // The subscription ends: its SIM is used up for good.
    const cancel = await t.request(world.tenant, {
      method: 'POST',
      url: `/subscriptions/${sub.subscriptionId}/cancel`,
      payload: { schedule: { type: 'CancelNow' }, reason: 'NO_NEED' },
    })
    expect(cancel.statusCode, cancel.body).toBe(200)
    const consumed = (await t.request(world.tenant, { method: 'GET', url: `/inventory/sims/${esim.iccid}` })).json()
    expect(consumed).toMatchObject({
      status: 'CONSUMED',
      subscriptionId: sub.subscriptionId,
      esimProfile: { status: 'UNAVAILABLE' },
    })
    expect(
      await errorOf(inTransaction(t, world.tenant, (tx, ctx) => sims.releaseSim(tx, ctx, esim.iccid))),
    ).toMatchObject({ code: 'inventory.sim_unavailable' })
  })
})
