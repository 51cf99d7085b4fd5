import type { TimelineItem } from '../../services/timeline.service.js'

/** One mark on a drawn timeline: an item, or the present moment between what happened and what is to come. */
export type TimelineRow =
  | {
      type: 'item'
      at: Date
      /** The kind in words: `change_product_offering` → "change product offering". */
      what: string
      state: TimelineItem['state']
      /** Done, or still to come (a scheduled item not yet applied). */
      past: boolean
      who: string
      reason: string | null
      /** The details worth a line: `from → to`, then other plain values (`subscriptionAddonId: …`). */
      details: string[]
    }
  | { type: 'now'; at: Date }

const plain = (value: unknown): value is string | number | boolean =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'

function detailLines(details: Record<string, unknown>): string[] {
  const lines: string[] = []
  const { from, to, ...rest } = details
  if (plain(from) || plain(to)) lines.push(`${plain(from) ? String(from) : '—'} → ${plain(to) ? String(to) : '—'}`)
  for (const [key, value] of Object.entries(rest)) if (plain(value)) lines.push(`${key}: ${String(value)}`)
  return lines
}

/**
 * The API's timeline (services/timeline.service.ts, in effective order) as the portal draws it: each
 * item with who did it (`operator: ana@example.com`), and a "now" mark where the past ends.
 */
export function timelineRows(items: readonly TimelineItem[], now: Date): TimelineRow[] {
  const rows: TimelineRow[] = []
  let nowPlaced = false
  for (const item of items) {
    if (!nowPlaced && item.at > now) {
      rows.push({ type: 'now', at: now })
      nowPlaced = true
    }
    rows.push({
      type: 'item',
      at: item.at,
      what: item.kind.replaceAll('_', ' '),
      state: item.state,
      past: item.state === 'DONE',
      who: `${item.actor.type}: ${item.actor.label}${item.actor.user ? ` (for ${item.actor.user})` : ''}`,
      reason: item.reason,
      details: detailLines(item.details),
    })
  }
  if (!nowPlaced) rows.push({ type: 'now', at: now })
  return rows
}
