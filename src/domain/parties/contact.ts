import type { FieldError } from '../shared/errors.js'
import { InvalidInputError } from '../shared/errors.js'

/**
 * The value rules of customers, users and subscribers. The HTTP schemas check the same rules
 * (they import these patterns); the service checks them again because other areas (orders) create
 * customers and subscribers from their own bodies, and a bad e-mail must never be stored.
 */

/** The rule of JSON Schema's `email` format as ajv-formats checks it, so both layers agree. */
export const EMAIL =
  /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i
export const MAX_EMAIL_LENGTH = 254

/** E.164: a plus, a country code that does not start with 0, at most 15 digits in all. */
export const MSISDN = /^\+[1-9][0-9]{6,14}$/

/**
 * The shape of a BCP 47 language tag as Openline accepts it: language (2-3 letters), optional script
 * (4 letters), optional region (2 letters or 3 digits) and variants (`sv-SE`, `zh-Hant-TW`,
 * `es-419`, `de-CH-1996`). Extensions and private use (`-u-…`, `-x-…`) are not accepted: a
 * preferred locale picks a language for letters and invoices, nothing more.
 */
export const LOCALE =
  /^[A-Za-z]{2,3}(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|[0-9]{3}))?(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*$/

/** ISO 3166-1 alpha-2, upper case as the standard writes it ("US", "SE"). */
export const COUNTRY = /^[A-Z]{2}$/
/** ISO 4217, upper case ("SEK", "USD"). */
export const CURRENCY = /^[A-Z]{3}$/

/**
 * Canonical case of a tag the LOCALE pattern accepted, as BCP 47 recommends: language lower case,
 * script title case, region upper case (`SV-se` → `sv-SE`), so equal locales compare equal.
 */
export function canonicalLocale(tag: string): string {
  return tag
    .split('-')
    .map((part, index) => {
      if (index === 0) return part.toLowerCase()
      if (/^[A-Za-z]{4}$/.test(part) && index === 1) return part.charAt(0).toUpperCase() + part.slice(1).toLowerCase()
      if (/^[A-Za-z]{2}$/.test(part)) return part.toUpperCase()
      return part.toLowerCase()
    })
    .join('-')
}

/**
 * Billing methods. The documentation spells electronic invoices `EMAIL_INVOICE` in its older
 * rendering and `E_INVOICE` in the newer one; both are accepted and stored as `E_INVOICE`.
 */
export const BILLING_METHODS = ['E_INVOICE', 'EMAIL_INVOICE', 'PAPER_INVOICE', 'CARD', 'DIRECT_DEBIT'] as const
export type BillingMethodInput = (typeof BILLING_METHODS)[number]
export type BillingMethod = Exclude<BillingMethodInput, 'EMAIL_INVOICE'>
export const DEFAULT_BILLING_METHOD: BillingMethod = 'E_INVOICE'

export const canonicalBillingMethod = (method: BillingMethodInput): BillingMethod =>
  method === 'EMAIL_INVOICE' ? 'E_INVOICE' : method

export type ValueKind = 'email' | 'msisdn' | 'locale' | 'country' | 'currency'
/** One value to check: its kind, its JSON pointer (`/body/contact/email`) and the value (absent = fine). */
export type ValueCheck = [kind: ValueKind, path: string, value: string | null | undefined]

const RULES: Record<ValueKind, { test: (value: string) => boolean; message: string }> = {
  email: { test: (v) => v.length <= MAX_EMAIL_LENGTH && EMAIL.test(v), message: 'must be an e-mail address' },
  msisdn: { test: (v) => MSISDN.test(v), message: 'must be an E.164 number: + and 7-15 digits, e.g. +46701234567' },
  locale: { test: (v) => v.length <= 35 && LOCALE.test(v), message: 'must be a BCP 47 language tag, e.g. sv-SE' },
  country: { test: (v) => COUNTRY.test(v), message: 'must be an ISO 3166-1 alpha-2 country code, e.g. SE' },
  currency: { test: (v) => CURRENCY.test(v), message: 'must be an ISO 4217 currency code, e.g. SEK' },
}

export function valueErrors(checks: ValueCheck[]): FieldError[] {
  return checks.flatMap(([kind, path, value]) => {
    const rule = RULES[kind]
    return value === undefined || value === null || rule.test(value) ? [] : [{ path, message: rule.message }]
  })
}

/** Throws the same 400 a schema violation gets (`request.validation_failed`), naming every bad field. */
export function assertValues(checks: ValueCheck[]): void {
  const errors = valueErrors(checks)
  if (errors.length > 0) {
    throw new InvalidInputError(
      'request.validation_failed',
      `Invalid values: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}.`,
      {},
      errors,
    )
  }
}

/** The country of an optional address, as a check. */
export const addressCheck = (
  address: { country?: string | undefined } | null | undefined,
  path: string,
): ValueCheck => ['country', `${path}/country`, address?.country]
