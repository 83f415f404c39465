// Preloaded into the server (NODE_OPTIONS=--require) where a tiny tmpfs cannot be mounted:
// while the flag file exists, opening a file for writing under the state dir fails with
// ENOSPC, the way a full disk refuses a save.
const fs = require('node:fs');
const path = require('node:path');

const stateDir = process.env.PSM_ENOSPC_DIR;
const flagFile = process.env.PSM_ENOSPC_FLAG;

function diskFull(target, flags) {
  if (!stateDir || !flagFile || typeof target !== 'string') return false;
  const writing = typeof flags === 'string' && /[wa+]/.test(flags);
  return writing && path.resolve(target).startsWith(stateDir + path.sep) && fs.existsSync(flagFile);
}

function enospc(target) {
  return Object.assign(new Error(`ENOSPC: no space left on device, open '${target}'`), { code: 'ENOSPC', errno: -28, syscall: 'open', path: target });
}

const open = fs.promises.open;
fs.promises.open = function openUnlessFull(target, flags, mode) {
  if (diskFull(target, flags)) return Promise.reject(enospc(target));
  return open.call(this, target, flags, mode);
};
