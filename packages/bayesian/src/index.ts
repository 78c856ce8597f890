// Public API of @cristal/bayesian.
export {};
