// The analyzers, in the order their findings are produced. A new rule is one file here and its test.
import type { Analyzer, RuleInfo } from '../analyzer.js';
import { accountsAnalyzer } from './accounts.js';
import { alterAlgorithmAnalyzer } from './alter-algorithm.js';
import { batchAnalyzer } from './batch.js';
import { definerAnalyzer } from './definer.js';
import { destructiveAnalyzer } from './destructive.js';
import { engineAnalyzer } from './engine.js';
import { globalVariablesAnalyzer } from './global-variables.js';
import { lockTablesAnalyzer } from './lock-tables.js';
import { mixedDdlDmlAnalyzer } from './mixed-ddl-dml.js';
import { nolintAnalyzer } from './nolint.js';
import { notNullWithoutDefaultAnalyzer } from './not-null-without-default.js';
import { primaryKeyAnalyzer } from './primary-key.js';
import { schemaQualifiedAnalyzer } from './schema-qualified.js';
import { serverAdminAnalyzer } from './server-admin.js';
import { sessionSafetyAnalyzer } from './session-safety.js';
import { transactionControlAnalyzer } from './transaction-control.js';
import { useSchemaAnalyzer } from './use-schema.js';
import { whereClauseAnalyzer } from './where-clause.js';

let registry: Readonly<Record<string, RuleInfo>> = {};

/** Called once by the runner with the built registry (the nolint check needs every code). */
export function setRegistry(rules: Readonly<Record<string, RuleInfo>>): void {
  registry = rules;
}

export const ANALYZERS: readonly Analyzer[] = [
  destructiveAnalyzer,
  notNullWithoutDefaultAnalyzer,
  schemaQualifiedAnalyzer,
  useSchemaAnalyzer,
  lockTablesAnalyzer,
  globalVariablesAnalyzer,
  accountsAnalyzer,
  mixedDdlDmlAnalyzer,
  engineAnalyzer,
  whereClauseAnalyzer,
  batchAnalyzer,
  transactionControlAnalyzer,
  serverAdminAnalyzer,
  definerAnalyzer,
  sessionSafetyAnalyzer,
  alterAlgorithmAnalyzer,
  primaryKeyAnalyzer,
  nolintAnalyzer(() => registry),
];
