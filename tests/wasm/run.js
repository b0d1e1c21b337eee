#!/usr/bin/env node
// tests/wasm/run.js MODULES_DIR WORK_DIR - runs the example's modules as a
// supervisor would: WASI with the function's directory preopened as fd 3,
// and the camera functions linked in (a fixed JPEG instead of a webcam).
// Checks fibo's results, that take_image writes the captured picture to
// image.jpeg, and that strip_metadata drops EXIF and comments, keeps what
// keep-markers.bin lists and copies the image data.  Exits 1 on a failure.
// Run with --no-warnings: node:wasi prints an "experimental" warning.
'use strict';
const fs = require('fs');
const path = require('path');
const { WASI } = require('node:wasi');

const [modules, work] = process.argv.slice(2);
let failed = 0;
function check(cond, what) {
  if (!cond) {
    console.log(`run.js: ${what}`);
    failed++;
  }
}

function segment(marker, payload) {
  const b = Buffer.alloc(4 + payload.length);
  b.writeUInt8(0xff, 0);
  b.writeUInt8(marker, 1);
  b.writeUInt16BE(payload.length + 2, 2);
  Buffer.from(payload).copy(b, 4);
  return b;
}
const SOI = Buffer.from([0xff, 0xd8]), EOI = Buffer.from([0xff, 0xd9]);
const jfif = segment(0xe0, 'JFIF\0\x01\x02\0\0\x01\0\x01\0\0');
const exif = segment(0xe1, 'Exif\0\0GPS 60.17N 24.94E');
const icc = segment(0xe2, 'ICC_PROFILE\0');
const comment = segment(0xfe, 'taken in the kitchen');
const quant = segment(0xdb, Buffer.alloc(65, 7));
const scan = Buffer.concat([segment(0xda, Buffer.alloc(10, 1)), Buffer.from([0x12, 0xff, 0x00, 0x34])]);
const photo = Buffer.concat([SOI, jfif, exif, icc, comment, quant, scan, EOI]);

function instantiate(file, extra) {
  const wasi = new WASI({ version: 'preview1', preopens: { '/': work } });
  const imports = Object.assign(wasi.getImportObject(), extra || {});
  const instance = new WebAssembly.Instance(
    new WebAssembly.Module(fs.readFileSync(path.join(modules, file))), imports);
  wasi.initialize(instance);
  return instance;
}

// fibonacci: fibo(n), wrapping at 64 bits.
const fibo = instantiate('fibonacci.wasm').exports.fibo;
check(fibo(0n) === 0n && fibo(1n) === 1n && fibo(10n) === 55n, 'fibo(0), fibo(1), fibo(10)');
check(fibo(90n) === 2880067194370816120n, 'fibo(90)');

// camera-capture: the camera writes into memory from the module's alloc.
let camera;
camera = instantiate('camera-capture.wasm', {
  camera: {
    takeImageDynamicSize(ptrPtr, sizePtr) {
      const at = camera.exports.alloc(photo.length);
      const mem = new DataView(camera.exports.memory.buffer);
      new Uint8Array(camera.exports.memory.buffer, at, photo.length).set(photo);
      mem.setUint32(ptrPtr, at, true);
      mem.setUint32(sizePtr, photo.length, true);
    },
  },
});
check(camera.exports.take_image() === 0, 'take_image returns 0');
check(fs.readFileSync(path.join(work, 'image.jpeg')).equals(photo), 'image.jpeg is the captured picture');

// image-processing: metadata out, the ICC profile kept on request.
fs.copyFileSync(path.join(work, 'image.jpeg'), path.join(work, 'input.jpeg'));
fs.writeFileSync(path.join(work, 'keep-markers.bin'), Buffer.from([0xe2]));
const strip = instantiate('image-processing.wasm').exports.strip_metadata;
check(strip() === 0, 'strip_metadata returns 0');
check(fs.readFileSync(path.join(work, 'output.jpeg')).equals(Buffer.concat([SOI, jfif, icc, quant, scan, EOI])),
  'output.jpeg keeps JFIF, ICC, tables and scan, and drops EXIF and the comment');
fs.writeFileSync(path.join(work, 'keep-markers.bin'), Buffer.alloc(0));
check(strip() === 0 && fs.readFileSync(path.join(work, 'output.jpeg')).equals(Buffer.concat([SOI, jfif, quant, scan, EOI])),
  'an empty keep-markers.bin drops the ICC profile too');
fs.writeFileSync(path.join(work, 'input.jpeg'), 'not a jpeg');
check(strip() === 1000, 'a file that is not a JPEG is refused at offset 0');
process.exit(failed ? 1 : 0);
