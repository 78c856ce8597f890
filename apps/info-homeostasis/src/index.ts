// Public API of @cristal/info-homeostasis.
export {};
