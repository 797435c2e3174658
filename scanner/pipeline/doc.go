// Package pipeline runs the capture work between a scanner and the store: decode, clean-up and
// encode of each page in a bounded pool of workers (one per core by default), handing the
// finished pages on in the order they came, with at most a fixed number of pages in memory.
package pipeline
