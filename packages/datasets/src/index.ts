// Public API of @cristal/datasets.
export {};
