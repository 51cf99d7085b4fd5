import { describe, expect, it } from 'vitest'
import type { Offering } from '../catalog/offering.js'
import { ConflictError } from '../shared/errors.js'
import { licenseChangeFits, licenseChangeWhen, licenseKindOrder, licenseTransition, licenseType } from './license.js'

const offering = (id: string, rank: number, overrides: Partial<Offering> = {}): Offering =>
  ({
    id,
    rank,
    groupId: 'licenses',
    customerType: 'CONSUMER',
    product: { type: 'LICENSE', category: 'PRODUCT_CATEGORY_LICENSE_SECURITY' },
    price: { netMinor: 499 * rank, billingCycle: { period: 'MONTH', interval: 1 } },
    changePolicy: { upgrade: 'IMMEDIATE', lateral: 'IMMEDIATE', downgrade: 'NEXT_RENEWAL' },
    ...overrides,
  }) as Offering

describe('license rules', () => {
  it('takes the type from the category without its prefix', () => {
    expect(licenseType('PRODUCT_CATEGORY_LICENSE_SECURITY')).toBe('LICENSE_SECURITY')
    expect(licenseType('ANTIVIRUS')).toBe('ANTIVIRUS')
    expect(licenseType('PRODUCT_CATEGORY_')).toBe('PRODUCT_CATEGORY_')
  })

  it('activates only a PENDING license and cancels anything not cancelled, naming the status otherwise', () => {
    expect(licenseTransition('PENDING', 'activate')).toBe('ACTIVE')
    expect(licenseTransition('ACTIVE', 'cancel')).toBe('CANCELLED')
    expect(licenseTransition('PENDING', 'cancel')).toBe('CANCELLED')
    expect(() => licenseTransition('ACTIVE', 'activate')).toThrow(ConflictError)
    try {
      licenseTransition('CANCELLED', 'cancel')
    } catch (error) {
      expect((error as ConflictError).code).toBe('license.is_cancelled')
    }
  })

  it('orders same-instant changes: activation, offering change, cancel, then renewal', () => {
    const kinds = ['renew', 'cancel', 'change_product_offering', 'activate']
    expect(kinds.sort((a, b) => licenseKindOrder(a) - licenseKindOrder(b))).toEqual([
      'activate',
      'change_product_offering',
      'cancel',
      'renew',
    ])
  })

  it('lets a license move to licenses of the same category and customer type only', () => {
    const suite = offering('suite', 1)
    expect(licenseChangeFits(suite, offering('premium', 2))).toBe(true)
    expect(
      licenseChangeFits(
        suite,
        offering('backup', 1, {
          product: { type: 'LICENSE', category: 'PRODUCT_CATEGORY_LICENSE_BACKUP' } as Offering['product'],
        }),
      ),
    ).toBe(false)
    expect(licenseChangeFits(suite, offering('business', 2, { customerType: 'BUSINESS' }))).toBe(false)
    expect(
      licenseChangeFits(
        suite,
        offering('addon', 2, {
          product: { type: 'SUBSCRIPTION_ADDON', category: 'PRODUCT_CATEGORY_LICENSE_SECURITY' } as Offering['product'],
        }),
      ),
    ).toBe(false)
  })

  describe('when an offering change applies', () => {
    const anchor = new Date('2025-01-31T12:00:00Z')
    const now = new Date('2025-02-10T09:00:00Z')
    const base = { status: 'ACTIVE' as const, anchor, now, zone: 'UTC' }

    it('upgrades now and downgrades at the next renewal of the license’s own cycle (Jan 31 → Feb 28)', () => {
      expect(licenseChangeWhen({ ...base, from: offering('suite', 1), to: offering('premium', 2) })).toEqual({
        timing: 'IMMEDIATE',
        at: now,
      })
      expect(licenseChangeWhen({ ...base, from: offering('premium', 2), to: offering('suite', 1) })).toEqual({
        timing: 'NEXT_RENEWAL',
        at: new Date('2025-02-28T00:00:00Z'),
      })
    })

    it('never applies before the earliest day', () => {
      const earliest = new Date('2025-03-05T00:00:00Z')
      expect(
        licenseChangeWhen({ ...base, earliest, from: offering('suite', 1), to: offering('premium', 2) }).at,
      ).toEqual(earliest)
      expect(
        licenseChangeWhen({ ...base, earliest, from: offering('premium', 2), to: offering('suite', 1) }).at,
      ).toEqual(new Date('2025-03-31T00:00:00Z'))
    })

    it('applies at once to a license without a cycle: not activated yet, or priced once', () => {
      expect(
        licenseChangeWhen({
          ...base,
          status: 'PENDING',
          anchor: null,
          from: offering('premium', 2),
          to: offering('suite', 1),
        }),
      ).toEqual({ timing: 'IMMEDIATE', at: now })
      const once = offering('premium', 2, {
        price: { netMinor: 998, billingCycle: null } as unknown as Offering['price'],
      })
      expect(licenseChangeWhen({ ...base, from: once, to: offering('suite', 1) }).timing).toBe('IMMEDIATE')
    })
  })
})
