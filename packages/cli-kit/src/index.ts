// The conventions every Samsa command line shares. See README.md.

// commander's option and argument builders, for flags that need more than `.option()` (choices, conflicts).
export { Argument, InvalidArgumentError, Option } from 'commander';
export { CliError, UsageError } from './errors.js';
export { ExitCode } from './exit-codes.js';
export { type CliIo, processIo } from './io.js';
export { PARENT_CHECK_MS, startedByNpx, watchParent } from './parent.js';
export { integer, repeatable } from './parsers.js';
export { CliCommand, createProgram, type ProgramOptions, USAGE_ERROR_CODE } from './program.js';
export { runMain, runProgram } from './run.js';
export { type StopReason, type WaitForStopOptions, waitForStop } from './stop.js';
