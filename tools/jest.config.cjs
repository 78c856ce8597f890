module.exports = require('../jest.preset.cjs').projectConfig(__dirname, {
  // Provisioning and lint-boundary checks spawn Node and ESLint: allow them time.
  testTimeout: 120000,
});
