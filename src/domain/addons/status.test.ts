import { describe, expect, it } from 'vitest'
import { ADDON_STATUSES } from './addon.js'
import { ADDON_TRANSITIONS, canTransition, checkTransition } from './status.js'

describe('the add-on status machine', () => {
  it('activates only a PENDING add-on', () => {
    expect(ADDON_STATUSES.filter((s) => canTransition(s, 'activate'))).toEqual(['PENDING'])
    expect(ADDON_TRANSITIONS.activate.to).toBe('ACTIVE')
  })

  it('changes, cancels, expires and provisions only an attached add-on', () => {
    for (const action of ['change_product_offering', 'cancel', 'expire', 'provision'] as const)
      expect(ADDON_STATUSES.filter((s) => canTransition(s, action))).toEqual(['PENDING', 'ACTIVE'])
    expect(ADDON_TRANSITIONS.cancel.to).toBe('CANCELLED')
    expect(ADDON_TRANSITIONS.expire.to).toBe('EXPIRED')
  })

  it('answers OK where the table allows the action', () => {
    expect(checkTransition('PENDING', 'activate')).toEqual({ ok: true })
    expect(checkTransition('ACTIVE', 'cancel')).toEqual({ ok: true })
  })

  it('refuses with a 409 naming the status that forbids the action', () => {
    expect(checkTransition('ACTIVE', 'activate')).toEqual({
      ok: false,
      code: 'addon.is_active',
      status: 409,
      message: 'A ACTIVE add-on cannot be activated.',
      details: { status: 'ACTIVE' },
    })
    expect(checkTransition('EXPIRED', 'change_product_offering')).toMatchObject({
      code: 'addon.is_expired',
      message: 'A EXPIRED add-on cannot change.',
    })
    expect(checkTransition('CANCELLED', 'cancel')).toMatchObject({
      code: 'addon.is_cancelled',
      message: 'The add-on is already CANCELLED.',
    })
    expect(checkTransition('CANCELLED', 'expire')).toMatchObject({ message: 'The add-on is already CANCELLED.' })
    expect(checkTransition('EXPIRED', 'provision')).toMatchObject({
      code: 'addon.is_expired',
      message: 'The add-on is EXPIRED: there is nothing to provision.',
    })
  })
})
