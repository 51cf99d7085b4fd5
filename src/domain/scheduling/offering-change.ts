import type { Offering } from '../catalog/offering.js'
import { changeTiming } from '../catalog/offering.js'
import type { ChangeTiming } from './calendar.js'
import { effectiveInstant } from './calendar.js'

/**
 * When moving something (a subscription, an add-on, a license) from one offering to another takes
 * effect: the target's change policy for the direction, on the cycle of the current offering
 * anchored at `anchor`, never before `earliest`. Something not running on a cycle yet (not
 * activated, or on a one-time price) has no renewal to wait for, so it changes at once.
 */
export function offeringChangeInstant(input: {
  from: Offering
  to: Offering
  anchor: Date | null
  running: boolean
  now: Date
  earliest?: Date
  zone: string
}): { timing: ChangeTiming; at: Date } {
  const cycle = input.from.price.billingCycle
  const timing: ChangeTiming = cycle && input.anchor && input.running ? changeTiming(input.from, input.to) : 'IMMEDIATE'
  const at = effectiveInstant({
    now: input.now,
    timing,
    ...(input.earliest && { earliest: input.earliest }),
    anchor: input.anchor ?? input.now,
    cycle: cycle ?? { period: 'MONTH', interval: 1 },
    zone: input.zone,
  })
  return { timing, at }
}
