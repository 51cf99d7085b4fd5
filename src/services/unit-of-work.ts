import type { Executor } from '../persistence/database.js'
import type { RequestContext } from './context.js'

/**
 * The transaction boundary of a write use case. One use case is one transaction; when the request
 * carries an idempotency key, its stored response is written in that same transaction, so the
 * effect and the record commit or roll back together.
 *
 * The value `work` resolves to is rendered as the stored response, so it must be exactly what the
 * service method returns to its route: write `return this.uow.write(ctx, async (tx) => …)`.
 */
export class UnitOfWork {
  constructor(readonly db: Executor) {}

  write<T>(ctx: Pick<RequestContext, 'idempotency'> | undefined, work: (tx: Executor) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) => {
      const result = await work(tx)
      await ctx?.idempotency?.recordInTransaction(tx, result)
      return result
    })
  }
}
