/** Rows between two progress lines; a slow import also reports once a second. */
export const PROGRESS_EVERY_ROWS = 10_000
const PROGRESS_EVERY_MS = 1000

/** 120000 → "120 000". */
export const grouped = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ' ')

/**
 * A progress callback for a long import: `report(done)` writes "imported 120 000 of 500 000
 * numbers" when `done` passes a multiple of `PROGRESS_EVERY_ROWS`, when a second has gone by since
 * the last line, and when the last row is done.
 */
export function progressReporter(
  total: number,
  noun: string,
  write: (line: string) => void,
  now: () => number = Date.now,
): (done: number) => void {
  let lastDone = 0
  let lastAt = now()
  return (done) => {
    if (done <= lastDone) return
    const at = now()
    const crossed = Math.floor(done / PROGRESS_EVERY_ROWS) > Math.floor(lastDone / PROGRESS_EVERY_ROWS)
    if (!crossed && at - lastAt < PROGRESS_EVERY_MS && done < total) return
    lastDone = done
    lastAt = at
    write(`imported ${grouped(done)} of ${grouped(total)} ${noun}`)
  }
}
