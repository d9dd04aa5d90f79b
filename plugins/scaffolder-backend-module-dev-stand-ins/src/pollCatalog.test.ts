import { pollCatalogUntilQuiet } from './pollCatalog';

// Time passes only when the polling sleeps: each sleep moves the clock on.
let mockNow = 0;
jest.mock('node:timers/promises', () => ({
  setTimeout: async (ms: number) => {
    mockNow += ms;
  },
}));

/** A poll that answers from the list, in order: a count, or an error to throw. */
function pollOf(answers: Array<number | Error>) {
  return jest.fn(async () => {
    const answer = answers.shift() ?? 0;
    if (answer instanceof Error) throw answer;
    return answer;
  });
}

describe('pollCatalogUntilQuiet', () => {
  const signal = new AbortController().signal;

  beforeEach(() => {
    mockNow = 0;
    jest.spyOn(Date, 'now').mockImplementation(() => mockNow);
  });
  afterEach(() => jest.restoreAllMocks());

  it('stops after three polls in a row find nothing new, once one has found something', async () => {
    const poll = pollOf([0, 2, 0, 1, 0, 0, 0, 5]);
    await expect(pollCatalogUntilQuiet({ poll, signal })).resolves.toBe(
      'loaded',
    );
    expect(poll).toHaveBeenCalledTimes(7);
    expect(mockNow).toBe(6 * 2_000);
  });

  it('asks an empty catalog every 2 s for five minutes', async () => {
    const poll = pollOf([]);
    await expect(pollCatalogUntilQuiet({ poll, signal })).resolves.toBe(
      'deadline',
    );
    expect(poll).toHaveBeenCalledTimes(150);
  });

  it('ends on an error of the poll unless onError takes it', async () => {
    const broken = new Error('catalog down');
    await expect(
      pollCatalogUntilQuiet({ poll: pollOf([1, broken]), signal }),
    ).rejects.toBe(broken);

    const onError = jest.fn();
    const poll = pollOf([1, broken, broken, broken, 0, 0, 0]);
    await expect(
      pollCatalogUntilQuiet({ poll, signal, onError }),
    ).resolves.toBe('loaded');
    // A failed poll is not a quiet one.
    expect(poll).toHaveBeenCalledTimes(7);
    expect(onError).toHaveBeenCalledTimes(3);
    expect(onError).toHaveBeenCalledWith(broken);
  });

  it('stops, throwing nothing, once the signal aborts', async () => {
    const abort = new AbortController();
    const onError = jest.fn();
    const poll = jest.fn(async () => {
      abort.abort();
      throw new Error('interrupted');
    });
    await expect(
      pollCatalogUntilQuiet({ poll, signal: abort.signal, onError }),
    ).resolves.toBe('aborted');
    expect(poll).toHaveBeenCalledTimes(1);
    expect(onError).not.toHaveBeenCalled();
  });
});
