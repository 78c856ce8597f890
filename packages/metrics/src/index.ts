// Public API of @cristal/metrics.
export {};
