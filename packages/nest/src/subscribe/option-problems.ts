/**
 * Unknown `@Subscribe` options and `subscribeDefaults` entries, worded by core-client's one "did you mean",
 * plus the hint edit distance cannot give: KafkaJS and Spring habits write `retries: 3`, which here is
 * `retry: { attempts: 4 }` (attempts count deliveries, the first one included).
 */
import { unknownOptions } from '@samsa/core-client';

/** Names people use for a retry count, at the top level or inside `retry`. */
const RETRY_COUNT_NAMES = new Set(['retries', 'maxretries', 'retrycount', 'maxattempts', 'attempts']);

function attemptsFor(value: unknown, name: string): string {
  const counts = /attempts/i.test(name);
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0)
    return `attempts: ${counts ? value : value + 1}`;
  return 'attempts: N';
}

/** Problems for option names `known` does not list; `prefix` names the object they sit in (`retry`). */
export function unknownOptionProblems(options: object, known: readonly string[], prefix = ''): string[] {
  return unknownOptions(options, known).map(({ option, problem }) => {
    if (!RETRY_COUNT_NAMES.has(option.toLowerCase()))
      return prefix === '' ? problem : `'${prefix}': ${problem}`;
    const value = (options as Record<string, unknown>)[option];
    const where = prefix === '' ? option : `${prefix}.${option}`;
    return (
      `unknown option '${where}': retries are set with retry: { ${attemptsFor(value, option)} } ` +
      '(attempts count deliveries, the first one included)'
    );
  });
}
