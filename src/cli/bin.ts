#!/usr/bin/env node
// The `changegate` executable: everything else lives in main.ts so tests can call run() in-process.
import { run } from './main.js';

// Every AWS SDK client warns on Node < 22 that its 2027 releases will need Node 22. A CLI user cannot
// act on that (the workflows run Node 24; `engines` still allows 20, which this package supports), and
// on stderr it reads like a problem with the run. The SDK's own switch, set before any client exists;
// a user who sets it otherwise keeps their choice.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// A reader that stops early (`changegate plan | head -1`) closes the pipe: the rest of the output has
// nowhere to go, which is no error of the command. It runs on and ends with its own exit code (an
// apply must never stop half-way because nobody reads its log); anything else still fails loudly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') return;
    throw err;
  });
}

process.exitCode = await run(process.argv.slice(2));
