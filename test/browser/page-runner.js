/**
 * The page side of test/browser, served as /page-runner.js next to /onnxbridge.js (harness.mjs calls it).
 * Plain browser JavaScript: Chromium runs it as served, untransformed.
 *
 * runInPage imports the bundle, fetches the model's bytes and creates a Session from them, runs every
 * set of inputs and returns the outputs in session.outputNames order, and whether the WebAssembly
 * kernels are in use. With `timing`, it also times
 * `runs` runs of the first set after `warmup` runs and returns their median in milliseconds
 * (performance.now, as bench/engine-latency.mjs does in Node).
 */
export async function runInPage({ model, sets, timing }) {
  const { Session, Tensor, wasmActive } = await import('/onnxbridge.js');
  const CTORS = {
    float32: Float32Array, float64: Float64Array, float16: Uint16Array, bfloat16: Uint16Array, int8: Int8Array, uint8: Uint8Array,
    int16: Int16Array, uint16: Uint16Array, int32: Int32Array, uint32: Uint32Array, int64: BigInt64Array, uint64: BigUint64Array,
    bool: Uint8Array, float8e4m3fn: Uint8Array, float8e4m3fnuz: Uint8Array, float8e5m2: Uint8Array, float8e5m2fnuz: Uint8Array,
    int4: Int8Array, uint4: Uint8Array, int2: Int8Array, uint2: Uint8Array, float4e2m1: Uint8Array, float8e8m0: Uint8Array,
  };
  const get = async (url) => {
    const r = await fetch(url);
    if (!r.ok) throw new Error(`GET ${url}: ${r.status} ${await r.text()}`);
    return r;
  };
  const tensorOf = async ({ type, dims, url }) => {
    const r = await get(url);
    if (type === 'string') return new Tensor('string', await r.json(), dims);
    const Ctor = CTORS[type];
    if (!Ctor) throw new Error(`no typed array for ${type}`);
    return new Tensor(type, new Ctor(await r.arrayBuffer()), dims);
  };
  const session = await Session.create(new Uint8Array(await (await get(model)).arrayBuffer()));
  // After create: the CPU backend's init has instantiated the WebAssembly kernels by now, if it could.
  const wasm = wasmActive();
  const results = [];
  const allFeeds = [];
  for (const set of sets) {
    const feeds = {};
    for (const input of set.inputs) feeds[input.name] = await tensorOf(input);
    allFeeds.push(feeds);
    const out = await session.run(feeds);
    results.push(session.outputNames.map((name) => ({ name, type: out[name].type, dims: [...out[name].dims], data: out[name].data })));
  }
  let medianMs;
  if (timing) {
    const feeds = allFeeds[0];
    for (let i = 0; i < timing.warmup; i++) await session.run(feeds);
    const times = [];
    for (let i = 0; i < timing.runs; i++) {
      const t0 = performance.now();
      await session.run(feeds);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const mid = times.length >> 1;
    medianMs = times.length % 2 ? times[mid] : (times[mid - 1] + times[mid]) / 2;
  }
  return { results, medianMs, wasm, crossOriginIsolated: globalThis.crossOriginIsolated === true };
}
