/** Documented in the README ("Exit codes"); every command returns one of these. */
export const ExitCode = {
  ok: 0,
  /** The model was read fine but failed a check (validation errors, parity out of tolerance). */
  checkFailed: 1,
  /** Bad input or usage: unreadable or malformed file, unknown option, missing argument. */
  badInput: 2,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
