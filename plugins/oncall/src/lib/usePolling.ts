import { useCallback, useEffect, useRef, useState } from 'react';

/** What a polled request has given so far. */
export interface PollingState<T> {
  /** The last answer; kept when a later request fails. */
  value?: T;
  /** The last request's error, cleared by the next success. */
  error?: Error;
  /** True until the first answer or error. */
  loading: boolean;
  /** Asks again now, e.g. after creating what the answer lists. */
  refresh: () => void;
}

/**
 * Calls `load` at once and every `intervalMs` while the component is
 * mounted, so that what changes at the source (an incident opened in
 * PagerDuty, a handover) shows without a reload. Skips the ticks while the
 * tab is hidden (a background tab need not spend the source's rate limit)
 * and while the last request has not answered.
 * A new `load` (memoize it with useCallback) starts over.
 */
export function usePolling<T>(
  load: () => Promise<T>,
  intervalMs: number,
): PollingState<T> {
  const [state, setState] = useState<Omit<PollingState<T>, 'refresh'>>({
    loading: true,
  });
  // Only the latest request may set the state: an older one answering late,
  // or any answering after unmount, is dropped.
  const requests = useRef({ latest: 0, pending: false });

  const refresh = useCallback(() => {
    const counter = requests.current;
    const request = ++counter.latest;
    counter.pending = true;
    const isLatest = () => {
      if (request !== counter.latest) return false;
      counter.pending = false;
      return true;
    };
    load().then(
      value => {
        if (isLatest()) {
          setState({ value, loading: false });
        }
      },
      (error: Error) => {
        if (isLatest()) {
          setState(previous => ({
            value: previous.value,
            error,
            loading: false,
          }));
        }
      },
    );
  }, [load]);

  useEffect(() => {
    const counter = requests.current;
    setState({ loading: true });
    refresh();
    const timer = setInterval(() => {
      // A slow source (PagerDuty waiting out a 429) is not asked again
      // before it answers, or no answer would ever land.
      if (document.visibilityState !== 'hidden' && !counter.pending) {
        refresh();
      }
    }, intervalMs);
    return () => {
      clearInterval(timer);
      counter.latest++;
    };
  }, [refresh, intervalMs]);

  return { ...state, refresh };
}
