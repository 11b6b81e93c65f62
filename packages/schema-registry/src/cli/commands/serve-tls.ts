/**
 * `serve`'s HTTPS flags: `--tls-cert`/`--tls-key` (PEM files), or `--tls auto` for a throwaway CA and certificate
 * made at start (written to `--tls-dir`, by default a new temporary directory, and printed so clients can trust
 * the CA).
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type CliCommand,
  generateDevCertificates,
  InvalidArgumentError,
  readPem,
  UsageError,
  writeDevCertificates,
} from '@samsa/cli-kit';
import type { RegistryTlsOptions } from '../../server/http.js';

export interface ServeTlsFlags {
  tls?: 'auto';
  tlsCert?: string;
  tlsKey?: string;
  tlsCa?: string;
  tlsDir?: string;
}

export function addServeTlsOptions(command: CliCommand): CliCommand {
  return command
    .option(
      '--tls <auto>',
      'serve HTTPS with a throwaway CA and certificate made at start (development only; the CA path is printed)',
      (value: string) => {
        if (value !== 'auto') {
          throw new InvalidArgumentError(
            'Only "auto"; give your own certificate with --tls-cert and --tls-key.',
          );
        }
        return value;
      },
    )
    .option('--tls-cert <file>', 'serve HTTPS with this PEM certificate (chain); needs --tls-key')
    .option('--tls-key <file>', 'PEM private key of --tls-cert')
    .option('--tls-ca <file>', 'PEM CAs to trust when forwarding writes to the leader over HTTPS')
    .option(
      '--tls-dir <dir>',
      'where --tls auto writes ca.pem, ca-key.pem, server.pem and server-key.pem (default: a new temporary directory)',
    );
}

/** The server's TLS options, and a line saying what clients should trust; undefined for plain HTTP. */
export async function serveTls(
  flags: ServeTlsFlags,
  hosts: string[],
): Promise<{ tls: RegistryTlsOptions; notice: string } | undefined> {
  if (flags.tls === 'auto') {
    if (flags.tlsCert !== undefined || flags.tlsKey !== undefined) {
      throw new UsageError('Use either --tls auto or --tls-cert and --tls-key');
    }
    const dir = flags.tlsDir ?? (await mkdtemp(join(tmpdir(), 'samsa-registry-tls-')));
    const made = await generateDevCertificates({ hosts });
    const { caCertFile } = await writeDevCertificates(dir, made);
    return {
      tls: { cert: made.server.cert, key: made.server.key, ca: made.ca.cert },
      notice:
        `TLS: a throwaway CA made at start signed this server's certificate (${hosts.join(', ')}); ` +
        `clients must trust ${caCertFile} (e.g. NODE_EXTRA_CA_CERTS=${caCertFile}). Development only.\n`,
    };
  }
  if (flags.tlsDir !== undefined) throw new UsageError('--tls-dir only applies with --tls auto');
  if (flags.tlsCert === undefined && flags.tlsKey === undefined) {
    if (flags.tlsCa !== undefined)
      throw new UsageError('--tls-ca needs --tls-cert and --tls-key (or --tls auto)');
    return undefined;
  }
  if (flags.tlsCert === undefined) throw new UsageError('--tls-key needs --tls-cert');
  if (flags.tlsKey === undefined) throw new UsageError('--tls-cert needs --tls-key');
  const tls: RegistryTlsOptions = {
    cert: await readPem(flags.tlsCert, '--tls-cert'),
    key: await readPem(flags.tlsKey, '--tls-key'),
  };
  if (flags.tlsCa !== undefined) tls.ca = await readPem(flags.tlsCa, '--tls-ca');
  return { tls, notice: `TLS: serving HTTPS with the certificate in ${flags.tlsCert}.\n` };
}
