import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeApiKey } from '../../helpers/factories.js'
import { importNumbers, msisdns, poolOf } from '../../helpers/inventory.js'
import { expectReplay, expectUnauthenticated } from '../../helpers/security.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t.close())

describe('POST /inventory/numbers/import', () => {
  it('adds numbers AVAILABLE now, skipping and counting the ones the pool has', async () => {
    const tenant = await t.tenant()
    const [a, b, c] = msisdns(3) as [string, string, string]
    expect(
      await importNumbers(t, tenant, [
        { msisdn: a, type: 'CELL', grade: 5, metadata: { region: 'north', areaCode: '070' } },
        { msisdn: b, type: 'M2M' },
      ]),
    ).toEqual({ imported: 2, skipped: 0 })
    expect(
      await importNumbers(t, tenant, [
        { msisdn: b, type: 'DATA', grade: 9 },
        { msisdn: c, type: 'DATA' },
      ]),
    ).toEqual({ imported: 1, skipped: 1 })
    const pool = await poolOf(t, tenant)
    expect(pool.get(a)).toEqual({
      msisdn: a,
      type: 'CELL',
      grade: 5,
      status: 'AVAILABLE',
      availableAt: '2025-01-15T10:00:00.000Z',
      leasedAt: null,
      expiresAt: null,
      subscriptionId: null,
      metadata: { region: 'north', areaCode: '070' },
      createdAt: '2025-01-15T10:00:00.000Z',
      updatedAt: '2025-01-15T10:00:00.000Z',
    })
    expect(pool.get(b)).toMatchObject({ type: 'M2M', grade: 0 }) // the skipped row changed nothing
    expect(pool.get(c)).toMatchObject({ type: 'DATA', status: 'AVAILABLE' })
  })

  it('lists every bad row with its path and imports nothing', async () => {
    const tenant = await t.tenant()
    const [a, b] = msisdns(2) as [string, string]
    const res = await t.request(tenant, {
      method: 'POST',
      url: '/inventory/numbers/import',
      payload: {
        numbers: [
          { msisdn: a, type: 'CELL' },
          { msisdn: '0701234567', type: 'cell' },
          { msisdn: b, type: 'CELL', grade: -2 },
          { type: 'CELL' },
        ],
      },
    })
    expect(res.statusCode).toBe(400)
    expect(res.json().code).toBe('request.validation_failed')
    expect(res.json().errors.map((e: { path: string }) => e.path)).toEqual(
      expect.arrayContaining([
        '/body/numbers/1/msisdn',
        '/body/numbers/1/type',
        '/body/numbers/2/grade',
        '/body/numbers/3/msisdn',
      ]),
    )
    const duplicate = await t.request(tenant, {
      method: 'POST',
      url: '/inventory/numbers/import',
      payload: {
        numbers: [
          { msisdn: a, type: 'CELL' },
          { msisdn: b, type: 'CELL' },
          { msisdn: a, type: 'DATA' },
        ],
      },
    })
    expect(duplicate.statusCode).toBe(400)
    expect(duplicate.json()).toMatchObject({
      code: 'inventory.invalid_import',
      errors: [{ path: '/body/numbers/2/msisdn' }],
    })
    for (const payload of [{}, { numbers: [] }, { numbers: 'x' }]) {
      expect((await t.request(tenant, { method: 'POST', url: '/inventory/numbers/import', payload })).statusCode).toBe(
        400,
      )
    }
    expect((await poolOf(t, tenant)).size).toBe(0)
  })

  // 10 000 rows are seconds of work on embedded PGlite: a generous timeout for a loaded machine.
  it('takes up to 10 000 numbers per call, no more, in a body of up to 4 MiB', { timeout: 120_000 }, async () => {
    const tenant = await t.tenant()
    const many = msisdns(10_001).map((msisdn) => ({
      msisdn,
      type: 'CELL',
      metadata: { region: 'Stockholm', areaCode: '08' },
    }))
    const over = await t.request(tenant, {
      method: 'POST',
      url: '/inventory/numbers/import',
      payload: { numbers: many },
    })
    expect(over.statusCode).toBe(400)
    expect(over.json().errors).toEqual([{ path: '/body/numbers', message: expect.stringContaining('10000') }])
    expect(await importNumbers(t, tenant, many.slice(0, 10_000))).toEqual({ imported: 10_000, skipped: 0 })
    const res = await t.request(tenant, { method: 'GET', url: '/inventory/numbers?offset=0&limit=1' })
    expect(res.json().pagination.total).toBe(10_000)
    const huge = await t.request(tenant, {
      method: 'POST',
      url: '/inventory/numbers/import',
      payload: { numbers: [{ msisdn: msisdns(1)[0], type: 'CELL', metadata: { blob: 'x'.repeat(4 * 1024 * 1024) } }] },
    })
    expect(huge.statusCode).toBe(413)
    expect(huge.json()).toMatchObject({
      code: 'request.body_too_large',
      detail: 'The body is larger than the 4 MiB limit.',
    })
  })

  it('answers 401 without a valid key, 403 without the admin scope, and replays', async () => {
    const tenant = await t.tenant()
    const payload = { numbers: [{ msisdn: msisdns(1)[0], type: 'CELL' }] }
    await expectUnauthenticated(t, { method: 'POST', url: '/inventory/numbers/import', payload })
    const writer = await makeApiKey(t.services, tenant.tenant, ['read', 'write'])
    const forbidden = await t.request(writer, { method: 'POST', url: '/inventory/numbers/import', payload })
    expect(forbidden.statusCode).toBe(403)
    expect(forbidden.json()).toMatchObject({ code: 'auth.missing_scope', requiredScope: 'admin' })
    expect((await poolOf(t, tenant)).size).toBe(0)
    const { first, status } = await expectReplay(t, tenant, {
      method: 'POST',
      url: '/inventory/numbers/import',
      payload,
    })
    expect([status, first]).toEqual([200, { imported: 1, skipped: 0 }])
  })
})

