import { describe, expect, it } from 'vitest'
import { ERROR_CODES, statusesOf } from './error-codes.js'
import type { ErrorCode } from './error-codes.js'
import { BusinessRuleError, ConflictError, NotFoundError } from './errors.js'

describe('the error code list', () => {
  it('names every code dotted and snake_case, with a meaning', () => {
    for (const [code, entry] of Object.entries(ERROR_CODES)) {
      expect(code).toMatch(/^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/)
      expect(entry.meaning.length).toBeGreaterThan(10)
    }
  })

  it('gives each code its statuses as a list', () => {
    expect(statusesOf('addon.is_active')).toEqual([409])
    expect(statusesOf('product_offering.not_found')).toEqual([404, 422])
  })

  it('lets the constructors take only a listed code of their status (checked by tsc)', () => {
    const wrong = [
      // @ts-expect-error a code that is not listed
      () => new ConflictError('addon.is_actve', 'typo'),
      // @ts-expect-error a listed code of another status
      () => new ConflictError('addon.limit_reached', 'a 422 code'),
      // @ts-expect-error a resource no 404 code names
      () => new NotFoundError('adon', 'x'),
    ]
    expect(wrong).toHaveLength(3)
    const code: ErrorCode = new BusinessRuleError('addon.limit_reached', 'm').code
    expect(new NotFoundError('subscription_addon', 'x').code).toBe('subscription_addon.not_found')
    expect(code).toBe('addon.limit_reached')
  })
})
