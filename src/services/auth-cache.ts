import type { Tenant } from '../domain/access/tenant.js'
import type { ApiKeyRow } from '../persistence/repositories/api-key.repository.js'

export interface AuthEntry {
  key: ApiKeyRow
  tenant: Tenant
}

/**
 * Verified keys with their tenant, kept a few seconds so authentication is not a database round
 * trip per request. This process drops an entry the moment it revokes a key or changes a tenant;
 * other processes see the change within the TTL (OPENLINE_AUTH_CACHE_TTL_MS, default 5 s).
 */
export class AuthCache {
  private readonly entries = new Map<string, { entry: AuthEntry; expiresAt: number }>()

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
    private readonly maxEntries = 10_000,
  ) {}

  get(keyId: string): AuthEntry | undefined {
    const hit = this.entries.get(keyId)
    if (!hit) return undefined
    if (hit.expiresAt <= this.now()) {
      this.entries.delete(keyId)
      return undefined
    }
    return hit.entry
  }

  set(keyId: string, entry: AuthEntry): void {
    if (this.ttlMs === 0) return
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string)
    this.entries.set(keyId, { entry, expiresAt: this.now() + this.ttlMs })
  }

  invalidateKey(keyId: string): void {
    this.entries.delete(keyId)
  }

  invalidateTenant(tenantId: string): void {
    for (const [keyId, hit] of this.entries) if (hit.entry.tenant.id === tenantId) this.entries.delete(keyId)
  }
}
