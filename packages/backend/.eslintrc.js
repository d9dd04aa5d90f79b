module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  rules: {
    // Browser tests assert by waiting for what the page must show.
    'jest/expect-expect': [
      'warn',
      { assertFunctionNames: ['expect', '**.waitFor'] },
    ],
  },
});
