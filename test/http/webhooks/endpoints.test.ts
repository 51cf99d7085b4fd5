import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { idem, makeApiKey } from '../../helpers/factories.js'
import { expectHiddenFrom, expectReplay, expectUnauthenticated } from '../../helpers/security.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'
import { createEndpoint } from '../../helpers/webhooks.js'

/** Registering, reading, changing and deleting webhook endpoints through the API. */
let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t.close())

const URL_A = 'http://127.0.0.1:9/a'

describe('webhook endpoints', () => {
  it('creates an endpoint and shows its secret only in the answer', async () => {
    const tenant = await t.tenant()
    const { endpoint, secret } = await createEndpoint(t, tenant, {
      url: URL_A,
      description: 'crm',
      eventTypes: ['order.*', 'subscription.updated'],
      headers: { 'X-Gateway-Token': 'abc' },
      metadata: { team: 'billing' },
    })
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/)
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32)
    expect(endpoint).toMatchObject({
      url: URL_A,
      description: 'crm',
      eventTypes: ['order.*', 'subscription.updated'],
      enabled: true,
      disabledReason: null,
      headers: { 'x-gateway-token': 'abc' },
      metadata: { team: 'billing' },
      previousSecretExpiresAt: null,
    })
    const got = await t.request(tenant, { method: 'GET', url: `/webhook-endpoints/${endpoint.webhookEndpointId}` })
    expect(got.statusCode).toBe(200)
    expect(got.json()).toEqual(endpoint)
    const list = await t.request(tenant, { method: 'GET', url: '/webhook-endpoints' })
    expect(list.json().items).toEqual([endpoint])
    // The secret is in no listing, no event and not in the database in the clear.
    expect(got.body + list.body).not.toContain(secret.slice(6))
    const events = await t.request(tenant, { method: 'GET', url: '/events' })
    expect(events.body).not.toContain(secret.slice(6))
    const [row] = (
      (await t.services.db.execute(
        `SELECT secret_ciphertext FROM webhook_endpoint WHERE id = '${endpoint.webhookEndpointId}'` as never,
      )) as unknown as { rows: { secret_ciphertext: string }[] }
    ).rows
    expect(row?.secret_ciphertext).toMatch(/^v1:/)
    expect(row?.secret_ciphertext).not.toContain(secret.slice(6))
  })

  it('pages the list', async () => {
    const tenant = await t.tenant()
    for (let i = 0; i < 3; i++) await createEndpoint(t, tenant, { url: `${URL_A}${i}` })
    const first = await t.request(tenant, { method: 'GET', url: '/webhook-endpoints?limit=2' })
    expect(first.json().items).toHaveLength(2)
    const cursor = first.json().pagination.nextCursor as string
    const second = await t.request(tenant, { method: 'GET', url: `/webhook-endpoints?limit=2&cursor=${cursor}` })
    expect(second.json().items).toHaveLength(1)
    expect(second.json().pagination.nextCursor).toBeNull()
  })

  it('changes and deletes an endpoint', async () => {
    const tenant = await t.tenant()
    const { endpoint } = await createEndpoint(t, tenant, { url: URL_A })
    const url = `/webhook-endpoints/${endpoint.webhookEndpointId}`
    const patched = await t.request(tenant, {
      method: 'PATCH',
      url,
      payload: { description: 'new', eventTypes: ['license.*'], enabled: false },
    })
    expect(patched.statusCode, patched.body).toBe(200)
    expect(patched.json()).toMatchObject({
      description: 'new',
      eventTypes: ['license.*'],
      enabled: false,
      disabledReason: 'manual',
    })
    const back = await t.request(tenant, { method: 'PATCH', url, payload: { eventTypes: null, enabled: true } })
    expect(back.json()).toMatchObject({ eventTypes: null, enabled: true, disabledReason: null })
    const deleted = await t.request(tenant, { method: 'DELETE', url })
    expect(deleted.statusCode).toBe(200)
    expect((await t.request(tenant, { method: 'GET', url })).statusCode).toBe(404)
  })

  it('rejects bad input and writes nothing', async () => {
    const tenant = await t.tenant()
    const cases: [Record<string, unknown>, string][] = [
      [{ url: 'ftp://example.test/x' }, 'webhook_endpoint.url_invalid'],
      [{ url: 'http://user:pw@127.0.0.1/x' }, 'webhook_endpoint.url_invalid'],
      [{ url: 'not a url' }, 'webhook_endpoint.url_invalid'],
      [{ url: URL_A, eventTypes: ['order.submitted', 'order.nope'] }, 'webhook.unknown_event_type'],
      [{ url: URL_A, eventTypes: ['nothing.*'] }, 'webhook.unknown_event_type'],
      [{ url: URL_A, headers: { 'webhook-signature': 'x' } }, 'webhook_endpoint.invalid_headers'],
      [{}, 'request.invalid'],
    ]
    for (const [payload, code] of cases) {
      const res = await t.request(tenant, { method: 'POST', url: '/webhook-endpoints', payload })
      expect(res.statusCode, JSON.stringify(payload)).toBe(400)
      if (code !== 'request.invalid') expect(res.json().code).toBe(code)
    }
    const unknown = await t.request(tenant, {
      method: 'POST',
      url: '/webhook-endpoints',
      payload: { url: URL_A, eventTypes: ['order.nope'] },
    })
    expect(unknown.json().detail).toContain('order.nope')
    expect(unknown.json().errors).toEqual([{ path: '/body/eventTypes/0', message: "unknown event type 'order.nope'" }])
    const list = await t.request(tenant, { method: 'GET', url: '/webhook-endpoints' })
    expect(list.json().items).toEqual([])
  })

  it('rotates the secret with a grace', async () => {
    const tenant = await t.tenant()
    const { endpoint, secret } = await createEndpoint(t, tenant, { url: URL_A })
    const res = await t.request(tenant, {
      method: 'POST',
      url: `/webhook-endpoints/${endpoint.webhookEndpointId}/rotate-secret`,
      payload: { graceSeconds: 3600 },
    })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json().secret).toMatch(/^whsec_/)
    expect(res.json().secret).not.toBe(secret)
    expect(res.json().endpoint.previousSecretExpiresAt).toBe('2025-01-15T11:00:00.000Z')
  })

  it('lists every event type with a description', async () => {
    const tenant = await t.tenant()
    const res = await t.request(tenant, { method: 'GET', url: '/webhook-event-types' })
    expect(res.statusCode).toBe(200)
    const types = (res.json().items as { type: string; description: string }[]).map((i) => i.type)
    for (const type of ['order.submitted', 'subscription.created', 'subscription.portIn.completed', 'license.renewed'])
      expect(types).toContain(type)
    expect(types).toContain('webhook_endpoint.disabled')
  })
})

