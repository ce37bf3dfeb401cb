// Runs dynalite in its own process, so the emulator's work uses the second core instead of the
// handlers' event loop. Started by emulators.ts with fork(); reports its port over IPC and exits
// with its parent.
const dynalite = require('dynalite');

const options = JSON.parse(process.argv[2] || '{}');
const server = dynalite({ path: options.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: server.address().port });
});
// Ctrl-C in a terminal reaches the whole process group: let the parent decide when to stop.
process.on('SIGINT', () => undefined);
process.on('disconnect', () => {
  server.close(() => process.exit(0));
});
