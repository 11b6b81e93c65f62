/**
 * The physical reference: bytes/s one Node process pushes through a loopback TCP socket to another
 * (64 KiB writes, with back-pressure), measured for `seconds`.
 */
import { fork } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

if (process.argv[2] === 'sink') {
  // Child: accept one connection, count bytes, report on close.
  const server = net.createServer((socket) => {
    let bytes = 0;
    socket.on('data', (c) => {
      bytes += c.length;
    });
    socket.on('end', () => {
      process.send?.({ bytes });
      server.close();
    });
  });
  server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as net.AddressInfo).port }));
}

export async function loopbackCeiling(seconds = 2): Promise<{ bytesPerSec: number }> {
  const child = fork(fileURLToPath(import.meta.url), ['sink'], { execArgv: ['--import', 'tsx'] });
  const port = await new Promise<number>((resolve) =>
    child.once('message', (m: { port: number }) => resolve(m.port)),
  );
  const socket = net.connect(port, '127.0.0.1');
  socket.setNoDelay(true);
  await new Promise((r) => socket.once('connect', r));
  const chunk = Buffer.alloc(64 * 1024, 7);
  const t0 = process.hrtime.bigint();
  const deadline = Date.now() + seconds * 1000;
  await new Promise<void>((resolve) => {
    const pump = () => {
      while (Date.now() < deadline) {
        if (!socket.write(chunk)) {
          socket.once('drain', pump);
          return;
        }
      }
      resolve();
    };
    pump();
  });
  const received = new Promise<number>((resolve) =>
    child.once('message', (m: { bytes: number }) => resolve(m.bytes)),
  );
  socket.end();
  const bytes = await received;
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  child.kill();
  return { bytesPerSec: bytes / secs };
}