describe('webhook endpoint security', () => {
  it('answers 401 without a key, 403 to a read key on writes, 404 to another tenant', async () => {
    const tenant = await t.tenant()
    const { endpoint } = await createEndpoint(t, tenant, { url: URL_A })
    const id = endpoint.webhookEndpointId as string
    const reader = await makeApiKey(t.services, tenant.tenant, ['read'])
    const stranger = await t.tenant()
    const writes = [
      { method: 'POST', url: '/webhook-endpoints', payload: { url: URL_A } },
      { method: 'PATCH', url: `/webhook-endpoints/${id}`, payload: { description: 'x' } },
      { method: 'DELETE', url: `/webhook-endpoints/${id}` },
      { method: 'POST', url: `/webhook-endpoints/${id}/rotate-secret`, payload: {} },
      { method: 'POST', url: `/webhook-endpoints/${id}/test`, payload: {} },
      { method: 'POST', url: `/webhook-endpoints/${id}/replay`, payload: { since: '2025-01-01T00:00:00Z' } },
    ] as const
    for (const write of writes) {
      await expectUnauthenticated(t, write)
      const forbidden = await t.request(reader, write)
      expect(forbidden.statusCode, `${write.method} ${write.url}`).toBe(403)
    }
    for (const write of writes.slice(1)) await expectHiddenFrom(t, stranger, write, 'webhook_endpoint.not_found')
    const reads = [
      { method: 'GET', url: `/webhook-endpoints/${id}` },
      { method: 'GET', url: `/webhook-endpoints/${id}/deliveries` },
    ] as const
    for (const read of reads) {
      await expectUnauthenticated(t, read)
      expect((await t.request(reader, read)).statusCode).toBe(200)
      await expectHiddenFrom(t, stranger, read, 'webhook_endpoint.not_found')
    }
    await expectUnauthenticated(t, { method: 'GET', url: '/webhook-endpoints' })
    const strangerList = await t.request(stranger, { method: 'GET', url: '/webhook-endpoints' })
    expect(strangerList.json().items).toEqual([])
    // Nothing changed.
    const after = await t.request(tenant, { method: 'GET', url: `/webhook-endpoints/${id}` })
    expect(after.json()).toEqual(endpoint)
  })

  it('replays writes by idempotency key, without the secret', async () => {
    const tenant = await t.tenant()
    const create = { method: 'POST', url: '/webhook-endpoints', payload: { url: URL_A }, headers: idem() } as const
    const first = await t.request(tenant, create)
    const replayed = await t.request(tenant, create)
    expect(replayed.headers['idempotent-replayed']).toBe('true')
    expect(replayed.json()).toEqual({ ...first.json(), secret: 'whsec_…' })
    const list = await t.request(tenant, { method: 'GET', url: '/webhook-endpoints' })
    expect(list.json().items).toHaveLength(1)
    const id = first.json().endpoint.webhookEndpointId as string
    const key = idem()
    const rotated = await t.request(tenant, {
      method: 'POST',
      url: `/webhook-endpoints/${id}/rotate-secret`,
      payload: {},
      headers: key,
    })
    const again = await t.request(tenant, {
      method: 'POST',
      url: `/webhook-endpoints/${id}/rotate-secret`,
      payload: {},
      headers: key,
    })
    expect(rotated.json().secret).toMatch(/^whsec_.{44}$/)
    expect(again.headers['idempotent-replayed']).toBe('true')
    expect(again.json().secret).toBe('whsec_…')
    await expectReplay(t, tenant, { method: 'PATCH', url: `/webhook-endpoints/${id}`, payload: { description: 'd' } })
    await expectReplay(t, tenant, { method: 'DELETE', url: `/webhook-endpoints/${id}` })
  })
})
