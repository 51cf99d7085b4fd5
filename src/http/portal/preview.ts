import type { FastifyError, FastifyRequest } from 'fastify'
import type { Database } from '../../persistence/database.js'
import { inRolledBackTransaction } from '../../persistence/dry-run.js'
import type { RequestContext } from '../../services/context.js'
import type { ProblemBody } from '../problem.js'
import { toProblem } from '../plugins/error-handler.js'

export type Preview<T> = { ok: true; value: T } | { ok: false; problem: ProblemBody }

/**
 * What an action would do, found the way the API's `Prefer: dry-run` finds it: the same service
 * call runs for real inside one transaction that is rolled back (persistence/dry-run.ts), so the
 * confirmation page states the effective date the API itself would pick, by the same rules, and
 * nothing is kept. `run` may read more inside that transaction (an add-on after its change). A
 * refusal comes back as the API's problem, to show in plain words.
 */
export async function preview<T>(
  database: Database,
  req: FastifyRequest,
  run: (ctx: RequestContext) => Promise<T>,
): Promise<Preview<T>> {
  try {
    return { ok: true, value: await inRolledBackTransaction(database.db, () => run(req.ctx)) }
  } catch (error) {
    const problem = toProblem(error as FastifyError, req)
    // A 5xx is a bug, not a refusal: let the error page (and the log) have it.
    if (problem.status >= 500) throw error
    return { ok: false, problem }
  }
}

/**
 * "When" in words: now, or the start of a day in the tenant's calendar. `day` is what the API's
 * `pending*.scheduledAt` shows (a YYYY-MM-DD date), or null when the change is done at once.
 */
export function takesEffect(day: string | null, timeZone: string): string {
  return day === null ? 'It takes effect now.' : `It takes effect on ${day} (at the start of that day, ${timeZone}).`
}
