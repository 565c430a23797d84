import assert from 'node:assert/strict';
import { notifySlack, slackMessage, type SlackEvent } from '../src/adapters/slack/notify.js';
import { Recorder } from './helpers/recorder.js';

const RUN = 'https://github.com/acme/invoicing/actions/runs/7';
const changes = [
  { id: '2026-11-24-add-invoice-due-date', ticket: 'INV-1234', title: 'Add due_date to invoices' },
  { id: '2026-11-25-drop-legacy-totals', ticket: 'INV-1240', title: 'Drop <legacy> totals & sums' },
];
const base: Omit<SlackEvent, 'phase'> = {
  environment: 'prod',
  database: 'invoicingdb',
  changes,
  approver: 'erin',
  snapshotId: 'changegate-prodinvoicingdb-20261125-0412',
  runUrl: RUN,
  channel: '#invoicing-dev',
};

const CHANGE_LIST = {
  type: 'section',
  text: {
    type: 'mrkdwn',
    text:
      '• `2026-11-24-add-invoice-due-date` INV-1234 Add due_date to invoices\n' +
      '• `2026-11-25-drop-legacy-totals` INV-1240 Drop &lt;legacy&gt; totals &amp; sums',
  },
};
const FACTS = {
  type: 'section',
  fields: [
    { type: 'mrkdwn', text: '*Approved by*\nerin' },
    { type: 'mrkdwn', text: '*Snapshot*\n`changegate-prodinvoicingdb-20261125-0412`' },
  ],
};
const LINK = { type: 'context', elements: [{ type: 'mrkdwn', text: `<${RUN}|Workflow run>` }] };

describe('slack messages', () => {
  it('start', () => {
    assert.deepEqual(slackMessage({ ...base, phase: 'start' }), {
      text: 'changegate: applying 2 changes to prod (invoicingdb) (INV-1234, INV-1240)',
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: ':arrow_forward: *changegate: applying 2 changes to prod (invoicingdb)*' } },
        CHANGE_LIST,
        FACTS,
        LINK,
      ],
      channel: '#invoicing-dev',
    });
  });

  it('success', () => {
    assert.deepEqual(slackMessage({ ...base, phase: 'success', changes: changes.slice(0, 1), snapshotId: null, channel: undefined }), {
      text: 'changegate: applied 1 change to prod (invoicingdb) (INV-1234)',
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: ':white_check_mark: *changegate: applied 1 change to prod (invoicingdb)*' } },
        { type: 'section', text: { type: 'mrkdwn', text: '• `2026-11-24-add-invoice-due-date` INV-1234 Add due_date to invoices' } },
        { type: 'section', fields: [{ type: 'mrkdwn', text: '*Approved by*\nerin' }] },
        LINK,
      ],
    });
  });

  it('an emergency says so first, with its reason escaped', () => {
    const msg = slackMessage({ ...base, phase: 'start', changes: changes.slice(0, 1), emergency: 'invoices <stuck> & late' });
    assert.equal(msg.text, 'EMERGENCY changegate: applying 1 change to prod (invoicingdb) (INV-1234)');
    assert.deepEqual(msg.blocks![1], { type: 'section', text: { type: 'mrkdwn', text: ':rotating_light: *Emergency, outside the maintenance windows*\ninvoices &lt;stuck&gt; &amp; late' } });
  });

  it('failure, with the error redacted and shortened', () => {
    const error =
      "Statement 2 of 2026-11-25-drop-legacy-totals failed (migrations/2026-11-25-drop-legacy-totals/up.sql:4): " +
      "ER_ACCESS_DENIED_ERROR: Access denied for user 'admin'@'10.0.0.5' via mysql://admin:s3cret@db:3306 ```" +
      'x'.repeat(700);
    const msg = slackMessage({ ...base, phase: 'failure', error });
    assert.equal(msg.text, 'changegate: FAILED applying to prod (invoicingdb) (INV-1234, INV-1240)');
    assert.deepEqual(msg.blocks![0], { type: 'section', text: { type: 'mrkdwn', text: ':x: *changegate: FAILED applying to prod (invoicingdb)*' } });
    const errBlock = msg.blocks![3] as { text: { text: string } };
    const kept =
      "Statement 2 of 2026-11-25-drop-legacy-totals failed (migrations/2026-11-25-drop-legacy-totals/up.sql:4): " +
      "ER_ACCESS_DENIED_ERROR: Access denied for user 'admin'@'10.0.0.5' via mysql://admin:***@db:3306 '''";
    // At most 600 characters: what is kept, the x's that fit, and an ellipsis.
    assert.equal(errBlock.text.text, '*Error*\n```' + kept + 'x'.repeat(599 - kept.length) + '…```');
    assert.deepEqual(msg.blocks![4], LINK);
    assert.ok(!JSON.stringify(msg).includes('s3cret'));
  });
});

describe('slack delivery through the real IncomingWebhook', () => {
  let rec: Recorder;
  beforeEach(async () => {
    rec = await new Recorder().start();
  });
  afterEach(() => rec.close());

  const target = () => ({ webhookEnv: 'SLACK_WEBHOOK_URL', env: { SLACK_WEBHOOK_URL: rec.slackUrl } });

  it('posts the start, success and failure payloads as JSON', async () => {
    for (const phase of ['start', 'success', 'failure'] as const) {
      assert.equal(await notifySlack({ ...base, phase, error: 'boom' }, target()), undefined);
    }
    const posts = rec.find('/slack/');
    assert.deepEqual(posts.map((p) => p.method), ['POST', 'POST', 'POST']);
    assert.equal(posts[0].headers['content-type'], 'application/json');
    assert.deepEqual(posts.map((p) => p.body), [
      slackMessage({ ...base, phase: 'start', error: 'boom' }),
      slackMessage({ ...base, phase: 'success', error: 'boom' }),
      slackMessage({ ...base, phase: 'failure', error: 'boom' }),
    ]);
  });

  it('turns a Slack outage into a warning after one retry, never a throw', async () => {
    rec.slackStatus = 500;
    const warning = await notifySlack({ ...base, phase: 'failure', error: 'boom' }, target());
    assert.equal(warning, 'Slack notification (failure, prod) not sent: HTTP 500');
    assert.equal(rec.find('/slack/').length, 2);
  });

  it('does not retry a rejected webhook (404) and keeps the URL out of the warning', async () => {
    rec.slackStatus = 404;
    const warning = await notifySlack({ ...base, phase: 'start' }, target());
    assert.equal(warning, 'Slack notification (start, prod) not sent: HTTP 404');
    assert.equal(rec.find('/slack/').length, 1);
  });

  it('warns when Slack cannot be reached at all, without the webhook URL', async () => {
    const url = rec.slackUrl;
    await rec.close();
    const warning = await notifySlack({ ...base, phase: 'start' }, { webhookEnv: 'HOOK', env: { HOOK: url }, retry: { retries: 0 } });
    assert.equal(warning, 'Slack notification (start, prod) not sent: A request error occurred: fetch failed (ECONNREFUSED)');
    assert.ok(!warning!.includes('/slack/services'), warning);
  });

  it('sends nothing and says nothing when the named variable is unset', async () => {
    assert.equal(await notifySlack({ ...base, phase: 'start' }, { webhookEnv: 'SLACK_WEBHOOK_URL', env: {} }), undefined);
    assert.equal(await notifySlack({ ...base, phase: 'start' }, { webhookEnv: 'OTHER', env: { SLACK_WEBHOOK_URL: rec.slackUrl } }), undefined);
    assert.equal(rec.requests.length, 0);
  });
});
