#!/usr/bin/env node
/** samsa-registry's process entry (bin/samsa-registry.js imports the built copy). */
import { runMain } from '@samsa/cli-kit';
import { runCli } from './run.js';

runMain('samsa-registry', runCli);
