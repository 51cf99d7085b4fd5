import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeApiKey } from '../../helpers/factories.js'
import { importNumbers, lease, msisdns, poolOf } from '../../helpers/inventory.js'
import { expectReplay, expectUnauthenticated } from '../../helpers/security.js'
import { advanceTo, subscriptionWorld } from '../../helpers/subscriptions.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp() // the fake clock starts at 2025-01-15T10:00:00Z
})
afterAll(() => t.close())

const url = '/inventory/lease-numbers'

describe('POST /inventory/lease-numbers', () => {
  it('leases numbers of the asked types, lowest grade first, for one hour under one token', async () => {
    const tenant = await t.tenant()
    const [cheap, premium, data, m2m] = msisdns(4) as [string, string, string, string]
    await importNumbers(t, tenant, [
      { msisdn: premium, type: 'CELL', grade: 9, metadata: { region: 'north', areaCode: '070' } },
      { msisdn: cheap, type: 'CELL', grade: 1 },
      { msisdn: data, type: 'DATA', grade: 3 },
      { msisdn: m2m, type: 'M2M', grade: 0 },
    ])
    const first = await lease(t, tenant, ['CELL', 'DATA'], 2)
    expect(first).toEqual({
      numbers: [
        {
          msisdn: cheap,
          type: 'CELL',
          grade: 1,
          availableAt: '2025-01-15T10:00:00.000Z',
          leasedAt: '2025-01-15T10:00:00.000Z',
          expiresAt: '2025-01-15T11:00:00.000Z',
          metadata: {},
        },
        {
          msisdn: data,
          type: 'DATA',
          grade: 3,
          availableAt: '2025-01-15T10:00:00.000Z',
          leasedAt: '2025-01-15T10:00:00.000Z',
          expiresAt: '2025-01-15T11:00:00.000Z',
          metadata: {},
        },
      ],
      leaseToken: expect.stringMatching(/^lease_[A-Za-z0-9_-]{32}$/),
      expiresAt: '2025-01-15T11:00:00.000Z',
    })
    const second = await lease(t, tenant, ['CELL'], 1)
    expect(second.numbers).toMatchObject([
      { msisdn: premium, grade: 9, metadata: { region: 'north', areaCode: '070' } },
    ])
    expect(second.leaseToken).not.toBe(first.leaseToken)
    const pool = await poolOf(t, tenant)
    expect([cheap, premium, data, m2m].map((n) => pool.get(n)?.status)).toEqual([
      'LEASED',
      'LEASED',
      'LEASED',
      'AVAILABLE',
    ])
  })

  it('answers 422 inventory.numbers_unavailable with how many there are when the pool runs out, leasing nothing', async () => {
    const tenant = await t.tenant()
    await importNumbers(
      t,
      tenant,
      msisdns(3).map((msisdn) => ({ msisdn, type: 'CELL' })),
    )
    const res = await t.request(tenant, { method: 'POST', url, payload: { types: ['CELL'], count: 4 } })
    expect(res.statusCode).toBe(422)
    expect(res.json()).toMatchObject({
      code: 'inventory.numbers_unavailable',
      types: ['CELL'],
      requested: 4,
      available: 3,
    })
    expect([...(await poolOf(t, tenant)).values()].every((n) => n.status === 'AVAILABLE')).toBe(true)
    await lease(t, tenant, ['CELL'], 3)
    const empty = await t.request(tenant, { method: 'POST', url, payload: { types: ['CELL'], count: 1 } })
    expect(empty.json()).toMatchObject({ code: 'inventory.numbers_unavailable', available: 0 })
    const otherType = await t.request(tenant, { method: 'POST', url, payload: { types: ['LANDLINE'], count: 1 } })
    expect(otherType.json()).toMatchObject({ code: 'inventory.numbers_unavailable', available: 0 })
  })

  it("never leases another tenant's numbers", async () => {
    const owner = await t.tenant()
    const stranger = await t.tenant()
    await importNumbers(
      t,
      owner,
      msisdns(2).map((msisdn) => ({ msisdn, type: 'CELL' })),
    )
    expect(
      (await t.request(stranger, { method: 'POST', url, payload: { types: ['CELL'], count: 1 } })).json(),
    ).toMatchObject({ code: 'inventory.numbers_unavailable', available: 0 })
  })

  it('releases the unused numbers when the lease expires, an hour later on the test clock', async () => {
    const world = await subscriptionWorld(t)
    const numbers = msisdns(3)
    await importNumbers(
      t,
      world.tenant,
      numbers.map((msisdn) => ({ msisdn, type: 'CELL' })),
    )
    const leased = await lease(t, world.tenant, ['CELL'], 2)
    await advanceTo(t, world, '2025-01-15T10:59:59Z')
    expect([...(await poolOf(t, world.tenant)).values()].map((n) => n.status)).toEqual([
      'LEASED',
      'LEASED',
      'AVAILABLE',
    ])
    const advanced = await advanceTo(t, world, '2025-01-15T11:00:00Z')
    expect(advanced.jobsRun).toBeGreaterThanOrEqual(1)
    const pool = await poolOf(t, world.tenant)
    // availableAt says when each last became free: the released ones at the lease's end.
    expect([...pool.values()].map((n) => [n.status, n.leasedAt, n.expiresAt, n.availableAt])).toEqual([
      ['AVAILABLE', null, null, '2025-01-15T11:00:00.000Z'],
      ['AVAILABLE', null, null, '2025-01-15T11:00:00.000Z'],
      ['AVAILABLE', null, null, '2025-01-15T10:00:00.000Z'],
    ])
    // Free again: a new lease may take them.
    expect((await lease(t, world.tenant, ['CELL'], 3)).numbers.map((n: { msisdn: string }) => n.msisdn)).toEqual(
      numbers,
    )
    expect(leased.numbers.map((n: { msisdn: string }) => n.msisdn)).toEqual(numbers.slice(0, 2))
  })

  it('rejects bad requests with the field, leasing nothing', async () => {
    const tenant = await t.tenant()
    await importNumbers(
      t,
      tenant,
      msisdns(1).map((msisdn) => ({ msisdn, type: 'CELL' })),
    )
    const cases: [unknown, string][] = [
      [{ count: 1 }, '/body/types'],
      [{ types: [], count: 1 }, '/body/types'],
      [{ types: ['cell'], count: 1 }, '/body/types/0'],
      [{ types: ['CELL', 'CELL'], count: 1 }, '/body/types'],
      [{ types: ['CELL'] }, '/body/count'],
      [{ types: ['CELL'], count: 0 }, '/body/count'],
      [{ types: ['CELL'], count: 11 }, '/body/count'],
      [{ types: ['CELL'], count: '1' }, '/body/count'],
    ]
    for (const [payload, path] of cases) {
      const res = await t.request(tenant, { method: 'POST', url, payload: payload as Record<string, unknown> })
      expect(res.statusCode, JSON.stringify(payload)).toBe(400)
      expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(path)
    }
    expect([...(await poolOf(t, tenant)).values()].map((n) => n.status)).toEqual(['AVAILABLE'])
  })

  it('answers 401 without a valid key, 403 for a read-only key, and replays the same lease', async () => {
    const tenant = await t.tenant()
    await importNumbers(
      t,
      tenant,
      msisdns(2).map((msisdn) => ({ msisdn, type: 'CELL' })),
    )
    await expectUnauthenticated(t, { method: 'POST', url, payload: { types: ['CELL'], count: 1 } })
    const reader = await makeApiKey(t.services, tenant.tenant, ['read'])
    expect((await t.request(reader, { method: 'POST', url, payload: { types: ['CELL'], count: 1 } })).statusCode).toBe(
      403,
    )
    const { first, status } = await expectReplay(t, tenant, {
      method: 'POST',
      url,
      payload: { types: ['CELL'], count: 1 },
    })
    expect(status).toBe(201)
    const pool = await poolOf(t, tenant)
    expect([...pool.values()].filter((n) => n.status === 'LEASED').map((n) => n.msisdn)).toEqual([
      first.numbers[0].msisdn,
    ])
  })
})
