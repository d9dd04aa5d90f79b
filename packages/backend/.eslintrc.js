module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  rules: {
    // Browser tests assert by waiting for what the page must show, or
    // through look(), which checks the screen (visual.e2e.test.ts).
    'jest/expect-expect': [
      'warn',
      { assertFunctionNames: ['expect', '**.waitFor', 'look'] },
    ],
  },
});
