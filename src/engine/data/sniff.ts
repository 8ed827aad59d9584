// Identifies an image by its first bytes, before any decoder sees it. The
// extension is not trusted (a PNG named .jpg decodes fine), and formats that
// sharp could open but we must not (SVG would be rasterised by librsvg, with
// external references) are refused here.

export type ImageFormat = 'jpeg' | 'png' | 'gif' | 'webp' | 'tiff' | 'bmp' | 'avif';

export type Sniffed = { format: ImageFormat } | { unsupported: string };

const HEIF_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs', 'mif1', 'msf1']);

function startsWith(buf: Buffer, bytes: number[], at = 0): boolean {
  return buf.length >= at + bytes.length && bytes.every((b, i) => buf[at + i] === b);
}

export function sniffImage(buf: Buffer): Sniffed {
  if (startsWith(buf, [0xff, 0xd8, 0xff])) return { format: 'jpeg' };
  if (startsWith(buf, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { format: 'png' };
  const ascii = buf.toString('latin1', 0, Math.min(buf.length, 12));
  if (ascii.startsWith('GIF87a') || ascii.startsWith('GIF89a')) return { format: 'gif' };
  if (ascii.startsWith('RIFF') && ascii.slice(8, 12) === 'WEBP') return { format: 'webp' };
  if (startsWith(buf, [0x49, 0x49, 0x2a, 0x00]) || startsWith(buf, [0x4d, 0x4d, 0x00, 0x2a])) return { format: 'tiff' };
  if (startsWith(buf, [0x49, 0x49, 0x2b, 0x00]) || startsWith(buf, [0x4d, 0x4d, 0x00, 0x2b])) return { format: 'tiff' };
  if (ascii.startsWith('BM')) return { format: 'bmp' };
  if (ascii.slice(4, 8) === 'ftyp') {
    const brand = ascii.slice(8, 12);
    if (brand === 'avif' || brand === 'avis') return { format: 'avif' };
    if (HEIF_BRANDS.has(brand)) return { unsupported: 'HEIC/HEIF images are not supported; convert to JPEG or PNG' };
    return { unsupported: `unsupported ISO media file (brand '${brand.trim()}')` };
  }
  const head = buf.toString('utf8', 0, Math.min(buf.length, 1024)).replace(/^\uFEFF/, '').trimStart();
  if (head.startsWith('<') && /<svg[\s>]/i.test(head)) return { unsupported: 'SVG is a vector format and is not rasterised; export it as PNG' };
  return { unsupported: 'not a recognised image (content is not JPEG, PNG, GIF, WebP, TIFF, BMP or AVIF)' };
}
