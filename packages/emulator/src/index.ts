// @privacy-number/emulator: a local stand-in for the Volcengine vms and Aliyun dypls
// privacy-number APIs (signatures, state, faults, call pushes), for tests, demos and benchmarks.
export { startEmulator, DEFAULT_CREDENTIALS, DEFAULT_CITIES } from './emulator'
export type {
  Emulator,
  EmulatorOptions,
  EmulatorState,
  BindingView,
  GroupView,
  PoolSeed,
  VolcengineEndpoint,
  AliyunEndpoint,
} from './emulator'
export type { Fault, FaultRule, Faults } from './faults'
export type {
  CallbackTargets,
  VolcengineCallbackTarget,
  AliyunCallbackTarget,
  AliyunMessageType,
  SimulatedCallRequest,
  SimulatedCall,
  PushedEvent,
} from './calls'
export type { EmulatorClock, BaseClock } from './clock'
export type { Vendor, BindingKind } from './store'
