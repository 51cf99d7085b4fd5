import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventsAbout } from '../../helpers/parties.js'
import type { World } from '../../helpers/subscriptions.js'
import { advanceTo, makeSubscription, subscriptionWorld, timelineOf } from '../../helpers/subscriptions.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'
import { V2_AUDIENCE, V2_SECRET, addOnsUrl, orgBearer, v2 } from '../../helpers/v2.js'

/** The four V2 operations (seed 003) with HS256 tokens: add, get, list and deactivate. */
let t: TestApp
beforeAll(async () => {
  t = await createTestApp({ v2: { jwtSecret: V2_SECRET } }) // 2025-01-15T10:00:00Z
})
afterAll(() => t.close())

async function setup(): Promise<{ world: World; org: string; sub: string; auth: { headers: Record<string, string> } }> {
  const world = await subscriptionWorld(t)
  const sub = (await makeSubscription(t, world)).subscriptionId as string
  const org = world.tenant.tenant.name
  return { world, org, sub, auth: await orgBearer(t, org, { sub: 'john.doe@masorange.es' }) }
}

describe('add an add-on (POST …/add_ons)', () => {
  it('adds now: 201 with every AddOn field, the audit fields from the token, and server-owned fields ignored', async () => {
    const { world, org, sub, auth } = await setup()
    const res = await v2(t, auth, {
      method: 'POST',
      url: addOnsUrl(org, sub),
      payload: {
        catalogue_add_on_id: 'addon-data-5gb',
        catalogue_add_on_legacy_id: 'APOLLO-5GB',
        legacy_id: 4711,
        provider_product_id: 'telna-5gb',
        provider_service_id: 'telna-service-1',
        status: 'DEACTIVATED',
        creation_user: 'mallory',
        creation_date: '1999-01-01T00:00:00Z',
        deactivation_date: '2030-01-01T00:00:00Z',
      },
    })
    expect(res.status, res.raw).toBe(201)
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      legacy_id: 4711,
      catalogue_add_on_legacy_id: 'APOLLO-5GB',
      catalogue_add_on_id: 'addon-data-5gb',
      creation_date: '2025-01-15T10:00:00.000Z',
      creation_system: V2_AUDIENCE,
      creation_user: 'john.doe@masorange.es',
      last_updated_date: '2025-01-15T10:00:00.000Z',
      status: 'ACTIVE',
      activation_date: '2025-01-15T10:00:00.000Z',
      deactivation_date: null,
      deactivation_system: null,
      deactivation_user: null,
      provider_product_id: 'telna-5gb',
      provider_service_id: 'telna-service-1',
    })
    const got = await v2(t, auth, { method: 'GET', url: addOnsUrl(org, sub, `/${res.body.id}`) })
    expect(got.body).toEqual(res.body)
    // The same add-on domain: the Connect events were written.
    const types = (await eventsAbout(t, world.tenant, res.body.id)).map((e) => e.type)
    expect(types).toEqual(['subscription.addon.added', 'subscription.addon.activated'])
  })

  it('schedules it at activation_date: REQUESTED with that activation_date, ACTIVE once the test clock passes it', async () => {
    const { world, org, sub, auth } = await setup()
    const res = await v2(t, auth, {
      method: 'POST',
      url: addOnsUrl(org, sub),
      payload: { catalogue_add_on_id: 'addon-data-1gb', activation_date: '2025-02-01T08:30:00+01:00' },
    })
    expect(res.status, res.raw).toBe(201)
    expect(res.body).toMatchObject({
      status: 'REQUESTED',
      activation_date: '2025-02-01T07:30:00.000Z',
      deactivation_date: null,
    })
    await advanceTo(t, world, '2025-02-01T07:29:59Z')
    expect((await v2(t, auth, { method: 'GET', url: addOnsUrl(org, sub, `/${res.body.id}`) })).body.status).toBe(
      'REQUESTED',
    )
    await advanceTo(t, world, '2025-02-01T07:30:00Z')
    const active = (await v2(t, auth, { method: 'GET', url: addOnsUrl(org, sub, `/${res.body.id}`) })).body
    expect(active).toMatchObject({
      status: 'ACTIVE',
      activation_date: '2025-02-01T07:30:00.000Z',
      creation_date: '2025-01-15T10:00:00.000Z',
    })
  })

  it('is idempotent by a client id: the same body answers the add-on, another body (or subscription) is a 409', async () => {
    const { world, org, sub, auth } = await setup()
    const id = randomUUID()
    const body = { id, catalogue_add_on_id: 'addon-data-1gb', legacy_id: 12 }
    const first = await v2(t, auth, { method: 'POST', url: addOnsUrl(org, sub), payload: body })
    expect(first.status, first.raw).toBe(201)
    expect(first.body.id).toBe(id)
    // A retry with the same id and body (key order and server-owned fields aside) answers the same add-on,
    // although the add-on's limit of one per subscription would now refuse a new one.
    const again = await v2(t, auth, {
      method: 'POST',
      url: addOnsUrl(org, sub),
      payload: { legacy_id: 12, catalogue_add_on_id: 'addon-data-1gb', id: id.toUpperCase(), status: 'ACTIVE' },
    })
    expect(again.status, again.raw).toBe(201)
    expect(again.body).toEqual(first.body)
    const changed = await v2(t, auth, { method: 'POST', url: addOnsUrl(org, sub), payload: { ...body, legacy_id: 13 } })
    expect(changed.status).toBe(409)
    expect(changed.body).toMatchObject({
      code: 'subscription_addon.id_taken',
      requestId: changed.headers['x-request-id'],
    })
    const other = (await makeSubscription(t, world, { msisdn: '+15557654321' })).subscriptionId as string
    expect((await v2(t, auth, { method: 'POST', url: addOnsUrl(org, other), payload: body })).status).toBe(409)
    expect((await v2(t, auth, { method: 'GET', url: addOnsUrl(org, sub) })).body.total).toBe(1)
    expect((await v2(t, auth, { method: 'GET', url: addOnsUrl(org, other) })).body.total).toBe(0)
    expect((await eventsAbout(t, world.tenant, id)).filter((e) => e.type === 'subscription.addon.added')).toHaveLength(
      1,
    )
  })

  it('refuses bad bodies with a 400 naming the field, and rules the subscription breaks with a 409; nothing is written', async () => {
    const { org, sub, auth } = await setup()
    const cases: [Record<string, unknown>, number, string, string?][] = [
      [{}, 400, 'request.validation_failed', '/body/catalogue_add_on_id'],
      [{ catalogue_add_on_id: 'addon-data-1gb', id: 'not-a-uuid' }, 400, 'request.validation_failed', '/body/id'],
      [{ catalogue_add_on_id: 'addon-data-1gb', legacy_id: 'x' }, 400, 'request.validation_failed', '/body/legacy_id'],
      [
        { catalogue_add_on_id: 'addon-data-1gb', activation_date: 'next week' },
        400,
        'request.invalid_date',
        '/body/activation_date',
      ],
      [{ catalogue_add_on_id: 'no-such-add-on' }, 400, 'product_offering.not_found', '/body/catalogue_add_on_id'],
      [{ catalogue_add_on_id: 'mobile-plan-basic' }, 400, 'addon.offering_not_an_addon'],
    ]
    for (const [payload, status, code, path] of cases) {
      const res = await v2(t, auth, { method: 'POST', url: addOnsUrl(org, sub), payload })
      expect(res.status, JSON.stringify(payload)).toBe(status)
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8')
      expect(res.body).toMatchObject({ code, message: expect.any(String), requestId: res.headers['x-request-id'] })
      if (path) expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path)
    }
    expect((await v2(t, auth, { method: 'GET', url: addOnsUrl(org, sub) })).body.total).toBe(0)
    expect(
      (
        await v2(t, auth, {
          method: 'POST',
          url: addOnsUrl(org, sub),
          payload: { catalogue_add_on_id: 'addon-data-1gb' },
        })
      ).status,
    ).toBe(201)
    const limit = await v2(t, auth, {
      method: 'POST',
      url: addOnsUrl(org, sub),
      payload: { catalogue_add_on_id: 'addon-data-1gb' },
    })
    expect(limit.status).toBe(409)
    expect(limit.body.code).toBe('addon.limit_reached')
    expect((await v2(t, auth, { method: 'GET', url: addOnsUrl(org, sub) })).body.total).toBe(1)
  })
})

