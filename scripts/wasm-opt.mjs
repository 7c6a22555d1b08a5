// Shrinks every .wasm file of a folder in place with Binaryen's optimizer (like `wasm-opt -Oz`),
// in one process: the split bundle has hundreds of pieces, and starting npm's wasm-opt once per
// piece costs seconds each. npm's binaryen, not Debian's (whose wasm-opt breaks hydration).
//   node scripts/wasm-opt.mjs <binaryen package folder> <folder>
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

const [pkg, dir] = process.argv.slice(2);
if (!pkg || !dir) {
  console.error('usage: node scripts/wasm-opt.mjs <binaryen package folder> <folder>');
  process.exit(2);
}
const { default: binaryen } = await import(pathToFileURL(path.join(pkg, 'index.js')).href);

// What rustc's wasm32-unknown-unknown emits by default (and every current browser runs).
const F = binaryen.Features;
const features = F.MVP | F.BulkMemory | F.BulkMemoryOpt | F.NontrappingFPToInt | F.SignExt
  | F.MutableGlobals | F.ReferenceTypes | F.Multivalue | F.CallIndirectOverlong;

binaryen.setOptimizeLevel(2);
binaryen.setShrinkLevel(2);
binaryen.setDebugInfo(false);

let before = 0;
let after = 0;
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.wasm'));
for (const name of files) {
  const file = path.join(dir, name);
  const input = fs.readFileSync(file);
  const module = binaryen.readBinary(input);
  module.setFeatures(features);
  // Twice: the second pass finds what the first one made possible (wasm-opt --converge
  // stops when a pass gains nothing; a third gains next to nothing here).
  module.optimize();
  module.optimize();
  module.runPasses(['strip-debug', 'strip-producers']);
  if (!module.validate()) {
    console.error(`wasm-opt: ${name} does not validate after optimizing`);
    process.exit(1);
  }
  const output = module.emitBinary();
  module.dispose();
  fs.writeFileSync(file, output);
  before += input.length;
  after += output.length;
}
console.log(`wasm-opt: ${files.length} files, ${Math.round(before / 1024)} KiB → ${Math.round(after / 1024)} KiB`);
