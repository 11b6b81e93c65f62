/**
 * @samsa/cli: the `samsa` command. `runCli(argv, io)` runs it in-process (the bin script and tests call it); the
 * commands are documented in the README and in `samsa help`.
 */
export { runCli } from './cli/run.js';
