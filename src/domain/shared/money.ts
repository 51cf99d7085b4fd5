import { InvalidInputError } from './errors.js'

/**
 * Money is an integer count of the currency's minor unit inside Openline (cents for USD, öre for
 * SEK, yen for JPY), so sums and taxes are exact. The Connect API shows decimal major units
 * (137.39); these functions convert at the edge.
 */
export interface Money {
  amountMinor: number
  currency: string
}

const exponents = new Map<string, number>()

/** The runtime's ICU list of ISO 4217 codes: `Intl.NumberFormat` alone accepts any three letters. */
const CURRENCIES = new Set(Intl.supportedValuesOf('currency'))

export const isCurrency = (code: string): boolean => CURRENCIES.has(code)

/** Digits after the decimal point for an ISO 4217 currency (2 for USD, 0 for JPY, 3 for KWD). */
export function minorUnitExponent(currency: string): number {
  const code = currency.toUpperCase()
  let exponent = exponents.get(code)
  if (exponent === undefined) {
    if (!isCurrency(code))
      throw new InvalidInputError('money.invalid_currency', `'${currency}' is not an ISO 4217 currency code.`, {
        currency,
      })
    exponent =
      new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits ?? 2
    exponents.set(code, exponent)
  }
  return exponent
}

/** Decimal major units → minor units, refusing amounts finer than the currency allows (0.001 USD). */
export function toMinor(major: number, currency: string, path = 'amount'): number {
  const exponent = minorUnitExponent(currency)
  const scaled = major * 10 ** exponent
  const rounded = Math.round(scaled)
  if (!Number.isFinite(major) || Math.abs(scaled - rounded) > 1e-6 || !Number.isSafeInteger(rounded)) {
    throw new InvalidInputError(
      'money.invalid_amount',
      `${major} is not an amount of ${currency.toUpperCase()} (at most ${exponent} decimals).`,
      { amount: major, currency },
      [{ path, message: `must have at most ${exponent} decimals` }],
    )
  }
  return rounded
}

/** Minor units → decimal major units, as the Connect API renders prices. */
export function toMajor(minor: number, currency: string): number {
  const exponent = minorUnitExponent(currency)
  return Number((minor / 10 ** exponent).toFixed(exponent))
}

/** Rounds half away from zero: the usual rule for tax on an invoice line. */
export function roundHalfAwayFromZero(value: number): number {
  return Math.sign(value) * Math.round(Math.abs(value))
}

/** `amountMinor × rate%`, rounded to the minor unit. Rates are percent (8.25 means 8.25 %). */
export function percentOf(amountMinor: number, ratePercent: number): number {
  return roundHalfAwayFromZero((amountMinor * ratePercent) / 100)
}
