import { tf } from '../engine/tf';

/**
 * tfjs' cpu backend prints a multi-line "install tfjs-node" banner on stderr
 * the first time it stores a tensor. The CLI already reports the backend and
 * why the others were skipped, and promises one line per error on stderr, so
 * production mode (which silences tfjs' warnings) is on for every command.
 */
export function quietTfjs(): void {
  tf.env().set('PROD', true);
}
