// `changegate merge <file...>`: the JSON documents that the shard jobs of a matrix wrote (`apply
// --shard i/N --format json`) as one report of the whole fleet: its text, its document, its job
// summary, and with --pull-request one comment on the pull request, updated in place.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../../core/errors.js';
import { fleetReport, mergeExit, mergeFleetReports, mergeNotes, type MergedFleet, type ShardDocument } from '../../core/fleet/merge.js';
import type { CommandContext } from '../context.js';
import { fleetMarkdown, fleetText } from '../fleet/render.js';
import { mdInline } from '../../adapters/github/markdown.js';

/** Merges the documents; 0 when every target applied or had nothing pending, 1 otherwise, 2 when the documents do not fit together. */
export default async function merge(ctx: CommandContext, files: string[], opts: { pullRequest?: string }): Promise<number> {
  const pr = opts.pullRequest === undefined ? null : Number(opts.pullRequest);
  if (pr !== null && (!Number.isInteger(pr) || pr < 1)) throw new UsageError(`--pull-request must be a pull request number, not "${opts.pullRequest}"`);
  const docs = files.map((file) => read(ctx, file));
  const merged = mergeFleetReports(docs);
  const notes = mergeNotes(merged);
  for (const line of [...fleetText(merged), ...notes]) ctx.out.info(line);
  ctx.out.setDocument(merged);
  ctx.out.output('applied', String(merged.summary['applied'] ?? 0));
  ctx.out.summary(() => markdown(merged, notes));
  if (pr !== null) await comment(ctx, pr, merged, notes);
  await tellTheTeam(ctx, merged);
  return mergeExit(merged);
}

// The one Slack message and ticket comment of a sharded fleet run: the shards said nothing. Only
// when changegate.yaml names a webhook variable that is set or a ticket system; a config that
// cannot be read tells nobody and says why.
async function tellTheTeam(ctx: CommandContext, doc: MergedFleet): Promise<void> {
  const { loadRepository } = await import('../../core/manifest/repository.js');
  const { config, changes } = loadRepository(ctx.root, { configFile: ctx.configFile });
  if (!config?.notify) return;
  if (!config.notify.ticket && (!config.notify.slack || !ctx.env[config.notify.slack.webhook_env])) return;
  if (doc.targets.every((t) => t.result === 'nothing-pending')) return;
  const { announce } = await import('../announce.js');
  const { changesOf, fleetAnnouncement } = await import('../fleet/announce.js');
  const repository = ctx.env.GITHUB_REPOSITORY;
  const runUrl = repository && ctx.env.GITHUB_RUN_ID ? `${ctx.env.GITHUB_SERVER_URL ?? 'https://github.com'}/${repository}/actions/runs/${ctx.env.GITHUB_RUN_ID}` : null;
  await announce(ctx, config, fleetAnnouncement(doc, changesOf(doc), runUrl), new Map(changes.map((c) => [c.id, c])));
}

// A missing file, a folder or text that is not JSON is named with its path, as the user gave it.
function read(ctx: CommandContext, file: string): ShardDocument {
  let text: string;
  try {
    text = readFileSync(path.resolve(ctx.root, file), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a file' : `cannot be read (${code ?? String(err)})`;
    throw new UsageError(`${file}: ${why}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${file} is not JSON (${text.trim() === '' ? 'it is empty' : (err as Error).message}); merge reads what apply --format json writes`);
  }
  return { file, doc: fleetReport(file, doc) };
}

function markdown(doc: MergedFleet, notes: string[]): string {
  const body = fleetMarkdown('apply', doc);
  return notes.length > 0 ? `${body}\n\n${notes.map((n) => `- ${mdInline(n)}`).join('\n')}` : body;
}

// One comment per environment on the pull request, kept apart from the plan comment by its marker.
async function comment(ctx: CommandContext, pr: number, doc: MergedFleet, notes: string[]): Promise<void> {
  const token = ctx.env.GITHUB_TOKEN;
  const repository = ctx.env.GITHUB_REPOSITORY;
  if (!token || !repository) throw new UsageError('merge --pull-request needs GITHUB_TOKEN and GITHUB_REPOSITORY (set by GitHub Actions)');
  const { upsertPlanComment } = await import('../../adapters/github/comment.js');
  const { githubClient } = await import('../../adapters/github/client.js');
  const { redact } = await import('../../core/redact.js');
  const marker = `<!-- changegate:fleet:${encodeURIComponent(doc.environment)} -->`;
  const runUrl = ctx.env.GITHUB_RUN_ID ? `${ctx.env.GITHUB_SERVER_URL ?? 'https://github.com'}/${repository}/actions/runs/${ctx.env.GITHUB_RUN_ID}` : null;
  const body = [
    marker,
    markdown(doc, notes),
    '',
    `<sub>changegate · ${mdInline(repository)}#${pr}${runUrl ? ` · [workflow run](${runUrl})` : ''} · updated in place on every run</sub>`,
  ].join('\n') + '\n';
  const octokit = githubClient(token, ctx.env.GITHUB_API_URL);
  const [owner, repo] = repository.split('/') as [string, string];
  const result = await upsertPlanComment(octokit, { owner, repo, prNumber: pr, body: redact(body), marker });
  ctx.out.info(`fleet comment ${result.action} on pull request #${pr}`);
}
