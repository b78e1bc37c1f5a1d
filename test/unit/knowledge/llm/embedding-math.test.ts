import { describe, expect, test } from 'vitest';
import { decodeBase64Float32, l2Normalize } from '../../../../knowledge/llm/openai-embedder.js';

describe('decodeBase64Float32', () => {
  test('reads little-endian float32 values', () => {
    const bytes = Buffer.alloc(12);
    for (const [i, v] of [1.5, -2, 0.25].entries()) bytes.writeFloatLE(v, i * 4);
    expect(Array.from(decodeBase64Float32(bytes.toString('base64')))).toEqual([1.5, -2, 0.25]);
  });

  test('rejects a length that is not a whole number of floats', () => {
    expect(() => decodeBase64Float32(Buffer.alloc(6).toString('base64'))).toThrow(/multiple of 4/);
  });
});

describe('l2Normalize', () => {
  test('scales to unit length', () => {
    expect(Array.from(l2Normalize(Float32Array.from([3, 4])))).toEqual([0.6000000238418579, 0.800000011920929]);
  });

  test('leaves a zero vector at zero', () => {
    expect(Array.from(l2Normalize(new Float32Array(3)))).toEqual([0, 0, 0]);
  });
});