describe('get an add-on (GET …/add_ons/{addonId})', () => {
  it('answers 404 for an unknown add-on, another subscription’s add-on, and an unknown subscription; 400 for a malformed id', async () => {
    const { world, org, sub, auth } = await setup()
    const added = (
      await v2(t, auth, {
        method: 'POST',
        url: addOnsUrl(org, sub),
        payload: { catalogue_add_on_id: 'addon-data-1gb' },
      })
    ).body
    const other = (await makeSubscription(t, world, { msisdn: '+15557654321' })).subscriptionId as string
    const cases: [string, number, string][] = [
      [addOnsUrl(org, sub, `/${randomUUID()}`), 404, 'subscription_addon.not_found'],
      [addOnsUrl(org, other, `/${added.id}`), 404, 'subscription_addon.not_found'],
      [addOnsUrl(org, randomUUID(), `/${added.id}`), 404, 'subscription.not_found'],
      [addOnsUrl(org, randomUUID()), 404, 'subscription.not_found'],
      [addOnsUrl(org, sub, '/rid_x'), 400, 'request.validation_failed'],
      [addOnsUrl(org, 'nope'), 400, 'request.validation_failed'],
    ]
    for (const [url, status, code] of cases) {
      const res = await v2(t, auth, { method: 'GET', url })
      expect(res.status, url).toBe(status)
      expect(res.body.code, url).toBe(code)
    }
  })
})

