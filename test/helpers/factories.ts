import { randomUUID } from 'node:crypto'
import type { Scope } from '../../src/domain/access/scopes.js'
import type { Tenant } from '../../src/domain/access/tenant.js'
import type { Services } from '../../src/container.js'

export interface TestTenant {
  tenant: Tenant
  key: string
  keyId: string
  headers: Record<string, string>
}

let seq = 0
export const uniqueName = (prefix = 't'): string => `${prefix}-${++seq}-${randomUUID().slice(0, 8)}`

export async function makeTenant(
  services: Services,
  options: {
    name?: string
    sandbox?: boolean
    timeZone?: string
    scopes?: Scope[]
    settings?: Record<string, unknown>
  } = {},
): Promise<TestTenant> {
  const tenant = await services.tenants.create({
    name: options.name ?? uniqueName(),
    sandbox: options.sandbox ?? true,
    timeZone: options.timeZone ?? 'UTC',
    ...(options.settings && { settings: options.settings }),
  })
  const { key, apiKey } = await services.apiKeys.create(undefined, tenant, {
    label: 'test',
    ...(options.scopes && { scopes: options.scopes }),
  })
  return { tenant, key, keyId: apiKey.id, headers: { 'x-api-key': key } }
}

export async function makeApiKey(
  services: Services,
  tenant: Tenant,
  scopes?: Scope[],
): Promise<{ key: string; id: string; headers: Record<string, string> }> {
  const { key, apiKey } = await services.apiKeys.create(undefined, tenant, {
    label: 'extra',
    ...(scopes && { scopes }),
  })
  return { key, id: apiKey.id, headers: { 'x-api-key': key } }
}

/** A fresh idempotency key. */
export const idem = (): Record<string, string> => ({ 'x-idempotency-key': randomUUID() })
