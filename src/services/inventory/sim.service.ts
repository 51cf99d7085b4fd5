import { invalidImport } from '../../domain/inventory/import.js'
import type { SimImportRow, SimStatus, SimType } from '../../domain/inventory/sims.js'
import { checkSimRows } from '../../domain/inventory/sims.js'
import type { FieldError } from '../../domain/shared/errors.js'
import { BusinessRuleError, NotFoundError } from '../../domain/shared/errors.js'
import type { Page, PageRequest } from '../../domain/shared/paging.js'
import { mapPage, readPage } from '../../domain/shared/paging.js'
import type { Executor } from '../../persistence/database.js'
import type { SimRow } from '../../persistence/repositories/sim.repository.js'
import * as sims from '../../persistence/repositories/sim.repository.js'
import type { RequestContext } from '../context.js'
import type { EventService } from '../event.service.js'
import type { SubscriptionListener } from '../subscriptions/subscription-lifecycle.js'
import type { UnitOfWork } from '../unit-of-work.js'
import type { ImportOptions, ImportResult } from './number-views.js'
import type { SimPukView, SimView } from './sim-views.js'
import { profileAfter, toSimView } from './sim-views.js'

/** What fulfilment asks for: a named SIM, or any free eSIM. */
/** A SIM by ICCID (`esim`, when given, must match its type), or any AVAILABLE eSIM. */
export type SimSelection = { iccid: string; esim?: boolean } | { esim: true }

/**
 * The tenant's SIM cards. Operators import them; fulfilment reserves one for a subscription line
 * item, consumes it when the subscription exists and releases it when an order is undone; a SIM
 * whose subscription ended is CONSUMED for good. PUKs are served only by `viewPuk`, which leaves an
 * audit event.
 */
export class SimService {
  constructor(
    private readonly db: Executor,
    private readonly uow: UnitOfWork,
    private readonly events: EventService,
  ) {}

  /** Adds SIMs in one transaction; ICCIDs the tenant has are skipped. Any bad row: nothing is written. */
  async importSims(
    ctx: RequestContext,
    rows: readonly unknown[],
    { pathOf = (i) => `/body/sims/${i}`, onProgress }: ImportOptions = {},
  ): Promise<ImportResult> {
    const errors = checkSimRows(rows, pathOf)
    if (errors.length > 0) throw invalidImport('SIMs', errors)
    const now = ctx.clock.now()
    const records: SimRow[] = (rows as SimImportRow[]).map((row) => ({
      tenantId: ctx.tenant.id,
      iccid: row.iccid,
      type: row.type,
      status: row.status ?? 'AVAILABLE',
      imsi: row.imsi ?? null,
      lpa: row.lpa ?? null,
      puk1: row.puk1 ?? null,
      puk2: row.puk2 ?? null,
      pin: row.pin ?? null,
      subscriptionId: null,
      esimProfile: profileAfter({ type: row.type, esimProfile: null }, 'AVAILABLE', now),
      metadata: row.metadata ?? {},
      createdAt: now,
      updatedAt: now,
    }))
    return this.uow.write(ctx, async (tx) => {
      const imported = await sims.insertSims(tx, records, onProgress)
      return { imported, skipped: records.length - imported }
    })
  }

  async list(
    ctx: RequestContext,
    filter: { statuses?: SimStatus[]; types?: SimType[] },
    page: PageRequest,
  ): Promise<Page<SimView>> {
    const result = await readPage(
      page,
      (window) => sims.listSims(this.db, ctx.tenant.id, filter, window),
      (row) => row.iccid,
      () => sims.countSims(this.db, ctx.tenant.id, filter),
    )
    return mapPage(result, toSimView)
  }

  async get(ctx: RequestContext, iccid: string): Promise<SimView> {
    return toSimView(await this.require(this.db, ctx, iccid))
  }

  /** The PUKs, for a key with the `sims:puk` scope; every read is recorded as `sim.puk_viewed` with who asked. */
  async viewPuk(ctx: RequestContext, iccid: string): Promise<SimPukView> {
    return this.uow.write(ctx, async (tx) => {
      const row = await this.require(tx, ctx, iccid)
      const viewedBy = { type: ctx.actor.type, id: ctx.actor.id, label: ctx.actor.label }
      await this.events.emit(tx, ctx, {
        type: 'sim.puk_viewed',
        resource: { type: 'sim', id: row.iccid },
        data: { iccid: row.iccid, viewedBy },
      })
      return { iccid: row.iccid, puk1: row.puk1, puk2: row.puk2 }
    })
  }

  /**
   * Reserves a SIM inside the caller's transaction: the named one, or the first AVAILABLE eSIM.
   * `path` is where the selection sits in the caller's request (`/body/lineItems/0/sim`).
   * 422 `inventory.sim_not_found` (no such ICCID) or `inventory.sim_unavailable` (not AVAILABLE, or no free eSIM).
   */
  async reserveSim(tx: Executor, ctx: RequestContext, selection: SimSelection, path?: string): Promise<SimView> {
    const row =
      'iccid' in selection
        ? await this.requireForUse(tx, ctx, selection.iccid, path)
        : await sims.pickAvailable(tx, ctx.tenant.id, 'ESIM')
    if (!row)
      throw new BusinessRuleError(
        'inventory.sim_unavailable',
        'No eSIM is available in the inventory.',
        { type: 'ESIM' },
        fieldAt(path, 'esim', 'no eSIM available'),
      )
    if (row.status !== 'AVAILABLE') throw unavailable(row, path)
    if ('iccid' in selection) assertType(row, selection.esim, path)
    return this.move(tx, ctx, row, { status: 'RESERVED', subscriptionId: null }, 'ALLOCATED')
  }

