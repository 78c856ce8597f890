// Public API of @cristal/runner.
export {};
