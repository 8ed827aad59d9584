// Scan-time check that a file is a readable image: its content is sniffed and
// its header decoded (size, format), without decoding any pixel. A corrupt or
// mislabelled file is then listed in the health report when the dataset is
// chosen, instead of surfacing in the log once training reaches it. Decoding
// at training time still checks everything again (a header can be fine while
// the pixel data is truncated).
import { open } from 'node:fs/promises';
import sharp from 'sharp';
import { sniffImage } from './sniff';
import { BmpError, bmpSize } from './bmp';
import { MAX_FILE_BYTES, overCap, sharpReason } from './decode';

/** Bytes read first: enough for the header of PNG, GIF, WebP, BMP and most JPEGs. */
const HEAD_BYTES = 64 * 1024;

async function readHead(file: string, bytes: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

async function headerSize(buf: Buffer): Promise<{ width: number; height: number }> {
  const meta = await sharp(buf, { limitInputPixels: false }).metadata();
  return { width: meta.width ?? 0, height: meta.pageHeight ?? meta.height ?? 0 };
}

/** Why `file` (of `size` bytes) cannot be used as an image, or null when its header reads. */
export async function unreadableReason(file: string, size: number): Promise<string | null> {
  if (size > MAX_FILE_BYTES) return `file is ${(size / 2 ** 20).toFixed(0)} MiB, over the ${MAX_FILE_BYTES / 2 ** 20} MiB cap`;
  let head: Buffer;
  try {
    head = await readHead(file, Math.min(size, HEAD_BYTES));
  } catch (err) {
    return `file could not be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`;
  }
  const sniffed = sniffImage(head);
  if ('unsupported' in sniffed) return sniffed.unsupported;
  let dims: { width: number; height: number };
  try {
    if (sniffed.format === 'bmp') dims = bmpSize(head);
    else {
      // A JPEG's size can sit after a large EXIF block: read the whole file only then.
      dims = await headerSize(head).catch((err: unknown) => (size > head.length ? readHead(file, size).then(headerSize) : Promise.reject(err)));
    }
  } catch (err) {
    return err instanceof BmpError ? err.message : sharpReason(err);
  }
  if (dims.width <= 0 || dims.height <= 0) return `image header gives no size (${dims.width}×${dims.height})`;
  return overCap(dims.width, dims.height)?.message ?? null;
}
