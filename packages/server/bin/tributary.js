#!/usr/bin/env node
import { fileURLToPath } from 'node:url';
import { launch } from 'tributary-sandbox/launch';

launch(fileURLToPath(new URL('../src/main.ts', import.meta.url)), import.meta.url);
