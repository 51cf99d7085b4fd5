import type { EsimProfile, EsimProfileStatus, SimStatus, SimType } from '../../domain/inventory/sims.js'
import type { SimRow } from '../../persistence/repositories/sim.repository.js'
import type { StoredEsimProfile } from '../../persistence/schema/inventory.js'

/** A SIM as the API shows it (reference 3.13). The PUKs and the PIN are never part of it. */
export interface SimView {
  iccid: string
  type: SimType
  status: SimStatus
  imsi: string | null
  /** The eSIM activation code (`1$<SM-DP+>$<matching id>`); null for a physical SIM. */
  lpa: string | null
  esimProfile: EsimProfile | null
  subscriptionId: string | null
  metadata: Record<string, unknown>
  createdAt: Date
  updatedAt: Date
}

export interface SimPukView {
  iccid: string
  puk1: string | null
  puk2: string | null
}

export const toSimView = (row: SimRow): SimView => ({
  iccid: row.iccid,
  type: row.type,
  status: row.status,
  imsi: row.imsi,
  lpa: row.lpa,
  esimProfile: row.esimProfile
    ? {
        status: row.esimProfile.status as EsimProfileStatus,
        eid: row.esimProfile.eid,
        lastOperationAt: new Date(row.esimProfile.lastOperationAt),
      }
    : null,
  subscriptionId: row.subscriptionId,
  metadata: row.metadata,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
})

/** The profile after an operation at `at` (null for a physical SIM, which has none). */
export function profileAfter(
  row: Pick<SimRow, 'type' | 'esimProfile'>,
  status: EsimProfileStatus,
  at: Date,
): StoredEsimProfile | null {
  if (row.type !== 'ESIM') return null
  return { status, eid: row.esimProfile?.eid ?? null, lastOperationAt: at.toISOString() }
}
