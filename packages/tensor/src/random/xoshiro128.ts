// xoshiro128** (Blackman and Vigna 2018): 128-bit state, period 2^128 - 1, passes BigCrush, and
// runs on 32-bit integer arithmetic, which JavaScript does exactly. Pure functions over a state
// array so that the stream classes can save and restore it.

export type XoshiroState = Uint32Array; // length 4, never all zero

const rotl = (x: number, k: number): number => (x << k) | (x >>> (32 - k));

/** Advances `s` in place and returns the next 32-bit output as an unsigned integer. */
export function nextUint32(s: XoshiroState): number {
  const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
  const t = s[1] << 9;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 11);
  return result;
}

/** SplitMix32-style expansion of a 32-bit key into a full state (never all zero). */
export function seedState(key: readonly number[]): XoshiroState {
  const s = new Uint32Array(4);
  let x = 0x9e3779b9;
  for (let i = 0; i < 4; i++) {
    x = (x + 0x9e3779b9 + (key[i % key.length] >>> 0)) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    s[i] = (z ^ (z >>> 15)) >>> 0;
  }
  if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1;
  return s;
}
