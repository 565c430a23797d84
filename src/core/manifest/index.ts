// The manifest layer's public face: configuration, change manifests, environments and their order.
export { CODES, type ValidationCode } from './codes.js';
export { loadConfig, ENVIRONMENT_DEFAULTS, DEFAULT_MIN_VERSION } from './config.js';
export { manifestChecksum, changeChecksum } from './change.js';
export { environmentsInOrder, environmentKind, envMatrix, type MatrixEntry } from './environments.js';
export { compareDiagnostics, formatDiagnostic } from './format.js';
export { findCycles, dependencyOrder } from './graph.js';
export { ID_PATTERN, SLUG_PATTERN, idProblem, formatDate } from './ids.js';
export { checkRelativePath } from './paths.js';
export { loadRepository, type Repository, type RepositoryOptions } from './repository.js';
export { schemaUrl } from './schema.js';
