/**
 * @privacy-number/aliyun: the Aliyun 号码隐私保护 (dypls, API 2017-05-25) adapter for
 * @privacy-number/core.
 */
export {
  createAliyunProvider,
  ALIYUN_CAPABILITIES,
  ALIYUN_DEFAULT_BATCH_SIZE,
  ALIYUN_MAX_BATCH_LIST_BYTES,
  ALIYUN_DEFAULT_ENDPOINT,
  type AliyunProvider,
  type AliyunProviderOptions,
} from './provider'
export {
  signRpcV1,
  signAcs3,
  signRequest,
  percentEncode,
  type RpcV1Input,
  type RpcV1Signature,
  type Acs3Input,
  type Acs3Signature,
  type SignRequestInput,
  type SignedRequest,
} from './signer'
export {
  ALIYUN_ERROR_CODES,
  ALIYUN_ERROR_PREFIXES,
  FORBIDDEN_ACTION_BY_MESSAGE,
  type AliyunErrorRule,
  type AliyunErrorTag,
} from './errors'
export {
  parseAliyunCallback,
  parseAliyunMnsMessage,
  aliyunCallbackRoute,
  type AliyunCallbackRouteOptions,
  ALIYUN_EVENT_TYPES,
  ALIYUN_RELEASE_CAUSES,
  ALIYUN_UNCONNECTED_CAUSES,
  type AliyunCallbackInput,
  type AliyunReceiptType,
} from './callbacks'
