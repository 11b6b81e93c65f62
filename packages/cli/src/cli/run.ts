/** The samsa command line: topics, produce, consume, groups, cluster, configs, schemas. */
import { readFileSync } from 'node:fs';
import { type CliIo, createProgram, runProgram } from '@samsa/cli-kit';
import { addClusterCommands } from '../commands/cluster.js';
import { addConfigsCommands } from '../commands/configs.js';
import { addConsumeCommand } from '../commands/consume.js';
import { addGroupsCommands } from '../commands/groups.js';
import { addProduceCommand } from '../commands/produce.js';
import { addSchemasCommands } from '../commands/schemas.js';
import { addTopicsCommands } from '../commands/topics.js';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/** Runs samsa with `argv` (the arguments after its name); resolves with the exit code. */
export function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = createProgram({
    name: 'samsa',
    description:
      'Everyday Kafka from the terminal: topics, produce, consume, consumer groups and lag, configs, the cluster, ' +
      'and schemas (Avro decoded through the registry).',
    version,
    io,
  })
    .helpCommand('help [command]', 'show the help of a command')
    // `samsa -V` is samsa's version; `samsa schemas get S --version 3` is the subcommand's own option.
    .enablePositionalOptions();
  addTopicsCommands(program, io);
  addProduceCommand(program, io);
  addConsumeCommand(program, io);
  addGroupsCommands(program, io);
  addClusterCommands(program, io);
  addConfigsCommands(program, io);
  addSchemasCommands(program, io);
  return runProgram(program, argv);
}
