// One long-lived Node process that runs the pixel-diff peers for benchmarks/peers.py.
//
// Usage: node runner.mjs <root>   (root: the folder where npm installed the pinned packages)
//
// Reads one JSON request per line on stdin, answers one JSON line per request on stdout, in order:
//   {"op": "compare", "tool": "pixelmatch" | "odiff" | "playwright", "reference": PNG path,
//    "candidate": PNG path, "options": {...}, "mask": path | null, "work": folder for temp files}
//   -> {"ok": true, "diff_pixels", "total_pixels", "width", "height", "size_mismatch", "ms"}
//   {"op": "versions"} -> {"ok": true, "versions": {package: version}}
// A failed request answers {"ok": false, "error": "..."} and the process goes on.
//
// "ms" is performance.now() around what a user of the tool pays per pair: reading both PNG files,
// decoding them and comparing (odiff: spawning its binary, which reads, decodes, compares and writes
// its diff image). With "mask" set, the differing pixels are written there afterwards, untimed, as
// width*height bytes (1 = differs), row-major, when both images have the same size.

import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const root = path.resolve(process.argv[2] || ".");
const require = createRequire(path.join(root, "package.json"));
const { PNG } = require("pngjs");
const pixelmatch = (await import(pathToFileURL(require.resolve("pixelmatch")).href)).default;
const odiff = require("odiff-bin");
const playwrightDir = path.dirname(require.resolve("playwright-core/package.json"));

// Where getComparator lives moved across Playwright versions; the first file that exports it wins.
const COMPARATOR_FILES = [
  ["lib/coreBundle.js", (m) => m.utils && m.utils.getComparator],
  ["lib/utils/index.js", (m) => m.getComparator],
  ["lib/server/utils/comparators.js", (m) => m.getComparator],
  ["lib/utils/comparators.js", (m) => m.getComparator],
];

let playwrightCompare = null;

function playwrightComparator() {
  if (playwrightCompare) return playwrightCompare;
  for (const [rel, pick] of COMPARATOR_FILES) {
    const file = path.join(playwrightDir, rel);
    if (!fs.existsSync(file)) continue;
    const getComparator = pick(require(file));
    if (typeof getComparator === "function") {
      playwrightCompare = getComparator("image/png");
      return playwrightCompare;
    }
  }
  const version = JSON.parse(fs.readFileSync(path.join(playwrightDir, "package.json"), "utf8")).version;
  throw new Error(
    `getComparator not found in playwright-core@${version} at ${playwrightDir} ` +
      `(looked in ${COMPARATOR_FILES.map(([rel]) => rel).join(", ")}); ` +
      "pin a playwright-core version whose lib/ exports it in benchmarks/peers/package.json",
  );
}

/** Width and height from a PNG file's IHDR chunk, without decoding it. */
function pngSize(file) {
  const fd = fs.openSync(file, "r");
  try {
    const head = Buffer.alloc(24);
    fs.readSync(fd, head, 0, 24, 0);
    if (head.readUInt32BE(0) !== 0x89504e47 || head.toString("ascii", 12, 16) !== "IHDR") {
      throw new Error(`${file} is not a PNG file`);
    }
    return { width: head.readUInt32BE(16), height: head.readUInt32BE(20) };
  } finally {
    fs.closeSync(fd);
  }
}

function writeMask(file, rgba, width, height, differs) {
  const out = new Uint8Array(width * height);
  for (let i = 0, p = 0; i < out.length; i++, p += 4) out[i] = differs(rgba, p) ? 1 : 0;
  fs.writeFileSync(file, out);
}

async function runPixelmatch(req) {
  const start = performance.now();
  const ref = PNG.sync.read(fs.readFileSync(req.reference));
  const cand = PNG.sync.read(fs.readFileSync(req.candidate));
  if (ref.width !== cand.width || ref.height !== cand.height) {
    // pixelmatch throws on different sizes; calling it anyway keeps the cost a user pays.
    let message = "pixelmatch did not throw";
    try {
      pixelmatch(ref.data, cand.data, null, ref.width, ref.height, req.options);
    } catch (err) {
      message = String(err.message);
    }
    return { diff_pixels: null, ms: performance.now() - start, size_mismatch: true, error_message: message };
  }
  // diffMask: only the differing pixels are drawn, over a transparent background.
  const output = req.mask ? Buffer.alloc(ref.width * ref.height * 4) : null;
  const options = req.mask ? { ...req.options, diffMask: true } : req.options;
  const count = pixelmatch(ref.data, cand.data, output, ref.width, ref.height, options);
  const ms = performance.now() - start;
  if (req.mask) writeMask(req.mask, output, ref.width, ref.height, (d, p) => d[p + 3] > 0);
  return { diff_pixels: count, ms, size_mismatch: false };
}

