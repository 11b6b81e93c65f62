/** The package's name and version, as OpenTelemetry reports the instrumentation scope. */
import { createRequire } from 'node:module';

export const PACKAGE_NAME = '@samsa/otel';
// src/ and dist/ both sit one level below package.json.
export const PACKAGE_VERSION: string = createRequire(import.meta.url)('../package.json').version;
