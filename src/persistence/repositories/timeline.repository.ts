import type { SQL } from 'drizzle-orm'
import { and, asc, eq, getTableColumns, sql } from 'drizzle-orm'
import type { Executor } from '../database.js'
import { timelineEntry } from '../schema/index.js'

export type TimelineEntryRow = typeof timelineEntry.$inferSelect

export async function insertTimelineEntries(ex: Executor, rows: TimelineEntryRow[]): Promise<void> {
  if (rows.length > 0) await ex.insert(timelineEntry).values(rows)
}

const ENTRY_FIELDS = Object.entries(getTableColumns(timelineEntry)).map(
  ([key, column]) => [key as keyof TimelineEntryRow, column.name] as const,
)

/**
 * The insert of `insertTimelineEntries` as a statement to run inside another (a data-modifying CTE
 * of the events' insert): the rows as one jsonb parameter, typed by the table's row type.
 */
export function timelineEntriesInsert(rows: TimelineEntryRow[]): SQL {
  const columns = sql.join(
    ENTRY_FIELDS.map(([, name]) => sql.identifier(name)),
    sql`, `,
  )
  const values = JSON.stringify(
    rows.map((row) => Object.fromEntries(ENTRY_FIELDS.map(([key, name]) => [name, row[key]]))),
  )
  return sql`insert into timeline_entry (${columns}) select ${columns} from jsonb_populate_recordset(null::timeline_entry, ${values}::jsonb)`
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
