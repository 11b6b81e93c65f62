/**
 * `samsa-registry hash-password`: a user entry for the authorization file, as Karapace's `karapace_mkpasswd`
 * prints it. The password is read from standard input (one line), never from the command line, so that it does
 * not show in the process list or the shell history.
 */
import { type CliCommand, type CliIo, ExitCode, Option, UsageError } from '@samsa/cli-kit';
import {
  HASH_ALGORITHMS,
  type HashAlgorithm,
  hashPassword,
  randomSalt,
} from '../../server/auth/password-hash.js';

interface HashPasswordFlags {
  user?: string;
  algorithm: HashAlgorithm;
  salt?: string;
}

export function addHashPasswordCommand(program: CliCommand, io: CliIo): void {
  program
    .command('hash-password')
    .description("Print an authorization file's user entry for the password read from standard input")
    .option('-u, --user <name>', 'the user name to put in the entry')
    .addOption(
      new Option('-a, --algorithm <algorithm>', 'password hash').choices(HASH_ALGORITHMS).default('scrypt'),
    )
    .option('--salt <salt>', 'salt (default: 16 random bytes)')
    .action((flags: HashPasswordFlags) => hashPasswordCommand(flags, io));
}

async function hashPasswordCommand(flags: HashPasswordFlags, io: CliIo): Promise<number> {
  if (!io.stdin) throw new UsageError('hash-password reads the password from standard input');
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(Buffer.from(chunk as Buffer | string));
  const password = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  if (password === '') throw new UsageError('hash-password read an empty password from standard input');
  const salt = flags.salt ?? randomSalt();
  const entry = {
    ...(flags.user !== undefined && { username: flags.user }),
    algorithm: flags.algorithm,
    salt,
    password_hash: await hashPassword(flags.algorithm, salt, password),
  };
  io.stdout(`${JSON.stringify(entry, null, 4)}\n`);
  return ExitCode.Ok;
}
