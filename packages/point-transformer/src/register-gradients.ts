/**
 * Makes every tfjs-core op differentiable (so PCT trains): importing `@heed/attention` registers
 * all op gradients through tfjs-layers (see that package's `register-gradients.ts` for why).
 */
import '@heed/attention';
