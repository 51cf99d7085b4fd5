import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SignJWT, UnsecuredJWT } from 'jose'
import { makeApiKey } from '../../helpers/factories.js'
import { makeSubscription, subscriptionWorld } from '../../helpers/subscriptions.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'
import type { SigningKey } from '../../helpers/v2.js'
import {
  V2_AUDIENCE,
  V2_ISSUER,
  V2_SECRET,
  addOnsUrl,
  bearer,
  orgBearer,
  serveJwks,
  signingKey,
  token,
  v2,
} from '../../helpers/v2.js'

/**
 * V2 authentication with real signed tokens: HS256 with the shared secret, RS256 and ES256 from a
 * JWKS this test serves itself; API keys of the org's tenant; 401, 404 and 403 in that order.
 */
let t: TestApp
let jwks: Awaited<ReturnType<typeof serveJwks>>
let rsa: SigningKey
let ec: SigningKey
let stranger: SigningKey
let org: string
let sub: string

beforeAll(async () => {
  ;[rsa, ec, stranger] = await Promise.all([
    signingKey('RS256', 'rsa-1'),
    signingKey('ES256', 'ec-1'),
    signingKey('ES256', 'ec-1'),
  ])
  jwks = await serveJwks([rsa, ec])
  t = await createTestApp({
    v2: {
      jwtSecret: V2_SECRET,
      jwksUrl: jwks.url,
      jwtAudience: [V2_AUDIENCE, 'crm.example.com'],
      jwtIssuer: V2_ISSUER,
    },
  })
  const world = await subscriptionWorld(t)
  sub = (await makeSubscription(t, world)).subscriptionId as string
  org = world.tenant.tenant.name
})
afterAll(async () => {
  await t.close()
  await jwks.close()
})

const list = () => ({ method: 'GET' as const, url: addOnsUrl(org, sub) })
const add = () => ({
  method: 'POST' as const,
  url: addOnsUrl(org, sub),
  payload: { catalogue_add_on_id: 'addon-roaming-eu-7d' },
})

