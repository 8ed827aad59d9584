// Decodes images into model input with sharp. Every failure of one file is a
// skip with a reason, never an abort. The rules:
// - Content is sniffed first (sniff.ts); SVG and HEIC are refused unread.
// - The pixel cap is checked from the header before any pixel is decoded, and
//   again by sharp's own limitInputPixels.
// - EXIF orientation is applied; GIF and multi-page TIFF use the first frame.
// - Colour becomes sRGB (CMYK, palette, 16-bit and grey included) or grey, as
//   `pre.channels` asks; alpha is dropped, as Keras (PIL `convert('RGB')`) does.
// - Resize: `stretch` fills height × width exactly; `centerCrop` scales to
//   cover, then crops the centre.
// - Values follow pre.range, after the channel order (bgr swaps R and B). For
//   `meanStd`, mean and std are given in the output channel order.
import { open } from 'node:fs/promises';
import sharp from 'sharp';
import type { Metadata, Sharp, SharpOptions } from 'sharp';
import type { Preprocessing } from '../../shared/preprocessing';
import type { SkippedFile } from '../../shared/health';
import { DatasetError, type DecodedBatch, type Sample } from './types';
import { sniffImage } from './sniff';
import { BmpError, bmpSize, decodeBmp } from './bmp';

/** Images above this many pixels (e.g. 10000 × 10000) are refused before decoding. */
export const MAX_INPUT_PIXELS = 100_000_000;
/** Files above this size are refused before reading them. */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;
/** Images decoded at once: the machines this targets have 2 cores. */
const CONCURRENCY = 2;

/** One file that cannot be used; `reason` is shown to the user. */
export class DecodeFailure extends Error {}

async function readCapped(file: string): Promise<Buffer> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DecodeFailure('file was deleted or moved after the scan');
    if (code === 'EACCES' || code === 'EPERM') throw new DecodeFailure('permission denied');
    throw new DecodeFailure(`file could not be opened (${code ?? String(err)})`);
  }
  try {
    const { size } = await handle.stat();
    if (size === 0) throw new DecodeFailure('empty file (0 bytes)');
    if (size > MAX_FILE_BYTES) throw new DecodeFailure(`file is ${(size / 2 ** 20).toFixed(0)} MiB, over the ${MAX_FILE_BYTES / 2 ** 20} MiB cap`);
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

export function overCap(width: number, height: number): DecodeFailure | null {
  if (width * height <= MAX_INPUT_PIXELS) return null;
  return new DecodeFailure(`image is ${width}×${height} pixels, over the cap of ${MAX_INPUT_PIXELS.toLocaleString('en-US')} pixels`);
}

export function sharpReason(err: unknown): string {
  const message = (err instanceof Error ? err.message : String(err)).split('\n')[0].trim();
  if (/pixel limit/i.test(message)) return `image is over the cap of ${MAX_INPUT_PIXELS.toLocaleString('en-US')} pixels`;
  if (/premature end|truncated|unexpected end|not enough data|read error/i.test(message)) return `truncated or corrupt image (${message})`;
  return `corrupt or unreadable image (${message})`;
}

/** Checks a preprocessing spec's per-channel lists against its channel count. */
function channelValues(values: number[], channels: number, what: string): number[] {
  if (values.length === 1) return Array(channels).fill(values[0]);
  if (values.length === channels) return values;
  throw new DatasetError(`Preprocessing ${what} has ${values.length} values; expected 1 or ${channels}`);
}

/** pixel value (0–255) → model value, per output channel. */
function valueMap(pre: Preprocessing): { scale: number[]; offset: number[] } {
  const c = pre.channels;
  const r = pre.range;
  if (r.kind === 'unit') return { scale: Array(c).fill(1 / 255), offset: Array(c).fill(0) };
  if (r.kind === 'symmetric') return { scale: Array(c).fill(1 / 127.5), offset: Array(c).fill(-1) };
  if (r.kind === 'raw') return { scale: Array(c).fill(1), offset: Array(c).fill(0) };
  const mean = channelValues(r.mean, c, 'mean');
  const std = channelValues(r.std, c, 'std');
  return { scale: std.map((s) => 1 / (255 * s)), offset: mean.map((m, i) => -m / std[i]) };
}

/** Decodes one image (already in memory) into `out` at `offset`, or throws DecodeFailure. */
async function decodeInto(buf: Buffer, pre: Preprocessing, out: Float32Array, offset: number): Promise<void> {
  const sniffed = sniffImage(buf);
  if ('unsupported' in sniffed) throw new DecodeFailure(sniffed.unsupported);
  let input: Sharp;
  const options: SharpOptions = { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'truncated' };
  if (sniffed.format === 'bmp') {
    try {
      const size = bmpSize(buf);
      const capped = overCap(size.width, size.height);
      if (capped) throw capped;
      const raw = decodeBmp(buf);
      input = sharp(raw.data, { ...options, raw: { width: raw.width, height: raw.height, channels: 3 } });
    } catch (err) {
      if (err instanceof BmpError) throw new DecodeFailure(err.message);
      throw err;
    }
  } else {
    let meta: Metadata;
    try {
      // Header only, so no pixel limit here: our own check below names the size.
      meta = await sharp(buf, { ...options, limitInputPixels: false }).metadata();
    } catch (err) {
      throw new DecodeFailure(sharpReason(err));
    }
    const capped = overCap(meta.width ?? 0, meta.pageHeight ?? meta.height ?? 0);
    if (capped) throw capped;
    input = sharp(buf, options); // pages: first frame by default
  }
  const { data, info } = await input
    .rotate() // EXIF orientation
    .resize(pre.width, pre.height, { fit: pre.resize === 'centerCrop' ? 'cover' : 'fill', position: 'centre' })
    .removeAlpha()
    .toColourspace(pre.channels === 3 ? 'srgb' : 'b-w')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true })
    .catch((err: unknown) => {
      throw new DecodeFailure(sharpReason(err));
    });
  if (info.width !== pre.width || info.height !== pre.height || info.channels < pre.channels) {
    throw new DecodeFailure(`decoder returned ${info.width}×${info.height}×${info.channels}, expected ${pre.width}×${pre.height}×${pre.channels}`);
  }
  const { scale, offset: shift } = valueMap(pre);
  const c = pre.channels;
  const stride = info.channels;
  const bgr = c === 3 && pre.channelOrder === 'bgr';
  const pixels = pre.width * pre.height;
  for (let p = 0; p < pixels; p++) {
    for (let k = 0; k < c; k++) {
      const src = data[p * stride + (bgr ? 2 - k : k)];
      out[offset + p * c + k] = src * scale[k] + shift[k];
    }
  }
}

