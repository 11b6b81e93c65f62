/**
 * The registry's commands for other Samsa command lines to mount, so there is one of each: `samsa schemas check`
 * is this package's `check`, with the same flags, output and exit codes (`@samsa/schema-registry/cli`).
 */
export { addCheckCommand } from './commands/check.js';
