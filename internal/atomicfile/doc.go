// Package atomicfile writes, renames and removes files so that a crash or power cut leaves either
// the old file or the whole new one, on Linux and on Windows alike.
//
// On Linux: a temporary file in the same folder, fsync, rename, fsync of the folder. On Windows a
// folder cannot be opened for flushing (FlushFileBuffers needs write access), so the file is
// flushed and renamed with MoveFileEx(MOVEFILE_WRITE_THROUGH), which returns only once the rename
// is on disk; and because another program (an antivirus scan, the PDF viewer) may hold the file for
// a moment, renames and removals are retried for a bounded time while Windows says it is in use.
// Used by storage, portal/refportal and scanner/folder; imports nothing of the project.
package atomicfile
