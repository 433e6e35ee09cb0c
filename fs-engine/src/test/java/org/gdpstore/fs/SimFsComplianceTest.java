package org.gdpstore.fs;

/** The compliance cases through the log-client on the in-process simulator. */
class SimFsComplianceTest extends FsComplianceTest {
  @Override
  LogBackend newBackend() {
    return LogBackend.simulator();
  }
}
