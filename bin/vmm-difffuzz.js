#!/usr/bin/env node
// Runs the compiled CLI (dist/, from `npm run build`); falls back to the TypeScript sources when dist/ is missing
// or older than a source file, so a checkout works before and after a build.
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
  require("ts-node").register({ transpileOnly: true, project: path.join(root, "tsconfig.json") });
  require(path.join(root, "src", "cli", "main.ts")).runFromProcess();
}
