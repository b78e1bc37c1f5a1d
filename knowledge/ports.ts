/**
 * Turns texts into vectors of a fixed dimension, L2-normalised (so inner product = cosine).
 * `id` names the model and its state; vectors made under different ids are not comparable, so an
 * index records the id it was built with and is rebuilt when it changes.
 */
export interface Embedder {
  readonly id: string;
  readonly dimension: number;
  embed(texts: string[]): Promise<Float32Array[]>;
  /** A search's query, when it is bounded otherwise than an ingest (someone waits on it); default: `embed([text])`. */
  embedQuery?(text: string): Promise<Float32Array>;
}