let odiffCalls = 0;

async function runOdiff(req, sizes) {
  const diffPath = path.join(req.work, `odiff-${process.pid}-${odiffCalls++}.png`);
  // outputDiffMask: the diff image holds only the differing pixels, over a transparent background.
  const options = req.mask ? { ...req.options, outputDiffMask: true } : req.options;
  const start = performance.now();
  const result = await odiff.compare(req.reference, req.candidate, diffPath, options);
  const ms = performance.now() - start;
  try {
    if (result.match === false && result.reason !== "pixel-diff") {
      return { diff_pixels: null, ms, size_mismatch: !sizes.same, error_message: result.reason };
    }
    const count = result.match ? 0 : result.diffCount;
    if (req.mask && sizes.same) {
      if (fs.existsSync(diffPath)) {
        const diff = PNG.sync.read(fs.readFileSync(diffPath));
        writeMask(req.mask, diff.data, diff.width, diff.height, (d, p) => d[p + 3] > 0);
      } else {
        fs.writeFileSync(req.mask, new Uint8Array(sizes.width * sizes.height));
      }
    }
    return { diff_pixels: count, ms, size_mismatch: !sizes.same };
  } finally {
    fs.rmSync(diffPath, { force: true });
  }
}

const PW_COUNT = /(\d+) pixels \(ratio [\d.]+ of all image pixels\) are different/;

async function runPlaywright(req, sizes) {
  const compare = playwrightComparator();
  // The count is read from the failure message, which names it only when it exceeds the
  // tolerance: keep maxDiffPixels at 0 (toHaveScreenshot's default) and apply tolerances on ratio.
  const { maxDiffPixels, maxDiffPixelRatio, ...options } = req.options;
  const start = performance.now();
  const actual = fs.readFileSync(req.candidate);
  const expected = fs.readFileSync(req.reference);
  const result = compare(actual, expected, options);
  const ms = performance.now() - start;
  if (!result) {
    if (req.mask && sizes.same) fs.writeFileSync(req.mask, new Uint8Array(sizes.width * sizes.height));
    return { diff_pixels: 0, ms, size_mismatch: !sizes.same };
  }
  const found = PW_COUNT.exec(result.errorMessage || "");
  if (!found && sizes.same) throw new Error(`unexpected Playwright comparator result: ${result.errorMessage}`);
  if (req.mask && sizes.same) {
    // Playwright's pixelmatch draws differing pixels pure red; the rest are grey or yellow (AA).
    const diff = PNG.sync.read(result.diff);
    writeMask(req.mask, diff.data, diff.width, diff.height, (d, p) => d[p] === 255 && d[p + 1] === 0 && d[p + 2] === 0);
  }
  return {
    diff_pixels: found ? Number(found[1]) : null, ms, size_mismatch: !sizes.same,
    error_message: result.errorMessage,
  };
}

const TOOLS = { pixelmatch: runPixelmatch, odiff: runOdiff, playwright: runPlaywright };

function versions() {
  const out = { node: process.versions.node };
  for (const name of ["pixelmatch", "pngjs", "odiff-bin", "playwright-core"]) {
    out[name] = JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`), "utf8")).version;
  }
  return out;
}

async function handle(req) {
  if (req.op === "versions") return { versions: versions() };
  if (req.op !== "compare") throw new Error(`unknown op ${JSON.stringify(req.op)}`);
  const run = TOOLS[req.tool];
  if (!run) throw new Error(`unknown tool ${JSON.stringify(req.tool)}; expected one of ${Object.keys(TOOLS).join(", ")}`);
  const a = pngSize(req.reference);
  const b = pngSize(req.candidate);
  const sizes = {
    same: a.width === b.width && a.height === b.height,
    width: Math.max(a.width, b.width),
    height: Math.max(a.height, b.height),
  };
  const out = await run({ ...req, options: req.options || {} }, sizes);
  return { ...out, width: sizes.width, height: sizes.height, total_pixels: sizes.width * sizes.height };
}

const lines = readline.createInterface({ input: process.stdin, terminal: false });
for await (const line of lines) {
  if (!line.trim()) continue;
  let reply;
  try {
    reply = { ok: true, ...(await handle(JSON.parse(line))) };
  } catch (err) {
    reply = { ok: false, error: String((err && err.message) || err) };
  }
  process.stdout.write(JSON.stringify(reply) + "\n");
}
