package org.gdpstore.fs;

import java.nio.ByteBuffer;

/** A whole file read into memory, verified (TensorFlow's ReadOnlyMemoryRegion). Thread-safe. */
public interface ReadOnlyMemoryRegion {
  /** The content, read-only; each call returns a fresh view positioned at 0. */
  ByteBuffer data();

  long length();
}
