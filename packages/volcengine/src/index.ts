/**
 * @privacy-number/volcengine: the Volcengine `vms` (API 2022-01-01) privacy-number adapter.
 */
export {
  createVolcengineProvider,
  VOLCENGINE_CAPABILITIES,
  type VolcengineProvider,
  type VolcengineProviderOptions,
} from './provider'
export { signVolcengine, type VolcengineSignInput, type VolcengineSignedHeaders } from './signer'
export {
  VOLCENGINE_ERROR_CODES,
  mapVolcengineError,
  type VolcengineErrorRow,
  type VolcengineErrorTag,
} from './errors'
export {
  parseVolcengineCallback,
  volcengineAuthCode,
  volcengineCallbackRoute,
  type VolcengineCallbackRouteOptions,
  VOLCENGINE_CALL_RESULTS,
  type VolcengineCallbackInput,
} from './callbacks'
