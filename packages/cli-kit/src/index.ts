// The conventions every Samsa command line shares. See README.md.

// commander's option and argument builders, for flags that need more than `.option()` (choices, conflicts).
export { Argument, InvalidArgumentError, Option } from 'commander';
export {
  type DevCertificateFiles,
  type DevCertificateOptions,
  type DevCertificates,
  generateDevCa,
  generateDevCertificates,
  issueClientCertificate,
  type PemKeyPair,
  readDevCa,
  writeDevCertificates,
} from './dev-certificates.js';
export { CliError, UsageError } from './errors.js';
export { ExitCode } from './exit-codes.js';
export { type CliIo, processIo } from './io.js';
export { OUTPUT_FORMATS, type OutputFormat, outputOption, printJson } from './output.js';
export { PARENT_CHECK_MS, startedByNpx, watchParent } from './parent.js';
export { integer, keyValue, repeatable } from './parsers.js';
export { CliCommand, createProgram, type ProgramOptions, USAGE_ERROR_CODE } from './program.js';
export { ProgressBar, type ProgressOptions } from './progress.js';
export { type Property, parseProperties, readPropertiesFile } from './properties.js';
export { runMain, runProgram } from './run.js';
export {
  addSecurityOptions,
  readPem,
  SASL_MECHANISMS,
  type SaslCredentials,
  type SaslMechanismName,
  type SecurityFlags,
  saslFromFlags,
  tlsFromFlags,
} from './security.js';
export { type StopReason, type WaitForStopOptions, waitForStop } from './stop.js';
export { colorEnabled, createStyle, type Style, styleFor } from './style.js';
export { type Column, formatTable, visibleWidth } from './table.js';
