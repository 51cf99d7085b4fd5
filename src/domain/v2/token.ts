import type { Scope } from '../access/scopes.js'
import { NOT_AVAILABLE } from './add-on.js'

/** The token scopes the V2 API knows: reading add-ons, and adding and deactivating them (which implies reading). */
export const V2_SCOPES = { read: 'add_ons:read', write: 'add_ons:write' } as const

/** Who a verified V2 bearer token speaks for. */
export interface V2Principal {
  /** The audience the token was issued for: `creation_system` / `deactivation_system`. */
  system: string
  /** Its subject, else its `email` claim: `creation_user` / `deactivation_user`. */
  user: string | null
  /** The orgs it may act on (`orgs` claim, or a single `org`). */
  orgs: string[]
  /** `read` and `write`, from the token's scope claim. */
  scopes: Scope[]
}

const strings = (value: unknown): string[] => {
  if (typeof value === 'string') return value.split(' ').filter(Boolean)
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string' && v !== '')
  return []
}
const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value : null)

/**
 * Reads a verified token's claims. The audience that names the system is the first one this
 * server accepts (any, when none is configured). Scopes come from `scope` (space-separated, RFC
 * 8693 / 9068) or `scp` (a list, as some identity providers write it).
 */
export function principalOf(
  claims: Record<string, unknown>,
  acceptedAudiences: readonly string[] | undefined,
): V2Principal {
  const audiences = strings(claims.aud)
  const system =
    (acceptedAudiences?.length ? audiences.find((a) => acceptedAudiences.includes(a)) : audiences[0]) ?? null
  const granted = new Set([...strings(claims.scope), ...strings(claims.scp)])
  const write = granted.has(V2_SCOPES.write)
  const read = write || granted.has(V2_SCOPES.read)
  return {
    system: system ?? NOT_AVAILABLE,
    user: text(claims.sub) ?? text(claims.email),
    orgs: [...strings(claims.orgs), ...strings(claims.org)],
    scopes: [...(read ? (['read'] as const) : []), ...(write ? (['write'] as const) : [])],
  }
}
