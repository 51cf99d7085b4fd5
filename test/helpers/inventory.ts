import { expect } from 'vitest'
import { withLuhnDigit } from '../../src/domain/inventory/sims.js'
import type { RequestContext } from '../../src/services/context.js'
import { systemContext } from '../../src/services/context.js'
import type { Executor } from '../../src/persistence/database.js'
import type { TestTenant } from './factories.js'
import type { TestApp } from './test-app.js'

type Json = Record<string, unknown> & { [key: string]: any } // eslint-disable-line @typescript-eslint/no-explicit-any

let seq = 0

/** `count` distinct E.164 numbers no other call of this file makes. */
export function msisdns(count: number): string[] {
  const base = 46_700_000_000 + ++seq * 1000
  return Array.from({ length: count }, (_, i) => `+${base + i}`)
}

/** A Luhn-valid ICCID no other call of this file makes. */
export const iccid = (): string => withLuhnDigit(`8946${String(++seq).padStart(14, '0')}`)

export async function importNumbers(t: TestApp, tenant: TestTenant, numbers: Record<string, unknown>[]): Promise<Json> {
  const res = await t.request(tenant, { method: 'POST', url: '/inventory/numbers/import', payload: { numbers } })
  expect(res.statusCode, res.body).toBe(200)
  return res.json()
}

export async function importSims(t: TestApp, tenant: TestTenant, sims: Record<string, unknown>[]): Promise<Json> {
  const res = await t.request(tenant, { method: 'POST', url: '/inventory/sims/import', payload: { sims } })
  expect(res.statusCode, res.body).toBe(200)
  return res.json()
}

export async function lease(t: TestApp, tenant: TestTenant, types: string[], count: number): Promise<Json> {
  const res = await t.request(tenant, { method: 'POST', url: '/inventory/lease-numbers', payload: { types, count } })
  expect(res.statusCode, res.body).toBe(201)
  return res.json()
}

/** Every number of the tenant's pool, keyed by msisdn. */
export async function poolOf(t: TestApp, tenant: TestTenant): Promise<Map<string, Json>> {
  const res = await t.request(tenant, { method: 'GET', url: '/inventory/numbers?limit=1000' })
  expect(res.statusCode, res.body).toBe(200)
  return new Map((res.json().items as Json[]).map((n) => [n.msisdn as string, n]))
}

/** Runs `work` in one transaction as the orders area would, with a system context of the tenant (its test clock included). */
export async function inTransaction<T>(
  t: TestApp,
  tenant: TestTenant,
  work: (tx: Executor, ctx: RequestContext) => Promise<T>,
): Promise<T> {
  const fresh = await t.services.tenants.getById(tenant.tenant.id)
  const ctx = systemContext(fresh, t.clock, 'test')
  return t.services.uow.write(ctx, (tx) => work(tx, ctx))
}

/** Runs `work` in a transaction and answers the domain error it throws (the transaction rolls back). */
export async function errorOf(
  promise: Promise<unknown>,
): Promise<{ code: string; fieldErrors: { path: string }[]; details: Json }> {
  try {
    await promise
  } catch (error) {
    return error as { code: string; fieldErrors: { path: string }[]; details: Json }
  }
  throw new Error('expected an error')
}

/** Stocks a tenant with CELL numbers and eSIMs, so orders can assign them. */
export async function stockInventory(
  t: TestApp,
  tenant: TestTenant,
  options: { numbers?: number; esims?: number; physical?: number } = {},
): Promise<{ msisdns: string[]; iccids: string[] }> {
  const numbers = msisdns(options.numbers ?? 5)
  await importNumbers(
    t,
    tenant,
    numbers.map((msisdn) => ({ msisdn, type: 'CELL' })),
  )
  const esims = Array.from({ length: options.esims ?? 3 }, () => ({
    iccid: iccid(),
    type: 'ESIM',
    lpa: `1$rsp.example.com$${Math.random().toString(36).slice(2, 10).toUpperCase()}`,
    puk1: '12345678',
  }))
  const physical = Array.from({ length: options.physical ?? 2 }, () => ({
    iccid: iccid(),
    type: 'PHYSICAL',
    puk1: '87654321',
  }))
  await importSims(t, tenant, [...esims, ...physical])
  return { msisdns: numbers, iccids: [...esims, ...physical].map((s) => s.iccid) }
}
