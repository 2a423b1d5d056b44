#!/usr/bin/env node
// Runs the compiled CLI (dist/, from `npm run build`) when it is up to date; otherwise runs the TypeScript sources
// through sucrase's require hook, which strips the types file by file as they load (no type-check, no program
// build: a fresh checkout starts in well under a second, the commands loading only the modules they use).
"use strict";
const fs = require("fs");
const path = require("path");

const root = path.join(__dirname, "..");
const compiled = path.join(root, "dist", "src", "cli", "main.js");

function newestSource(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (entry.name.endsWith(".ts")) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

function compiledIsFresh() {
  if (!fs.existsSync(compiled)) return false;
  const built = fs.statSync(compiled).mtimeMs;
  return ["src", "reference"].every(
    (d) => !fs.existsSync(path.join(root, d)) || newestSource(path.join(root, d)) <= built,
  );
}

if (compiledIsFresh()) {
  require(compiled).runFromProcess();
} else {
  require("sucrase/register/ts");
  require(path.join(root, "src", "cli", "main.ts")).runFromProcess();
}
