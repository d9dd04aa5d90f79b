import { markLine, readMark, servicePolicy } from './hcl';

describe('the Paved Road mark of a policy', () => {
  it('reads back what servicePolicy wrote, with or without an owner', () => {
    for (const mark of [
      { service: 'orders-service', owner: 'fulfilment-team' },
      { service: 'orders-service' },
    ]) {
      expect(readMark(servicePolicy('secret', mark))).toEqual(mark);
    }
    expect(
      markLine({ service: 'orders-service', owner: 'fulfilment-team' }),
    ).toBe(
      '# Managed by Paved Road: service=orders-service owner=fulfilment-team',
    );
  });

  it.each([
    ['no header', 'path "secret/data/x/*" { capabilities = ["read"] }'],
    [
      'the header below the first line',
      'path "secret/data/*" { capabilities = ["read"] }\n# Managed by Paved Road: service=x',
    ],
    ['no service', '# Managed by Paved Road: owner=team-a'],
    ['a service that is no label', '# Managed by Paved Road: service=x/*'],
    [
      'an owner that is no label',
      '# Managed by Paved Road: service=x owner=A"',
    ],
  ])('reads a policy with %s as unmarked', (_, policy) => {
    expect(readMark(policy)).toBeUndefined();
  });

  it('refuses an owner that would break out of the comment', () => {
    expect(() =>
      servicePolicy('secret', {
        service: 'orders-service',
        owner: 'x\npath "secret/*" {',
      }),
    ).toThrow(
      'Refusing to generate a Vault policy for owner "x\npath "secret/*" {": not an RFC 1123 label.',
    );
  });
});
