import { defineConfig } from 'vitest/config'

/**
 * The SDK's tests: each file starts a real Openline server in-process (127.0.0.1, port 0) on its
 * own database, with the root suite's global setup (a migrated PGlite template, or a PostgreSQL
 * template database when TEST_DATABASE_URL is set). `npm run -w @openline/sdk test`.
 */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['../../test/helpers/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
})
