#!/usr/bin/env node
/** samsa-console's process entry (bin/samsa-console.js imports the built copy). */
import { runMain } from '@samsa/cli-kit';
import { runCli } from './run.js';

runMain('samsa-console', runCli);
