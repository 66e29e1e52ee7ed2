/**
 * The `pn` exit codes (documented in docs/cli.md). Scripts branch on them, so they are part of
 * the CLI's contract: never renumber one.
 */
import type { PrivacyNumberError } from '@privacy-number/core'

/** Every exit code `pn` uses. */
export const EXIT_CODES = {
  /** Success. */
  ok: 0,
  /** A bug in pn itself (an unexpected exception); rerun with --debug for the stack trace. */
  internal: 1,
  /** Invalid input: a bad option, argument, CSV file, config file or field value. */
  invalidInput: 2,
  /** The vendor answered with an error (not found, conflict, auth, no number, …). */
  vendorError: 3,
  /** Every provider was tried and every one failed. */
  allProvidersFailed: 4,
  /** A change may or may not have been applied (timeout, reset, 5xx after sending). */
  unknownOutcome: 5,
  /** `pn batch` finished, but at least one row failed (see the results file). */
  batchRowsFailed: 6,
} as const

/** One of `EXIT_CODES`. */
export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES]

/**
 * The exit code of an operation that failed with `error`. `changes` says whether the operation
 * changes vendor state: only then does an unknown outcome matter (a query that timed out left
 * nothing behind).
 */
export function exitCodeOf(error: PrivacyNumberError, changes: boolean): ExitCode {
  if (error._tag === 'InvalidArgument') return EXIT_CODES.invalidInput
  if (changes && error.outcome === 'unknown') return EXIT_CODES.unknownOutcome
  if (error._tag === 'AllProvidersFailed') return EXIT_CODES.allProvidersFailed
  return EXIT_CODES.vendorError
}
