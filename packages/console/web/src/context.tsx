/** What the whole page knows about the console it talks to: read-only mode, brokers, registry. */
import { useQuery } from '@tanstack/react-query';
import type { ConsoleInfo } from '../../src/api/types.js';
import { api } from './api.js';

export function useInfo(): ConsoleInfo | undefined {
  return useQuery({
    queryKey: ['info'],
    queryFn: () => api<ConsoleInfo>('/info'),
    staleTime: Number.POSITIVE_INFINITY,
  }).data;
}

/** True where write controls may be shown (known not read-only). */
export function useCanWrite(): boolean {
  const info = useInfo();
  return info !== undefined && !info.readOnly;
}
