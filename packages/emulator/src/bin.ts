#!/usr/bin/env node
// privacy-number-emulator: starts both vendor emulators, prints their endpoints and
// credentials, and stops cleanly on SIGINT/SIGTERM.
import { runCli } from './cli'

void runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  onStop: (stop) => {
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  },
}).then((code) => process.exit(code))
