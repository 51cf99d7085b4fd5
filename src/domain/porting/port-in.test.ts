import { describe, expect, it } from 'vitest'
import type { PortInState } from './port-in.js'
import {
  PORT_IN_STATUSES,
  applyAnswer,
  freshState,
  assertEditable,
  awaitsCorrection,
  canMove,
  isEditable,
  isLive,
} from './port-in.js'

const NOW = new Date('2025-01-15T10:00:00Z')
const state = (overrides: Partial<PortInState> = {}): PortInState => ({ ...freshState(), ...overrides })

describe('port-in statuses', () => {
  it('move forward, back to PENDING only from IN_PROGRESS, and never out of COMPLETED or FAILED', () => {
    expect(canMove('PENDING', 'IN_PROGRESS')).toBe(true)
    expect(canMove('IN_PROGRESS', 'SCHEDULED')).toBe(true)
    expect(canMove('SCHEDULED', 'COMPLETED')).toBe(true)
    expect(canMove('IN_PROGRESS', 'PENDING')).toBe(true)
    expect(canMove('SCHEDULED', 'PENDING')).toBe(false)
    expect(canMove('SCHEDULED', 'IN_PROGRESS')).toBe(false)
    for (const to of PORT_IN_STATUSES) {
      expect(canMove('COMPLETED', to)).toBe(to === 'COMPLETED')
      expect(canMove('FAILED', to)).toBe(to === 'FAILED')
    }
    for (const from of ['PENDING', 'IN_PROGRESS', 'SCHEDULED'] as const) expect(canMove(from, 'FAILED')).toBe(true)
  })

  it('are editable while PENDING or IN_PROGRESS, live until they end', () => {
    expect(PORT_IN_STATUSES.filter(isEditable)).toEqual(['PENDING', 'IN_PROGRESS'])
    expect(PORT_IN_STATUSES.filter(isLive)).toEqual(['PENDING', 'IN_PROGRESS', 'SCHEDULED'])
    expect(() => assertEditable('SCHEDULED')).toThrow(
      expect.objectContaining({ code: 'porting.not_editable', details: { currentStatus: 'SCHEDULED' } }),
    )
    expect(() => assertEditable('IN_PROGRESS')).not.toThrow()
  })
})

describe('provider answers', () => {
  it('IN_PROGRESS records the reference and asks again later; the same answer again is no news', () => {
    const first = applyAnswer(state(), { status: 'IN_PROGRESS', reference: 'ref-1', checkAfterMs: 3_600_000 }, NOW)
    expect(first).toEqual({
      patch: { status: 'IN_PROGRESS', providerReference: 'ref-1' },
      event: 'updated',
      checkAfterMs: 3_600_000,
    })
    expect(
      applyAnswer(
        state({ status: 'IN_PROGRESS', providerReference: 'ref-1' }),
        { status: 'IN_PROGRESS', reference: 'ref-1', checkAfterMs: 5 },
        NOW,
      ).event,
    ).toBeNull()
  })

  it('SCHEDULED records the port instant', () => {
    const at = new Date('2025-01-16T10:00:00Z')
    const outcome = applyAnswer(
      state({ status: 'IN_PROGRESS' }),
      { status: 'SCHEDULED', reference: 'ref-1', scheduledAt: at, checkAfterMs: 86_400_000 },
      NOW,
    )
    expect(outcome).toMatchObject({
      patch: { status: 'SCHEDULED', scheduledAt: at },
      event: 'updated',
      checkAfterMs: 86_400_000,
    })
  })

  it('REJECTED goes back to PENDING with the reason, waiting for corrected details', () => {
    const outcome = applyAnswer(state({ status: 'IN_PROGRESS' }), { status: 'REJECTED', reason: 'wrong passcode' }, NOW)
    expect(outcome).toEqual({
      patch: { status: 'PENDING', rejectionReason: 'wrong passcode', rejectedAt: NOW, scheduledAt: null },
      event: 'updated',
      checkAfterMs: null,
    })
    expect(awaitsCorrection({ ...state(), ...outcome.patch })).toBe(true)
    expect(awaitsCorrection(state())).toBe(false)
  })

  it('COMPLETED and FAILED end it, with their events', () => {
    expect(applyAnswer(state({ status: 'SCHEDULED' }), { status: 'COMPLETED', reference: 'ref-1' }, NOW)).toMatchObject(
      { patch: { status: 'COMPLETED', completedAt: NOW }, event: 'completed', checkAfterMs: null },
    )
    expect(
      applyAnswer(state({ status: 'IN_PROGRESS' }), { status: 'FAILED', reason: 'not portable' }, NOW),
    ).toMatchObject({ patch: { status: 'FAILED', failureReason: 'not portable', failedAt: NOW }, event: 'failed' })
  })

  it('refuse to move an ended port-in, or a scheduled one back', () => {
    expect(() =>
      applyAnswer(state({ status: 'COMPLETED' }), { status: 'IN_PROGRESS', reference: 'r', checkAfterMs: 1 }, NOW),
    ).toThrow(/COMPLETED port-in cannot become IN_PROGRESS/)
    expect(() => applyAnswer(state({ status: 'SCHEDULED' }), { status: 'REJECTED', reason: 'late' }, NOW)).toThrow(
      /SCHEDULED port-in cannot become PENDING/,
    )
  })
})
