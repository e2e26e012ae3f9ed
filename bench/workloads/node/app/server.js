// Benchmark workload: a small Node.js HTTP service. Ready when its port accepts connections.
'use strict';
const http = require('http');
const crypto = require('crypto');
const zlib = require('zlib');
const fs = require('fs');
const path = require('path');
const os = require('os');
const url = require('url');
const util = require('util');
const events = require('events');
const stream = require('stream');
const dns = require('dns');
const querystring = require('querystring');
const assert = require('assert');

const port = Number(process.env.PORT || 8080);
const started = Date.now();
const config = { name: 'bench-node', host: os.hostname(), pid: process.pid };
const etag = crypto.createHash('sha256').update(JSON.stringify(config)).digest('hex');
assert.ok(etag.length === 64);

const server = http.createServer((req, res) => {
  const { pathname, query } = url.parse(req.url, true);
  const body = JSON.stringify({ path: pathname, query, uptimeMs: Date.now() - started, ...config });
  res.writeHead(200, { 'content-type': 'application/json', etag });
  res.end(zlib.gzipSync(body).length > 0 ? body : '');
});
server.listen(port, '127.0.0.1', () => {
  console.log(util.format('%s listening on %d (%s)', config.name, port, path.basename(__filename)));
});
