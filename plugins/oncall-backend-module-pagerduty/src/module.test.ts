import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { PagerDutyDouble } from '@internal/platform-api-doubles';
import {
  OnCallProvider,
  onCallProvidersExtensionPoint,
} from '@internal/plugin-oncall-node';
import {
  TOKEN,
  TestClock,
  component,
  startPagerDuty,
} from './__testUtils__/pagerDuty';
import { onCallModulePagerDuty } from './module';

describe('onCallModulePagerDuty', () => {
  let pd: PagerDutyDouble;
  const clock = new TestClock();

  beforeEach(async () => {
    pd = await startPagerDuty(clock);
  });
  afterEach(() => pd.close());

  /** The providers the module adds, started with `config`. */
  async function providersWith(config: object): Promise<OnCallProvider[]> {
    const addProvider = jest.fn();
    const backend = await startTestBackend({
      extensionPoints: [[onCallProvidersExtensionPoint, { addProvider }]],
      features: [
        onCallModulePagerDuty,
        mockServices.rootConfig.factory({ data: config }),
      ],
    });
    await backend.stop();
    return addProvider.mock.calls.flat();
  }

  it('adds the PagerDuty provider, configured from oncall.pagerduty', async () => {
    const providers = await providersWith({
      oncall: { pagerduty: { apiBaseUrl: pd.url, token: TOKEN } },
    });
    expect(providers.map(p => p.id)).toEqual(['pagerduty']);
    const [provider] = providers;
    expect(provider.answers(component())).toBe(false);
    const [rotation] = await provider.onCallNow(component('PORD7X2'), {
      now: clock.now(),
    });
    expect(rotation.levels[0].now[0].contact.name).toBe('Marco Rossi');
    expect(pd.requests[0].headers.authorization).toBe(`Token token=${TOKEN}`);
  });

  it('refuses to start without oncall.pagerduty.token', async () => {
    await expect(
      providersWith({ oncall: { pagerduty: { apiBaseUrl: pd.url } } }),
    ).rejects.toThrow(/oncall\.pagerduty\.token is not set/);
  });
});