describe('V2 bearer tokens', () => {
  it('accepts HS256, RS256 and ES256 tokens, each recorded with its audience and subject', async () => {
    const cases: [string, { key?: SigningKey }, string][] = [
      ['hs256-user', {}, V2_AUDIENCE],
      ['rs256-user', { key: rsa }, 'crm.example.com'],
      ['es256-user', { key: ec }, V2_AUDIENCE],
    ]
    for (const [user, options, audience] of cases) {
      const auth = bearer(await token(t, { orgs: [org], sub: user, aud: [audience, 'somewhere-else'] }, options))
      const res = await v2(t, auth, add())
      expect(res.status, `${user}: ${res.raw}`).toBe(201)
      expect(res.body).toMatchObject({ creation_system: audience, creation_user: user })
      expect((await v2(t, auth, list())).status).toBe(200)
    }
    expect(jwks.hits()).toBeGreaterThan(0)
  })

  it('answers 401 for missing, malformed, expired, wrongly signed, unsigned, and wrong-audience or wrong-issuer tokens', async () => {
    const before = (await v2(t, await orgBearer(t, org), list())).body.total
    const now = Math.floor(t.clock.now().getTime() / 1000)
    const claims = { orgs: [org], sub: 'x', scope: 'add_ons:write', aud: V2_AUDIENCE, iss: V2_ISSUER }
    const cases: [string, Record<string, string>, string][] = [
      ['no credentials', {}, 'auth.missing_credentials'],
      [
        'not a bearer',
        { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
        'auth.invalid_authorization',
      ],
      ['not a JWT', { authorization: 'Bearer abc.def' }, 'auth.invalid_token'],
      ['expired', bearer(await token(t, claims, { expiresIn: -120 })).headers, 'auth.token_expired'],
      [
        'another secret',
        bearer(await token(t, claims, { secret: 'another-secret-of-at-least-32-characters!' })).headers,
        'auth.invalid_token',
      ],
      ['a key not in the JWKS', bearer(await token(t, claims, { key: stranger })).headers, 'auth.invalid_token'],
      [
        'unsigned (alg none)',
        bearer(new UnsecuredJWT(claims).setExpirationTime(now + 600).encode()).headers,
        'auth.invalid_token',
      ],
      [
        'no exp',
        bearer(await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(V2_SECRET)))
          .headers,
        'auth.invalid_token',
      ],
      ['wrong audience', bearer(await token(t, { ...claims, aud: 'evil.example.com' })).headers, 'auth.invalid_token'],
      [
        'wrong issuer',
        bearer(await token(t, { ...claims, iss: 'https://evil.example.com' }, { key: ec })).headers,
        'auth.invalid_token',
      ],
      [
        'unknown API key',
        { 'x-api-key': `ol_sandbox_${Buffer.alloc(64, 9).toString('base64url')}` },
        'auth.invalid_api_key',
      ],
    ]
    for (const [what, headers, code] of cases) {
      for (const options of [list(), add()]) {
        const res = await v2(t, { headers }, options)
        expect(res.status, `${what} ${options.method}`).toBe(401)
        expect(res.body, what).toEqual({ code, message: expect.any(String), requestId: res.headers['x-request-id'] })
        expect(res.headers['www-authenticate'], what).toMatch(/^Bearer realm="openline"/)
      }
    }
    expect((await v2(t, await orgBearer(t, org), list())).body.total).toBe(before)
  })

  it('answers 404, with no hint, for a valid token of another org, for an unknown org, and with no orgs claim', async () => {
    const other = await t.tenant()
    const mine = await orgBearer(t, org)
    const theirs = await orgBearer(t, other.tenant.name)
    const responses = [
      await v2(t, theirs, list()),
      await v2(t, mine, { method: 'GET', url: addOnsUrl(other.tenant.name, sub) }),
      await v2(t, await orgBearer(t, 'no-such-org'), { method: 'GET', url: addOnsUrl('no-such-org', sub) }),
      await v2(t, bearer(await token(t, {})), list()),
      await v2(t, theirs, add()),
    ]
    for (const res of responses) {
      expect(res.status).toBe(404)
      expect(res.body.code).toBe('org.not_found')
    }
    // The other org exists and the unknown one does not, yet the answers are alike.
    const strip = (body: Record<string, unknown>) => ({
      ...body,
      requestId: undefined,
      message: String(body.message).replace(/'[^']*'/, "'…'"),
    })
    expect(strip(responses[1]!.body)).toEqual(strip(responses[2]!.body))
  })

  it('answers 403 for a valid token without the scope: read-only tokens may list but not add or deactivate', async () => {
    const reader = await orgBearer(t, org, { scope: 'add_ons:read' })
    expect((await v2(t, reader, list())).status).toBe(200)
    const forbidden = await v2(t, reader, add())
    expect(forbidden.status).toBe(403)
    expect(forbidden.body).toMatchObject({ code: 'auth.missing_scope', requestId: forbidden.headers['x-request-id'] })
    const existing = (await v2(t, await orgBearer(t, org), add())).body
    const deactivate = await v2(t, reader, {
      method: 'POST',
      url: addOnsUrl(org, sub, `/${existing.id}/deactivate`),
      payload: { reason: 'SUBSCRIBER_RESIGNATION' },
    })
    expect(deactivate.status).toBe(403)
    const none = await orgBearer(t, org, { scope: 'openid profile' })
    expect((await v2(t, none, list())).status).toBe(403)
    expect((await v2(t, await orgBearer(t, org, { scope: undefined, scp: ['add_ons:read'] }), list())).status).toBe(200)
  })
})

