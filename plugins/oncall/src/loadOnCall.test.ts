import { noneAnswer, pagerDutyAnswer, shift } from './__testUtils__/fixtures';
import { levelOneNow, loadOnCallAnswers } from './loadOnCall';

describe('loadOnCallAnswers', () => {
  it('answers for every entity in order, a few requests at a time, one failure leaving the rest', async () => {
    let inFlight = 0;
    let most = 0;
    const getOnCall = jest.fn(async (entityRef: string) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise(resolve => setTimeout(resolve, 1));
      inFlight--;
      if (entityRef.endsWith('/ghost')) {
        throw new Error('No entity component:default/ghost in the catalog');
      }
      return noneAnswer(entityRef);
    });
    const refs = [
      ...Array.from({ length: 9 }, (_, i) => `component:default/s${i}`),
      'component:default/ghost',
    ];

    const results = await loadOnCallAnswers({ getOnCall }, refs);

    expect(results.map(r => r.entityRef)).toEqual(refs);
    expect(results[0].answer?.providerId).toBe('none');
    expect(results[9].error?.message).toMatch(/No entity/);
    expect(getOnCall).toHaveBeenCalledTimes(10);
    expect(most).toBe(4);
  });

  it('asks nothing for no entities', async () => {
    const getOnCall = jest.fn();
    expect(await loadOnCallAnswers({ getOnCall }, [])).toEqual([]);
    expect(getOnCall).not.toHaveBeenCalled();
  });
});

describe('levelOneNow', () => {
  it('takes the primary of every rotation, each person once', () => {
    const answer = pagerDutyAnswer();
    const [rotation] = answer.rotations;
    answer.rotations.push(
      { ...rotation, service: { id: 'PDB', name: 'Orders DB' } },
      {
        levels: [{ level: 1, now: [shift('Katherine Johnson')], next: [] }],
      },
    );
    expect(levelOneNow(answer).map(s => s.contact.name)).toEqual([
      'Ada Lovelace',
      'Katherine Johnson',
    ]);
  });
});
