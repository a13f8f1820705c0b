// A small seeded PRNG of our own: the demo data must be byte-identical for the same options on every machine and
// Node version, which Math.random cannot promise.

/** Mixes 32-bit words into one (murmur3's finaliser), to derive independent streams from (seed, keys...). */
export function mix32(...words: number[]): number {
  let h = 0x9e3779b9;
  for (const word of words) {
    h = Math.imul(h ^ (word >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    h = (h + 0x6d2b79f5) >>> 0;
  }
  return h >>> 0;
}

/** sfc32: fast, passes PractRand at these sizes, and its state is four exact 32-bit integers. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seedA: number, seedB = 0, seedC = 0, seedD = 1) {
    this.a = seedA >>> 0;
    this.b = seedB >>> 0;
    this.c = seedC >>> 0;
    this.d = seedD >>> 0;
    // sfc32 needs a few rounds before nearby seeds diverge.
    for (let i = 0; i < 12; i++) this.uint32();
  }

  /** An independent stream per (seed, keys): days and domains stay reproducible on their own. */
  static derive(seed: number, ...keys: number[]): Rng {
    return new Rng(mix32(seed, ...keys), mix32(seed ^ 0x5bd1e995, ...keys), mix32(~seed, 17, ...keys), 1);
  }

  uint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.uint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  range(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  /** Standard normal (Box-Muller; one draw wasted for simplicity, speed is not an issue here). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Log-normal noise with mean 1, so multiplying by it leaves averages unbiased. */
  noise(sigma: number): number {
    return Math.exp(sigma * this.normal() - (sigma * sigma) / 2);
  }

  /** Index drawn from a cumulative-weight table (see cumulative()). */
  pick(cumulativeWeights: Float64Array): number {
    const total = cumulativeWeights[cumulativeWeights.length - 1] ?? 0;
    const target = this.next() * total;
    let low = 0;
    let high = cumulativeWeights.length - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((cumulativeWeights[mid] ?? 0) > target) high = mid;
      else low = mid + 1;
    }
    return low;
  }

  /** Rounds x up or down at random so the expectation stays x (keeps small daily counts unbiased). */
  roundRandom(x: number): number {
    const floor = Math.floor(x);
    return floor + (this.next() < x - floor ? 1 : 0);
  }

  /** A UUID-v4-shaped string, deterministic for the stream. */
  uuid(): string {
    const a = this.uint32();
    const b = this.uint32();
    const c = this.uint32();
    const d = this.uint32();
    return (
      `${HEX[a >>> 24]}${HEX[(a >>> 16) & 255]}${HEX[(a >>> 8) & 255]}${HEX[a & 255]}-` +
      `${HEX[b >>> 24]}${HEX[(b >>> 16) & 255]}-4${HEX[(b >>> 8) & 15]?.[1]}${HEX[b & 255]}-` +
      `${HEX[((c >>> 24) & 63) | 128]}${HEX[(c >>> 16) & 255]}-${HEX[(c >>> 8) & 255]}${HEX[c & 255]}` +
      `${HEX[d >>> 24]}${HEX[(d >>> 16) & 255]}${HEX[(d >>> 8) & 255]}${HEX[d & 255]}`
    );
  }
}

const HEX = Array.from({ length: 256 }, (_, value) => value.toString(16).padStart(2, "0"));

export function cumulative(weights: readonly number[]): Float64Array {
  const table = new Float64Array(weights.length);
  let sum = 0;
  weights.forEach((weight, index) => {
    sum += weight;
    table[index] = sum;
  });
  return table;
}
