import type { SQL } from 'drizzle-orm'
import { and, asc, eq, getTableColumns, inArray, sql } from 'drizzle-orm'
import { compiled } from '../compiled.js'
import type { Executor } from '../database.js'
import { queryRows } from '../database.js'
import type { Window } from '../paging.js'
import { afterKey, countAll } from '../paging.js'
import { event, eventStream } from '../schema/index.js'

export type EventRow = typeof event.$inferSelect

export interface EventFilter {
  types?: string[]
  resourceType?: string
  resourceId?: string
}

const EVENT_COLUMNS = Object.keys(getTableColumns(event)) as (keyof EventRow)[]

/** The insert of `n` events, compiled once for each batch size up to COMPILED_BATCH (row i's values are `${column}_${i}`). */
const COMPILED_BATCH = 8
const insertOf = Array.from({ length: COMPILED_BATCH }, (_, i) =>
  compiled<Record<string, unknown>, unknown>(`event_insert_${i + 1}`, (ex) =>
    ex
      .insert(event)
      .values(
        Array.from(
          { length: i + 1 },
          (_, row) =>
            Object.fromEntries(EVENT_COLUMNS.map((c) => [c, sql.placeholder(`${c}_${row}`)])) as unknown as EventRow,
        ),
      ),
  ),
)

export async function insertEvents(ex: Executor, rows: EventRow[]): Promise<void> {
  if (rows.length === 0) return
  const statement = insertOf[rows.length - 1]
  if (!statement) {
    await ex.insert(event).values(rows)
    return
  }
  const values: Record<string, unknown> = {}
  rows.forEach((row, i) => {
    for (const c of EVENT_COLUMNS) values[`${c}_${i}`] = row[c]
  })
  await statement.run(ex, values)
}

export interface StreamClaim {
  streamType: string
  streamId: string
  /** How many numbers to take. */
  count: number
}

/**
 * Takes the next `count` numbers of each stream in one statement; answers the last number taken
 * per stream (`streamType` + NUL + `streamId`). The upsert locks each stream's row until the
 * transaction ends, so concurrent writers of one stream number after each other, without gaps.
 * The claims are sorted so that two transactions lock shared streams in the same order.
 */
export async function claimSequences(
  ex: Executor,
  tenantId: string,
  claims: StreamClaim[],
): Promise<Map<string, number>> {
  if (claims.length === 0) return new Map()
  const sorted = [...claims].sort((a, b) =>
    streamKey(a.streamType, a.streamId) < streamKey(b.streamType, b.streamId) ? -1 : 1,
  )
  const rows = await ex
    .insert(eventStream)
    .values(sorted.map((c) => ({ tenantId, streamType: c.streamType, streamId: c.streamId, lastSequence: c.count })))
    .onConflictDoUpdate({
      target: [eventStream.tenantId, eventStream.streamType, eventStream.streamId],
      set: { lastSequence: sql`${eventStream.lastSequence} + excluded.last_sequence` },
    })
    .returning({
      streamType: eventStream.streamType,
      streamId: eventStream.streamId,
      lastSequence: eventStream.lastSequence,
    })
  return new Map(rows.map((r) => [streamKey(r.streamType, r.streamId), Number(r.lastSequence)]))
}

/**
 * Numbers and writes a batch of events in one statement: the upsert of `claimSequences` (the same
 * row locks taken in the same order, so numbers stay gap-free) in a first CTE, and the insert of
 * `rows` in a second, each row's `sequence` read as its place from the end of its stream's claim
 * (0 for the claim's last number, -1 for the one before, …) and added to the stream's new last
 * number. Answers the last number taken per stream, as `claimSequences` does.
 */
export async function insertNumberedEvents(
  ex: Executor,
  tenantId: string,
  claims: StreamClaim[],
  rows: EventRow[],
): Promise<Map<string, number>> {
  const last = await queryRows<{ stream_type: string; stream_id: string; last_sequence: string | number }>(
    ex,
    numbered(tenantId, claims, rows, [], sql`select stream_type, stream_id, last_sequence from s`),
  )
  return new Map(last.map((r) => [streamKey(r.stream_type, r.stream_id), Number(r.last_sequence)]))
}