describe('deactivate an add-on (POST …/add_ons/{addonId}/deactivate)', () => {
  it('accepts at once (202, no body); the worker deactivates it, with the token’s audit fields; again is a 409', async () => {
    const { org, sub, auth } = await setup()
    const added = (
      await v2(t, auth, {
        method: 'POST',
        url: addOnsUrl(org, sub),
        payload: { catalogue_add_on_id: 'addon-data-5gb' },
      })
    ).body
    const closer = await orgBearer(t, org, { aud: 'crm.example.com', sub: undefined, email: 'agent@example.com' })
    const res = await v2(t, closer, {
      method: 'POST',
      url: addOnsUrl(org, sub, `/${added.id}/deactivate`),
      payload: { reason: 'SUBSCRIBER_RESIGNATION' },
    })
    expect(res.status, res.raw).toBe(202)
    expect(res.raw).toBe('')
    // Accepted, not done: the worker has not run yet.
    const pending = (await v2(t, auth, { method: 'GET', url: addOnsUrl(org, sub, `/${added.id}`) })).body
    expect(pending).toMatchObject({
      status: 'ACTIVE',
      deactivation_date: '2025-01-15T10:00:00.000Z',
      deactivation_system: 'crm.example.com',
      deactivation_user: 'agent@example.com',
    })
    await t.worker.drain()
    const done = (await v2(t, auth, { method: 'GET', url: addOnsUrl(org, sub, `/${added.id}`) })).body
    expect(done).toMatchObject({
      status: 'DEACTIVATED',
      activation_date: '2025-01-15T10:00:00.000Z',
      deactivation_date: '2025-01-15T10:00:00.000Z',
      deactivation_system: 'crm.example.com',
      deactivation_user: 'agent@example.com',
      creation_user: 'john.doe@masorange.es',
    })
    const again = await v2(t, closer, {
      method: 'POST',
      url: addOnsUrl(org, sub, `/${added.id}/deactivate`),
      payload: { reason: 'SUBSCRIBER_RESIGNATION' },
    })
    expect(again.status).toBe(409)
    expect(again.body.code).toBe('addon.not_found')
  })

  it('deactivates at deactivation_date: ACTIVE until the test clock reaches it, then DEACTIVATED by whoever asked', async () => {
    const { world, org, sub, auth } = await setup()
    const added = (
      await v2(t, auth, {
        method: 'POST',
        url: addOnsUrl(org, sub),
        payload: { catalogue_add_on_id: 'addon-data-5gb' },
      })
    ).body
    const res = await v2(t, auth, {
      method: 'POST',
      url: addOnsUrl(org, sub, `/${added.id}/deactivate`),
      payload: { reason: 'SUBSCRIBER_RESIGNATION', deactivation_date: '2025-03-01T00:00:00Z' },
    })
    expect(res.status, res.raw).toBe(202)
    await t.worker.drain()
    const scheduled = (await v2(t, auth, { method: 'GET', url: addOnsUrl(org, sub, `/${added.id}`) })).body
    expect(scheduled).toMatchObject({
      status: 'ACTIVE',
      deactivation_date: '2025-03-01T00:00:00.000Z',
      deactivation_system: V2_AUDIENCE,
      deactivation_user: 'john.doe@masorange.es',
    })
    await advanceTo(t, world, '2025-02-28T23:59:59Z')
    expect((await v2(t, auth, { method: 'GET', url: addOnsUrl(org, sub, `/${added.id}`) })).body.status).toBe('ACTIVE')
    await advanceTo(t, world, '2025-03-01T00:00:00Z')
    const done = (await v2(t, auth, { method: 'GET', url: addOnsUrl(org, sub, `/${added.id}`) })).body
    expect(done).toMatchObject({
      status: 'DEACTIVATED',
      deactivation_date: '2025-03-01T00:00:00.000Z',
      deactivation_system: V2_AUDIENCE,
      deactivation_user: 'john.doe@masorange.es',
      last_updated_date: '2025-03-01T00:00:00.000Z',
    })
  })

  it("names the token's user on the subscription's timeline, for a change done now and one applied later", async () => {
    const { world, org, sub, auth } = await setup()
    const added = (
      await v2(t, auth, {
        method: 'POST',
        url: addOnsUrl(org, sub),
        payload: { catalogue_add_on_id: 'addon-data-5gb' },
      })
    ).body
    const closer = await orgBearer(t, org, { aud: 'crm.example.com', sub: undefined, email: 'agent@example.com' })
    await v2(t, closer, {
      method: 'POST',
      url: addOnsUrl(org, sub, `/${added.id}/deactivate`),
      payload: { reason: 'SUBSCRIBER_RESIGNATION', deactivation_date: '2025-03-01T00:00:00Z' },
    })
    await t.worker.drain()
    const about = (items: Awaited<ReturnType<typeof timelineOf>>, kind: string) =>
      items.filter((i) => i.kind === kind && i.details.subscriptionAddonId === added.id)
    const before = await timelineOf(t, world, sub)
    expect(about(before, 'addon_activated')).toMatchObject([
      { state: 'DONE', actor: { user: 'john.doe@masorange.es' } },
    ])
    await advanceTo(t, world, '2025-03-01T00:00:00Z')
    const after = await timelineOf(t, world, sub)
    expect(about(after, 'addon_cancelled')).toMatchObject([
      { state: 'DONE', at: '2025-03-01T00:00:00.000Z', actor: { label: 'crm.example.com', user: 'agent@example.com' } },
    ])
    // A key has no user behind it: null, never left out.
    const created = after.find((i) => i.kind === 'created')
    expect(created?.actor).toMatchObject({ type: 'api_key', user: null })
  })

  it('withdraws a REQUESTED add-on: CANCELLED, never activated', async () => {
    const { org, sub, auth } = await setup()
    const added = (
      await v2(t, auth, {
        method: 'POST',
        url: addOnsUrl(org, sub),
        payload: { catalogue_add_on_id: 'addon-data-1gb', activation_date: '2025-04-01' },
      })
    ).body
    const res = await v2(t, auth, {
      method: 'POST',
      url: addOnsUrl(org, sub, `/${added.id}/deactivate`),
      payload: { reason: 'SUBSCRIBER_RESIGNATION', deactivation_date: '2025-05-01' },
    })
    expect(res.status).toBe(202)
    await t.worker.drain()
    const withdrawn = (await v2(t, auth, { method: 'GET', url: addOnsUrl(org, sub, `/${added.id}`) })).body
    expect(withdrawn).toMatchObject({
      status: 'CANCELLED',
      activation_date: null,
      deactivation_date: '2025-01-15T10:00:00.000Z',
      deactivation_user: 'john.doe@masorange.es',
    })
  })

  it('refuses a bad body (400), an unknown add-on (404), and writes nothing', async () => {
    const { org, sub, auth } = await setup()
    const added = (
      await v2(t, auth, {
        method: 'POST',
        url: addOnsUrl(org, sub),
        payload: { catalogue_add_on_id: 'addon-data-1gb' },
      })
    ).body
    const cases: [string, Record<string, unknown>, number, string, string?][] = [
      [added.id, {}, 400, 'request.validation_failed', '/body/reason'],
      [added.id, { reason: 'BORED' }, 400, 'request.validation_failed', '/body/reason'],
      [
        added.id,
        { reason: 'SUBSCRIBER_RESIGNATION', deactivation_date: '31/12/2025' },
        400,
        'request.invalid_date',
        '/body/deactivation_date',
      ],
      [randomUUID(), { reason: 'SUBSCRIBER_RESIGNATION' }, 404, 'subscription_addon.not_found'],
    ]
    for (const [id, payload, status, code, path] of cases) {
      const res = await v2(t, auth, { method: 'POST', url: addOnsUrl(org, sub, `/${id}/deactivate`), payload })
      expect(res.status, JSON.stringify(payload)).toBe(status)
      expect(res.body.code).toBe(code)
      if (path) expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path)
    }
    await t.worker.drain()
    expect((await v2(t, auth, { method: 'GET', url: addOnsUrl(org, sub, `/${added.id}`) })).body).toMatchObject({
      status: 'ACTIVE',
      deactivation_date: null,
    })
  })
})
