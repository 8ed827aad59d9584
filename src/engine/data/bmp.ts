// A small BMP reader. sharp's prebuilt libvips has no BMP loader, yet BMP is a
// format users have (old datasets, Windows screenshots), so uncompressed BMPs
// are decoded here into raw RGB, which sharp then resizes like any image.
// Supported: 1/4/8-bit palette, 16-bit (555 or bitfields), 24-bit, 32-bit
// (BI_RGB or bitfields; alpha dropped, as everywhere else). RLE and embedded
// JPEG/PNG are refused with a reason.

export interface RawImage {
  width: number;
  height: number;
  /** RGB, 3 bytes per pixel, top row first. */
  data: Buffer;
}

export class BmpError extends Error {}

/** Position of the lowest set bit and the maximum value of a channel mask. */
function maskInfo(mask: number): { shift: number; max: number } {
  if (mask === 0) return { shift: 0, max: 0 };
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  return { shift, max: mask >>> shift };
}

/** Reads the header only: width and height, so the pixel cap applies before any pixel is decoded. */
export function bmpSize(buf: Buffer): { width: number; height: number } {
  if (buf.length < 26 || buf.toString('latin1', 0, 2) !== 'BM') throw new BmpError('not a BMP file');
  const dib = buf.readUInt32LE(14);
  if (dib === 12) return { width: buf.readUInt16LE(18), height: buf.readUInt16LE(20) };
  if (dib < 40 || buf.length < 14 + 40) throw new BmpError('truncated or unsupported BMP header');
  return { width: Math.abs(buf.readInt32LE(18)), height: Math.abs(buf.readInt32LE(22)) };
}

export function decodeBmp(buf: Buffer): RawImage {
  const { width, height } = bmpSize(buf);
  const dib = buf.readUInt32LE(14);
  const core = dib === 12;
  const topDown = !core && buf.readInt32LE(22) < 0;
  const bpp = buf.readUInt16LE(core ? 24 : 28);
  const compression = core ? 0 : buf.readUInt32LE(30);
  const dataOffset = buf.readUInt32LE(10);
  if (width === 0 || height === 0) throw new BmpError('BMP has zero width or height');
  if (compression === 1 || compression === 2) throw new BmpError('RLE-compressed BMP is not supported');
  if (compression !== 0 && compression !== 3 && compression !== 6) throw new BmpError(`BMP compression ${compression} is not supported`);

  let masks = [0x7c00, 0x03e0, 0x001f]; // 16-bit default: 5-5-5
  if (bpp === 32) masks = [0xff0000, 0x00ff00, 0x0000ff];
  if (compression === 3 || compression === 6) {
    const at = 14 + 40; // right after a 40-byte header, or inside a V4/V5 header: same offset
    if (buf.length < at + 12) throw new BmpError('truncated BMP header');
    masks = [buf.readUInt32LE(at), buf.readUInt32LE(at + 4), buf.readUInt32LE(at + 8)];
  }
  const channels = masks.map(maskInfo);

  const paletteAt = 14 + dib + (compression === 3 && dib === 40 ? 12 : 0);
  const entry = core ? 3 : 4;
  let paletteSize = 0;
  if (bpp <= 8) {
    const used = core ? 0 : buf.readUInt32LE(46);
    paletteSize = used || 1 << bpp;
    if (buf.length < paletteAt + paletteSize * entry) throw new BmpError('truncated BMP palette');
  } else if (![16, 24, 32].includes(bpp)) throw new BmpError(`BMP with ${bpp} bits per pixel is not supported`);

  const stride = Math.floor((bpp * width + 31) / 32) * 4;
  if (dataOffset + stride * height > buf.length) throw new BmpError('truncated BMP (pixel data ends early)');
  const out = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    const row = dataOffset + (topDown ? y : height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      if (bpp <= 8) {
        const bit = x * bpp;
        const byte = buf[row + (bit >> 3)];
        const index = (byte >> (8 - bpp - (bit & 7))) & ((1 << bpp) - 1);
        const p = paletteAt + Math.min(index, paletteSize - 1) * entry;
        out[o] = buf[p + 2];
        out[o + 1] = buf[p + 1];
        out[o + 2] = buf[p];
      } else if (bpp === 24) {
        const p = row + x * 3;
        out[o] = buf[p + 2];
        out[o + 1] = buf[p + 1];
        out[o + 2] = buf[p];
      } else {
        const v = bpp === 16 ? buf.readUInt16LE(row + x * 2) : buf.readUInt32LE(row + x * 4);
        for (let c = 0; c < 3; c++) {
          const { shift, max } = channels[c];
          out[o + c] = max ? Math.round((((v >>> shift) & max) * 255) / max) : 0;
        }
      }
    }
  }
  return { width, height, data: out };
}
