import { integer, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core'
import { tenant } from './access.js'
import { timestamptz } from './columns.js'

export type InventoryImportState = 'running' | 'succeeded' | 'failed'

/** One problem of an import's file, as the portal's report shows it. */
export interface InventoryImportProblem {
  /** The CSV line (the header is line 1), or the JSON item's position counted from 1; null: the whole file. */
  line: number | null
  field: string | null
  value: string | null
  reason: string
}

/** A file imported from the portal: its state, counts and bad rows, readable by every process. */
export const inventoryImport = pgTable(
  'inventory_import',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenant.id),
    id: uuid('id').notNull(),
    kind: text('kind').$type<'numbers' | 'sims'>().notNull(),
    fileName: text('file_name').notNull(),
    state: text('state').$type<InventoryImportState>().notNull(),
    total: integer('total').notNull(),
    imported: integer('imported').notNull().default(0),
    skipped: integer('skipped').notNull().default(0),
    errorCount: integer('error_count').notNull().default(0),
    errors: jsonb('errors').$type<InventoryImportProblem[]>().notNull().default([]),
    createdBy: text('created_by').notNull(),
    createdAt: timestamptz('created_at').notNull(),
    updatedAt: timestamptz('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
)
