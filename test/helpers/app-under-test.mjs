// A webhook handler app as `simulate --start` would run it, configured by environment:
// PORT (to listen on), STATUS (answer, default 200), READY_AFTER_MS (wait before listening),
// PIDS_FILE (appends its pid and a spawned child's), IGNORE_TERM (survive SIGTERM),
// EXIT_AFTER_MS (exit 7 after this long), ROWS (keep a row per delivery in memory, read at
// GET /state: a handler that is not idempotent, whose state a restart empties).
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { createServer } from 'node:http';

const env = process.env;
if (env.IGNORE_TERM) process.on('SIGTERM', () => console.log('ignoring SIGTERM'));
if (env.PIDS_FILE) {
  // A grandchild, as `npm start` → node leaves: it must be stopped with the app.
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  appendFileSync(env.PIDS_FILE, `${process.pid}\n${child.pid}\n`);
}
const rows = [];
const server = createServer((req, res) => {
  if (env.ROWS && req.method === 'GET' && req.url === '/state') return res.end(JSON.stringify({ rows }));
  if (env.ROWS) rows.push(req.method);
  req.resume();
  req.on('end', () => {
    res.statusCode = Number(env.STATUS ?? 200);
    res.end('ok');
  });
});
setTimeout(() => server.listen(Number(env.PORT), '127.0.0.1', () => console.log(`app listening on ${env.PORT}`)), Number(env.READY_AFTER_MS ?? 0));
console.error('app starting');
if (env.EXIT_AFTER_MS) setTimeout(() => process.exit(7), Number(env.EXIT_AFTER_MS));
