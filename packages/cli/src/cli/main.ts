#!/usr/bin/env node
/** samsa's process entry (bin/samsa.js imports the built copy). */
import { runMain } from '@samsa/cli-kit';
import { runCli } from './run.js';

runMain('samsa', runCli);
