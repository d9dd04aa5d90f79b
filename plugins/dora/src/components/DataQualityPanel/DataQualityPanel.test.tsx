import { dataQuality, emptyFigures } from '../../__testUtils__/fixtures';
import { dataQualityFindings } from './DataQualityPanel';

describe('dataQualityFindings', () => {
  it('counts the rollbacks inferred from the deployment history', () => {
    expect(dataQualityFindings(emptyFigures(), dataQuality())).toEqual([]);
    expect(
      dataQualityFindings(
        emptyFigures(),
        dataQuality({ inferredRollbacks: 2 }),
      ),
    ).toEqual([
      expect.objectContaining({
        severity: 'info',
        text: '2 production deployments are rollbacks inferred from the deployment history',
        secondary: expect.stringMatching(/Send kind .* to say otherwise/),
      }),
    ]);
    expect(
      dataQualityFindings(
        emptyFigures(),
        dataQuality({
          target: { environment: 'production-eu' },
          inferredRollbacks: 1,
        }),
      ).map(f => f.text),
    ).toEqual([
      '1 deployment to production-eu is a rollback inferred from the deployment history',
    ]);
  });
});
