// Public API of @cristal/spiking-hopfield.
export {};
