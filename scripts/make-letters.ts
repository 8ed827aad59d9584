// A stand-in for the "letters A–E" check of issue 13 (the budget rule's
// target): 8 training images per class, each in a different font, and a
// validation set in fonts the training set never shows. Rendered white on
// black at 28×28 like MNIST, so the demo model (an MNIST digit CNN) can be
// transferred to it. Only the DejaVu families are assumed (Debian's
// fonts-dejavu-core); deterministic for a given fontconfig.
//   node --import tsx scripts/make-letters.ts OUT_DIR
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';

const LETTERS = ['A', 'B', 'C', 'D', 'E'];
type Font = { family: string; weight?: string; style?: string };
const TRAIN_FONTS: Font[] = [
  { family: 'DejaVu Sans' },
  { family: 'DejaVu Sans', weight: 'bold' },
  { family: 'DejaVu Sans', style: 'oblique' },
  { family: 'DejaVu Sans Mono' },
  { family: 'DejaVu Sans Mono', weight: 'bold' },
  { family: 'DejaVu Serif' },
  { family: 'DejaVu Serif', weight: 'bold' },
  { family: 'DejaVu Sans Condensed' },
];
/** Fonts no training image uses. */
const VALIDATION_FONTS: Font[] = [
  { family: 'DejaVu Serif', style: 'italic' },
  { family: 'DejaVu Serif', weight: 'bold', style: 'italic' },
  { family: 'DejaVu Sans Mono', style: 'oblique' },
  { family: 'DejaVu Sans', weight: 'bold', style: 'oblique' },
  { family: 'DejaVu Serif Condensed' },
  { family: 'DejaVu Sans Light' },
];
/** Size and offset variations of each validation font, so that the accuracy rests on more than 6 images per class. */
const JITTER = [
  { size: 22, dx: 0, dy: 0 },
  { size: 19, dx: -1, dy: 1 },
  { size: 24, dx: 1, dy: -1 },
  { size: 20, dx: 1, dy: 1 },
];

function svg(letter: string, font: Font, size: number, dx: number, dy: number): Buffer {
  const attrs = `font-family="${font.family}" font-weight="${font.weight ?? 'normal'}" font-style="${font.style ?? 'normal'}" font-size="${size}"`;
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="28" height="28"><rect width="28" height="28" fill="black"/>` +
      `<text x="${14 + dx}" y="${14 + size * 0.36 + dy}" text-anchor="middle" fill="white" ${attrs}>${letter}</text></svg>`,
  );
}

async function main(out: string): Promise<void> {
  for (const letter of LETTERS) {
    const trainDir = join(out, 'train', letter);
    const valDir = join(out, 'validation', letter);
    mkdirSync(trainDir, { recursive: true });
    mkdirSync(valDir, { recursive: true });
    for (const [i, font] of TRAIN_FONTS.entries()) await sharp(svg(letter, font, 22, 0, 0)).greyscale().png().toFile(join(trainDir, `${i}.png`));
    for (const [i, font] of VALIDATION_FONTS.entries()) {
      for (const [j, v] of JITTER.entries()) await sharp(svg(letter, font, v.size, v.dx, v.dy)).greyscale().png().toFile(join(valDir, `${i}-${j}.png`));
    }
  }
  process.stdout.write(`${out}: ${LETTERS.length} classes, ${TRAIN_FONTS.length} training and ${VALIDATION_FONTS.length * JITTER.length} validation images each\n`);
}

void main(process.argv[2] ?? 'letters');
