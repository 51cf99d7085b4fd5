import type { AddressInfo } from 'node:net'
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { CryptoKey, JWK, JWTPayload } from 'jose'
import { SignJWT, exportJWK, generateKeyPair } from 'jose'
import type { InjectOptions } from 'fastify'
import type { TestApp } from './test-app.js'

/** The V2 facade's test credentials: an HS256 secret, and RS256/ES256 keys served as a JWKS by the test itself. */
export const V2_SECRET = 'test-secret-for-v2-tokens-0123456789abcdef'
export const V2_AUDIENCE = 'killflex.auth.masmovil.com'
export const V2_ISSUER = 'https://auth.example.test'
export const WRITE = 'add_ons:read add_ons:write'

export interface SigningKey {
  alg: 'RS256' | 'ES256'
  kid: string
  privateKey: CryptoKey
  publicJwk: JWK
}

export async function signingKey(alg: 'RS256' | 'ES256', kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg)
  return { alg, kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } }
}

/** A JWKS endpoint on a random port: `/jwks.json` lists the keys; `/broken` answers 500. */
export async function serveJwks(
  keys: SigningKey[],
): Promise<{ url: string; brokenUrl: string; hits: () => number; close: () => Promise<void> }> {
  let hits = 0
  const server: Server = createServer((req, res) => {
    hits++
    if (req.url === '/jwks.json') {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ keys: keys.map((k) => k.publicJwk) }))
    } else {
      res.writeHead(500)
      res.end('down')
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/jwks.json`,
    brokenUrl: `http://127.0.0.1:${port}/broken`,
    hits: () => hits,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  }
}

export interface TokenOptions {
  /** Seconds from the test clock's now; negative for an expired token. */
  expiresIn?: number
  key?: SigningKey
  secret?: string
}

/** A token signed at the test clock's now: HS256 with the test secret unless a key is given. */
export async function token(
  t: TestApp,
  claims: JWTPayload & Record<string, unknown>,
  options: TokenOptions = {},
): Promise<string> {
  const now = Math.floor(t.clock.now().getTime() / 1000)
  const jwt = new SignJWT({ aud: V2_AUDIENCE, iss: V2_ISSUER, sub: 'john.doe@masorange.es', scope: WRITE, ...claims })
    .setIssuedAt(now)
    .setExpirationTime(now + (options.expiresIn ?? 3600))
  if (options.key)
    return jwt.setProtectedHeader({ alg: options.key.alg, kid: options.key.kid }).sign(options.key.privateKey)
  return jwt.setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(options.secret ?? V2_SECRET))
}

export const bearer = (jwt: string): { headers: Record<string, string> } => ({
  headers: { authorization: `Bearer ${jwt}` },
})

/** A bearer for `org` with read and write scopes (override claims to narrow it). */
export async function orgBearer(
  t: TestApp,
  org: string,
  claims: Record<string, unknown> = {},
  options: TokenOptions = {},
): Promise<{ headers: Record<string, string> }> {
  return bearer(await token(t, { orgs: [org], ...claims }, options))
}

export const addOnsUrl = (org: string, subscriptionId: string, rest = ''): string =>
  `/v2/orgs/${org}/subscriptions/${subscriptionId}/add_ons${rest}`

type Json = Record<string, unknown> & { [key: string]: any } // eslint-disable-line @typescript-eslint/no-explicit-any

/** A V2 request; the body's `requestId` must match the response header on errors. */
export async function v2(
  t: TestApp,
  auth: { headers: Record<string, string> } | null,
  options: InjectOptions,
): Promise<{ status: number; body: Json; headers: Record<string, unknown>; raw: string }> {
  const res = await t.request(auth, options)
  return { status: res.statusCode, body: res.body ? res.json() : {}, headers: res.headers, raw: res.body }
}
