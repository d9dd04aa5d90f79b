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

  it('says one in the singular and more in the plural', () => {
    const texts = (n: number) => {
      const figures = emptyFigures();
      figures.leadTime = {
        ...figures.leadTime,
        changes: 4,
        prOpenFallbacks: n,
      };
      figures.recoveryTime = {
        ...figures.recoveryTime,
        unrecovered: n,
        incidents: { ...figures.recoveryTime.incidents, open: n },
      };
      return dataQualityFindings(
        figures,
        dataQuality({
          deploymentsWithoutChanges: n,
          unknownCommits: n,
          unlinkedIncidents: n,
          undeployedChanges: n,
          inferredRollbacks: n,
        }),
      ).map(f => f.text);
    };
    expect(texts(1)).toEqual([
      '1 of 4 deployed commits (25 %) starts its lead time at PR open (squash-merge fallback)',
      '1 production deployment has no change linked to it',
      '1 deployed commit has no change event',
      '1 incident is not linked to a deployment',
      '1 production deployment is a rollback inferred from the deployment history',
      '1 failed deployment has not recovered yet',
      '1 incident opened in this window is still open',
      '1 change authored in this window is not deployed to production yet',
    ]);
    expect(texts(2)).toEqual([
      '2 of 4 deployed commits (50 %) start their lead time at PR open (squash-merge fallback)',
      '2 production deployments have no change linked to them',
      '2 deployed commits have no change event',
      '2 incidents are not linked to a deployment',
      '2 production deployments are rollbacks inferred from the deployment history',
      '2 failed deployments have not recovered yet',
      '2 incidents opened in this window are still open',
      '2 changes authored in this window are not deployed to production yet',
    ]);
  });
});
