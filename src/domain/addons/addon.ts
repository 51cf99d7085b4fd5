import { createHash } from 'node:crypto'
import { canonicalJson } from '../idempotency/fingerprint.js'
import { BusinessRuleError } from '../shared/errors.js'

export const ADDON_STATUSES = ['PENDING', 'ACTIVE', 'CANCELLED', 'EXPIRED'] as const
/** PENDING: scheduled or being provisioned; ACTIVE: in use and billable; CANCELLED / EXPIRED: ended. */
export type AddonStatus = (typeof ADDON_STATUSES)[number]

/** An add-on still attached to its subscription (what change and cancel act on, and what counts towards a limit). */
export const ATTACHED: readonly AddonStatus[] = ['PENDING', 'ACTIVE']
export const isAttached = (status: AddonStatus): boolean => ATTACHED.includes(status)

/**
 * The network provider's side of an add-on, when the tenant has one. PENDING: a job is asking
 * the provider; PROVISIONED: done (the provider's package id became the add-on's reference);
 * FAILED: it gave up, an operator may retry.
 */
export interface Provisioning {
  state: 'PENDING' | 'PROVISIONED' | 'FAILED'
  /** What the provider is asked to do. */
  operation: 'PROVISION' | 'DEPROVISION'
  attempts: number
  lastError: string | null
  providerPackageId: string | null
  updatedAt: string
}

/** Who added or ended an add-on: the actor of the request (or of the scheduled change) that did it. */
export interface AuditActor {
  type: string
  id: string
  /** The API key's label, a token's audience, or the system job. */
  label: string
  /** The end user behind a token (its subject or e-mail), when known. */
  user: string | null
}

export const auditActor = (actor: { type: string; id: string; label: string; user?: string | null }): AuditActor => ({
  type: actor.type,
  id: actor.id,
  label: actor.label,
  user: actor.user ?? null,
})

/** Ids other systems know an add-on by (the V2 API's `legacy_id`, provider ids, …), as they sent them. */
export type ExternalIds = Record<string, string | number>

/**
 * The fingerprint of an add request, kept on the add-on: adding again with the same client-chosen
 * id must be the same request (same subscription and the same input as sent, key order aside).
 */
export function addRequestHash(
  subscriptionId: string,
  input: { productOfferingId: string; scheduledAt?: string; startAt?: Date; referenceId?: string; metadata?: Record<string, unknown>; externalIds?: ExternalIds },
): string {
  const { productOfferingId, scheduledAt, startAt, referenceId, metadata, externalIds } = input
  const request = { subscriptionId, productOfferingId, scheduledAt, startAt: startAt?.toISOString(), referenceId, metadata, externalIds }
  return createHash('sha256').update(canonicalJson(request)).digest('hex')
}

export interface AddonCandidate {
  subscriptionAddonId: string
  productOfferingId: string
  groupId: string | null
  status: AddonStatus
}

/**
 * Which attached add-on a change or cancel means (seed 001/002 and the reference): the one named by
 * `subscriptionAddonId`; else the one on `productOfferingId` (the seed's way); else, for a change,
 * the single one in the new offering's group. None is a 422 `addon.not_found`; several a 422
 * `addon.ambiguous` listing them, so the client can name one.
 */
export function pickAddon(
  attached: readonly AddonCandidate[],
  by: { subscriptionAddonId?: string; productOfferingId?: string; groupId?: string | null },
): AddonCandidate {
  let candidates: readonly AddonCandidate[]
  if (by.subscriptionAddonId) candidates = attached.filter((a) => a.subscriptionAddonId === by.subscriptionAddonId)
  else if (by.productOfferingId) candidates = attached.filter((a) => a.productOfferingId === by.productOfferingId)
  else if (by.groupId) candidates = attached.filter((a) => a.groupId === by.groupId)
  else candidates = []
  if (candidates.length === 1) return candidates[0] as AddonCandidate
  const named = by.subscriptionAddonId ?? by.productOfferingId ?? by.groupId ?? ''
  if (candidates.length === 0) {
    throw new BusinessRuleError('addon.not_found', `No attached add-on matches '${named}' on this subscription.`, { match: by })
  }
  throw new BusinessRuleError('addon.ambiguous', `Several attached add-ons match '${named}': name one with subscriptionAddonId.`, {
    candidates: candidates.map(({ subscriptionAddonId, productOfferingId, status }) => ({ subscriptionAddonId, productOfferingId, status })),
  })
}
