// A string-keyed wrapper over hnswlib-node's HierarchicalNSW in inner-product space (vectors are
// L2-normalised, so 1 − distance is the cosine). hnswlib wants numeric labels and a fixed capacity;
// this class owns the label ↔ id mapping, reuses deleted slots, grows the capacity on demand, and
// persists the graph plus the mapping side by side, with 8-bit copies of the vectors for `similarity`.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import hnswlib from 'hnswlib-node';
import { z } from 'zod';
import { VectorCodes } from './vector-codes.js';

const { HierarchicalNSW } = hnswlib;
type Hnsw = InstanceType<typeof HierarchicalNSW>;

export interface VectorIndexOptions {
  /** Graph degree. M 16 / efConstruction 200 / efSearch 400: recall@10 0.991 at 100k chunks, p99 ≈ 2 ms (bench/kb.ts). */
  m: number;
  efConstruction: number;
  /** Search beam width; raised to k when k is larger. */
  efSearch: number;
  initialCapacity: number;
  seed: number;
}

export const DEFAULT_VECTOR_INDEX_OPTIONS: VectorIndexOptions = { m: 16, efConstruction: 200, efSearch: 400, initialCapacity: 1024, seed: 100 };

export interface VectorHit {
  id: string;
  /** Inner product = cosine for unit vectors. */
  score: number;
}

const ZMeta = z.object({
  version: z.literal(1),
  dimension: z.number().int().positive(),
  options: z.object({ m: z.number(), efConstruction: z.number(), efSearch: z.number(), initialCapacity: z.number(), seed: z.number() }),
  labels: z.array(z.tuple([z.number().int(), z.string()])),
  deleted: z.number().int().min(0),
  nextLabel: z.number().int(),
  /** Ties `codes-i8.bin` to this graph (absent in indexes saved before the 8-bit copies). */
  codesToken: z
    .string()
    .regex(/^[0-9a-f]{32}$/)
    .optional(),
});

const INDEX_FILE = 'hnsw.bin';
const META_FILE = 'hnsw-labels.json';
const CODES_FILE = 'codes-i8.bin';

/** Approximate nearest-neighbour index of unit vectors keyed by string id. */
export class VectorIndex {
  private readonly labelById = new Map<string, number>();
  private readonly idByLabel = new Map<number, string>();
  /**
   * Deleted points not yet replaced. hnswlib (allowReplaceDeleted) overwrites *some* deleted slot on
   * the next add and forgets that slot's old label, so every add takes a fresh label: reusing an old
   * label would let hnswlib later erase the live mapping of that label.
   */
  private deleted = 0;
  private nextLabel = 0;

  private constructor(
    readonly dimension: number,
    readonly options: VectorIndexOptions,
    private readonly hnsw: Hnsw,
    /** 8-bit copies for {@link similarity}; made on add, read with the index, or on first use. */
    private readonly codes: VectorCodes = new VectorCodes(dimension),
  ) {}

  /** An empty index for vectors of `dimension`. */
  static create(dimension: number, options: Partial<VectorIndexOptions> = {}): VectorIndex {
    const opts = { ...DEFAULT_VECTOR_INDEX_OPTIONS, ...options };
    const hnsw = new HierarchicalNSW('ip', dimension);
    hnsw.initIndex({ maxElements: opts.initialCapacity, m: opts.m, efConstruction: opts.efConstruction, randomSeed: opts.seed, allowReplaceDeleted: true });
    hnsw.setEf(opts.efSearch);
    return new VectorIndex(dimension, opts, hnsw);
  }

  /** Number of live (not deleted) vectors. */
  get size(): number {
    return this.labelById.size;
  }

  get capacity(): number {
    return this.hnsw.getMaxElements();
  }

  has(id: string): boolean {
    return this.labelById.has(id);
  }

  /** Adds `vector` under `id`, replacing any previous vector of that id. */
  add(id: string, vector: Float32Array | number[]): void {
    if (vector.length !== this.dimension) throw new Error(`vector has dimension ${vector.length}, index expects ${this.dimension}`);
    this.remove(id);
    const label = this.nextLabel++;
    if (this.deleted > 0) {
      this.hnsw.addPoint(Array.from(vector), label, true);
      this.deleted--;
    } else {
      // Doubling keeps the amortised cost of resizeIndex (a full copy) constant per insert.
      if (this.hnsw.getCurrentCount() >= this.hnsw.getMaxElements()) this.hnsw.resizeIndex(Math.max(16, this.hnsw.getMaxElements() * 2));
      this.hnsw.addPoint(Array.from(vector), label, false);
    }
    this.labelById.set(id, label);
    this.idByLabel.set(label, id);
    this.codes.set(label, vector);
  }