describe('GET /inventory/numbers', () => {
  it("filters by status and type, pages by msisdn, and shows only the tenant's own numbers", async () => {
    const tenant = await t.tenant()
    const stranger = await t.tenant()
    const numbers = msisdns(5)
    await importNumbers(
      t,
      tenant,
      numbers.map((msisdn, i) => ({ msisdn, type: i % 2 === 0 ? 'CELL' : 'DATA', grade: i })),
    )
    await t.request(tenant, { method: 'POST', url: '/inventory/lease-numbers', payload: { types: ['DATA'], count: 1 } })
    const list = async (query: string) =>
      (await t.request(tenant, { method: 'GET', url: `/inventory/numbers?${query}` })).json()
    expect((await list('type=CELL')).items.map((n: { msisdn: string }) => n.msisdn)).toEqual([
      numbers[0],
      numbers[2],
      numbers[4],
    ])
    expect((await list('status[]=LEASED')).items).toMatchObject([
      {
        msisdn: numbers[1],
        status: 'LEASED',
        leasedAt: '2025-01-15T10:00:00.000Z',
        expiresAt: '2025-01-15T11:00:00.000Z',
      },
    ])
    expect((await list('status=AVAILABLE&type[]=DATA')).items.map((n: { msisdn: string }) => n.msisdn)).toEqual([
      numbers[3],
    ])
    const first = await list('limit=2')
    expect(first.items).toHaveLength(2)
    const second = await list(`limit=2&cursor=${first.pagination.nextCursor}`)
    expect(second.items.map((n: { msisdn: string }) => n.msisdn)).toEqual(numbers.slice(2, 4))
    expect((await poolOf(t, stranger)).size).toBe(0)
  })

  it('rejects bad filters, and needs a key with the admin scope', async () => {
    const tenant = await t.tenant()
    for (const query of ['status=GONE', 'type=cell', 'limit=0', 'cursor=nope']) {
      const res = await t.request(tenant, { method: 'GET', url: `/inventory/numbers?${query}` })
      expect(res.statusCode, query).toBe(400)
    }
    await expectUnauthenticated(t, { method: 'GET', url: '/inventory/numbers' })
    const reader = await makeApiKey(t.services, tenant.tenant, ['read', 'write'])
    expect((await t.request(reader, { method: 'GET', url: '/inventory/numbers' })).statusCode).toBe(403)
  })
})
