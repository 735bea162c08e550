// A webhook handler in its own process, so the load generators measured against it do not
// share its event loop. Usage: node handler-process.mjs <mode>; prints `port <n>`.
//   ok          answer 200 to everything
//   fail-first  answer 500 to the first delivery of every body
//   fail-half   answer 500 to the first delivery of bodies whose video id is even
//   rows        one row per video.ready delivery (not idempotent), one per video for the
//               other types (idempotent); GET /state reads the rows, POST /reset empties them
import { createServer } from 'node:http';

const mode = process.argv[2] ?? 'ok';
const seen = new Set();
const rows = [];
const videos = new Set();
const server = createServer((req, res) => {
  if (mode === 'rows' && req.url === '/state') return res.end(JSON.stringify({ rows, videos: videos.size }));
  if (mode === 'rows' && req.url === '/reset') {
    rows.length = 0;
    videos.clear();
    return res.end();
  }
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    if (mode === 'rows') {
      const event = JSON.parse(Buffer.concat(chunks).toString());
      if (event.event_type === 'video.ready') rows.push(event.video.id);
      else videos.add(event.video.id);
    } else if (mode !== 'ok') {
      const body = Buffer.concat(chunks).toString();
      const first = !seen.has(body);
      seen.add(body);
      const even = /"id": (\d+), "status"/.exec(body)?.[1] % 2 === 0;
      if (first && (mode === 'fail-first' || even)) {
        res.statusCode = 500;
        res.end('try again');
        return;
      }
    }
    res.end('ok');
  });
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`port ${server.address().port}\n`));
process.on('SIGTERM', () => process.exit(0));
