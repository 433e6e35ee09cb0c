package org.gdpstore.fs;

/** The compliance cases on the in-memory log store. */
class InMemoryFsComplianceTest extends FsComplianceTest {
  @Override
  LogBackend newBackend() {
    return LogBackend.memory();
  }
}
