export type UploadedArchiveFormat = 'zip' | 'tar.gz' | 'tar';

/** Recognises an archive by its first bytes, whatever the client called it. */
export function sniffArchiveFormat(head: Buffer): UploadedArchiveFormat | null {
  if (head.length >= 4 && head.readUInt32BE(0) === 0x504b0304) return 'zip';
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'tar.gz';
  if (head.length >= 262 && head.subarray(257, 262).toString('latin1') === 'ustar') return 'tar';
  return null;
}
