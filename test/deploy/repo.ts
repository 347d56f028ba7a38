import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const readRepoFile = (relative: string): string => readFileSync(path.join(ROOT, relative), 'utf8');
