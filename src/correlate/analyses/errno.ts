// What the strerror texts that RocksDB appends to I/O errors mean for a hard link, in glibc's and
// musl's wordings. Used to explain link failures whose errno is not "no hard links here".

/** Meaning of an errno text after `while link file to …`. */
export interface ErrnoInfo {
  name: string;
  meaning: string;
  /** True when the errno says the filesystem cannot create hard links at all. */
  noHardLinks: boolean;
}

const TABLE: [RegExp, ErrnoInfo][] = [
  [/^(?:Operation not supported|Not supported)$/, { name: 'EOPNOTSUPP', meaning: 'the filesystem does not support hard links', noHardLinks: true }],
  [/^Operation not permitted$/, { name: 'EPERM', meaning: 'the filesystem refuses to create hard links (typical of SMB/CIFS, FUSE object-store mounts and some NFS exports)', noHardLinks: true }],
  [/^Function not implemented$/, { name: 'ENOSYS', meaning: 'the filesystem driver has no link operation', noHardLinks: true }],
  [/^Incorrect function\.?$/, { name: 'ERROR_INVALID_FUNCTION', meaning: 'the Windows volume does not support hard links', noHardLinks: true }],
  [/^Permission denied$/, { name: 'EACCES', meaning: 'the TaskManager user may not write into the RocksDB directory (ownership or mode of the directory, or a security policy)', noHardLinks: false }],
  [/^Too many links$/, { name: 'EMLINK', meaning: 'the source file already has the maximum number of hard links the filesystem allows', noHardLinks: false }],
  [/^Read-only file system$/, { name: 'EROFS', meaning: 'the RocksDB directory is on a filesystem mounted read-only', noHardLinks: false }],
  [/^No space left on device$/, { name: 'ENOSPC', meaning: 'the disk holding the RocksDB directory is full (or out of inodes)', noHardLinks: false }],
  [/^(?:Input\/output error|I\/O error)$/, { name: 'EIO', meaning: 'the storage device or network mount returned an I/O error', noHardLinks: false }],
  [/^Stale file handle$/, { name: 'ESTALE', meaning: 'the NFS mount lost track of the file (server restarted or the export changed)', noHardLinks: false }],
  [/^File exists$/, { name: 'EEXIST', meaning: 'a file with the target name already exists in the checkpoint directory (left over from an earlier attempt)', noHardLinks: false }],
  [/^(?:Invalid cross-device link|Cross-device link)$/, { name: 'EXDEV', meaning: 'source and target are on different filesystems', noHardLinks: false }],
  [/^No locks available$/, { name: 'ENOLCK', meaning: 'the filesystem offers no POSIX file locks (typical of NFS without a lock daemon, and of some FUSE and SMB mounts)', noHardLinks: false }],
  [/^Resource temporarily unavailable$/, { name: 'EAGAIN', meaning: 'another process already holds the lock (usually a second TaskManager or a previous attempt still using the same directory)', noHardLinks: false }],
  [/^No such file or directory$/, { name: 'ENOENT', meaning: 'a file or directory disappeared under RocksDB', noHardLinks: false }],
];

/** Looks up an errno text; unknown texts get a neutral description. */
export function errnoInfo(text: string): ErrnoInfo {
  const t = text.trim();
  for (const [re, info] of TABLE) if (re.test(t)) return info;
  return { name: 'unknown', meaning: `the operating system reported "${t}"`, noHardLinks: false };
}

/** The `errno` analysis: the meaning of a captured `errno` text ({errnoName}, {errnoMeaning}). */
export const errno = {
  name: 'errno',
  enrich({ signals }: { signals: { fields: Record<string, string> }[] }) {
    const text = signals[0]?.fields.errno;
    if (!text) return {};
    const info = errnoInfo(text);
    return { values: { errnoName: info.name, errnoMeaning: info.meaning }, facts: { errno: { text: text.trim(), ...info } } };
  },
};
