import { tf } from '../tf';

/** Switches to `name` and proves it computes (1 + 2 = 3), reading the result the way every backend supports: asynchronously. */
export async function activate(name: string): Promise<void> {
  if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend('${name}') failed to initialise`);
  const sum = tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(2)));
  const [value] = await sum.data();
  sum.dispose();
  if (value !== 3) throw new Error(`the ${name} backend computed 1 + 2 = ${value}`);
}
