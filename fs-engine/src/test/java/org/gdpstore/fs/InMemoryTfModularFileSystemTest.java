package org.gdpstore.fs;

/** TensorFlow's compliance cases on the in-memory log store. */
class InMemoryTfModularFileSystemTest extends TfModularFileSystemTest {
  @Override
  LogBackend newBackend() {
    return LogBackend.memory();
  }
}