/**
 * `insertNumberedEvents`, with more writes that belong with the events in the same statement
 * (`along`: inserts, each run as a data-modifying CTE, such as the change's timeline entries),
 * answering the rows of `then`, the statement's final query (a read that belongs with the events,
 * such as the webhook fan-out's endpoints; it sees none of the rows the statement writes), or none.
 */
export function insertNumberedEventsThen<T>(
  ex: Executor,
  tenantId: string,
  claims: StreamClaim[],
  rows: EventRow[],
  along: SQL[],
  then: SQL = sql`select 1 where false`,
): Promise<T[]> {
  return queryRows<T>(ex, numbered(tenantId, claims, rows, along, then))
}

function numbered(tenantId: string, claims: StreamClaim[], rows: EventRow[], along: SQL[], then: SQL): SQL {
  const sorted = [...claims].sort((a, b) =>
    streamKey(a.streamType, a.streamId) < streamKey(b.streamType, b.streamId) ? -1 : 1,
  )
  const streams = sql.join(
    sorted.map((c) => sql`(${tenantId}, ${c.streamType}, ${c.streamId}, ${c.count})`),
    sql`, `,
  )
  const columns = sql.join(
    EVENT_FIELDS.map(([, name]) => sql.identifier(name)),
    sql`, `,
  )
  const picked = sql.join(
    EVENT_FIELDS.map(([, name]) =>
      name === 'sequence' ? sql`s.last_sequence + v.sequence` : sql`v.${sql.identifier(name)}`,
    ),
    sql`, `,
  )
  // One jsonb parameter, typed by the table's own row type: no cast per column.
  const values = JSON.stringify(
    rows.map((row) => Object.fromEntries(EVENT_FIELDS.map(([key, name]) => [name, row[key]]))),
  )
  return sql`with s as (
    insert into event_stream (tenant_id, stream_type, stream_id, last_sequence) values ${streams}
    on conflict (tenant_id, stream_type, stream_id)
    do update set last_sequence = event_stream.last_sequence + excluded.last_sequence
    returning stream_type, stream_id, last_sequence
  ), e as (
    insert into event (${columns})
    select ${picked} from jsonb_populate_recordset(null::event, ${values}::jsonb) v
    join s on s.stream_type = v.stream_type and s.stream_id = v.stream_id
  )${sql.join(
    along.map((write, i) => sql`, ${sql.identifier(`w${i}`)} as (${write})`),
    sql``,
  )} ${then}`
}

/** Each event column: its key on EventRow and its name in SQL. */
const EVENT_FIELDS = Object.entries(getTableColumns(event)).map(
  ([key, column]) => [key as keyof EventRow, column.name] as const,
)

export const streamKey = (type: string, id: string): string => `${type}\u0000${id}`

const matching = (tenantId: string, filter: EventFilter) =>
  and(
    eq(event.tenantId, tenantId),
    filter.types?.length ? inArray(event.type, filter.types) : undefined,
    filter.resourceType ? eq(event.resourceType, filter.resourceType) : undefined,
    filter.resourceId ? eq(event.resourceId, filter.resourceId) : undefined,
  )

export async function listEvents(
  ex: Executor,
  tenantId: string,
  filter: EventFilter,
  window: Window,
): Promise<EventRow[]> {
  return ex
    .select()
    .from(event)
    .where(and(matching(tenantId, filter), afterKey(event.id, window)))
    .orderBy(asc(event.id))
    .limit(window.limit)
    .offset(window.offset ?? 0)
}

export async function countEvents(ex: Executor, tenantId: string, filter: EventFilter): Promise<number> {
  const [row] = await ex.select(countAll()).from(event).where(matching(tenantId, filter))
  return row?.n ?? 0
}

export async function findEvent(ex: Executor, tenantId: string, id: string): Promise<EventRow | undefined> {
  const [row] = await ex
    .select()
    .from(event)
    .where(and(eq(event.tenantId, tenantId), eq(event.id, id)))
  return row
}
