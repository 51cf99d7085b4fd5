import { newId } from '../domain/shared/ids.js'
import type { Executor } from '../persistence/database.js'
import * as changes from '../persistence/repositories/scheduled-change.repository.js'
import type { TimelineEntryRow } from '../persistence/repositories/timeline.repository.js'
import * as entries from '../persistence/repositories/timeline.repository.js'
import type { RequestContext } from './context.js'

export interface TimelineActor {
  type: string
  id: string
  label: string
  /** The end user behind the actor (a V2 token's subject), when known. */
  user?: string | null
}

/** One line of a resource's story: done, or scheduled (and maybe withdrawn, superseded or failed). */
export interface TimelineItem {
  /** When it took (or takes) effect. */
  at: Date
  kind: string
  state: 'DONE' | 'SCHEDULED' | 'WITHDRAWN' | 'SUPERSEDED' | 'FAILED'
  actor: TimelineActor & { user: string | null }
  reason: string | null
  details: Record<string, unknown>
  /** When it was asked for (scheduled items) or recorded (done items). */
  recordedAt: Date
  scheduledChangeId: string | null
}

export interface RecordInput {
  subjectType: string
  subjectId: string
  kind: string
  effectiveAt?: Date
  reason?: string | null
  details?: Record<string, unknown>
  scheduledChangeId?: string
  /** The actor of a scheduled change applied later is the one who asked for it. */
  actor?: TimelineActor
}

/**
 * The timeline of a resource: what happened (entries written in the transaction of each change)
 * and what is scheduled (pending changes, and the fate of those that never applied), in effective
 * order, each with its actor and reason. No peer shows this; integrators debugging "why did this
 * change" want it.
 */
export class TimelineService {
  constructor(private readonly db: Executor) {}

  async record(
    tx: Executor,
    ctx: Pick<RequestContext, 'tenant' | 'actor' | 'requestId' | 'clock'>,
    ...inputs: RecordInput[]
  ): Promise<void> {
    await entries.insertTimelineEntries(tx, this.entries(ctx, ...inputs))
  }

  /**
   * The rows `record` writes, for a caller that writes them later in this transaction with its
   * events (`EventService.emit`'s `timeline`), in one statement with them.
   */
  entries(
    ctx: Pick<RequestContext, 'tenant' | 'actor' | 'requestId' | 'clock'>,
    ...inputs: RecordInput[]
  ): TimelineEntryRow[] {
    // On the tenant's clock, like `at`: a sandbox tenant's change is recorded when its test clock says.
    const createdAt = ctx.clock.now()
    return inputs.map((input) => {
      const actor = input.actor ?? ctx.actor
      return {
        tenantId: ctx.tenant.id,
        id: newId(),
        subjectType: input.subjectType,
        subjectId: input.subjectId,
        kind: input.kind,
        effectiveAt: input.effectiveAt ?? ctx.clock.now(),
        actorType: actor.type,
        actorId: actor.id,
        actorLabel: actor.label,
        actorUser: actor.user ?? null,
        reason: input.reason ?? null,
        details: JSON.parse(JSON.stringify(input.details ?? {})) as Record<string, unknown>,
        scheduledChangeId: input.scheduledChangeId ?? null,
        requestId: ctx.requestId,
        createdAt,
      }
    })
  }

  /** The merged timeline of one subject. Applied changes appear once, as the entry their application wrote. */
  async forSubject(tenantId: string, subjectType: string, subjectId: string): Promise<TimelineItem[]> {
    const [done, scheduled] = await Promise.all([
      entries.entriesOfSubject(this.db, tenantId, subjectType, subjectId),
      changes.changesOfTarget(this.db, { tenantId, targetType: subjectType, targetId: subjectId }),
    ])
    const items: TimelineItem[] = [
      ...done.map((e) => ({
        at: e.effectiveAt,
        kind: e.kind,
        state: 'DONE' as const,
        actor: { type: e.actorType, id: e.actorId, label: e.actorLabel, user: e.actorUser },
        reason: e.reason,
        details: e.details,
        recordedAt: e.createdAt,
        scheduledChangeId: e.scheduledChangeId,
      })),
      ...scheduled
        .filter((c) => c.status !== 'APPLIED')
        .map((c) => ({
          at: c.effectiveAt,
          kind: c.kind,
          state: c.status === 'PENDING' ? ('SCHEDULED' as const) : (c.status as 'WITHDRAWN' | 'SUPERSEDED' | 'FAILED'),
          actor: { type: c.actorType, id: c.actorId, label: c.actorLabel, user: c.actorUser },
          reason: c.reason,
          details: { ...c.payload, ...(c.outcome && { outcome: c.outcome }) },
          recordedAt: c.createdAt,
          scheduledChangeId: c.id,
        })),
    ]
    return items.sort((a, b) => a.at.getTime() - b.at.getTime() || a.recordedAt.getTime() - b.recordedAt.getTime())
  }
}
