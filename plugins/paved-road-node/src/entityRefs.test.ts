import { invalidEntityRefPart } from './entityRefs';

describe('invalidEntityRefPart', () => {
  it('names the first part no entity can have', () => {
    const ref = (kind: string, namespace: string, name: string) => ({
      kind,
      namespace,
      name,
    });
    expect(invalidEntityRefPart(ref('component', 'default', 'orders'))).toBe(
      undefined,
    );
    expect(invalidEntityRefPart(ref('comp onent', 'x y', 'a b'))).toBe('kind');
    expect(invalidEntityRefPart(ref('component', "o'neil", 'a b'))).toBe(
      'namespace',
    );
    expect(
      invalidEntityRefPart(ref('component', 'default', 'x'.repeat(64))),
    ).toBe('name');
  });
});
