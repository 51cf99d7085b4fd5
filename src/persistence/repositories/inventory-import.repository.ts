import { and, eq } from 'drizzle-orm'
import type { Executor } from '../database.js'
import { inventoryImport } from '../schema/index.js'

export type InventoryImportRow = typeof inventoryImport.$inferSelect
export type InventoryImportOutcome = Pick<
  InventoryImportRow,
  'state' | 'imported' | 'skipped' | 'errorCount' | 'errors' | 'updatedAt'
>

export async function insertImport(ex: Executor, row: InventoryImportRow): Promise<void> {
  await ex.insert(inventoryImport).values(row)
}

export async function finishImport(
  ex: Executor,
  tenantId: string,
  id: string,
  outcome: InventoryImportOutcome,
): Promise<void> {
  await ex
    .update(inventoryImport)
    .set(outcome)
    .where(and(eq(inventoryImport.tenantId, tenantId), eq(inventoryImport.id, id)))
}

export async function findImport(ex: Executor, tenantId: string, id: string): Promise<InventoryImportRow | undefined> {
  const [row] = await ex
    .select()
    .from(inventoryImport)
    .where(and(eq(inventoryImport.tenantId, tenantId), eq(inventoryImport.id, id)))
  return row
}
