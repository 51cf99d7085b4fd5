import { defineConfig } from 'vitest/config'

/** The reliability suites (docs/reliability.md): long-running, so not part of `npm test`. */
export default defineConfig({
  test: {
    include: ['test/reliability/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 300_000,
    hookTimeout: 180_000,
  },
})
