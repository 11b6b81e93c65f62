/** The samsa-broker command line: one command, its flags, and the broker it runs. */
import { type CliIo, createProgram, runProgram } from '@samsa/cli-kit';
import { addBrokerFlags, type BrokerFlags, brokerCommandLine } from './flags.js';
import { serve } from './serve.js';

/** Runs samsa-broker with `argv` (the arguments after its name); resolves with the exit code. */
export function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = createProgram({
    name: 'samsa-broker',
    description: 'Starts a Kafka-protocol dev broker. Prints BROKERS=host:port[,host:port...] when ready.',
    io,
  });
  addBrokerFlags(program).action((flags: BrokerFlags) => serve(brokerCommandLine(flags), io));
  return runProgram(program, argv);
}
