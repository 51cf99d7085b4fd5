import { describe, expect, it } from 'vitest'
import { ConflictError } from '../shared/errors.js'
import { STATUS_ACTIONS, SUBSCRIPTION_STATUSES, canTransition, projectedStatus, transition } from './status.js'

describe('subscription status machine', () => {
  it('allows exactly the documented transitions', () => {
    const allowed = SUBSCRIPTION_STATUSES.flatMap((status) =>
      STATUS_ACTIONS.filter((a) => canTransition(status, a)).map((a) => `${status}:${a}`),
    )
    expect(allowed.sort()).toEqual(
      [
        'PENDING:activate',
        'PENDING:cancel',
        'ACTIVATED:block',
        'ACTIVATED:pause',
        'ACTIVATED:cancel',
        'BLOCKED:unblock',
        'BLOCKED:cancel',
        'PAUSED:resume',
        'PAUSED:block',
        'PAUSED:cancel',
      ].sort(),
    )
  })

  it('names the current status in the code of an illegal transition', () => {
    expect(() => transition('CANCELLED', 'resume')).toThrow(ConflictError)
    try {
      transition('CANCELLED', 'resume')
    } catch (error) {
      expect((error as ConflictError).code).toBe('subscription.is_cancelled')
    }
    expect(transition('PAUSED', 'resume')).toBe('ACTIVATED')
  })

  it('projects the status at an instant through the pending changes before it', () => {
    const d = (day: number) => new Date(Date.UTC(2025, 0, day))
    const pending = [
      { action: 'resume' as const, effectiveAt: d(20) },
      { action: 'pause' as const, effectiveAt: d(10) },
    ]
    expect(projectedStatus('ACTIVATED', pending, d(5))).toBe('ACTIVATED')
    expect(projectedStatus('ACTIVATED', pending, d(15))).toBe('PAUSED')
    expect(projectedStatus('ACTIVATED', pending, d(25))).toBe('ACTIVATED')
    expect(projectedStatus('BLOCKED', pending, d(25))).toBe('BLOCKED')
  })
})