  /** Marks `id` deleted (hnswlib keeps the node for graph connectivity until the slot is reused). */
  remove(id: string): boolean {
    const label = this.labelById.get(id);
    if (label === undefined) return false;
    this.hnsw.markDelete(label);
    this.labelById.delete(id);
    this.idByLabel.delete(label);
    this.codes.delete(label);
    this.deleted++;
    return true;
  }

  /** The stored vector of `id`, or undefined. */
  vectorOf(id: string): number[] | undefined {
    const label = this.labelById.get(id);
    return label === undefined ? undefined : this.hnsw.getPoint(label);
  }

  /**
   * Inner product of the stored vector of `id` with `query` from its 8-bit copy (error well under 1 %),
   * without reading the vector out of the graph; undefined for an unknown id.
   */
  similarity(id: string, query: Float32Array): number | undefined {
    const label = this.labelById.get(id);
    if (label === undefined) return undefined;
    if (!this.codes.has(label)) this.codes.set(label, this.hnsw.getPoint(label));
    return this.codes.dot(label, query);
  }

  /** The `k` nearest ids by inner product, best first. `ef` overrides the search beam for this call. */
  search(query: Float32Array | number[], k: number, opts: { ef?: number; exclude?: ReadonlySet<string> } = {}): VectorHit[] {
    const n = Math.min(k, this.size - (opts.exclude ? countPresent(opts.exclude, this.labelById) : 0));
    if (n <= 0) return [];
    this.hnsw.setEf(Math.max(opts.ef ?? this.options.efSearch, n));
    const exclude = opts.exclude;
    const filter = exclude?.size ? (label: number) => !exclude.has(this.idByLabel.get(label) ?? '') : undefined;
    const { neighbors, distances } = this.hnsw.searchKnn(Array.from(query), n, filter);
    return neighbors.map((label, i) => ({ id: this.idByLabel.get(label) ?? String(label), score: 1 - (distances[i] ?? 1) }));
  }

  /** Writes `hnsw.bin`, `hnsw-labels.json` and `codes-i8.bin` into `dir` (created if needed). */
  save(dir: string): void {
    mkdirSync(dir, { recursive: true });
    const codesToken = randomBytes(16).toString('hex');
    this.codes.save(join(dir, CODES_FILE), codesToken);
    this.hnsw.writeIndexSync(join(dir, INDEX_FILE));
    const meta: z.infer<typeof ZMeta> = {
      version: 1,
      dimension: this.dimension,
      options: this.options,
      labels: [...this.idByLabel],
      deleted: this.deleted,
      nextLabel: this.nextLabel,
      codesToken,
    };
    writeFileSync(join(dir, META_FILE), JSON.stringify(meta));
  }

  /** Whether `dir` holds a saved index. */
  static exists(dir: string): boolean {
    return existsSync(join(dir, INDEX_FILE)) && existsSync(join(dir, META_FILE));
  }

  /** Reads an index written by {@link VectorIndex.save}. */
  static load(dir: string): VectorIndex {
    const meta = ZMeta.parse(JSON.parse(readFileSync(join(dir, META_FILE), 'utf8')));
    const hnsw = new HierarchicalNSW('ip', meta.dimension);
    hnsw.readIndexSync(join(dir, INDEX_FILE), true);
    hnsw.setEf(meta.options.efSearch);
    const index = new VectorIndex(meta.dimension, meta.options, hnsw, VectorCodes.load(join(dir, CODES_FILE), meta.dimension, meta.codesToken));
    for (const [label, id] of meta.labels) {
      index.labelById.set(id, label);
      index.idByLabel.set(label, id);
    }
    index.deleted = meta.deleted;
    index.nextLabel = meta.nextLabel;
    return index;
  }
}

function countPresent(ids: ReadonlySet<string>, map: Map<string, number>): number {
  let n = 0;
  for (const id of ids) if (map.has(id)) n++;
  return n;
}
