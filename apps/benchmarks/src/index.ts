// Public API of @cristal/benchmarks.
export {};
