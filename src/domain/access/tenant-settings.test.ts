import { describe, expect, it } from 'vitest'
import { mergeSettings } from './tenant-settings.js'

describe('mergeSettings', () => {
  it('sets keys, replaces objects whole, removes keys sent as null and keeps the rest', () => {
    const current = {
      currency: 'SEK',
      networkProvider: { type: 'simulated', latencyMs: 5 },
      allowDirectSubscriptionCreation: false,
    }
    const merged = mergeSettings(current, {
      networkProvider: { type: 'simulated', failFirst: 2 },
      allowDirectSubscriptionCreation: null,
      licensesManagedByBilling: true,
    })
    expect(merged).toEqual({
      currency: 'SEK',
      networkProvider: { type: 'simulated', failFirst: 2 },
      licensesManagedByBilling: true,
    })
  })

  it('leaves the current settings untouched', () => {
    const current = { currency: 'SEK' }
    mergeSettings(current, { currency: null })
    expect(current).toEqual({ currency: 'SEK' })
  })
})
