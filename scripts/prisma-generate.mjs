// Generates the Prisma clients for both providers (run by `npm install`). Offline-safe: Prisma's CLI
// wants a native schema engine it would download; generation does not use it, so point it at a
// binary that exists and fails loudly if something does try to migrate with it.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = createRequire(import.meta.url).resolve('prisma/build/index.js');
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? '/bin/false',
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
  CHECKPOINT_DISABLE: '1',
};
for (const name of ['sqlite', 'postgres']) {
  execFileSync(process.execPath, [cli, 'generate', '--schema', join(root, 'prisma', name, 'schema.prisma')], { cwd: root, env, stdio: 'inherit' });
}

// Start-up time: the generated client loads Prisma's query compiler from a 4.4 MB base64 JavaScript
// module (~0.1 s to parse and decode). The `prisma` package ships the same WebAssembly as a file,
// which reads and compiles in ~0.03 s. Where the bytes are verified identical here, the client is
// pointed at the file first (falling back to the module); otherwise it is left as generated.
const require = createRequire(import.meta.url);
const MARK = '// Patched by scripts/prisma-generate.mjs';
for (const [name, engine] of [
  ['sqlite', 'sqlite'],
  ['postgres', 'postgresql'],
]) {
  // Only ever an optimisation: whatever goes wrong here leaves the client as generated, never fails the install.
  try {
    const classFile = join(root, 'core', 'store', 'generated', name, 'internal', 'class.ts');
    const base64Module = `@prisma/client/runtime/query_compiler_fast_bg.${engine}.wasm-base64.mjs`;
    const wasmName = `query_compiler_fast_bg.${engine}.wasm`;
    const source = readFileSync(classFile, 'utf8');
    const load = `    const { wasm } = await import("${base64Module}")\n    return await decodeBase64AsWasm(wasm)`;
    if (source.includes(MARK)) continue;
    if (!source.includes(load)) {
      console.warn(`prisma-generate: ${name} client loads its query compiler differently than expected; left as generated`);
      continue;
    }
    const { wasm } = await import(pathToFileURL(require.resolve(base64Module)).href);
    // The package exports only some paths: the build folder is found through its exported entry point.
    const bytes = readFileSync(join(dirname(require.resolve('prisma/build/index.js')), wasmName));
    if (!Buffer.from(wasm, 'base64').equals(bytes)) {
      console.warn(`prisma-generate: prisma/build/${wasmName} differs from the client's query compiler; left as generated`);
      continue;
    }
    // At run time the file is used only while it still has these bytes (the prisma package could be
    // upgraded without regenerating): hashing it costs ~5 ms, a mismatch falls back to the module.
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const patched = `    ${MARK}: the same bytes from a file (checked by hash), ~0.1 s faster to start.
    try {
      const [{ readFile }, { createRequire }, { dirname, join }, { createHash }] = await Promise.all([import('node:fs/promises'), import('node:module'), import('node:path'), import('node:crypto')])
      const bytes = await readFile(join(dirname(createRequire(import.meta.url).resolve('prisma/build/index.js')), '${wasmName}'))
      if (createHash('sha256').update(bytes).digest('hex') === '${sha256}') return new WebAssembly.Module(bytes)
    } catch {}
${load}`;
    writeFileSync(classFile, source.replace(load, patched));
  } catch (error) {
    console.warn(`prisma-generate: could not point the ${name} client at Prisma's .wasm file (${error.message}); left as generated`);
  }
}
