module.exports = require('../../jest.preset.cjs').projectConfig(__dirname, {
  testEnvironment: require('node:path').join(__dirname, 'jest.environment.cjs'),
});
