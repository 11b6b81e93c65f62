import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseProperties } from '@samsa/cli-kit';
import { describe, expect, it } from 'vitest';
import { settingsFromProperties } from '../../src/connection/properties.js';

const dir = mkdtempSync(join(tmpdir(), 'samsa-props-'));
const settings = (text: string) => settingsFromProperties(parseProperties(text), 'client.properties');

describe('settingsFromProperties', () => {
  it("rejects a key it does not know with the line and the closest known key (core-client's did-you-mean)", async () => {
    await expect(settings('client.id=x\nbootstrap.server=a:1\n')).rejects.toThrow(
      "client.properties line 2: unknown option 'bootstrap.server' (did you mean 'bootstrap.servers'?)",
    );
    await expect(settings('compression.type=lz4\n')).rejects.toThrow(
      "client.properties line 1: unknown option 'compression.type'",
    );
  });

  it('reads PLAIN credentials from a JAAS line or from librdkafka-style keys', async () => {
    expect(
      await settings(
        'security.protocol=SASL_SSL\nsasl.mechanism=PLAIN\n' +
          'sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="a" password="p\\\\"q";\n',
      ),
    ).toEqual({ sasl: { mechanism: 'plain', username: 'a', password: 'p\\"q' }, ssl: {} });
    expect(
      await settings(
        'security.protocol=SASL_PLAINTEXT\nsasl.mechanisms=SCRAM-SHA-512\nsasl.username=u\nsasl.password=pw\n',
      ),
    ).toEqual({ sasl: { mechanism: 'scram-sha-512', username: 'u', password: 'pw' } });
  });

  it('refuses mechanisms and logins Samsa does not speak, naming the line', async () => {
    await expect(settings('security.protocol=SASL_SSL\nsasl.mechanism=GSSAPI\n')).rejects.toThrow(
      'client.properties line 2: sasl.mechanism is GSSAPI; Samsa supports PLAIN, SCRAM-SHA-256, SCRAM-SHA-512',
    );
    await expect(settings('security.protocol=SSH\n')).rejects.toThrow('line 1: security.protocol is SSH');
    await expect(
      settings(
        'security.protocol=SASL_SSL\nsasl.jaas.config=com.sun.security.auth.module.Krb5LoginModule required;\n',
      ),
    ).rejects.toThrow('only PlainLoginModule and ScramLoginModule');
  });

  it('maps TLS files, PEM truststores and PKCS12 keystores, and explains JKS', async () => {
    writeFileSync(join(dir, 'ca.pem'), 'CA');
    writeFileSync(join(dir, 'client.p12'), 'P12');
    expect(
      await settings(
        `security.protocol=SSL\nssl.truststore.location=${join(dir, 'ca.pem')}\nssl.truststore.type=PEM\n` +
          `ssl.keystore.location=${join(dir, 'client.p12')}\nssl.keystore.type=PKCS12\nssl.keystore.password=pw\n` +
          'enable.ssl.certificate.verification=false\n',
      ),
    ).toEqual({
      ssl: { ca: Buffer.from('CA'), pfx: Buffer.from('P12'), passphrase: 'pw', rejectUnauthorized: false },
    });
    await expect(
      settings(`security.protocol=SSL\nssl.truststore.location=${join(dir, 'ca.pem')}\n`),
    ).rejects.toThrow(
      /line 2: ssl.truststore.location is a JKS store, which Node.js cannot read; export its CA as PEM/,
    );
    const hostless = await settings(`security.protocol=SSL\nssl.endpoint.identification.algorithm=\n`);
    expect(hostless.ssl?.checkServerIdentity?.('x', {} as never)).toBeUndefined();
  });

  it('reads the registry URL and credentials, and the timeout', async () => {
    expect(
      await settings(
        'schema.registry.url=http://r:8081\nbasic.auth.credentials.source=USER_INFO\nbasic.auth.user.info=u:p\ndefault.api.timeout.ms=1500\n',
      ),
    ).toEqual({ registry: { url: 'http://r:8081', auth: 'u:p' }, timeoutMs: 1500 });
    await expect(settings('request.timeout.ms=soon\n')).rejects.toThrow(
      'line 1: request.timeout.ms must be a positive integer',
    );
  });
});
