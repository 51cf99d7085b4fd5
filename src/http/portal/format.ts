/** An amount in decimal major units as the operator reads it: `USD 12.50` (the currency's own decimals). */
export function formatMoney(amount: number | null | undefined, currency: string | null | undefined): string {
  if (amount === null || amount === undefined || !currency) return '—'
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency, currencyDisplay: 'code' })
      .format(amount)
      .replace(/\s/g, ' ')
  } catch {
    return `${amount} ${currency}`
  }
}
