export { Rng, MAX_SEED, checkSeed } from './rng';
