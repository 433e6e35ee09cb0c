package org.gdpstore.fs;

/** TensorFlow's compliance cases through the log-client on the in-process simulator. */
class SimTfModularFileSystemTest extends TfModularFileSystemTest {
  @Override
  LogBackend newBackend() {
    return LogBackend.simulator();
  }
}
