import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../src/errors.js';
import { createProgram } from '../src/program.js';
import { runProgram } from '../src/run.js';
import { addSecurityOptions, saslFromFlags, tlsFromFlags } from '../src/security.js';

const dir = mkdtempSync(join(tmpdir(), 'cli-kit-tls-'));
const pem = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

describe('addSecurityOptions', () => {
  it('adds the TLS and SASL flags, parsed into SecurityFlags, with the mechanism checked', async () => {
    let seen: unknown;
    const io = { stdout: () => {}, stderr: (t: string) => (err += t) };
    let err = '';
    const program = createProgram({ name: 'tool', description: 'A tool.', io });
    addSecurityOptions(program.command('go'), { passwordEnv: 'TOOL_PASSWORD' }).action((flags) => {
      seen = flags;
    });
    await runProgram(program, [
      'go',
      '--ssl-ca',
      'ca.pem',
      '--sasl-mechanism',
      'scram-sha-256',
      '--sasl-username',
      'u',
    ]);
    expect(seen).toEqual({ sslCa: 'ca.pem', saslMechanism: 'scram-sha-256', saslUsername: 'u' });
    expect(await runProgram(program, ['go', '--sasl-mechanism', 'kerberos'])).toBe(2);
    expect(err).toMatch(/Allowed choices are plain, scram-sha-256, scram-sha-512/);
  });
});

describe('tlsFromFlags', () => {
  it('reads PEM files into TLS options over a base, and is undefined when TLS is not asked for', async () => {
    expect(await tlsFromFlags({})).toBeUndefined();
    expect(await tlsFromFlags({ ssl: true })).toEqual({});
    expect(await tlsFromFlags({}, { servername: 'kafka' })).toEqual({ servername: 'kafka' });
    const options = await tlsFromFlags(
      {
        sslCa: pem('ca.pem', 'CA'),
        sslCert: pem('c.pem', 'C'),
        sslKey: pem('k.pem', 'K'),
        sslKeyPassword: 'pw',
        sslInsecure: true,
      },
      { ca: 'OLD' },
    );
    expect(options).toEqual({ ca: 'CA', cert: 'C', key: 'K', passphrase: 'pw', rejectUnauthorized: false });
  });

  it('names what is missing or unreadable', async () => {
    await expect(tlsFromFlags({ sslKey: 'k.pem' })).rejects.toThrow(
      new UsageError('--ssl-key needs --ssl-cert'),
    );
    await expect(tlsFromFlags({ sslCert: 'c.pem' })).rejects.toThrow('--ssl-cert needs --ssl-key');
    await expect(tlsFromFlags({ sslCa: join(dir, 'none.pem') })).rejects.toThrow(
      `--ssl-ca ${join(dir, 'none.pem')}: no such file`,
    );
  });
});

describe('saslFromFlags', () => {
  it('takes flags over the base and the password from the environment last', () => {
    expect(saslFromFlags({})).toBeUndefined();
    expect(
      saslFromFlags({ saslUsername: 'b' }, { base: { mechanism: 'plain', username: 'a', password: 'p' } }),
    ).toEqual({
      mechanism: 'plain',
      username: 'b',
      password: 'p',
    });
    expect(saslFromFlags({ saslMechanism: 'scram-sha-512', saslUsername: 'u' }, { password: 'env' })).toEqual(
      {
        mechanism: 'scram-sha-512',
        username: 'u',
        password: 'env',
      },
    );
  });

  it('says what is missing, naming the password variable', () => {
    expect(() => saslFromFlags({ saslUsername: 'u' })).toThrow('--sasl-username needs --sasl-mechanism');
    expect(() => saslFromFlags({ saslMechanism: 'plain' })).toThrow('SASL plain needs --sasl-username');
    expect(() =>
      saslFromFlags({ saslMechanism: 'plain', saslUsername: 'u' }, { passwordEnv: 'TOOL_PASSWORD' }),
    ).toThrow('SASL plain needs --sasl-password (or TOOL_PASSWORD)');
  });
});
