// Added by tandem-bundle pack: a page's pieces of code arrive in one file, the page's pack,
// which its head asks the browser to preload; a piece in no preloaded pack (a page reached by
// navigating in the page) is fetched on its own.
const __packs = Promise.all(
  Array.from(document.querySelectorAll('link[rel="preload"][href*="/pack_"]'), (link) =>
    fetch(link.href)
      .then((response) => (response.ok ? response.arrayBuffer() : Promise.reject(response.status)))
      .then(__unpack)
      .catch(() => new Map()),
  ),
);
// The pack's layout: a u32 count, then for each piece its name's length (u32), its name
// (UTF-8), its length (u32) and its bytes; little-endian.
function __unpack(buffer) {
  const view = new DataView(buffer);
  const names = new TextDecoder();
  const pieces = new Map();
  let at = 0;
  const count = view.getUint32(at, true);
  at += 4;
  for (let i = 0; i < count; i++) {
    const nameLength = view.getUint32(at, true);
    at += 4;
    const name = names.decode(new Uint8Array(buffer, at, nameLength));
    at += nameLength;
    const length = view.getUint32(at, true);
    at += 4;
    pieces.set(name, new Uint8Array(buffer, at, length));
    at += length;
  }
  return pieces;
}
async function __piece(name) {
  for (const pieces of await __packs) {
    const bytes = pieces.get(name);
    if (bytes) return new Response(bytes, { headers: { 'content-type': 'application/wasm' } });
  }
  return fetch(new URL(`./${name}.wasm`, import.meta.url));
}
