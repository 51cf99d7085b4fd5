import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The crash and concurrency suites run on their own: `npx vitest run -c vitest.reliability.config.ts`.
    exclude: ['test/reliability/**', '**/node_modules/**'],
    globalSetup: ['test/helpers/global-setup.ts'],
    setupFiles: ['test/helpers/setup.ts'],
    pool: 'forks',
    // Each file gets its own database; PGlite is CPU-bound, so two at a time on this 2-core machine.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
})