/** One image file → model input (H×W×C floats). Throws DecodeFailure with the reason when it cannot be used. */
export async function decodeImageFile(file: string, pre: Preprocessing): Promise<Float32Array> {
  const out = new Float32Array(pre.height * pre.width * pre.channels);
  await decodeInto(await readCapped(file), pre, out, 0);
  return out;
}

/**
 * Decodes samples into one NHWC buffer, CONCURRENCY files at a time. Files that
 * fail are left out (the returned `samples` say which remain, in input order)
 * and listed in `skipped`. Memory is samples × H × W × C floats: callers with
 * large datasets decode in chunks.
 */
export async function decodeSamples(
  samples: Sample[],
  pre: Preprocessing,
  options: { onProgress?: (done: number, total: number) => void; signal?: AbortSignal } = {},
): Promise<DecodedBatch> {
  valueMap(pre); // a bad spec is one error up front, not a skip per file
  const size = pre.height * pre.width * pre.channels;
  const pixels = new Float32Array(samples.length * size);
  const failed: (string | null)[] = new Array(samples.length).fill(null);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < samples.length) {
      options.signal?.throwIfAborted();
      const i = next++;
      try {
        await decodeInto(await readCapped(samples[i].file), pre, pixels, i * size);
      } catch (err) {
        if (!(err instanceof DecodeFailure)) throw err;
        failed[i] = err.message;
      }
      options.onProgress?.(++done, samples.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, samples.length) }, worker));
  options.signal?.throwIfAborted();

  const kept: Sample[] = [];
  const skipped: SkippedFile[] = [];
  samples.forEach((s, i) => {
    const reason = failed[i];
    if (reason === null) {
      // Compact in place: kept.length ≤ i, so the copy never overwrites an unread slot.
      if (kept.length !== i) pixels.copyWithin(kept.length * size, i * size, (i + 1) * size);
      kept.push(s);
    } else skipped.push({ file: s.rel, reason });
  });
  return { pixels: kept.length === samples.length ? pixels : pixels.slice(0, kept.length * size), samples: kept, skipped };
}
