import type { PortingCountry } from '../../domain/porting/details.js'
import type { PortingAnswer } from '../../domain/porting/port-in.js'

/**
 * A porting provider: the operator's number-portability gateway (or an MVNE's), which talks to the
 * donor operator. Openline calls it only from jobs, never inside a request's transaction, and
 * records each answer on the port-in under its row lock. Failures are `ProviderError`s
 * (services/provisioning/network-provider.ts): retryable ones are tried again with backoff, the
 * others fail the port-in.
 */
export interface PortingProvider {
  /** Sends a port-in, or its corrected details (the same `portInId`, a higher `revision`). */
  submit(request: PortInRequest): Promise<PortingAnswer>
  /** How a port-in the provider took (`reference`) is going. */
  check(request: PortInRequest & { reference: string }): Promise<PortingAnswer>
  /** Withdraws a port-in (its subscription ended). Must succeed when the provider holds none. */
  cancel(request: { tenantId: string; portInId: string; reference: string }): Promise<void>
}

export interface PortInRequest {
  tenantId: string
  portInId: string
  subscriptionId: string
  /** The number to port in (E.164). */
  msisdn: string
  country: PortingCountry
  /** The details as the client gave them (passcode included). */
  details: Record<string, unknown>
  /** 1 for the first details, 2 after the first correction, … */
  revision: number
  /** The provider's reference from an earlier answer, if any. */
  reference: string | null
}
