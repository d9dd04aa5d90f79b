import { useSearchParams } from 'react-router-dom';
import { DoraWindow, windowFromParams, windowParams } from './window';

/**
 * The part of a DORA view that the URL holds, so that a link opens the same
 * figures: the window (`window=90`, or `from=2025-06-01&to=2025-08-31`, both
 * days included) and the environment (`environment=staging`). Values the
 * view cannot show fall back to the defaults: 30 days, every production
 * environment. `update` changes some keys (`undefined` removes one) and
 * keeps the others; it replaces the history entry, so Back leaves the view
 * instead of stepping through every pick.
 */
export function useViewInUrl() {
  const [params, setParams] = useSearchParams();
  const update = (changes: Record<string, string | undefined>) =>
    setParams(
      previous => {
        const next = new URLSearchParams(previous);
        for (const [key, value] of Object.entries(changes)) {
          if (value === undefined) next.delete(key);
          else next.set(key, value);
        }
        return next;
      },
      { replace: true },
    );
  return {
    params,
    window: windowFromParams(params),
    environment: params.get('environment') ?? undefined,
    setWindow: (window: DoraWindow) => update(windowParams(window)),
    setEnvironment: (environment: string | undefined) =>
      update({ environment }),
    update,
  };
}