describe('V2 with an X-Api-Key', () => {
  it('works for the org’s tenant (system: the key’s label, user: N/A), is a 404 for another org, and a 403 without the write scope', async () => {
    const world = await subscriptionWorld(t)
    const subscription = (await makeSubscription(t, world)).subscriptionId as string
    const mine = world.tenant.tenant.name
    const res = await v2(t, world.tenant, {
      method: 'POST',
      url: addOnsUrl(mine, subscription),
      payload: { catalogue_add_on_id: 'addon-data-1gb' },
    })
    expect(res.status, res.raw).toBe(201)
    expect(res.body).toMatchObject({ creation_system: 'test', creation_user: 'N/A' })
    expect((await v2(t, world.tenant, list())).status).toBe(404)
    const reader = await makeApiKey(t.services, world.tenant.tenant, ['read'])
    expect((await v2(t, reader, { method: 'GET', url: addOnsUrl(mine, subscription) })).body.total).toBe(1)
    expect(
      (
        await v2(t, reader, {
          method: 'POST',
          url: addOnsUrl(mine, subscription),
          payload: { catalogue_add_on_id: 'addon-data-5gb' },
        })
      ).status,
    ).toBe(403)
  })
})

describe('V2 orgs', () => {
  it('names a tenant by its v2Org setting when it has one, and no longer by its name', async () => {
    const tenant = await t.tenant({ settings: { v2Org: `yoigo-${Date.now()}` } })
    const v2Org = tenant.tenant.settings.v2Org as string
    const auth = await orgBearer(t, v2Org)
    const byOrg = await v2(t, auth, { method: 'GET', url: addOnsUrl(v2Org, sub) })
    // Authorised for the org: the subscription belongs to another tenant, so it is the subscription that is not found.
    expect(byOrg.body.code).toBe('subscription.not_found')
    const byName = await v2(t, await orgBearer(t, tenant.tenant.name), {
      method: 'GET',
      url: addOnsUrl(tenant.tenant.name, sub),
    })
    expect(byName.body.code).toBe('org.not_found')
    expect((await v2(t, tenant, { method: 'GET', url: addOnsUrl(v2Org, sub) })).body.code).toBe(
      'subscription.not_found',
    )
  })
})

describe('V2 errors', () => {
  it('use the V2 envelope under /v2 only: Connect routes keep problem+json', async () => {
    const v2Missing = await v2(t, await orgBearer(t, org), { method: 'GET', url: `/v2/orgs/${org}/nothing-here` })
    expect(v2Missing.status).toBe(404)
    expect(v2Missing.headers['content-type']).toBe('application/json; charset=utf-8')
    expect(v2Missing.body).toEqual({
      code: 'route.not_found',
      message: expect.any(String),
      requestId: v2Missing.headers['x-request-id'],
    })
    const connect = await t.request(null, { method: 'GET', url: `/subscriptions/${sub}/addons` })
    expect(connect.statusCode).toBe(401)
    expect(connect.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(connect.json()).toMatchObject({ type: 'urn:openline:problem:auth.missing_api_key', status: 401 })
  })

  it('answer 500 with nothing internal when the key set cannot be fetched, and 401 for an algorithm not configured', async () => {
    const broken = await createTestApp({ database: t.database, clock: t.clock, v2: { jwksUrl: jwks.brokenUrl } })
    try {
      const res = await broken.request(bearer(await token(t, { orgs: [org] }, { key: ec })), list())
      expect(res.statusCode).toBe(500)
      expect(res.json()).toEqual({
        code: 'internal.error',
        message: expect.stringContaining('requestId'),
        requestId: res.headers['x-request-id'],
      })
      const hs = await broken.request(bearer(await token(t, { orgs: [org] })), list())
      expect(hs.statusCode).toBe(401)
      expect(hs.json().code).toBe('auth.invalid_token')
    } finally {
      await broken.app.close()
    }
  })

  it('answer 401 to bearer tokens when none are configured', async () => {
    const plain = await createTestApp({ database: t.database, clock: t.clock })
    try {
      const res = await plain.request(await orgBearer(t, org), list())
      expect(res.statusCode).toBe(401)
      expect(res.json().code).toBe('auth.bearer_not_accepted')
    } finally {
      await plain.app.close()
    }
  })
})
