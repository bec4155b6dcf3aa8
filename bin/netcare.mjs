#!/usr/bin/env node
// The `netcare` command: runs the TypeScript sources through tsx, so a checkout needs no build step
// for the server (the console is built by `serve` when its bundle is missing or stale).
import { register } from 'tsx/esm/api';
register();
await import('../server/src/cli.ts');
