package org.gdpstore.fs;

/** What {@code deleteRecursively} could not delete (TensorFlow's undeleted counters). */
public record DeleteResult(long undeletedFiles, long undeletedDirs) {}
