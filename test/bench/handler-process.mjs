// A webhook handler in its own process, so the load generators measured against it do not
// share its event loop. Usage: node handler-process.mjs <mode>; prints `port <n>`.
//   ok          answer 200 to everything
//   fail-first  answer 500 to the first delivery of every body
//   fail-half   answer 500 to the first delivery of bodies whose video id is even
import { createServer } from 'node:http';

const mode = process.argv[2] ?? 'ok';
const seen = new Set();
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    if (mode !== 'ok') {
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
