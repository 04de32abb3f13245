#!/usr/bin/env node
import { fileURLToPath } from 'node:url';
import { launch } from './launch.js';

launch(fileURLToPath(new URL('../src/cli.ts', import.meta.url)), import.meta.url);
