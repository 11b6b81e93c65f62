/**
 * What a Samsa command's exit status means, the same for every command:
 * 0 it did what was asked, 1 it failed (or found what it checks for, such as an incompatible schema),
 * 2 the command line or its input is wrong (a flag, an argument, a file it names): fix the call, not the system.
 */
export const ExitCode = {
  Ok: 0,
  Failure: 1,
  Usage: 2,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
