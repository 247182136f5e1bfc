/** Loads one GET endpoint into state: {data, error}. */
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../shared/api.ts';

export function useGet<T>(path: string, deps: unknown[] = []): { data?: T; error?: string; reload: () => void } {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [n, setN] = useState(0);
  useEffect(() => {
    api<T>('GET', path).then(setData, (e: unknown) => setError(e instanceof ApiError ? e.message : String(e)));
  }, [path, n, ...deps]);
  return { data, error, reload: () => setN((x) => x + 1) };
}
