import { and, asc, eq } from 'drizzle-orm'
import type { Executor } from '../database.js'
import { timelineEntry } from '../schema/index.js'

export type TimelineEntryRow = typeof timelineEntry.$inferSelect

export async function insertTimelineEntries(ex: Executor, rows: TimelineEntryRow[]): Promise<void> {
  if (rows.length > 0) await ex.insert(timelineEntry).values(rows)
}

export async function entriesOfSubject(
  ex: Executor,
  tenantId: string,
  subjectType: string,
  subjectId: string,
): Promise<TimelineEntryRow[]> {
  return ex
    .select()
    .from(timelineEntry)
    .where(
      and(
        eq(timelineEntry.tenantId, tenantId),
        eq(timelineEntry.subjectType, subjectType),
        eq(timelineEntry.subjectId, subjectId),
      ),
    )
    .orderBy(asc(timelineEntry.effectiveAt), asc(timelineEntry.id))
}
