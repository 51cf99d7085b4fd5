import { BusinessRuleError, ConflictError, InvalidInputError } from '../../domain/shared/errors.js'
import type { Executor } from '../../persistence/database.js'
import type { RequestContext } from '../context.js'
import type { NumberPoolService } from '../inventory/number-pool.service.js'
import type { SimService } from '../inventory/sim.service.js'
import type { SimDetails } from '../../persistence/schema/subscriptions.js'

export interface DirectLine {
  subscriptionId: string
  msisdn?: string
  leaseToken?: string
  sim?: SimDetails
}

/**
 * What `POST /subscriptions` takes from the inventory, in its transaction, so a line created without
 * an order obeys the rules an order's line does: a number of the pool only with its lease token
 * (then ASSIGNED), a number outside it only when no live line has it, a SIM of the inventory only
 * AVAILABLE and of the kind the line asks for (then IN_USE). SIMs the inventory does not hold are
 * the operator's own business, as before the inventory existed.
 */
export interface DirectLineInventory {
  /** Before the subscription row exists: claims the number, reserves the SIM; answers the inventory SIM reserved, if any. */
  claim(tx: Executor, ctx: RequestContext, line: DirectLine): Promise<{ iccid?: string }>
  /** After it exists: the reserved SIM is in use by it. */
  settle(tx: Executor, ctx: RequestContext, line: DirectLine, claimed: { iccid?: string }): Promise<void>
}

export function directLineInventory(
  numbers: NumberPoolService,
  sims: SimService,
  numberInUse: (ex: Executor, tenantId: string, msisdn: string) => Promise<boolean>,
): DirectLineInventory {
  return {
    async claim(tx, ctx, line) {
      if (line.leaseToken && !line.msisdn)
        throw new InvalidInputError(
          'subscription.lease_without_number',
          'A leaseToken goes with the leased msisdn it holds.',
          {},
          [{ path: '/body/leaseToken', message: 'only with msisdn' }],
        )
      if (line.msisdn && (await numbers.isPoolNumber(tx, ctx.tenant.id, line.msisdn))) {
        if (!line.leaseToken)
          throw new BusinessRuleError(
            'inventory.lease_required',
            `${line.msisdn} is in the number pool: lease it (POST /inventory/lease-numbers) and send its leaseToken.`,
            { msisdn: line.msisdn },
            [{ path: '/body/leaseToken', message: 'required for a number of the pool' }],
          )
        await numbers.assignLeased(
          tx,
          ctx,
          { msisdn: line.msisdn, leaseToken: line.leaseToken, subscriptionId: line.subscriptionId },
          '/body',
        )
      } else if (line.msisdn && (await numberInUse(tx, ctx.tenant.id, line.msisdn))) {
        throw new ConflictError(
          'subscription.msisdn_in_use',
          `${line.msisdn} is the number of another subscription that has not ended.`,
          { msisdn: line.msisdn },
        )
      } else if (line.leaseToken) {
        throw new BusinessRuleError(
          'inventory.not_leased',
          `${line.msisdn} is not a number of the pool: it has no lease.`,
          { msisdn: line.msisdn },
          [{ path: '/body/leaseToken', message: 'the number is not in the pool' }],
        )
      }
      const iccid = line.sim?.iccid
      if (!iccid || !(await sims.isInventorySim(tx, ctx.tenant.id, iccid))) return {}
      await sims.reserveSim(tx, ctx, { iccid, esim: line.sim?.esim }, '/body/sim')
      return { iccid }
    },
    async settle(tx, ctx, line, claimed) {
      if (claimed.iccid) await sims.consumeSim(tx, ctx, claimed.iccid, line.subscriptionId)
    },
  }
}
