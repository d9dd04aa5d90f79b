import { jsonOrText } from './body';

describe('jsonOrText', () => {
  it('parses JSON, keeps other text, and has nothing for no text', () => {
    expect(jsonOrText('{"message":"conflict"}')).toEqual({
      message: 'conflict',
    });
    expect(jsonOrText('[1,2]')).toEqual([1, 2]);
    expect(jsonOrText('<html>Bad Gateway</html>')).toBe(
      '<html>Bad Gateway</html>',
    );
    expect(jsonOrText('')).toBeUndefined();
  });
});
