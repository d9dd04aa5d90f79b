import { act, renderHook } from '@testing-library/react';
import { usePolling } from './usePolling';

describe('usePolling', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  /** Lets the promises of a load settle. */
  const settle = () => act(async () => {});

  it('loads at once, then again every interval, until unmounted', async () => {
    let n = 0;
    const load = jest.fn(async () => ++n);
    const { result, unmount } = renderHook(() => usePolling(load, 30_000));
    expect(result.current.loading).toBe(true);
    await settle();
    expect(result.current).toMatchObject({ value: 1, loading: false });

    await act(async () => {
      jest.advanceTimersByTime(30_000);
    });
    expect(result.current.value).toBe(2);

    unmount();
    jest.advanceTimersByTime(60_000);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('keeps the last answer when a refresh fails, and clears the error on the next success', async () => {
    const load = jest
      .fn<Promise<string>, []>()
      .mockResolvedValueOnce('first')
      .mockRejectedValueOnce(new Error('PagerDuty is down'))
      .mockResolvedValueOnce('third');
    const { result } = renderHook(() => usePolling(load, 30_000));
    await settle();

    await act(async () => {
      jest.advanceTimersByTime(30_000);
    });
    expect(result.current.value).toBe('first');
    expect(result.current.error?.message).toBe('PagerDuty is down');

    await act(async () => {
      result.current.refresh();
    });
    expect(result.current.value).toBe('third');
    expect(result.current.error).toBeUndefined();
  });

  it('skips the ticks while the tab is hidden', async () => {
    const load = jest.fn(async () => 'x');
    const visibility = jest
      .spyOn(document, 'visibilityState', 'get')
      .mockReturnValue('hidden');
    renderHook(() => usePolling(load, 30_000));
    await settle();
    await act(async () => {
      jest.advanceTimersByTime(90_000);
    });
    expect(load).toHaveBeenCalledTimes(1);
    visibility.mockRestore();
  });

  it('drops an answer that comes after a newer one', async () => {
    const resolvers: Array<(value: string) => void> = [];
    const load = jest.fn(
      () => new Promise<string>(resolve => resolvers.push(resolve)),
    );
    const { result } = renderHook(() => usePolling(load, 30_000));
    act(() => result.current.refresh());
    await act(async () => {
      resolvers[1]('newer');
      resolvers[0]('older');
    });
    expect(result.current.value).toBe('newer');
  });

  it('does not ask again on a tick while the last request is unanswered', async () => {
    const resolvers: Array<(value: string) => void> = [];
    const load = jest.fn(
      () => new Promise<string>(resolve => resolvers.push(resolve)),
    );
    const { result } = renderHook(() => usePolling(load, 30_000));
    await act(async () => {
      jest.advanceTimersByTime(60_000);
    });
    expect(load).toHaveBeenCalledTimes(1);
    await act(async () => resolvers[0]('slow'));
    expect(result.current.value).toBe('slow');
    await act(async () => {
      jest.advanceTimersByTime(30_000);
    });
    expect(load).toHaveBeenCalledTimes(2);
  });
});
