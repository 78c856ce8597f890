// Public API of @cristal/spiking.
export {};
