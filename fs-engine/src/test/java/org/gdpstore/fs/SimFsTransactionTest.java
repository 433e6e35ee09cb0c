package org.gdpstore.fs;

/** Transactions, snapshots, KV and cache through the log-client on the simulator. */
class SimFsTransactionTest extends FsTransactionTest {
  @Override
  LogBackend newBackend() {
    return LogBackend.simulator();
  }
}
