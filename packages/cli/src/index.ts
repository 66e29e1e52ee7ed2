/**
 * @privacy-number/cli: the `pn` command-line tool. The executable is `pn`; this module exposes
 * its runner and helpers for embedding and testing.
 */
export {
  runCli,
  createProgram,
  CliFailure,
  bindRequestFrom,
  expiryFrom,
  type CliIO,
} from './program'
export { EXIT_CODES, exitCodeOf, type ExitCode } from './exit-codes'
export { parseDuration, isDuration } from './duration'
export {
  readConfigFile,
  resolveSettings,
  describeSettings,
  configuredVendors,
  maskSecret,
  VENDORS,
  VENDOR_FIELDS,
  type Settings,
  type VendorName,
  type VolcengineSettings,
  type AliyunSettings,
  type ConfigError,
} from './config'
export {
  parseBatchCsv,
  rowToRequest,
  readResults,
  runBatch,
  rowKey,
  INPUT_COLUMNS,
  RESULT_COLUMNS,
  type BatchRow,
  type ResultRow,
  type BatchOptions,
  type BatchSummary,
  type BatchProgress,
} from './batch'
export { runDemo, type DemoReport, type DemoOptions } from './demo'
export { openSession, type Session, type SessionOptions } from './session'
