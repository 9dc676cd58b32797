/**
 * Makes every tfjs-core op differentiable, so all of Heed's attention trains out of the box.
 *
 * Why through tfjs-layers: tfjs-core's Node bundle ships no gradient registrations, and its
 * `dist/register_all_gradients` module is ESM that Node cannot load from that CommonJS package.
 * tfjs-layers registers them in both of its builds (Node bundle and ESM), against the same
 * tfjs-core instance the app uses.
 */
import '@tensorflow/tfjs-layers';
