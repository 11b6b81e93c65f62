/**
 * @samsa/test-support: the helpers every package's tests share. Private: a devDependency only, never
 * imported by published code. The RecordBatch encoder (`@samsa/test-support/record-batches`) and the
 * security probe (`@samsa/test-support/security-probe`) are subpaths: they need @samsa/protocol, which this
 * entry point does not, so protocol's own tests can use it.
 */
export { kcat, type MockCluster, runKcat, startMockCluster } from './kcat.js';
export {
  type Peer,
  type PeerMode,
  type PeerOptions,
  PYTHON,
  peerMode,
  probeCommand,
  REQUIRE_PEERS_VARIABLE,
  requirePeer,
} from './peers.js';
export {
  type AppliedAssignment,
  type PlatformaticAssignments,
  type PlatformaticOffsetsEvents,
  watchAppliedAssignment,
} from './platformatic-assignment.js';
export {
  type Background,
  type ExitStatus,
  isRunning,
  type ProcessOptions,
  type ProcessResult,
  type RunOptions,
  run,
  runScript,
  scriptNodeArgs,
  start,
  startScript,
  stopPid,
  type WaitForOutputOptions,
} from './processes.js';
export { DEFAULT_WAIT_TIMEOUT_MS, type WaitOptions, waitFor } from './wait.js';
