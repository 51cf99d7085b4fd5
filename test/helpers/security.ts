import type { InjectOptions } from 'fastify'
import { expect } from 'vitest'
import type { TestApp } from './test-app.js'

/** A well-formed key nobody issued. */
export const UNKNOWN_KEY = `ol_sandbox_${Buffer.alloc(64, 9).toString('base64url')}`

/** The route answers 401 with no key and with an unknown key, and writes nothing (the caller checks state). */
export async function expectUnauthenticated(t: TestApp, options: InjectOptions): Promise<void> {
  const none = await t.request(null, options)
  expect(none.statusCode, 'no key').toBe(401)
  expect(none.json().code).toBe('auth.missing_api_key')
  const unknown = await t.request({ headers: { 'x-api-key': UNKNOWN_KEY } }, options)
  expect(unknown.statusCode, 'unknown key').toBe(401)
  expect(unknown.json().code).toBe('auth.invalid_api_key')
}

/** The same request from another tenant answers 404 with the not-found code of the resource. */
export async function expectHiddenFrom(
  t: TestApp,
  stranger: { headers: Record<string, string> },
  options: InjectOptions,
  code: string,
): Promise<void> {
  const res = await t.request(stranger, options)
  expect(res.statusCode, `${options.method} ${options.url} from another tenant`).toBe(404)
  expect(res.json().code).toBe(code)
}

/** Sends a write twice with one idempotency key: the second is a byte-identical replay. `first` is null for an empty (204) answer. */
export async function expectReplay(
  t: TestApp,
  tenant: { headers: Record<string, string> },
  options: InjectOptions,
): Promise<{ first: ReturnType<typeof JSON.parse>; status: number }> {
  const key = `replay-${Math.random().toString(36).slice(2)}`
  const headers = { ...(options.headers as Record<string, string> | undefined), 'x-idempotency-key': key }
  const first = await t.request(tenant, { ...options, headers })
  const again = await t.request(tenant, { ...options, headers })
  expect(again.statusCode).toBe(first.statusCode)
  expect(again.headers['idempotent-replayed']).toBe('true')
  expect(again.body).toBe(first.body)
  return { first: first.body ? first.json() : null, status: first.statusCode }
}
