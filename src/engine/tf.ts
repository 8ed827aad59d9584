// The one place the engine imports tfjs from. Everything else does
// `import { tf } from '../tf'`, so the choice of package (and any
// initialisation it needs) lives here.
import * as tf from '@tensorflow/tfjs';

export { tf };
