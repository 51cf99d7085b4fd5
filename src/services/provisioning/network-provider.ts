/**
 * A network provider: the operator's network (or an MVNE such as Telna) that holds the packages an
 * add-on stands for. Openline calls it only from jobs, never inside a request's transaction, so a
 * slow or failing provider never holds a lock or fails a request; the add-on shows how it went.
 */
export interface NetworkProvider {
  /** Provisions the add-on's package: done now, or an operation to check later. */
  provisionAddon(request: AddonProvisioningRequest): Promise<ProvisioningResult>
  /** How an operation `provisionAddon` started is going. */
  checkOperation(operationId: string): Promise<ProvisioningResult>
  /**
   * Removes the add-on's package. Must succeed when the provider holds no such package (it may
   * never have been provisioned, or already be gone): Openline deprovisions whenever in doubt.
   */
  deprovisionAddon(request: AddonProvisioningRequest): Promise<void>
}

export interface AddonProvisioningRequest {
  tenantId: string
  subscriptionId: string
  /** The line the package goes on; null for a subscription without a number yet. */
  msisdn: string | null
  subscriptionAddonId: string
  productOfferingId: string
  /** The offering's metadata: where an operator keeps provider product codes (and `simulate`). */
  offeringMetadata: Record<string, unknown>
  /** 1 for the first call of this operation, 2 for its first retry, … */
  attempt: number
  /** The package the provider answered earlier (to deprovision), if any. */
  providerPackageId: string | null
}

export type ProvisioningResult =
  { status: 'DONE'; packageId: string } | { status: 'IN_PROGRESS'; operationId: string; checkAfterMs: number }

/**
 * A provider failure. Retryable ones (timeouts, rate limits, the provider's 5xx) are tried again
 * with backoff; the others (the provider refused the request) fail the operation at once. Any
 * other error a provider throws counts as retryable.
 */
export class ProviderError extends Error {
  override name = 'ProviderError'
  readonly retryable: boolean

  constructor(message: string, options: { retryable: boolean }) {
    super(message)
    this.retryable = options.retryable
  }
}
