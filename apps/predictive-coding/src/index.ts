// Public API of @cristal/predictive-coding.
export {};
