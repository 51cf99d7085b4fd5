import type { Executor } from '../../persistence/database.js'
import type { RequestContext } from '../context.js'
import type { ChangeLicenseOfferingInput } from '../licenses/license-changes.js'
import type { CreateLicenseInput } from '../licenses/license.service.js'

/**
 * What orders need of the areas beside them (inventory, port-in, licenses, top-ups): only what
 * validation and fulfilment call, so the order code names the few operations it depends on.
 */
export interface OrderInventory {
  isPoolNumber(ex: Executor, tenantId: string, msisdn: string): Promise<boolean>
  assertLeased(ex: Executor, ctx: RequestContext, msisdn: string, leaseToken: string, path?: string): Promise<void>
  assignLeased(
    tx: Executor,
    ctx: RequestContext,
    input: { msisdn: string; leaseToken: string; subscriptionId: string },
  ): Promise<void>
  assignFromPool(tx: Executor, ctx: RequestContext, input: { type: string; subscriptionId: string }): Promise<string>
  assertSimAvailable(ex: Executor, ctx: RequestContext, iccid: string, path?: string, esim?: boolean): Promise<void>
  reserveSim(
    tx: Executor,
    ctx: RequestContext,
    which: { iccid: string; esim?: boolean } | { esim: true },
    path?: string,
  ): Promise<{ iccid: string }>
  consumeSim(tx: Executor, ctx: RequestContext, iccid: string, subscriptionId: string): Promise<void>
}

export interface OrderPorting {
  /**
   * What a port-in line item lacks, as dotted paths on the line item (`porting.address.zip`; empty:
   * complete), and what is wrong with it (the tenant cannot port, the number cannot be ported in).
   */
  check(
    ex: Executor,
    ctx: RequestContext,
    input: { msisdn: string | undefined; details: Record<string, unknown> },
  ): Promise<{ missing: string[]; errors: { property: string; message: string }[] }>
  /**
   * Starts a port-in for the subscription fulfilment is about to create (in its transaction, before
   * the subscription row, so the subscription's first snapshot shows the port-in).
   */
  start(
    tx: Executor,
    ctx: RequestContext,
    input: { subscriptionId: string; msisdn: string; details: Record<string, unknown>; temporaryMsisdn: string | null },
  ): Promise<void>
}

export interface OrderLicenses {
  /** Creates a license in the fulfilment transaction; answers its id. */
  create(tx: Executor, ctx: RequestContext, input: CreateLicenseInput, path: string): Promise<{ licenseId: string }>
  /** The license's customer and offering, or undefined when there is no such license. */
  find(
    ex: Executor,
    tenantId: string,
    licenseRef: string,
  ): Promise<{ customerId: string; productOfferingId: string } | undefined>
  change(
    tx: Executor,
    ctx: RequestContext,
    licenseRef: string,
    input: ChangeLicenseOfferingInput,
    path: string,
  ): Promise<{ licenseId: string }>
}

export interface OrderTopups {
  /** Applies a top-up in the fulfilment transaction; answers its id and the subscription's canonical id (the reference may be `rid_…`). */
  apply(
    tx: Executor,
    ctx: RequestContext,
    subscriptionRef: string,
    input: { productOfferingId: string; metadata?: Record<string, unknown> },
    path: string,
  ): Promise<{ topupId: string; subscriptionId: string }>
}

export interface OrderPorts {
  inventory: OrderInventory
  porting: OrderPorting
  licenses: OrderLicenses
  topups: OrderTopups
}
