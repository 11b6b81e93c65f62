/** Starts bench/broker.ts (one @samsa/broker-dev broker) in its own process, as the benches use it. */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

/** `node --import tsx` for a bench script, with the workspace packages' sources. */
export function tsxArgs(script: string): string[] {
  return ['--import', 'tsx', '--conditions=@samsa/source', script];
}

/** Starts one in-memory dev broker with `partitions` per auto-created topic; resolves its bootstrap. */
export async function startBrokerProcess(
  partitions: number,
): Promise<{ child: ChildProcess; bootstrap: string[] }> {
  const child = spawn(process.execPath, tsxArgs(`${here}broker.ts`), {
    env: { ...process.env, BENCH_PARTITIONS: String(partitions) },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const bootstrap = await new Promise<string[]>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (c) => {
      buf += c;
      if (buf.includes('\n')) resolve(JSON.parse(buf.split('\n')[0]!).bootstrap);
    });
    child.once('exit', (code) => reject(new Error(`broker exited ${code}`)));
  });
  return { child, bootstrap };
}
