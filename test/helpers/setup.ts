import { useNamedStatements } from '../../src/persistence/compiled.js'

/**
 * Runs before each test file. OPENLINE_PREPARED_STATEMENTS=false (or OPENLINE_POOLER=transaction)
 * makes the test apps send plain parameterised queries, as `openline serve` does behind a
 * transaction-mode pooler; test apps open the pool directly, not through loadConfig.
 */
if (process.env.OPENLINE_PREPARED_STATEMENTS === 'false' || process.env.OPENLINE_POOLER === 'transaction')
  useNamedStatements(false)
