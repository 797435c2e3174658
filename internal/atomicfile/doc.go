// Package atomicfile writes files so that a crash or power cut leaves either the old file or the
// whole new one: a temporary file in the same folder, fsync, rename, fsync of the folder.
package atomicfile
