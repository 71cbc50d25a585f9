// Issue 10 item 1: the app icons in site/public/icons/ (192, 512 and a maskable 512), drawn here once with a tiny
// PNG encoder (node:zlib) and committed: `node site/scripts/make-icons.ts`. The picture is a 栞 (bookmark): a cream
// ribbon with a notched end on the site's dark green. The maskable icon keeps it inside the central 80 % safe zone.
import { writeFileSync } from "node:fs";
import { deflateSync } from "node:zlib";
import path from "node:path";

const GREEN = [0x1f, 0x4e, 0x3d];
const CREAM = [0xf2, 0xef, 0xe6];

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

function png(size: number, pixel: (x: number, y: number) => number[]): Buffer {
  const raw = Buffer.alloc((size * 3 + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 3 + 1)] = 0;
    for (let x = 0; x < size; x++) raw.set(pixel(x, y), y * (size * 3 + 1) + 1 + x * 3);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(raw, { level: 9 })), chunk("IEND", Buffer.alloc(0))]);
}

/** The bookmark within a box of `scale` × the icon (1: full icon; 0.8: the maskable safe zone). */
function bookmark(size: number, scale: number) {
  return (x: number, y: number) => {
    const u = (x / size - 0.5) / scale + 0.5;
    const v = (y / size - 0.5) / scale + 0.5;
    const inRibbon = u >= 0.36 && u <= 0.64 && v >= 0.14 && v <= 0.86;
    const notch = v > 0.86 - (0.14 - Math.abs(u - 0.5)) * 1.0 && v > 0.72; // the V cut at the ribbon's end
    return inRibbon && !notch ? CREAM : GREEN;
  };
}

const dir = path.join(import.meta.dirname, "../public/icons");
writeFileSync(path.join(dir, "icon-192.png"), png(192, bookmark(192, 1)));
writeFileSync(path.join(dir, "icon-512.png"), png(512, bookmark(512, 1)));
writeFileSync(path.join(dir, "maskable-512.png"), png(512, bookmark(512, 0.7)));