  /** Puts a RESERVED (or AVAILABLE) SIM in use by a subscription; its eSIM profile is RELEASED for download. Repeating it is a no-op. */
  async consumeSim(tx: Executor, ctx: RequestContext, iccid: string, subscriptionId: string): Promise<SimView> {
    const row = await this.requireForUse(tx, ctx, iccid)
    if (row.status === 'IN_USE' && row.subscriptionId === subscriptionId) return toSimView(row)
    if (row.status !== 'RESERVED' && row.status !== 'AVAILABLE') throw unavailable(row)
    return this.move(tx, ctx, row, { status: 'IN_USE', subscriptionId }, 'RELEASED')
  }

  /** Undoes a reservation or a use (an order undone): AVAILABLE again. An AVAILABLE SIM stays as it is. */
  async releaseSim(tx: Executor, ctx: RequestContext, iccid: string): Promise<SimView> {
    const row = await this.requireForUse(tx, ctx, iccid)
    if (row.status === 'AVAILABLE') return toSimView(row)
    if (row.status !== 'RESERVED' && row.status !== 'IN_USE') throw unavailable(row)
    return this.move(tx, ctx, row, { status: 'AVAILABLE', subscriptionId: null }, 'AVAILABLE')
  }

  /** Whether an order may name this SIM: it exists and is AVAILABLE (checked again, locked, at fulfilment). */
  async assertAvailable(
    ex: Executor,
    ctx: RequestContext,
    iccid: string,
    path?: string,
    esim?: boolean,
  ): Promise<void> {
    const row = await sims.findSim(ex, ctx.tenant.id, iccid)
    if (!row)
      throw new BusinessRuleError(
        'inventory.sim_not_found',
        `No SIM with ICCID ${iccid} in the inventory.`,
        { iccid },
        fieldAt(path, 'iccid', 'unknown ICCID'),
      )
    if (row.status !== 'AVAILABLE') throw unavailable(row, path)
    assertType(row, esim, path)
  }

  /** Whether the inventory holds this SIM (a line may use SIMs it does not). */
  async isInventorySim(ex: Executor, tenantId: string, iccid: string): Promise<boolean> {
    return (await sims.findSim(ex, tenantId, iccid)) !== undefined
  }

  /** The eSIM a subscription uses, if the inventory has one for it. */
  async esimOf(ex: Executor, ctx: RequestContext, subscriptionId: string): Promise<SimRow | undefined> {
    return (await sims.simsOfSubscription(ex, ctx.tenant.id, subscriptionId, ['IN_USE'])).find(
      (row) => row.type === 'ESIM',
    )
  }

  /** A subscription that ends uses up its SIMs: CONSUMED, the eSIM profile UNAVAILABLE. */
  subscriptionListener(): SubscriptionListener {
    return {
      ended: async (tx, ctx, subscription, at) => {
        for (const row of await sims.simsOfSubscription(tx, ctx.tenant.id, subscription.id, ['IN_USE'], {
          lock: true,
        })) {
          await sims.updateSim(tx, ctx.tenant.id, row.iccid, {
            status: 'CONSUMED',
            esimProfile: profileAfter(row, 'UNAVAILABLE', at),
            updatedAt: ctx.clock.now(),
          })
        }
      },
    }
  }

  private async move(
    tx: Executor,
    ctx: RequestContext,
    row: SimRow,
    patch: { status: SimStatus; subscriptionId: string | null },
    profile: 'ALLOCATED' | 'RELEASED' | 'AVAILABLE',
  ): Promise<SimView> {
    const now = ctx.clock.now()
    return toSimView(
      await sims.updateSim(tx, ctx.tenant.id, row.iccid, {
        ...patch,
        esimProfile: profileAfter(row, profile, now),
        updatedAt: now,
      }),
    )
  }

  private async require(ex: Executor, ctx: RequestContext, iccid: string): Promise<SimRow> {
    const row = await sims.findSim(ex, ctx.tenant.id, iccid)
    if (!row) throw new NotFoundError('sim', iccid)
    return row
  }

  /** The locked row for a fulfilment step; an unknown ICCID there is a 422 on the caller's request, not a 404. */
  private async requireForUse(tx: Executor, ctx: RequestContext, iccid: string, path?: string): Promise<SimRow> {
    const row = await sims.findSim(tx, ctx.tenant.id, iccid, { lock: true })
    if (!row)
      throw new BusinessRuleError(
        'inventory.sim_not_found',
        `No SIM with ICCID ${iccid} in the inventory.`,
        { iccid },
        fieldAt(path, 'iccid', 'unknown ICCID'),
      )
    return row
  }
}

const fieldAt = (path: string | undefined, field: string, message: string): FieldError[] =>
  path === undefined ? [] : [{ path: `${path}/${field}`, message }]

const unavailable = (row: SimRow, path?: string): BusinessRuleError =>
  new BusinessRuleError(
    'inventory.sim_unavailable',
    `SIM ${row.iccid} is ${row.status}, not available.`,
    { iccid: row.iccid, status: row.status },
    fieldAt(path, 'iccid', `the SIM is ${row.status}`),
  )

/** A line asking for an eSIM gets an eSIM, one asking for a physical SIM a physical one. */
function assertType(row: SimRow, esim: boolean | undefined, path?: string): void {
  if (esim === undefined || (row.type === 'ESIM') === esim) return
  const is = row.type === 'ESIM' ? 'an eSIM' : 'a physical SIM'
  throw new BusinessRuleError(
    'inventory.sim_type_mismatch',
    `SIM ${row.iccid} is ${is}, but the line asks for ${esim ? 'an eSIM' : 'a physical SIM'} (sim.esim: ${esim}).`,
    { iccid: row.iccid, type: row.type },
    fieldAt(path, 'iccid', `is ${is}`),
  )
}
