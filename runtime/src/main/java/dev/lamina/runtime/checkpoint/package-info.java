/**
 * Checkpoints of a training run: parameters, buffers, optimizer state and the position in the run,
 * written atomically in a documented binary format ({@link dev.lamina.runtime.checkpoint.CheckpointFile})
 * that runs no code when read, and verified by a SHA-256 checksum.
 */
package dev.lamina.runtime.checkpoint;
