package org.gdpstore.fs;

/**
 * TensorFlow's {@code FileStatistics}: length in bytes (0 for directories), modification time in
 * nanoseconds since the Unix epoch (writer's clock), and whether the path is a directory.
 */
public record FileStatistics(long length, long mtimeNanos, boolean isDirectory) {}
