import { describe, expect, it } from 'vitest'
import { v2Status } from './add-on.js'

describe('V2 add-on status', () => {
  it('maps every Connect status, telling a withdrawn add-on from one that ended after being active', () => {
    expect(v2Status('PENDING', false)).toBe('REQUESTED')
    expect(v2Status('ACTIVE', true)).toBe('ACTIVE')
    expect(v2Status('CANCELLED', false)).toBe('CANCELLED')
    expect(v2Status('CANCELLED', true)).toBe('DEACTIVATED')
    expect(v2Status('EXPIRED', true)).toBe('DEACTIVATED')
  })
})
