import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../ir/errors.js';

/** What kind of artifact a path holds, from its bytes (and, for folders, its layout), not its name alone. */
export type SourceFormat = 'onnx' | 'torch-zip' | 'tf-saved-model' | 'tf-graphdef' | 'tfjs';

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

export function detectFormat(file: string): SourceFormat {
  if (!fs.existsSync(file)) throw new UsageError(`${file} does not exist`);
  const st = fs.statSync(file);
  if (st.isDirectory()) {
    if (fs.existsSync(path.join(file, 'saved_model.pb')) || fs.existsSync(path.join(file, 'saved_model.pbtxt'))) return 'tf-saved-model';
    throw new UsageError(`${file} is a folder without saved_model.pb: not a TensorFlow SavedModel`);
  }
  const head = Buffer.alloc(8);
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, head, 0, 8, 0);
  } finally {
    fs.closeSync(fd);
  }
  if (ZIP_MAGIC.every((b, i) => head[i] === b)) return 'torch-zip';
  if (head.subarray(0, 8).toString('latin1') === 'PYTORCH1') return 'torch-zip';
  const ext = path.extname(file).toLowerCase();
  if (ext === '.json') return 'tfjs';
  if (ext === '.pb') return 'tf-graphdef';
  return 'onnx';
}
