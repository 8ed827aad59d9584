// Trainer child-process entry (forked by the extension host).
process.on('message', () => undefined);
if (process.send) process.send({ type: 'hello' });
