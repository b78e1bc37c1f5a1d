// An 8-bit copy of the index's vectors, for scoring a chosen few points against a query without
// reading them back out of hnswlib (getPoint builds a JS array per call: ~37 µs at 576 dimensions, the
// single largest cost of a hybrid search that has to score keyword-only candidates). Each vector is
// stored as int8 codes with one scale (max |x| / 127); the dot product with a float query is then off
// by well under 1 % of the vector's norm, plenty for fusing with a keyword score. ~0.7 KB per vector
// at 576 dimensions.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

interface Code {
  scale: number;
  q: Int8Array;
}

const MAGIC = 0x54424331; // "TBC1"
const HEADER = 28;

export class VectorCodes {
  private readonly codes = new Map<number, Code>();

  constructor(readonly dimension: number) {}

  get size(): number {
    return this.codes.size;
  }

  has(label: number): boolean {
    return this.codes.has(label);
  }

  set(label: number, vector: ArrayLike<number>): void {
    let max = 0;
    for (let i = 0; i < this.dimension; i++) max = Math.max(max, Math.abs(vector[i] ?? 0));
    // float32, as saved: a loaded index scores exactly as the one that wrote it.
    const scale = Math.fround(max / 127);
    const q = new Int8Array(this.dimension);
    if (scale > 0) for (let i = 0; i < this.dimension; i++) q[i] = Math.round((vector[i] ?? 0) / scale);
    this.codes.set(label, { scale, q });
  }

  delete(label: number): void {
    this.codes.delete(label);
  }

  /** Approximate inner product of the stored vector with `query`, or undefined when the label has no code. */
  dot(label: number, query: Float32Array): number | undefined {
    const code = this.codes.get(label);
    if (!code) return undefined;
    const { q, scale } = code;
    if (query.length !== q.length) throw new Error(`query has dimension ${query.length}, codes have ${q.length}`);
    let s = 0;
    for (let i = 0; i < q.length; i++) s += (q[i] as number) * (query[i] as number);
    return s * scale;
  }

  /**
   * Writes every code to `file`: a header (magic, dimension, count, and `token`, 16 bytes as 32 hex
   * characters, which ties the file to the graph saved with it), then label, scale and codes per vector.
   */
  save(file: string, token: string): void {
    const stride = 8 + this.dimension;
    const buf = Buffer.alloc(HEADER + this.codes.size * stride);
    buf.writeUInt32LE(MAGIC, 0);
    buf.writeUInt32LE(this.dimension, 4);
    buf.writeUInt32LE(this.codes.size, 8);
    buf.write(token, 12, 16, 'hex');
    let off = HEADER;
    for (const [label, { scale, q }] of this.codes) {
      buf.writeUInt32LE(label, off);
      buf.writeFloatLE(scale, off + 4);
      buf.set(new Uint8Array(q.buffer, q.byteOffset, q.length), off + 8);
      off += stride;
    }
    writeFileSync(file, buf);
  }

  /**
   * Reads codes written by {@link save} with the same `token`. A missing, damaged or foreign file (one
   * saved with another graph, e.g. by another build) reads as empty: codes are then made on demand.
   */
  static load(file: string, dimension: number, token: string | undefined): VectorCodes {
    const codes = new VectorCodes(dimension);
    if (!token || !existsSync(file)) return codes;
    const buf = readFileSync(file);
    if (buf.length < HEADER || buf.readUInt32LE(0) !== MAGIC || buf.readUInt32LE(4) !== dimension) return codes;
    if (buf.toString('hex', 12, HEADER) !== token) return codes;
    const count = buf.readUInt32LE(8);
    const stride = 8 + dimension;
    if (buf.length !== HEADER + count * stride) return codes;
    for (let i = 0, off = HEADER; i < count; i++, off += stride) {
      const q = new Int8Array(dimension);
      q.set(new Int8Array(buf.buffer, buf.byteOffset + off + 8, dimension));
      codes.codes.set(buf.readUInt32LE(off), { scale: buf.readFloatLE(off + 4), q });
    }
    return codes;
  }
}
