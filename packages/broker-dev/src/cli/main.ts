#!/usr/bin/env node
/** samsa-broker's process entry (bin/samsa-broker.js imports the built copy). */
import { runMain } from '@samsa/cli-kit';
import { runCli } from './run.js';

runMain('samsa-broker', runCli);
