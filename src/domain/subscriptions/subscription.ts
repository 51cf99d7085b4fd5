/**
 * The subscription's `type`: the service type, taken from its plan's category
 * (`PRODUCT_CATEGORY_SUBSCRIPTION_CELL` → `CELL`, `PRODUCT_CATEGORY_TRAVEL_ESIM` → `TRAVEL_ESIM`).
 */
export function subscriptionType(category: string): string {
  return category.replace(/^PRODUCT_CATEGORY_(SUBSCRIPTION_)?/, '') || category
}

/**
 * A readable rendering of an E.164 number for `display` when the client gives none:
 * `+15551234567` → `+1 555 123 4567`, `+46701234567` → `+46 70 123 45 67`. Numbers of other
 * plans are grouped in threes after the country code; the exact grouping is cosmetic.
 */
export function displayMsisdn(msisdn: string): string {
  const digits = msisdn.replace(/[^0-9]/g, '')
  if (msisdn.startsWith('+1') && digits.length === 11)
    return `+1 ${digits.slice(1, 4)} ${digits.slice(4, 7)} ${digits.slice(7)}`
  if (msisdn.startsWith('+46') && digits.length === 11)
    return `+46 ${digits.slice(2, 4)} ${digits.slice(4, 7)} ${digits.slice(7, 9)} ${digits.slice(9)}`
  const country = digits.slice(0, 2)
  const rest = digits.slice(2).replace(/(\d{3})(?=\d)/g, '$1 ')
  return msisdn.startsWith('+') ? `+${country} ${rest}` : msisdn
}

/** E.164: a plus, then 8 to 15 digits, the first not zero. */
export const E164 = '^\\+[1-9][0-9]{7,14}$'
