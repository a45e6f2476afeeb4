#!/usr/bin/env node
// The `zookit-server` command. The CLI itself is built to dist/cli.js; this committed file is the
// package's bin so that installing the package (a fresh clone's `pnpm install` included, before
// anything is built) finds the file it links. Run `pnpm build` before using it from a clone.
import '../dist/cli.js';
