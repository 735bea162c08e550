/** The page's side of the inspector API. */
import type { ApiError, EntryDetail, InspectorInfo, ReplayOutcome, ReplayRequest } from '../api.js';
import type { StormData } from '../../simulate/storm-types.js';

/** Handed over in the page by the server; replay requests carry it back. */
function sessionToken(): string {
  return document.querySelector<HTMLMetaElement>('meta[name="hsw-token"]')?.content ?? '';
}

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(path, { headers: { accept: 'application/json' } });
  const data = (await response.json()) as T | ApiError;
  if (!response.ok) throw new Error((data as ApiError).error ?? `${response.status}`);
  return data as T;
}

export const api = {
  info: (): Promise<InspectorInfo> => getJson('/api/info'),
  entry: (id: string): Promise<EntryDetail> => getJson(`/api/entries/${encodeURIComponent(id)}`),
  storm: (): Promise<StormData> => getJson('/api/storm'),
  async replay(request: ReplayRequest): Promise<ReplayOutcome> {
    const response = await fetch('/api/replay', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hsw-token': sessionToken() },
      body: JSON.stringify(request),
    });
    const data = (await response.json()) as ReplayOutcome | ApiError;
    if (!response.ok) throw new Error((data as ApiError).error ?? `${response.status}`);
    return data as ReplayOutcome;
  },
};
